// Package lesson turns a Markdown lesson into prose and request cells.
//
// A lesson is plain Markdown. A fenced block whose info string starts with
// the word http is a request cell, written as an HTTP message: "METHOD URL",
// header lines, a blank line, a body. Words after http are cell options:
//
//	```http stream transport=browser
//	GET /stream
//	```
//
// Everything else, other fenced code included, is prose. Prose is rendered
// by goldmark without raw HTML: a teacher's lesson may be served to a whole
// classroom, and a stray <script> in it must not run in every student's page.
//
// # Expectations
//
// A cell may end with expectations in Hurl's grammar (see package expect):
// the cell is split at its first line that starts as a Hurl status line
// does ("HTTP 200", "HTTP/1.1 404", "HTTP *"). The lines before it are the
// request, what the student edits; the lines from it on are the
// expectations. So a request body cannot contain a line that starts like a
// status line: it would be taken for the start of the expectations. Blank
// lines between the request and its expectations are not part of its body.
//
//	```http
//	GET /hello
//	HTTP 200
//	[Asserts]
//	body == "Hello"
//	```
//
// # Exercises
//
// A cell with the option exercise is a task for the student: its request
// may be incomplete or empty, and its expectations, which it must have, say
// when it is solved. The very next block of the document, with nothing in
// between, must be a ```http solution block holding the reference request
// (no expectations: those are the exercise's). The solution is not a cell
// and not prose: it never reaches the page, so a student cannot read it in
// the page's source; Cell.Solution carries it for wirebook check.
//
//	```http exercise
//	GET /greeting
//	HTTP 200
//	[Asserts]
//	body contains "Bonjour"
//	```
//	```http solution
//	GET /greeting?lang=fr
//	```
package lesson

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"

	"wirebook/server/clients"
	"wirebook/server/expect"
	"wirebook/server/wireproto"
)

// MaxSize bounds a lesson file. The lesson is parsed once at start and held
// in memory for the life of the server; a megabyte is far more prose than
// anyone reads in a sitting, so anything larger is a wrong file, not a lesson.
const MaxSize = 1 << 20

// Transports a cell may name in its transport= option.
const (
	TransportWire    = "wire"    // the server sends the request (the default)
	TransportBrowser = "browser" // the page sends it with fetch
)

// Lesson is a parsed lesson.
type Lesson struct {
	Title  string    // text of the first level-1 heading
	Blocks []Block   // prose and cells in document order
	Cells  []*Cell   // the same cells, in order
	TOC    []Heading // every heading, in order, for a table of contents
}

// Block is one piece of the page: exactly one of Prose and Cell is set.
type Block struct {
	// Prose is HTML rendered by goldmark from the Markdown between two
	// cells. It contains no raw HTML from the lesson, so it is safe to
	// write into the page unescaped.
	Prose string
	Cell  *Cell
}

// Cell is one request cell.
type Cell struct {
	N         int               // 1-based, the "In [n]" number
	Line      int               // line of the opening fence in the source file
	Text      string            // the request text, verbatim (what the student edits)
	Request   wireproto.Request // Text, parsed
	Stream    bool              // option stream: the body arrives over time; show it live
	Transport string            // option transport=wire|browser; TransportWire when not given
	Client    string            // option client=: one of clients.Names, whose default headers the wire adds; "" is bare
	ID        string            // stable anchor id, "cell-N"

	// Expectations follow the request in the cell, in Hurl's grammar
	// ("HTTP 200", then [Asserts]); zero and "" when the cell has none.
	Expect     expect.Spec
	ExpectText string // verbatim: what the page shows and the client sends
	ExpectLine int    // line of ExpectText's first line in the source file
	// Exercise cells (option exercise) start with the lesson's request,
	// perhaps incomplete; they are solved when every expectation passes.
	Exercise bool
	// Solution is an exercise's reference request, from the ```http solution
	// block after it: wirebook check sends it; the page never carries it.
	Solution string
}

// Heading is a heading of the lesson; ID is its anchor in the prose.
type Heading struct {
	Level int
	ID    string
	Text  string
}

// Error is a lesson that cannot be served: the file, the 1-based line and
// the reason. Errors about the whole file (its size, a missing title, no
// cells) name line 1, where an editor jumping to the error lands sensibly.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// markdown is safe for concurrent use: the renderer initialises itself once
// and every Parse gets a fresh parser context.
var markdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM),
	goldmark.WithParserOptions(parser.WithAutoHeadingID()),
	// No html.WithUnsafe: raw HTML becomes a comment and javascript: links
	// are dropped. See the package comment.
)

// Parse reads a lesson. name is how errors refer to the file.
func Parse(name string, src []byte) (*Lesson, error) {
	if len(src) > MaxSize {
		return nil, &Error{name, 1, fmt.Sprintf("lesson is %d bytes, larger than the 1 MiB limit", len(src))}
	}
	// CommonMark counts \r\n and a lone \r as line endings. Making them all
	// \n keeps every line in the same place and lets line numbers be a
	// count of \n, and keeps \r out of the cells' request text. (No byte of
	// a UTF-8 sequence is \r, so validity is unchanged.)
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	src = bytes.ReplaceAll(src, []byte("\r"), []byte("\n"))
	p := &parse{name: name, src: src}
	if i := invalidUTF8(src); i >= 0 {
		return nil, p.errorf(i, "not valid UTF-8")
	}
	ctx := parser.NewContext(parser.WithIDs(&cellSafeIDs{parser.NewContext().IDs()}))
	return p.lesson(markdown.Parser().Parse(text.NewReader(src), parser.WithContext(ctx)))
}

// parse holds what every step of one Parse needs.
type parse struct {
	name       string
	src        []byte
	lineStarts []int // offsets where each line begins, computed on first use
}

func (p *parse) lesson(doc ast.Node) (*Lesson, error) {
	l := &Lesson{}
	var prose []ast.Node // top-level nodes since the last cell
	flush := func() error {
		if len(prose) == 0 {
			return nil
		}
		var b bytes.Buffer
		for _, n := range prose {
			if err := markdown.Renderer().Render(&b, p.src, n); err != nil {
				return fmt.Errorf("render %s: %w", p.name, err) // writes to a bytes.Buffer; not expected
			}
		}
		prose = prose[:0]
		if strings.TrimSpace(b.String()) != "" {
			l.Blocks = append(l.Blocks, Block{Prose: b.String()})
		}
		return nil
	}

	var unsolved *Cell // an exercise whose solution block must come next
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if err := p.headings(l, n); err != nil {
			return nil, err
		}
		code, ok := n.(*ast.FencedCodeBlock)
		isSolution := ok && isCell(code, p.src) && p.isSolution(code)
		switch {
		case unsolved != nil && !isSolution:
			return nil, p.noSolution(unsolved)
		case isSolution && unsolved == nil:
			return nil, p.errorf(code.Pos(), "a ```http solution block must come right after the ```http exercise cell it solves, with nothing between them")
		case isSolution:
			if err := p.solution(code, unsolved); err != nil {
				return nil, err
			}
			unsolved = nil
			continue // never a block: the page must not carry the answer
		}
		if !ok || !isCell(code, p.src) {
			if err := p.nestedCell(n); err != nil {
				return nil, err
			}
			prose = append(prose, n)
			continue
		}
		c, err := p.cell(code, len(l.Cells)+1)
		if err != nil {
			return nil, err
		}
		if err := flush(); err != nil {
			return nil, err
		}
		l.Blocks = append(l.Blocks, Block{Cell: c})
		l.Cells = append(l.Cells, c)
		if c.Exercise {
			unsolved = c
		}
	}
	if unsolved != nil {
		return nil, p.noSolution(unsolved)
	}
	if err := flush(); err != nil {
		return nil, err
	}

	if l.Title == "" {
		return nil, &Error{p.name, 1, "no title: the lesson needs a level-1 heading (# Title)"}
	}
	if len(l.Cells) == 0 {
		return nil, &Error{p.name, 1, "no request cells: a lesson needs at least one ```http block"}
	}
	return l, nil
}

// headings records the headings at or under the top-level node n and takes
// the first level-1 heading as the title.
func (p *parse) headings(l *Lesson, n ast.Node) error {
	return ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		var id string
		if v, ok := h.AttributeString("id"); ok {
			if b, ok := v.([]byte); ok {
				id = string(b)
			}
		}
		txt := PlainText(h, p.src)
		l.TOC = append(l.TOC, Heading{Level: h.Level, ID: id, Text: txt})
		if h.Level == 1 && l.Title == "" {
			if txt == "" {
				return ast.WalkStop, p.errorf(h.Pos(), "the level-1 heading that titles the lesson is empty")
			}
			l.Title = txt
		}
		return ast.WalkSkipChildren, nil
	})
}

// nestedCell refuses an http block inside a list or quote: a cell is a
// block of the page of its own, and splitting a list around it would change
// the prose the teacher wrote.
func (p *parse) nestedCell(n ast.Node) error {
	return ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if code, ok := c.(*ast.FencedCodeBlock); ok && entering && c != n && isCell(code, p.src) {
			return ast.WalkStop, p.errorf(c.Pos(), "a request cell must not be inside a list or quote; start its fence at the beginning of a line")
		}
		return ast.WalkContinue, nil
	})
}

func isCell(code *ast.FencedCodeBlock, src []byte) bool {
	return string(code.Language(src)) == "http"
}

func (p *parse) cell(code *ast.FencedCodeBlock, n int) (*Cell, error) {
	fence := code.Pos()
	c := &Cell{N: n, Line: p.line(fence), Transport: TransportWire, ID: cellID(n)}
	if err := p.options(code, c); err != nil {
		return nil, err
	}

	content, err := p.content(code, "request cell")
	if err != nil {
		return nil, err
	}
	var expectAt int // 0-based line of content where the expectations start
	c.Text, c.ExpectText, expectAt = splitExpect(content)
	if c.ExpectText != "" {
		c.ExpectLine = c.Line + 1 + expectAt
		spec, err := expect.Parse(c.ExpectText)
		if err != nil {
			var pe *expect.ParseError
			if errors.As(err, &pe) {
				return nil, &Error{p.name, c.ExpectLine + pe.Line - 1, pe.Msg}
			}
			return nil, &Error{p.name, c.ExpectLine, err.Error()}
		}
		c.Expect = spec
	}

	if c.Exercise {
		if c.ExpectText == "" {
			return nil, p.errorf(fence, "an exercise needs expectations (HTTP <status>, then [Asserts]) to know when it is solved")
		}
		// The student starts from this request and may be meant to finish
		// it, so it need not parse: the page sends whatever they write.
		if req, err := wireproto.ParseRequest(c.Text); err == nil {
			c.Request = req
		}
		return c, nil
	}
	if strings.TrimSpace(c.Text) == "" {
		return nil, p.errorf(fence, "request cell is empty: write METHOD URL on its first line")
	}
	req, err := p.request(c.Text, c.Line)
	if err != nil {
		return nil, err
	}
	c.Request = req
	return c, nil
}

// options reads the words after http on the opening fence into c.
func (p *parse) options(code *ast.FencedCodeBlock, c *Cell) error {
	fence := code.Pos()
	info := string(code.Info.Segment.Value(p.src)) // isCell saw the info string
	seen := map[string]bool{}
	for _, opt := range strings.Fields(info)[1:] {
		key, value, hasValue := strings.Cut(opt, "=")
		if seen[key] {
			return p.errorf(fence, fmt.Sprintf("option %s is given twice", key))
		}
		seen[key] = true
		switch {
		case (key == "stream" || key == "exercise") && hasValue:
			return p.errorf(fence, fmt.Sprintf("option %s takes no value, got %q", key, opt))
		case key == "stream":
			c.Stream = true
		case key == "exercise":
			c.Exercise = true
		case key == "transport" && (value == TransportWire || value == TransportBrowser):
			c.Transport = value
		case key == "transport":
			return p.errorf(fence, fmt.Sprintf("transport=%q: want transport=wire or transport=browser", value))
		case key == "client" && slices.Contains(clients.Names, value):
			if value != "bare" {
				c.Client = value
			}
		case key == "client":
			return p.errorf(fence, fmt.Sprintf("client=%q: want client=%s", value, strings.Join(clients.Names, "|")))
		default:
			return p.errorf(fence, fmt.Sprintf("unknown cell option %q (known: stream, transport=wire|browser, client=%s, exercise, solution)", opt, strings.Join(clients.Names, "|")))
		}
	}
	return nil
}

// isSolution reports whether the http block code is marked solution. Any
// other word beside it is refused when the solution is read.
func (p *parse) isSolution(code *ast.FencedCodeBlock) bool {
	return slices.Contains(strings.Fields(string(code.Info.Segment.Value(p.src)))[1:], "solution")
}

// solution reads the ```http solution block code into the exercise ex.
func (p *parse) solution(code *ast.FencedCodeBlock, ex *Cell) error {
	fence := code.Pos()
	line := p.line(fence)
	for _, opt := range strings.Fields(string(code.Info.Segment.Value(p.src)))[1:] {
		if opt != "solution" {
			return p.errorf(fence, fmt.Sprintf("a solution block takes no other option, got %q; options belong on the exercise cell (line %d)", opt, ex.Line))
		}
	}
	content, err := p.content(code, "solution block")
	if err != nil {
		return err
	}
	text, expectText, expectAt := splitExpect(content)
	if expectText != "" {
		return &Error{p.name, line + 1 + expectAt, fmt.Sprintf("a solution holds only the request; its expectations belong to the exercise cell (line %d)", ex.Line)}
	}
	if strings.TrimSpace(text) == "" {
		return p.errorf(fence, "solution block is empty: write the request that solves the exercise above it")
	}
	if _, err := p.request(text, line); err != nil {
		return err
	}
	ex.Solution = text
	return nil
}

func (p *parse) noSolution(ex *Cell) *Error {
	return &Error{p.name, ex.Line, "an exercise must be followed by a ```http solution block with the request that solves it, as the very next block (nothing between them)"}
}

// content is the text of a fenced block, without the newline before its
// closing fence. what names the block in errors.
func (p *parse) content(code *ast.FencedCodeBlock, what string) (string, error) {
	fence := code.Pos()
	lines := code.Lines()
	end := p.lineEnd(fence) // past the opening fence line when the block is empty
	var b strings.Builder
	for i := range lines.Len() {
		seg := lines.At(i)
		b.Write(seg.Value(p.src))
		end = seg.Stop
	}
	// An unclosed fence runs to the end of the file, swallowing the rest of
	// the lesson into one block; at the top level, that is the only way for
	// no line to follow the block's last line.
	if end >= len(p.src) {
		return "", p.errorf(fence, what+" is never closed: add a closing ``` line")
	}
	// The newline before the closing fence ends the last line; it is not
	// part of a body (a form body "a=1\n" would make the value "1\n").
	return strings.TrimSuffix(b.String(), "\n"), nil
}

// request parses a request written in the block whose fence is on line
// fence, naming the source line of any error.
func (p *parse) request(text string, fence int) (wireproto.Request, error) {
	req, err := wireproto.ParseRequest(text)
	if err != nil {
		var pe *wireproto.ParseError
		if errors.As(err, &pe) {
			return req, &Error{p.name, fence + pe.Line, pe.Msg}
		}
		return req, &Error{p.name, fence + 1, err.Error()}
	}
	return req, nil
}

// statusLine starts a Hurl status line: the version and a three-digit
// status or *. Whatever follows is left to package expect, so that
// "HTTP/1.1 200 OK" is refused for its reason phrase instead of quietly
// becoming a line of the request's body.
var statusLine = regexp.MustCompile(`^[ \t]*HTTP(/\S*)?[ \t]+([0-9]{3}|\*)([ \t#]|$)`)

// splitExpect cuts a block's content at its first status line: the request
// before it, without trailing blank lines, and the expectations from it on,
// starting at the 0-based line at. Without a status line, all is request.
func splitExpect(content string) (request, expectations string, at int) {
	ls := strings.Split(content, "\n")
	for i, l := range ls {
		if !statusLine.MatchString(l) {
			continue
		}
		req := ls[:i]
		for len(req) > 0 && strings.TrimSpace(req[len(req)-1]) == "" {
			req = req[:len(req)-1]
		}
		return strings.Join(req, "\n"), strings.Join(ls[i:], "\n"), i
	}
	return content, "", 0
}

var cellIDPattern = regexp.MustCompile(`^cell-[0-9]+$`)

func cellID(n int) string { return fmt.Sprintf("cell-%d", n) }

// cellSafeIDs keeps heading ids out of the "cell-N" names the cells use,
// so a heading titled "Cell 3" cannot steal the third cell's anchor.
type cellSafeIDs struct{ parser.IDs }

func (s *cellSafeIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	id := s.IDs.Generate(value, kind)
	for cellIDPattern.Match(id) {
		id = s.IDs.Generate(value, kind) // the inner generator adds -1, -2, …
	}
	return id
}

func (p *parse) errorf(offset int, msg string) *Error {
	return &Error{p.name, p.line(offset), msg}
}

// line is the 1-based line holding byte offset off of the source.
func (p *parse) line(off int) int {
	p.indexLines()
	i, found := slices.BinarySearch(p.lineStarts, off)
	if found {
		return i + 1
	}
	return i
}

// lineEnd is the offset just past the line holding off (its newline
// included), or len(src) on the last line.
func (p *parse) lineEnd(off int) int {
	p.indexLines()
	if l := p.line(off); l < len(p.lineStarts) {
		return p.lineStarts[l]
	}
	return len(p.src)
}

func (p *parse) indexLines() {
	if p.lineStarts != nil {
		return
	}
	p.lineStarts = []int{0}
	for i, c := range p.src {
		if c == '\n' {
			p.lineStarts = append(p.lineStarts, i+1)
		}
	}
}

// invalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return -1
}

// PlainText is n's text without markup, as a reader sees it: code spans
// and autolinks by their text, raw HTML left out (the page omits it), runs
// of spaces and line breaks as one space. The lesson's headings, the
// course's titles and descriptions and the lint's headings all read it.
func PlainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			b.Write(n.Segment.Value(src))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(n.Value)
		case *ast.CodeSpan:
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				if t, ok := c.(*ast.Text); ok {
					b.Write(t.Segment.Value(src))
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			b.Write(n.Label(src))
			return ast.WalkSkipChildren, nil
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return strings.Join(strings.Fields(b.String()), " ")
}
