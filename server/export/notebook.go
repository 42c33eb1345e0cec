package export

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"wirebook/server/syllabus"
	"wirebook/wasm/codegen"
	"wirebook/wasm/target"
)

// nbformat 4.5 is the first minor version whose cells carry an id, which
// Jupyter asks for and nbformat.validate checks.
const nbformatMinor = 5

type notebook struct {
	Cells         []nbCell   `json:"cells"`
	Metadata      nbMetadata `json:"metadata"`
	NBFormat      int        `json:"nbformat"`
	NBFormatMinor int        `json:"nbformat_minor"`
}

type nbMetadata struct {
	KernelSpec   nbKernelSpec   `json:"kernelspec"`
	LanguageInfo nbLanguageInfo `json:"language_info"`
}

type nbKernelSpec struct {
	DisplayName string `json:"display_name"`
	Language    string `json:"language"`
	Name        string `json:"name"`
}

type nbLanguageInfo struct {
	Name string `json:"name"`
}

// nbCell is a markdown or code cell; only code cells have an execution
// count and outputs, and the schema refuses them on markdown cells.
type nbCell struct {
	CellType       string          `json:"cell_type"`
	ID             string          `json:"id"`
	Metadata       map[string]any  `json:"metadata"`
	Source         []string        `json:"source"`
	ExecutionCount json.RawMessage `json:"execution_count,omitempty"` // null on code cells: never run
	Outputs        *[]any          `json:"outputs,omitempty"`
}

// Notebook writes the lessons as one Jupyter notebook: each prose block a
// Markdown cell, each request cell a Python requests code cell from
// codegen.Python (what the page's "Copy as Python" gives), with no
// outputs. The prose is the HTML the lesson page shows, inside a Markdown
// cell (Jupyter renders HTML there): package lesson keeps no Markdown
// source per block. Its links to the course go to the wirebook at base. A
// cell's expectations head its code as comments; an exercise's code is
// the student's starting request, not its solution, and a starting
// request that does not parse yet is left as a comment. A WebSocket cell
// becomes a Markdown note: requests cannot open one.
//
// With a student's work, a cell they edited is their request, and a cell
// that ran carries its In [n] and its saved output as Jupyter would have
// shown it (see nbOutputs); an edit that does not parse is kept as a
// comment saying why.
func Notebook(w io.Writer, lessons []*syllabus.Lesson, base string, work Work) error {
	if len(lessons) == 0 {
		return errNoLessons
	}
	nb := notebook{
		Cells: []nbCell{},
		Metadata: nbMetadata{
			KernelSpec:   nbKernelSpec{DisplayName: "Python 3", Language: "python", Name: "python3"},
			LanguageInfo: nbLanguageInfo{Name: "python"},
		},
		NBFormat: 4, NBFormatMinor: nbformatMinor,
	}
	for li, l := range lessons {
		prefix := "l" + strconv.Itoa(li+1) + "-"
		cells, next := worked(l, work[l.Slug]), 0
		for bi, b := range l.Blocks {
			id := prefix + "b" + strconv.Itoa(bi+1)
			if b.Cell == nil {
				nb.Cells = append(nb.Cells, markdownCell(id, proseLinks(b.Prose, base, nil)))
				continue
			}
			c, err := codeCell(id, cells[next], base)
			next++
			if err != nil {
				return err
			}
			nb.Cells = append(nb.Cells, c)
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")   // as Jupyter writes it, so a saved notebook diffs small
	enc.SetEscapeHTML(false) // the prose is HTML; \u003c would make it unreadable as text
	return enc.Encode(nb)
}

func markdownCell(id, html string) nbCell {
	return nbCell{CellType: "markdown", ID: id, Metadata: map[string]any{}, Source: lines(noBlankLines(html))}
}

// noBlankLines keeps HTML one HTML block in Markdown: a blank line ends
// one (CommonMark §4.6), and what follows, a <pre>'s indented lines say,
// would be read as Markdown. An empty comment fills each blank line, and
// renders as nothing, inside <pre> too.
func noBlankLines(html string) string {
	ls := strings.Split(strings.TrimRight(html, "\n"), "\n")
	for i, l := range ls {
		if strings.TrimSpace(l) == "" {
			ls[i] = "<!-- -->"
		}
	}
	return strings.Join(ls, "\n")
}

func codeCell(id string, cw cellWork, base string) (nbCell, error) {
	c, req := cw.Cell, cw.Req
	if cw.ParseErr == nil && isWebSocket(req.Target) {
		return markdownCell(id, "<p>Cell "+strconv.Itoa(c.N)+" opens a WebSocket (<code>"+
			htmlEscape(req.Method+" "+req.Target)+"</code>), which Python requests cannot: run it in the lesson page.</p>"+
			socketNote(cw.outputs())), nil
	}
	var b strings.Builder
	if c.Exercise {
		b.WriteString("# Exercise: change the request until every check below passes.\n")
	}
	if c.ExpectText != "" {
		b.WriteString("# Checks (Hurl):\n")
		for l := range strings.SplitSeq(strings.TrimRight(c.ExpectText, "\n"), "\n") {
			b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
		}
	}
	var body codegen.Body
	runnable := false // the source is code, not a request kept as comments
	switch {
	case cw.ParseErr != nil:
		commented(&b, "Your request is kept as you wrote it; it does not parse as a request ("+cw.ParseErr.Error()+"):", cw.Text)
	case c.Exercise && req.Method == "":
		// The lesson's request does not parse yet: the student writes it.
		commented(&b, "The lesson starts you from:", cw.Text)
	default:
		url, err := target.URL(req, base)
		if err != nil && cw.Edited {
			commented(&b, "Your request is kept as you wrote it; its target cannot be placed on "+base+" ("+err.Error()+"):", cw.Text)
			break
		}
		if err != nil {
			return nbCell{}, err
		}
		body = codegen.BodyFor(c.Stream, url, shownKind(cw.outputs()))
		b.WriteString(codegen.Python(req, base, body))
		runnable = true
	}
	source := strings.TrimRight(b.String(), "\n")
	count, outputs := json.RawMessage("null"), []any{}
	if runnable && cw.count() > 0 {
		count = json.RawMessage(strconv.Itoa(cw.count()))
		outputs = nbOutputs(cw.outputs(), req.Method, body, source)
	}
	return nbCell{CellType: "code", ID: id, Metadata: map[string]any{},
		Source: lines(source), ExecutionCount: count, Outputs: &outputs}, nil
}

// commented writes a request that cannot be code as comments under a
// line saying why, so the cell still runs (and does nothing).
func commented(b *strings.Builder, why, text string) {
	b.WriteString("# " + why + "\n")
	for l := range strings.SplitSeq(text, "\n") {
		b.WriteString(strings.TrimRight("# "+strings.TrimRight(l, "\r"), " ") + "\n")
	}
}

// lines splits text as nbformat stores a source: each line with its
// newline, the last without.
func lines(text string) []string {
	if text == "" {
		return []string{}
	}
	return strings.SplitAfter(text, "\n")
}

var htmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;").Replace
