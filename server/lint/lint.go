// Package lint finds what in a lesson parses but is almost surely not what
// its author meant: a fence that looks like a request cell but is plain
// code, two requests in one cell, a cell the relay will refuse to send, a
// heading written twice, a lesson with no title. Each is a Warning, not an
// error: the lesson is served and checked as it is, and only `wirebook check
// -strict` fails on them. Lesson authors meet these traps silently: the page
// shows something, just not what they wrote the lesson for.
//
// Positions are read from the Markdown source with goldmark, the parser the
// lesson package uses, so a fence inside a list or a heading-like line in a
// code block is what the page makes of it, and every line is the line an
// editor shows.
package lint

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"wirebook/server/lesson"
	"wirebook/server/wireproto"
)

// The rules, by the short names a warning carries.
const (
	// FenceCase: a fence whose info string starts with http in another
	// case (```HTTP, ```Http) is plain code, not a request cell.
	FenceCase = "fence-case"
	// TwoRequests: a line inside a cell, after its request line, that is a
	// request line of its own; it goes out as part of the first request.
	TwoRequests = "two-requests"
	// RefusedTarget: a cell's full URL that the relay, configured as the
	// caller says, would refuse to send to.
	RefusedTarget = "refused-target"
	// RepeatedHeading: a heading with the same text and level as one before
	// it in the lesson.
	RepeatedHeading = "repeated-heading"
	// NoTitle: no level-1 heading, so nothing names the lesson.
	NoTitle = "no-title"
)

// Warning is one finding: the file, the 1-based line, the rule's name and
// what is wrong and what to write instead.
type Warning struct {
	File string
	Line int
	Rule string
	Msg  string
}

// String is "file:line: msg", the form editors and CI logs link to a line.
func (w Warning) String() string { return w.File + ":" + strconv.Itoa(w.Line) + ": " + w.Msg }

// markdown parses as the lesson package does. Heading ids and rendering do
// not matter here, only which blocks there are and where.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// Lint returns the warnings about the lesson in src, in the order of their
// lines; name is how they name the file. l is src as lesson.Parse read it:
// the cell rules need to know which blocks are cells and what their
// requests are, so with l nil only the rules about fences and headings run.
// refused says why the relay would refuse to send to a URL, or "" if it
// would not (relay.Relay.Refusal); it is asked only about a cell's full
// URLs, as a relative one goes to the page's own server. With refused nil,
// targets are not checked.
func Lint(name string, src []byte, l *lesson.Lesson, refused func(url string) string) []Warning {
	// As lesson.Parse does, so that lines are counted the same way.
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
	lt := &linter{name: name, src: src}
	doc := markdown.Parser().Parse(text.NewReader(src))
	fences := lt.fences(doc)
	lt.fenceCase(fences)
	lt.headings(doc)
	if l != nil {
		lt.cells(l, fences, refused)
	}
	slices.SortStableFunc(lt.out, func(a, b Warning) int { return a.Line - b.Line })
	return lt.out
}

// linter holds what every rule of one Lint needs.
type linter struct {
	name       string
	src        []byte
	lineStarts []int // offsets where each line begins, computed on first use
	out        []Warning
}

func (lt *linter) warn(line int, rule, msg string) {
	lt.out = append(lt.out, Warning{File: lt.name, Line: line, Rule: rule, Msg: msg})
}

// srcLine is one line of a block's content and where it is.
type srcLine struct {
	n    int // 1-based line in the file
	text string
}

// fence is a fenced code block, at the top level or nested.
type fence struct {
	line     int    // of the opening fence
	marker   string // "```" or "~~~" (or longer), as written
	info     string // the info string, as written
	topLevel bool
	lines    []srcLine
}

// word is the info string's first word: http for a cell.
func (f fence) word() string {
	if w := strings.Fields(f.info); len(w) > 0 {
		return w[0]
	}
	return ""
}

// fences lists every fenced code block of doc in document order.
func (lt *linter) fences(doc ast.Node) []fence {
	var out []fence
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		code, ok := n.(*ast.FencedCodeBlock)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		f := fence{line: lt.line(code.Pos()), marker: "```", topLevel: code.Parent() == doc}
		if code.Info != nil {
			seg := code.Info.Segment
			f.info = strings.TrimSpace(string(seg.Value(lt.src)))
			// The fence's marker is the run of ` or ~ before the info
			// string; a list's "- " or a quote's "> " may come before it.
			before := strings.TrimRight(string(lt.src[lt.lineStarts[f.line-1]:seg.Start]), " \t")
			if run := len(before) - len(strings.TrimRight(before, "`~")); run > 0 {
				f.marker = before[len(before)-run:]
			}
		}
		segs := code.Lines()
		for i := range segs.Len() {
			seg := segs.At(i)
			f.lines = append(f.lines, srcLine{lt.line(seg.Start), strings.TrimSuffix(string(seg.Value(lt.src)), "\n")})
		}
		out = append(out, f)
		return ast.WalkSkipChildren, nil
	})
	return out
}

// fenceCase warns about fences that an author meant as cells: lesson.Parse
// takes only the lowercase word http, as GitHub and most highlighters
// match the language name case-sensitively too.
func (lt *linter) fenceCase(fences []fence) {
	for _, f := range fences {
		w := f.word()
		if w == "http" || !strings.EqualFold(w, "http") {
			continue
		}
		want := f.marker + "http" + strings.TrimPrefix(f.info, w)
		if !f.topLevel {
			want += " at the start of a line, outside the list or quote" // where lesson.Parse wants a cell
		}
		lt.warn(f.line, FenceCase, fmt.Sprintf("%s%s shows as plain code, not a request cell: only a lowercase http starts a cell; write %s",
			f.marker, f.info, want))
	}
}

// headings warns about headings that repeat one before them, at the same
// level, and about a lesson without a level-1 heading. Every heading
// counts, nested ones too, as the lesson's contents list them all.
func (lt *linter) headings(doc ast.Node) {
	type key struct {
		level int
		text  string
	}
	first := map[key]int{}
	titled := false
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		titled = titled || h.Level == 1
		txt := lesson.PlainText(h, lt.src)
		if txt == "" {
			return ast.WalkSkipChildren, nil
		}
		line := lt.headingLine(h)
		k := key{h.Level, txt}
		if at, seen := first[k]; seen {
			lt.warn(line, RepeatedHeading, fmt.Sprintf("the level-%d heading %q repeats the one on line %d: the contents list shows the same words twice and this one's anchor differs only by a number; say what is different here",
				h.Level, txt, at))
		} else {
			first[k] = line
		}
		return ast.WalkSkipChildren, nil
	})
	if !titled {
		lt.warn(1, NoTitle, "the lesson has no title: start it with a level-1 heading (# Title), which names it on its page and in the course's index")
	}
}

// headingLine is the line of a heading's text: the line of an ATX heading,
// the first text line of a setext one (above its underline).
func (lt *linter) headingLine(h *ast.Heading) int {
	if h.Lines().Len() > 0 {
		return lt.line(h.Lines().At(0).Start)
	}
	return lt.line(h.Pos())
}

// cells runs the rules about requests over every cell of l and the
// solution of every exercise.
func (lt *linter) cells(l *lesson.Lesson, fences []fence, refused func(string) string) {
	var top []fence
	for _, f := range fences {
		if f.topLevel {
			top = append(top, f)
		}
	}
	for _, c := range l.Cells {
		i := slices.IndexFunc(top, func(f fence) bool { return f.line == c.Line && f.word() == "http" })
		if i < 0 {
			continue // l is not this src; nothing to say about lines we cannot find
		}
		reqAt := lt.request(prefix(top[i].lines, c.Text))
		if c.Request.Method != "" {
			lt.target(reqAt, c.Request.Target, "this cell's", refused)
		}
		if !c.Exercise || c.Solution == "" || i+1 >= len(top) {
			continue
		}
		sol, err := wireproto.ParseRequest(c.Solution)
		solAt := lt.request(prefix(top[i+1].lines, c.Solution))
		if err == nil && sol.Target != c.Request.Target {
			lt.target(solAt, sol.Target, "the solution's", refused)
		}
	}
}

// prefix is the lines of a block's content that text, a prefix of that
// content (a cell's request before its expectations), spans.
func prefix(lines []srcLine, text string) []srcLine {
	if text == "" {
		return nil
	}
	return lines[:min(len(lines), strings.Count(text, "\n")+1)]
}

// requestLine is a line that starts a request: a method the relay knows, a
// target in origin or absolute form, perhaps a version. Anything looser
// would flag form bodies and prose ("name=David", "GET it?").
var requestLine = regexp.MustCompile(`^(GET|HEAD|POST|PUT|DELETE|PATCH|OPTIONS|TRACE|CONNECT) (/\S*|https?://\S+)( HTTP/\d(\.\d)?)?$`)

// request warns about every request line after the first in a request's
// lines and returns the first's line, 0 if there is none.
func (lt *linter) request(lines []srcLine) int {
	first := 0
	for _, l := range lines {
		t := strings.TrimRight(l.text, " \t")
		switch {
		case first == 0 && strings.TrimSpace(t) != "":
			first = l.n
		case first != 0 && requestLine.MatchString(t):
			lt.warn(l.n, TwoRequests, fmt.Sprintf("%q is a second request line in the cell whose request starts on line %d: a cell sends one request, and this line goes out as part of it; split it into two ```http cells",
				t, first))
		}
	}
	return first
}

// target warns if refused refuses a full URL; whose names it in the message.
func (lt *linter) target(line int, target, whose string, refused func(string) string) {
	if refused == nil || line == 0 || target == "" || strings.HasPrefix(target, "/") {
		return
	}
	if why := refused(target); why != "" {
		lt.warn(line, RefusedTarget, "the relay would refuse "+whose+" target "+target+": "+strings.TrimPrefix(why, "refused: "))
	}
}

// line is the 1-based line holding byte offset off of the source.
func (lt *linter) line(off int) int {
	lt.indexLines()
	i, found := slices.BinarySearch(lt.lineStarts, off)
	if found {
		return i + 1
	}
	return i
}

func (lt *linter) indexLines() {
	if lt.lineStarts != nil {
		return
	}
	lt.lineStarts = []int{0}
	for i, c := range lt.src {
		if c == '\n' {
			lt.lineStarts = append(lt.lineStarts, i+1)
		}
	}
}
