package export

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"wirebook/server/lesson"
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
func Notebook(w io.Writer, lessons []*syllabus.Lesson, base string) error {
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
		for bi, b := range l.Blocks {
			id := prefix + "b" + strconv.Itoa(bi+1)
			if b.Cell == nil {
				nb.Cells = append(nb.Cells, markdownCell(id, proseLinks(b.Prose, base, nil)))
				continue
			}
			c, err := codeCell(id, b.Cell, base)
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

func codeCell(id string, c *lesson.Cell, base string) (nbCell, error) {
	if isWebSocket(c.Request.Target) {
		return markdownCell(id, "<p>Cell "+strconv.Itoa(c.N)+" opens a WebSocket (<code>"+
			htmlEscape(c.Request.Method+" "+c.Request.Target)+"</code>), which Python requests cannot: run it in the lesson page.</p>"), nil
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
	switch {
	case c.Exercise && c.Request.Method == "":
		// The lesson's request does not parse yet: the student writes it.
		b.WriteString("# The lesson starts you from:\n")
		for l := range strings.SplitSeq(c.Text, "\n") {
			b.WriteString(strings.TrimRight("# "+l, " ") + "\n")
		}
	default:
		url, err := target.URL(c.Request, base)
		if err != nil {
			return nbCell{}, err
		}
		b.WriteString(codegen.Python(c.Request, base, codegen.BodyFor(c.Stream, url, "")))
	}
	outputs := []any{}
	return nbCell{CellType: "code", ID: id, Metadata: map[string]any{},
		Source: lines(strings.TrimRight(b.String(), "\n")), ExecutionCount: json.RawMessage("null"), Outputs: &outputs}, nil
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
