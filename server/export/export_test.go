package export

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/expect"
	"wirebook/server/internal/testkit"
	"wirebook/server/lesson"
	"wirebook/server/syllabus"
	"wirebook/web"
)

// course is the embedded course: every cell kind the course ships (a
// stream, a WebSocket, exercises, bodies, Basic auth).
func course(t *testing.T) *syllabus.Course {
	t.Helper()
	c, err := syllabus.LoadFS(web.Lessons(), web.LessonsDir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hostile is a lesson whose request text would break out of HTML, Hurl and
// JSON if any of them were written unescaped.
const hostile = "# Hostile </title><script>alert(1)</script>\n\nSome *prose*.\n\n" +
	"    indented code\n\n    after a blank line\n\n" +
	"```http\nPOST /echo/x?a=<b>&c=\"d\"\nContent-Type: text/html\nX-Note: a # b {{c}} \\ e\n\n" +
	"</pre><script>alert(2)</script>\n`tick` \"quote\"\nHTTP 200\n[Asserts]\nbody contains \"</pre>\"\n```\n\n" +
	"```http\nGET /hello\n```\n"

func hostileCourse(t *testing.T) *syllabus.Course {
	t.Helper()
	dir := t.TempDir()
	name := filepath.Join(dir, "hostile.md")
	if err := os.WriteFile(name, []byte(hostile), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := syllabus.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func write(t *testing.T, format string, c *syllabus.Course) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Write(context.Background(), &b, format, c, DefaultBase, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func cells(c *syllabus.Course) []*lesson.Cell {
	var cs []*lesson.Cell
	for _, l := range c.Lessons {
		cs = append(cs, l.Cells...)
	}
	return cs
}

// requestLine starts a Hurl entry as Hurl writes it here: a method and an
// absolute URL. No expectation line starts so.
var requestLine = regexp.MustCompile(`^[A-Z]+ https?://`)

// hurlEntries cuts a Hurl file into its entries' request and expectation
// parts, the expectations from the first status line on, comments and
// trailing blank lines dropped.
func hurlEntries(t *testing.T, file string) (requests, expectations []string) {
	t.Helper()
	var cur []string
	flush := func() {
		if cur == nil {
			return
		}
		for i, l := range cur {
			if strings.HasPrefix(l, "HTTP ") || strings.HasPrefix(l, "HTTP/") {
				requests = append(requests, strings.Join(cur[:i], "\n"))
				expectations = append(expectations, strings.TrimRight(strings.Join(cur[i:], "\n"), "\n"))
				cur = nil
				return
			}
		}
		t.Fatalf("an entry without a status line:\n%s", strings.Join(cur, "\n"))
	}
	for l := range strings.SplitSeq(file, "\n") {
		switch {
		case requestLine.MatchString(l):
			flush()
			cur = []string{l}
		case cur != nil && !strings.HasPrefix(l, "#"):
			cur = append(cur, l)
		}
	}
	flush()
	return requests, expectations
}

func TestHurlParsesBackToTheLessonsChecks(t *testing.T) {
	t.Parallel()
	c := course(t)
	file := string(write(t, "hurl", c))
	requests, expectations := hurlEntries(t, file)

	var want []*lesson.Cell
	sockets := 0
	for _, cell := range cells(c) {
		if strings.HasPrefix(cell.Request.Target, "/ws/") {
			sockets++
			continue
		}
		want = append(want, cell)
	}
	if sockets == 0 {
		t.Fatal("the embedded course has no WebSocket cell; this test expects one to be left out")
	}
	if n := strings.Count(file, "is left out: a WebSocket cell"); n != sockets {
		t.Errorf("%d WebSocket cells commented out, want %d", n, sockets)
	}
	if len(requests) != len(want) {
		t.Fatalf("%d entries, want %d (every cell but the WebSocket ones)", len(requests), len(want))
	}
	for i, cell := range want {
		spec, err := expect.Parse(expectations[i])
		if err != nil {
			t.Errorf("cell %d: its expectations do not parse back: %v\n%s", cell.N, err, expectations[i])
			continue
		}
		checks := cell.Expect.Len()
		if cell.ExpectText == "" {
			checks = 1 // HTTP *
		}
		if spec.Len() != checks {
			t.Errorf("cell %d: %d checks parsed back, the lesson has %d", cell.N, spec.Len(), checks)
		}
		first, _, _ := strings.Cut(requests[i], "\n")
		if !strings.HasPrefix(first, cell.Request.Method+" "+DefaultBase+"/") && !cell.Exercise {
			t.Errorf("cell %d: request line %q, want %s on %s", cell.N, first, cell.Request.Method, DefaultBase)
		}
		if cell.Exercise {
			solution, _, _ := strings.Cut(cell.Solution, "\n")
			method, target, _ := strings.Cut(solution, " ")
			if first != method+" "+DefaultBase+target {
				t.Errorf("exercise %d: request line %q, want its solution %q", cell.N, first, solution)
			}
		}
	}
}

func TestHurlEscapes(t *testing.T) {
	t.Parallel()
	file := string(write(t, "hurl", hostileCourse(t)))
	for _, want := range []string{
		"POST " + DefaultBase + "/echo/x?a=<b>&c=\"d\"\n", // as target.URL leaves it
		"X-Note: a \\# b \\u{7b}\\u{7b}c}} \\\\ e\n",      // Hurl's escapes: no template, no comment
		"base64,", // the body has newlines and a backtick
		"GET " + DefaultBase + "/hello\nHTTP *\n",
	} {
		if !strings.Contains(file, want) {
			t.Errorf("the Hurl file lacks %q:\n%s", want, file)
		}
	}
}

func TestHurlBody(t *testing.T) {
	t.Parallel()
	for _, row := range []struct{ name, body, want string }{
		{"a plain line is a one-line string", "name=Ana&x=1", "`name=Ana&x=1`"},
		{"JSON braces go as base64, not a template", `{"a":1}`, "base64,eyJhIjoxfQ==;"},
		{"a newline goes as base64, byte for byte", "a\nb", "base64,YQpi;"},
		{"a trailing space is kept by base64", "a ", "base64,YSA=;"},
		{"a backtick goes as base64", "a`b", "base64,YWBi;"},
	} {
		t.Run(row.name, func(t *testing.T) {
			if got := hurlBody(row.body); got != row.want {
				t.Errorf("hurlBody(%q) = %q, want %q", row.body, got, row.want)
			}
		})
	}
}

func TestNotebookIsValidNBFormat(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*syllabus.Course{"course": course(t), "hostile": hostileCourse(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			nb := write(t, "ipynb", c)
			var doc struct {
				NBFormat      *int `json:"nbformat"`
				NBFormatMinor *int `json:"nbformat_minor"`
				Metadata      struct {
					KernelSpec map[string]string `json:"kernelspec"`
				} `json:"metadata"`
				Cells []map[string]any `json:"cells"`
			}
			if err := json.Unmarshal(nb, &doc); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if doc.NBFormat == nil || *doc.NBFormat != 4 || doc.NBFormatMinor == nil || *doc.NBFormatMinor != 5 {
				t.Errorf("nbformat %v.%v, want 4.5", doc.NBFormat, doc.NBFormatMinor)
			}
			if doc.Metadata.KernelSpec["name"] != "python3" {
				t.Errorf("kernelspec %v, want name python3", doc.Metadata.KernelSpec)
			}
			ids := map[string]bool{}
			code := 0
			for _, cell := range doc.Cells {
				id, _ := cell["id"].(string)
				if id == "" || ids[id] {
					t.Errorf("cell id %q missing or repeated", id)
				}
				ids[id] = true
				if src, _ := json.Marshal(cell["source"]); cell["cell_type"] == "markdown" && bytes.Contains(src, []byte(`\n","\n`)) {
					t.Errorf("markdown cell %s has a blank line, which ends its HTML block: %s", id, src)
				}
				if cell["cell_type"] == "code" {
					code++
					if outs, ok := cell["outputs"].([]any); !ok || len(outs) != 0 {
						t.Errorf("cell %s: outputs %v, want none", id, cell["outputs"])
					}
				}
			}
			if code == 0 {
				t.Error("no code cells")
			}

			// nbformat's own validator, the one Jupyter runs on open.
			file := filepath.Join(t.TempDir(), "lesson.ipynb")
			if err := os.WriteFile(file, nb, 0o644); err != nil {
				t.Fatal(err)
			}
			testkit.ValidNotebook(t, file)
		})
	}
}

func TestNotebookCodeIsTheCopyAsPythonCode(t *testing.T) {
	t.Parallel()
	var doc struct {
		Cells []struct {
			CellType string   `json:"cell_type"`
			Source   []string `json:"source"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(write(t, "ipynb", hostileCourse(t)), &doc); err != nil {
		t.Fatal(err)
	}
	var code []string
	for _, c := range doc.Cells {
		if c.CellType == "code" {
			code = append(code, strings.Join(c.Source, ""))
		}
	}
	if len(code) != 2 {
		t.Fatalf("%d code cells, want 2", len(code))
	}
	for _, want := range []string{"# Checks (Hurl):\n# HTTP 200\n", "requests.post('" + DefaultBase + "/echo/x?a=<b>&c=\"d\"'", "</pre><script>alert(2)</script>"} {
		if !strings.Contains(code[0], want) {
			t.Errorf("first code cell lacks %q:\n%s", want, code[0])
		}
	}
	if !strings.Contains(code[1], "requests.get('"+DefaultBase+"/hello')") {
		t.Errorf("second code cell:\n%s", code[1])
	}
}

func TestHTMLHasNoScriptAndEveryRequest(t *testing.T) {
	t.Parallel()
	for name, c := range map[string]*syllabus.Course{"course": course(t), "hostile": hostileCourse(t)} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			page := write(t, "html", c)
			doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
			if err != nil {
				t.Fatal(err)
			}
			if n := doc.Find("script, noscript, iframe, object, embed, link[rel=stylesheet], [onload], [onerror]").Length(); n != 0 {
				t.Errorf("%d scripts or external resources, want none", n)
			}
			if n := doc.Find("style").Length(); n != 1 {
				t.Errorf("%d <style>, want the one inline sheet", n)
			}
			if n := doc.Find("[data-lesson]").Length(); n != len(c.Lessons) {
				t.Errorf("%d [data-lesson], want %d", n, len(c.Lessons))
			}
			ids := map[string]bool{}
			doc.Find("[id]").Each(func(_ int, s *goquery.Selection) {
				if id, _ := s.Attr("id"); ids[id] && strings.Contains(id, "cell-") {
					t.Errorf("cell id %q is used twice", id)
				} else {
					ids[id] = true
				}
			})
			if strings.Contains(css, "</") {
				t.Error(`the inline style holds "</", which could close its <style>`)
			}
			want := cells(c)
			got := doc.Find("[data-cell]")
			if got.Length() != len(want) {
				t.Fatalf("%d [data-cell], want %d", got.Length(), len(want))
			}
			got.Each(func(i int, s *goquery.Selection) {
				cell := want[i]
				if text := s.Find("pre[data-request]").Text(); text != cell.Text {
					t.Errorf("cell %d: request %q, want the lesson's %q", cell.N, text, cell.Text)
				}
				if text := s.Find("pre[data-expectations]").Text(); text != cell.ExpectText {
					t.Errorf("cell %d: expectations %q, want %q", cell.N, text, cell.ExpectText)
				}
			})
			if name == "hostile" && bytes.Contains(page, []byte("<script>")) {
				t.Errorf("a request's <script> reached the page unescaped:\n%s", page)
			}
		})
	}
}

func TestProseLinks(t *testing.T) {
	t.Parallel()
	inFile := map[string]bool{"echo": true}
	for _, row := range []struct{ name, in, want string }{
		{"a lesson in the file is its anchor", `<a href="/lessons/echo">next</a>`, `<a href="#lesson-echo">next</a>`},
		{"a heading of it too, at the lesson", `<a href="/lessons/echo#headers">`, `<a href="#lesson-echo">`},
		{"a lesson elsewhere is on base", `<a href="/lessons/app">`, `<a href="http://h:1/lessons/app">`},
		{"a file beside a lesson is on base", `<img src="/lessons/echo/d.png" alt="">`, `<img src="http://h:1/lessons/echo/d.png" alt="">`},
		{"other links stay", `<a href="https://hurl.dev">x</a> /lessons/ in text`, `<a href="https://hurl.dev">x</a> /lessons/ in text`},
		{"two in a row", `<a href="/lessons/echo"></a><a href="/lessons/app"></a>`, `<a href="#lesson-echo"></a><a href="http://h:1/lessons/app"></a>`},
	} {
		t.Run(row.name, func(t *testing.T) {
			if got := proseLinks(row.in, "http://h:1/", inFile); got != row.want {
				t.Errorf("proseLinks(%q) = %q, want %q", row.in, got, row.want)
			}
		})
	}
}

func TestHTMLLinksBetweenLessonsStayInTheFile(t *testing.T) {
	t.Parallel()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(write(t, "html", course(t))))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find(`[href^="/"], [src^="/"]`).Length(); n != 0 {
		t.Errorf("%d links relative to a server, which a file opened offline cannot follow", n)
	}
	anchors := doc.Find(`a[href^="#lesson-"]`)
	if anchors.Length() == 0 {
		t.Fatal("no link between lessons; the embedded course has some")
	}
	anchors.Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		if doc.Find(`[data-lesson][id="`+href[1:]+`"]`).Length() != 1 {
			t.Errorf("link %s leads to no lesson of the file", href)
		}
	})
}

func TestWriteRefuses(t *testing.T) {
	t.Parallel()
	c := course(t)
	for _, row := range []struct{ name, format, base string }{
		{"an unknown format", "pdf", DefaultBase},
		{"a base with a path", "hurl", "http://127.0.0.1:2500/course"},
		{"a base that is not http", "hurl", "ftp://127.0.0.1"},
		{"a base without a host", "ipynb", "http://"},
	} {
		t.Run(row.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(context.Background(), &b, row.format, c, row.base, nil); err == nil {
				t.Errorf("Write(%q, base %q) = nil, want an error", row.format, row.base)
			}
		})
	}
}
