// Package snippets cuts the handlers that answer the course's endpoints out
// of wirebook's own source, so the lesson page can show the Go beside the
// requests it answers. It runs at build time only (go run
// ./server/tools/gensnippets): the result is committed as
// web/snippets_gen.go and web/static/highlight.css, and the syntax
// highlighter stays out of the server binary.
//
// A handler opts in with a marker line at the end of its doc comment:
//
//	// Hello answers "Hello".
//	//
//	//wirebook:snippet /hello
//	func Hello() http.Handler { … }
//
// A route ending in / stands for every path under it (/files/ answers
// /files/greetings.txt too).
package snippets

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"

	// The generator imports the package it generates into, for the one
	// Snippet type: a change to that type needs web/snippets_gen.go to
	// compile before gensnippets can rewrite it.
	"wirebook/web"
)

// Marker starts the comment line that marks a func as a route's snippet.
const Marker = "//wirebook:snippet"

// Extract returns the marked funcs of the Go files in dirs (test files
// excluded), sorted by route. Two funcs marked with one route, a marker
// that is not at the end of a func's doc comment, and a route that does not
// start with / are errors naming file and line: a marker that silently did
// nothing would leave a hole in the lesson page that nobody notices.
func Extract(dirs ...string) ([]web.Snippet, error) {
	var all []web.Snippet
	for _, dir := range dirs {
		root, err := ModuleRoot(dir)
		if err != nil {
			return nil, err
		}
		names, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			return nil, err
		}
		if len(names) == 0 {
			if _, err := os.Stat(dir); err != nil {
				return nil, err
			}
		}
		for _, name := range names {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			rel, err := relSlash(root, name)
			if err != nil {
				return nil, err
			}
			snips, err := extractFile(name, rel)
			if err != nil {
				return nil, err
			}
			all = append(all, snips...)
		}
	}

	slices.SortStableFunc(all, func(a, b web.Snippet) int {
		return cmp.Or(cmp.Compare(a.Route, b.Route), cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	for i := 1; i < len(all); i++ {
		if a, b := all[i-1], all[i]; a.Route == b.Route {
			return nil, fmt.Errorf("%s:%d: route %s is already marked at %s:%d", b.File, b.Line, b.Route, a.File, a.Line)
		}
	}
	for i := range all {
		h, err := Highlight(all[i].Source)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", all[i].File, all[i].Line, err)
		}
		all[i].HTML = h
	}
	return all, nil
}

// extractFile cuts the marked funcs out of one file; rel names it in
// snippets and errors.
func extractFile(name, rel string) ([]web.Snippet, error) {
	src, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, name, src, parser.ParseComments)
	if err != nil {
		return nil, err
	}
	sf := &sourceFile{rel: rel, src: src, tf: fset.File(f.Pos()), used: map[*ast.Comment]bool{}}

	var snips []web.Snippet
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Doc == nil {
			continue
		}
		s, err := sf.snippets(fn)
		if err != nil {
			return nil, err
		}
		snips = append(snips, s...)
	}
	if err := sf.checkStrayMarkers(f.Comments); err != nil {
		return nil, err
	}
	return snips, nil
}

// sourceFile is one file as extractFile reads it.
type sourceFile struct {
	rel  string
	src  []byte
	tf   *token.File
	used map[*ast.Comment]bool // the markers that end a func's doc comment; any other is misplaced
}

func (sf *sourceFile) line(p token.Pos) int { return sf.tf.Line(p) }

func (sf *sourceFile) text(n ast.Node) []byte {
	return sf.src[sf.tf.Offset(n.Pos()):sf.tf.Offset(n.End())]
}

// snippets is fn's snippet for each route its markers name: none if it has
// no marker.
func (sf *sourceFile) snippets(fn *ast.FuncDecl) ([]web.Snippet, error) {
	routes, err := sf.routes(fn.Doc.List)
	if err != nil || len(routes) == 0 {
		return nil, err
	}
	source := sf.source(fn)
	var snips []web.Snippet
	for _, route := range routes {
		snips = append(snips, web.Snippet{Route: route, File: sf.rel, Line: sf.line(fn.Pos()), Source: source})
	}
	return snips, nil
}

// routes reads the markers of a doc comment. They end it, after any text;
// only other directives (//go:…, //nolint) may follow them, as gofmt keeps
// every directive at the end.
func (sf *sourceFile) routes(doc []*ast.Comment) ([]string, error) {
	first := slices.IndexFunc(doc, isMarker)
	if first < 0 {
		return nil, nil
	}
	var routes []string
	for _, c := range doc[first:] {
		if !isMarker(c) {
			if !isDirective(c.Text) {
				return nil, fmt.Errorf("%s:%d: %s must be at the end of the doc comment, after its text", sf.rel, sf.line(doc[first].Pos()), Marker)
			}
			continue
		}
		sf.used[c] = true
		f := strings.Fields(c.Text)
		if len(f) != 2 || !strings.HasPrefix(f[1], "/") {
			return nil, fmt.Errorf("%s:%d: %s wants one route starting with /, as in %s /hello", sf.rel, sf.line(c.Pos()), Marker, Marker)
		}
		routes = append(routes, f[1])
	}
	return routes, nil
}

// source is fn with its doc comment's text, less the markers and the "//"
// line that separated them from it.
func (sf *sourceFile) source(fn *ast.FuncDecl) string {
	kept := slices.DeleteFunc(slices.Clone(fn.Doc.List), isMarker)
	for len(kept) > 0 && strings.TrimSpace(kept[len(kept)-1].Text) == "//" {
		kept = kept[:len(kept)-1]
	}
	var b strings.Builder
	for _, c := range kept {
		b.Write(sf.text(c))
		b.WriteByte('\n')
	}
	b.Write(sf.text(fn))
	return b.String()
}

// checkStrayMarkers fails on a marker that ends no func's doc comment.
func (sf *sourceFile) checkStrayMarkers(comments []*ast.CommentGroup) error {
	for _, g := range comments {
		for _, c := range g.List {
			if isMarker(c) && !sf.used[c] {
				return fmt.Errorf("%s:%d: %s must end the doc comment of a func", sf.rel, sf.line(c.Pos()), Marker)
			}
		}
	}
	return nil
}

func isMarker(c *ast.Comment) bool {
	f := strings.Fields(c.Text)
	return len(f) > 0 && f[0] == Marker
}

// isDirective reports whether a comment is a directive such as //go:embed
// or //nolint:x: "//" then, with no space, a lower-case word and a colon
// (the form go/ast recognises), or //nolint alone.
func isDirective(text string) bool {
	rest, ok := strings.CutPrefix(text, "//")
	if !ok {
		return false
	}
	word, _, hasColon := strings.Cut(rest, ":")
	if !hasColon {
		return strings.HasPrefix(rest, "nolint")
	}
	return word != "" && strings.Trim(word, "abcdefghijklmnopqrstuvwxyz0123456789") == ""
}

// The look of highlighted code: chroma's "github" style, written as classes
// so the page carries one small stylesheet instead of a style per token.
var (
	style     = styles.Get("github")
	formatter = html.New(html.WithClasses(true))
)

// Highlight renders Go source as HTML with chroma's CSS classes.
func Highlight(src string) (string, error) {
	lexer := lexers.Get("go")
	if lexer == nil {
		return "", errors.New("chroma has no Go lexer")
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, src)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := formatter.Format(&b, style, it); err != nil {
		return "", err
	}
	return b.String(), nil
}

// CSS is the stylesheet for the classes Highlight writes, every rule
// scoped under .snippet so it cannot restyle the rest of the page.
func CSS() ([]byte, error) {
	var raw bytes.Buffer
	if err := html.New(html.WithClasses(true), html.WithCSSComments(false)).WriteCSS(&raw, style); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("/* Code generated by go run ./server/tools/gensnippets from chroma's github style. DO NOT EDIT. */\n")
	for l := range strings.Lines(raw.String()) {
		if strings.TrimSpace(l) == "" {
			continue
		}
		// Each rule is one line with one selector: ".chroma .k { … }".
		b.WriteString(".snippet " + l)
	}
	return b.Bytes(), nil
}

// ModuleRoot is the folder holding the go.mod that dir belongs to.
func ModuleRoot(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("%s is not inside a Go module (no go.mod above it)", dir)
		}
		d = parent
	}
}

func relSlash(root, name string) (string, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}
