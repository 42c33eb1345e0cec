package snippets

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wirebook/web"
)

func TestExtractFixture(t *testing.T) {
	t.Parallel()
	got, err := Extract("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	const file = "server/snippets/testdata/fixture/handlers.go"
	helloSource := `// Hello answers "Hello".
//
// Its second paragraph stays in the snippet.
func Hello() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("Hello"))
	})
}`
	streamSource := "// Stream is shown for two routes, and keeps its other directive.\n//\n//go:noinline\nfunc Stream() {}"
	want := []struct {
		route, source, funcName string
		line                    int
	}{
		{"/files/", "func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {}", "ServeHTTP", 22},
		{"/hello", helloSource, "Hello", 10},
		{"/stream", streamSource, "Stream", 29},
		{"/ws/stream", streamSource, "Stream", 29},
	}
	if len(got) != len(want) {
		var routes []string
		for _, s := range got {
			routes = append(routes, s.Route)
		}
		t.Fatalf("routes = %v, want %d (the _test.go file's marker must be skipped)", routes, len(want))
	}
	for i, w := range want {
		s := got[i]
		if s.Route != w.route || s.File != file || s.Line != w.line {
			t.Errorf("snippet %d = %s %s:%d, want %s %s:%d", i, s.Route, s.File, s.Line, w.route, file, w.line)
		}
		if s.Source != w.source {
			t.Errorf("%s source =\n%s\nwant\n%s", s.Route, s.Source, w.source)
		}
		if !strings.Contains(s.HTML, `<span class="nf">`+w.funcName+`</span>`) {
			t.Errorf("%s HTML does not highlight %s as a function name:\n%s", s.Route, w.funcName, s.HTML)
		}
		if strings.Contains(s.HTML, "wirebook:snippet") {
			t.Errorf("%s HTML shows the marker:\n%s", s.Route, s.HTML)
		}
	}
}

func TestExtractRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string // under a module root; Extract reads h/
		want  string
	}{
		{
			name: "a route marked twice is an error naming both places",
			files: map[string]string{
				"h/a.go": "package h\n\n//wirebook:snippet /hello\nfunc A() {}\n",
				"h/b.go": "package h\n\n// B answers /hello too.\n//\n//wirebook:snippet /hello\nfunc B() {}\n",
			},
			want: "h/b.go:6: route /hello is already marked at h/a.go:4",
		},
		{
			name: "a route marked in two folders is an error too",
			files: map[string]string{
				"h/a.go":   "package h\n\n//wirebook:snippet /json\nfunc A() {}\n",
				"h/x/b.go": "package x\n\n//wirebook:snippet /json\nfunc B() {}\n",
			},
			want: "h/x/b.go:4: route /json is already marked at h/a.go:4",
		},
		{
			name:  "a marker on a type marks nothing",
			files: map[string]string{"h/a.go": "package h\n\n// T is a type.\n//\n//wirebook:snippet /hello\ntype T struct{}\n"},
			want:  "h/a.go:5: //wirebook:snippet must end the doc comment of a func",
		},
		{
			name:  "a marker inside a func body marks nothing",
			files: map[string]string{"h/a.go": "package h\n\nfunc F() {\n\t//wirebook:snippet /hello\n}\n"},
			want:  "h/a.go:4: //wirebook:snippet must end the doc comment of a func",
		},
		{
			name:  "a marker before the doc text is refused",
			files: map[string]string{"h/a.go": "package h\n\n/* Hello. */\n//wirebook:snippet /hello\n/* More text. */\nfunc Hello() {}\n"},
			want:  "h/a.go:4: //wirebook:snippet must be at the end of the doc comment, after its text",
		},
		{
			name:  "a route must start with a slash",
			files: map[string]string{"h/a.go": "package h\n\n//wirebook:snippet hello\nfunc Hello() {}\n"},
			want:  "h/a.go:3: //wirebook:snippet wants one route starting with /, as in //wirebook:snippet /hello",
		},
		{
			name:  "a marker needs a route",
			files: map[string]string{"h/a.go": "package h\n\n//wirebook:snippet\nfunc Hello() {}\n"},
			want:  "h/a.go:3: //wirebook:snippet wants one route starting with /, as in //wirebook:snippet /hello",
		},
		{
			name:  "one route per marker line",
			files: map[string]string{"h/a.go": "package h\n\n//wirebook:snippet /a /b\nfunc Hello() {}\n"},
			want:  "h/a.go:3: //wirebook:snippet wants one route starting with /, as in //wirebook:snippet /hello",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			writeFiles(t, root, map[string]string{"go.mod": "module m\n"})
			writeFiles(t, root, tt.files)
			dirs := []string{filepath.Join(root, "h")}
			if _, err := os.Stat(filepath.Join(root, "h", "x")); err == nil {
				dirs = append(dirs, filepath.Join(root, "h", "x"))
			}
			got, err := Extract(dirs...)
			if err == nil {
				t.Fatalf("Extract succeeded with %d snippets, want error %q", len(got), tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestExtractMissingFolder(t *testing.T) {
	t.Parallel()
	if _, err := Extract("testdata/no-such-folder"); !os.IsNotExist(err) {
		t.Errorf("Extract of a missing folder: err = %v, want a not-exist error", err)
	}
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestGoSourceKeepsHTML reads the string literals of the generated file back
// and checks they add up to the HTML given, line splitting and all.
func TestGoSourceKeepsHTML(t *testing.T) {
	t.Parallel()
	in := []web.Snippet{
		{Route: "/a", File: "a.go", Line: 3, HTML: "<pre>line 1\n\t\"quoted\" `tick`\nlast</pre>"},
		{Route: "/b/", File: "b.go", Line: 7, HTML: ""},
		{Route: "/c", File: "c.go", Line: 9, HTML: "ends in a newline\n"},
	}
	src, err := GoSource(in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(src, []byte("// Code generated ")) || !bytes.Contains(src, []byte("DO NOT EDIT.")) {
		t.Errorf("generated file lacks the Code generated … DO NOT EDIT. line:\n%s", src)
	}
	f, err := parser.ParseFile(token.NewFileSet(), "gen.go", src, 0)
	if err != nil {
		t.Fatalf("generated source does not parse: %v\n%s", err, src)
	}
	var got []web.Snippet
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || lit.Type != nil {
			return true
		}
		var s web.Snippet
		for _, e := range lit.Elts {
			kv := e.(*ast.KeyValueExpr)
			switch kv.Key.(*ast.Ident).Name {
			case "Route":
				s.Route = unquote(t, kv.Value)
			case "File":
				s.File = unquote(t, kv.Value)
			case "Line":
				s.Line, _ = strconv.Atoi(kv.Value.(*ast.BasicLit).Value)
			case "HTML":
				s.HTML = unquote(t, kv.Value)
			}
		}
		got = append(got, s)
		return false
	})
	if len(got) != len(in) {
		t.Fatalf("read back %d snippets, want %d:\n%s", len(got), len(in), src)
	}
	for i := range in {
		if got[i] != in[i] {
			t.Errorf("snippet %d read back as %+v, want %+v", i, got[i], in[i])
		}
	}
}

// unquote evaluates a string literal or a + chain of them.
func unquote(t *testing.T, e ast.Expr) string {
	t.Helper()
	switch e := e.(type) {
	case *ast.BinaryExpr:
		return unquote(t, e.X) + unquote(t, e.Y)
	case *ast.BasicLit:
		s, err := strconv.Unquote(e.Value)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Fatalf("unexpected expression %T", e)
	return ""
}

func TestCSSIsScoped(t *testing.T) {
	t.Parallel()
	css, err := CSS()
	if err != nil {
		t.Fatal(err)
	}
	rules := 0
	for l := range strings.Lines(string(css)) {
		if strings.HasPrefix(l, "/*") {
			continue
		}
		rules++
		// A comma in the selector would start a second, unscoped one.
		selector, _, _ := strings.Cut(l, "{")
		if !strings.HasPrefix(selector, ".snippet .") || strings.Contains(selector, ",") {
			t.Errorf("rule not scoped under .snippet: %q", l)
		}
	}
	// The classes Highlight writes for Go must be styled.
	for _, sel := range []string{".snippet .chroma {", ".snippet .chroma .kd {", ".snippet .chroma .c1 {", ".snippet .chroma .s {"} {
		if !strings.Contains(string(css), sel) {
			t.Errorf("CSS lacks %q", sel)
		}
	}
	if rules < 20 {
		t.Errorf("CSS has %d rules; chroma's github style has dozens", rules)
	}
}

// TestGeneratedIsCurrent fails when a handler changed and the committed
// output was not regenerated.
func TestGeneratedIsCurrent(t *testing.T) {
	t.Parallel()
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	outs, err := Generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range outs {
		committed, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(o.Path)))
		if err != nil {
			t.Errorf("%v: run go tool task generate", err)
			continue
		}
		if !bytes.Equal(committed, o.Data) {
			t.Errorf("%s is stale: run go tool task generate", o.Path)
		}
	}
}

// TestNoChromaAtRuntime keeps the highlighter (and its hundreds of lexers)
// out of the server: only the generator may import it.
func TestNoChromaAtRuntime(t *testing.T) {
	t.Parallel()
	// -e lists what it can even if wirebook/server is missing or half
	// written; web alone is then still checked.
	deps := goListDeps(t, "wirebook/server", "wirebook/web")
	if !slices.Contains(deps, "wirebook/web") {
		t.Fatalf("go list did not list wirebook/web; the check saw nothing: %v", deps)
	}
	for _, d := range deps {
		if isChroma(d) {
			t.Errorf("the server imports %s at run time; only the snippets generator may", d)
		}
	}
	// The same look at the generator must find chroma, or the check above
	// could never fail.
	if !slices.ContainsFunc(goListDeps(t, "wirebook/server/tools/gensnippets"), isChroma) {
		t.Error("go list -deps of the generator does not show chroma: the check is blind")
	}
}

func isChroma(pkg string) bool { return strings.HasPrefix(pkg, "github.com/alecthomas/chroma/") }

func goListDeps(t *testing.T, pkgs ...string) []string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	root, err := ModuleRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, append([]string{"list", "-e", "-deps", "-f", "{{.ImportPath}}"}, pkgs...)...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", pkgs, err)
	}
	return strings.Fields(string(out))
}
