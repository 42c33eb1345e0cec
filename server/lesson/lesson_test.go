package lesson

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"strings"
	"testing"

	"wirebook/server/expect"
	"wirebook/server/wireproto"
	"wirebook/web"
)

// lines joins its arguments as the lines of a lesson, so that a test reads
// with one source line per Go line and line numbers can be counted.
func lines(ls ...string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }

// padTo fills a lesson with prose up to n bytes.
func padTo(b []byte, n int) []byte {
	return append(b, bytes.Repeat([]byte("a"), n-len(b))...)
}

// badLessons are lessons Parse must refuse, with the exact error; FuzzParse
// starts from them too.
var badLessons = []struct {
	name string
	src  []byte
	want string
}{
	{
		name: "a lesson over 1 MiB is refused before parsing",
		src:  padTo(lines("# Big", "```http", "GET /hello", "```"), MaxSize+1),
		want: "l.md:1: lesson is 1048577 bytes, larger than the 1 MiB limit",
	},
	{
		name: "invalid UTF-8 names the line of the first bad byte",
		src:  lines("# Title", "fine", "caf\xe9", "```http", "GET /", "```"),
		want: "l.md:3: not valid UTF-8",
	},
	{
		name: "no level-1 heading is no title",
		src:  lines("## Only a section", "```http", "GET /hello", "```"),
		want: "l.md:1: no title: the lesson needs a level-1 heading (# Title)",
	},
	{
		name: "an empty title heading names its line",
		src:  lines("Intro", "", "#", "```http", "GET /hello", "```"),
		want: "l.md:3: the level-1 heading that titles the lesson is empty",
	},
	{
		name: "a lesson without cells is refused",
		src:  lines("# Title", "", "```go", "fmt.Println()", "```"),
		want: "l.md:1: no request cells: a lesson needs at least one ```http block",
	},
	{
		name: "an unknown client is named with the ones there are",
		src:  lines("# Title", "", "```http client=wget", "GET /echo/", "```"),
		want: `l.md:3: client="wget": want client=bare|requests|curl|browser`,
	},
	{
		name: "an unknown option names the fence line",
		src:  lines("# Title", "", "```http stream user=David", "GET /stream", "```"),
		want: `l.md:3: unknown cell option "user=David" (known: stream, transport=wire|browser, client=bare|requests|curl|browser, exercise, solution)`,
	},
	{
		name: "a transport other than wire or browser is refused",
		src:  lines("# Title", "```http", "GET /a", "```", "```http transport=ftp", "GET /b", "```"),
		want: `l.md:5: transport="ftp": want transport=wire or transport=browser`,
	},
	{
		name: "an empty transport is refused",
		src:  lines("# Title", "```http transport=", "GET /b", "```"),
		want: `l.md:2: transport="": want transport=wire or transport=browser`,
	},
	{
		name: "an option given twice is refused",
		src:  lines("# Title", "```http transport=wire transport=browser", "GET /b", "```"),
		want: "l.md:2: option transport is given twice",
	},
	{
		name: "stream takes no value",
		src:  lines("# Title", "```http stream=yes", "GET /stream", "```"),
		want: `l.md:2: option stream takes no value, got "stream=yes"`,
	},
	{
		name: "an empty cell is refused",
		src:  lines("# Title", "", "```http", "", "```"),
		want: "l.md:3: request cell is empty: write METHOD URL on its first line",
	},
	{
		name: "an unclosed cell would swallow the rest of the lesson",
		src:  lines("# Title", "```http", "GET /a", "", "More prose the teacher meant as prose."),
		want: "l.md:2: request cell is never closed: add a closing ``` line",
	},
	{
		name: "an unclosed empty cell at the end of the file",
		src:  []byte("# Title\n```http"),
		want: "l.md:2: request cell is never closed: add a closing ``` line",
	},
	{
		name: "a cell inside a list is refused",
		src:  lines("# Title", "", "- step one:", "", "  ```http", "  GET /a", "  ```"),
		want: "l.md:5: a request cell must not be inside a list or quote; start its fence at the beginning of a line",
	},
	{
		name: "a cell inside a quote is refused",
		src:  lines("# Title", "> ```http", "> GET /a", "> ```"),
		want: "l.md:2: a request cell must not be inside a list or quote; start its fence at the beginning of a line",
	},
	{
		name: "a request error names the line inside the cell",
		src:  lines("# Title", "", "```http", "GET /json", "Content-Type: text/plain", "not a header", "", "body", "```"),
		want: "l.md:6: header line without a colon: want Name: value (a body goes after a blank line)",
	},
	{
		name: "a bad request line names the line after the fence",
		src:  lines("# Title", "```http", "get /hello", "```"),
		want: `l.md:3: method "get" is not upper case; methods are case-sensitive, write GET`,
	},
	{
		name: "line numbers count CRLF line endings",
		src:  []byte("# Title\r\n\r\n```http\r\nGET /a\r\nbad\r\n```\r\n"),
		want: "l.md:5: header line without a colon: want Name: value (a body goes after a blank line)",
	},
	{
		name: "a malformed expectation names its source line",
		src: lines("# Title", "", "```http", "GET /hello", "X-A: b", "", "HTTP 200", "[Asserts]",
			"body contains \"Hello\"", "body shines", "```"),
		want: `l.md:10: unknown predicate "shines" (wirebook knows == != > >= < <= contains startsWith endsWith matches exists isInteger isFloat isBoolean isString isCollection isEmpty)`,
	},
	{
		name: "a bad status line is the expectations' first line",
		src:  lines("# Title", "```http", "GET /hello", "HTTP/9 200", "```"),
		want: "l.md:4: unknown version HTTP/9: write HTTP, HTTP/1.0, HTTP/1.1, HTTP/2 or HTTP/3",
	},
	{
		name: "an unsupported query is refused by name at its line",
		src:  lines("# Title", "```http", "GET /files/hello.html", "", "HTTP 200", "", "[Asserts]", `xpath "//h1" exists`, "```"),
		want: "l.md:8: xpath is not supported by wirebook; use body contains",
	},
	{
		name: "a status line with a reason phrase is refused, not taken for a body",
		src:  lines("# Title", "```http", "GET /hello", "", "HTTP/1.1 200 OK", "```"),
		want: `l.md:5: unexpected "OK" after the status: Hurl's status line has no reason phrase`,
	},
	{
		name: "a second status line is refused at its line",
		src:  lines("# Title", "```http", "GET /hello", "HTTP 200", "", "HTTP 404", "```"),
		want: "l.md:6: a second status line; the first is on line 1",
	},
	{
		name: "a cell of only expectations has no request",
		src:  lines("# Title", "```http", "HTTP 200", "```"),
		want: "l.md:2: request cell is empty: write METHOD URL on its first line",
	},
	{
		name: "a request error before the expectations names its line",
		src:  lines("# Title", "```http", "GET /json", "oops", "HTTP 200", "```"),
		want: "l.md:4: header line without a colon: want Name: value (a body goes after a blank line)",
	},
	{
		name: "an exercise without expectations cannot be solved",
		src:  lines("# Title", "```http", "GET /a", "```", "```http exercise", "GET /hello", "```", "```http solution", "GET /hello", "```"),
		want: "l.md:5: an exercise needs expectations (HTTP <status>, then [Asserts]) to know when it is solved",
	},
	{
		name: "exercise takes no value",
		src:  lines("# Title", "```http exercise=yes", "GET /hello", "HTTP 200", "```"),
		want: `l.md:2: option exercise takes no value, got "exercise=yes"`,
	},
	{
		name: "an exercise at the end without a solution",
		src:  lines("# Title", "```http exercise", "GET /hello", "HTTP 200", "```"),
		want: "l.md:2: an exercise must be followed by a ```http solution block with the request that solves it, as the very next block (nothing between them)",
	},
	{
		name: "prose between an exercise and its solution is refused",
		src:  lines("# Title", "```http exercise", "GET /hello", "HTTP 200", "```", "", "The answer:", "", "```http solution", "GET /hello", "```"),
		want: "l.md:2: an exercise must be followed by a ```http solution block with the request that solves it, as the very next block (nothing between them)",
	},
	{
		name: "another cell right after an exercise is not its solution",
		src:  lines("# Title", "```http exercise", "", "HTTP 200", "```", "```http", "GET /hello", "```"),
		want: "l.md:2: an exercise must be followed by a ```http solution block with the request that solves it, as the very next block (nothing between them)",
	},
	{
		name: "a stray solution solves nothing",
		src:  lines("# Title", "```http", "GET /hello", "HTTP 200", "```", "```http solution", "GET /hello", "```"),
		want: "l.md:6: a ```http solution block must come right after the ```http exercise cell it solves, with nothing between them",
	},
	{
		name: "a second solution is stray",
		src: lines("# Title", "```http exercise", "GET /", "HTTP 200", "```", "```http solution", "GET /hello", "```",
			"```http solution", "GET /hello", "```"),
		want: "l.md:9: a ```http solution block must come right after the ```http exercise cell it solves, with nothing between them",
	},
	{
		name: "a solution with expectations names their line",
		src: lines("# Title", "```http exercise", "GET /", "HTTP 200", "```", "```http solution", "GET /hello", "",
			"HTTP 200", "```"),
		want: "l.md:9: a solution holds only the request; its expectations belong to the exercise cell (line 2)",
	},
	{
		name: "a solution that does not parse names its line",
		src:  lines("# Title", "```http exercise", "GET /", "HTTP 200", "```", "```http solution", "", "get /hello", "```"),
		want: `l.md:8: method "get" is not upper case; methods are case-sensitive, write GET`,
	},
	{
		name: "an empty solution is refused",
		src:  lines("# Title", "```http exercise", "GET /", "HTTP 200", "```", "```http solution", "```"),
		want: "l.md:6: solution block is empty: write the request that solves the exercise above it",
	},
	{
		name: "a solution takes no other option",
		src:  lines("# Title", "```http exercise", "GET /", "HTTP 200", "```", "```http solution stream", "GET /stream", "```"),
		want: `l.md:6: a solution block takes no other option, got "stream"; options belong on the exercise cell (line 2)`,
	},
	{
		name: "an unclosed solution",
		src:  lines("# Title", "```http exercise", "GET /", "HTTP 200", "```", "```http solution", "GET /hello"),
		want: "l.md:6: solution block is never closed: add a closing ``` line",
	},
	{
		name: "the first bad cell is reported even after good ones",
		src:  lines("# Title", "```http", "GET /a", "```", "", "```http", "GET /b", "```", "", "```http nope", "GET /c", "```"),
		want: `l.md:10: unknown cell option "nope" (known: stream, transport=wire|browser, client=bare|requests|curl|browser, exercise, solution)`,
	},
}

func TestParseRefusesBadLessons(t *testing.T) {
	t.Parallel()
	for _, tt := range badLessons {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			l, err := Parse("l.md", tt.src)
			if err == nil {
				t.Fatalf("Parse succeeded with %d cells; want error %q", len(l.Cells), tt.want)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
			var le *Error
			if !errors.As(err, &le) || le.File != "l.md" {
				t.Errorf("error %#v is not an *Error naming l.md", err)
			}
		})
	}
}

func TestParseCells(t *testing.T) {
	t.Parallel()
	src := lines(
		"# Watching HTTP", // 1
		"",
		"Some *prose*.",
		"",
		"```http", // 5
		"GET /hello",
		"```",
		"```http stream", // 8
		"GET /stream",
		"```",
		"",
		"Between.",
		"",
		"```http transport=browser   stream", // 14
		"POST /json",
		"Content-Type: application/x-www-form-urlencoded",
		"",
		"name=David&title=Data+Scientist",
		"```",
		"",
		"```go",
		"// Go code stays prose.",
		"```",
		"",
		"```http transport=wire client=requests", // 25
		"GET /secure",
		"Authorization: Basic RGF2aWQ6NGJZYURaQ0ZzVFk0",
		"```",
	)
	l, err := Parse("l.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "Watching HTTP" {
		t.Errorf("Title = %q, want %q", l.Title, "Watching HTTP")
	}

	want := []Cell{
		{N: 1, Line: 5, Text: "GET /hello", Transport: "wire", ID: "cell-1",
			Request: wireproto.Request{Method: "GET", Target: "/hello"}},
		{N: 2, Line: 8, Text: "GET /stream", Stream: true, Transport: "wire", ID: "cell-2",
			Request: wireproto.Request{Method: "GET", Target: "/stream"}},
		{N: 3, Line: 14, Text: "POST /json\nContent-Type: application/x-www-form-urlencoded\n\nname=David&title=Data+Scientist",
			Stream: true, Transport: "browser", ID: "cell-3",
			Request: wireproto.Request{Method: "POST", Target: "/json",
				Headers: []wireproto.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}},
				Body:    "name=David&title=Data+Scientist"}},
		{N: 4, Line: 25, Text: "GET /secure\nAuthorization: Basic RGF2aWQ6NGJZYURaQ0ZzVFk0", Transport: "wire", Client: "requests", ID: "cell-4",
			Request: wireproto.Request{Method: "GET", Target: "/secure",
				Headers: []wireproto.Header{{Name: "Authorization", Value: "Basic RGF2aWQ6NGJZYURaQ0ZzVFk0"}}}},
	}
	if len(l.Cells) != len(want) {
		t.Fatalf("got %d cells, want %d", len(l.Cells), len(want))
	}
	for i, c := range l.Cells {
		if got := c.Request.String(); got != want[i].Request.String() {
			t.Errorf("cell %d request = %q, want %q", i+1, got, want[i].Request.String())
		}
		if got, want := withoutRequest(*c), withoutRequest(want[i]); got != want {
			t.Errorf("cell %d =\n %+v\nwant\n %+v", i+1, got, want)
		}
	}

	// Blocks interleave prose and cells in document order; cells that touch
	// get no empty prose between them.
	var kinds []string
	for i, b := range l.Blocks {
		switch {
		case b.Cell != nil && b.Prose == "":
			kinds = append(kinds, "cell")
		case b.Cell == nil && b.Prose != "":
			kinds = append(kinds, "prose")
		default:
			t.Errorf("block %d sets both or neither of Prose and Cell: %+v", i, b)
		}
	}
	if got, want := strings.Join(kinds, " "), "prose cell cell prose cell prose cell"; got != want {
		t.Errorf("blocks = %s, want %s", got, want)
	}
	if l.Blocks[1].Cell != l.Cells[0] || l.Blocks[6].Cell != l.Cells[3] {
		t.Error("Blocks and Cells do not share the same *Cell")
	}
	for _, s := range []string{`<h1 id="watching-http">Watching HTTP</h1>`, "<em>prose</em>"} {
		if !strings.Contains(l.Blocks[0].Prose, s) {
			t.Errorf("first prose %q lacks %q", l.Blocks[0].Prose, s)
		}
	}
	if p := l.Blocks[5].Prose; !strings.Contains(p, `<pre><code class="language-go">// Go code stays prose.`) {
		t.Errorf("go code block not kept as prose code: %q", p)
	}
}

// cellFields is a Cell without its Request, which holds a slice and so
// cannot be compared with ==.
type cellFields struct {
	N, Line             int
	Text, Transport, ID string
	Stream              bool
}

func withoutRequest(c Cell) cellFields {
	return cellFields{c.N, c.Line, c.Text, c.Transport, c.ID, c.Stream}
}

func TestParseAcceptsExactlyMaxSize(t *testing.T) {
	t.Parallel()
	l, err := Parse("l.md", padTo(lines("# Big", "```http", "GET /hello", "```"), MaxSize))
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cells) != 1 {
		t.Errorf("got %d cells, want 1", len(l.Cells))
	}
}

func TestProseIsSafe(t *testing.T) {
	t.Parallel()
	l, err := Parse("l.md", lines(
		"# Title <script>alert('title')</script>",
		"",
		"Hello <script>alert(1)</script> there.",
		"",
		`<div onclick="steal()">block HTML</div>`,
		"",
		"[click](javascript:alert(2)) and <img src=x onerror=alert(3)>",
		"",
		"```http",
		"GET /hello",
		"```",
	))
	if err != nil {
		t.Fatal(err)
	}
	prose := l.Blocks[0].Prose
	for _, bad := range []string{"<script", "onclick", "javascript:", "onerror", "<div", "<img"} {
		if strings.Contains(prose, bad) {
			t.Errorf("prose passes %q through:\n%s", bad, prose)
		}
	}
	if !strings.Contains(prose, "<!-- raw HTML omitted -->") {
		t.Errorf("prose does not mark the omitted HTML:\n%s", prose)
	}
	if l.Title != "Title alert('title')" {
		t.Errorf("Title = %q, want the heading's text without its tags", l.Title)
	}
}

func TestProseRendersGFM(t *testing.T) {
	t.Parallel()
	l, err := Parse("l.md", lines(
		"# Title",
		"",
		"| header | meaning |",
		"|---|---|",
		"| `Location` | where to go |",
		"",
		"~~old~~ and https://example.com",
		"",
		"```http",
		"GET /hello",
		"```",
	))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<table>", "<td><code>Location</code></td>", "<del>old</del>", `<a href="https://example.com">`} {
		if !strings.Contains(l.Blocks[0].Prose, want) {
			t.Errorf("prose lacks %q:\n%s", want, l.Blocks[0].Prose)
		}
	}
}

func TestHeadingsDoNotTakeCellIDs(t *testing.T) {
	t.Parallel()
	l, err := Parse("l.md", lines(
		"# Cells",
		"## Cell 1",
		"```http",
		"GET /a",
		"```",
		"## Cell 1",
		"### `GET /b` and *more*",
	))
	if err != nil {
		t.Fatal(err)
	}
	want := []Heading{
		{1, "cells", "Cells"},
		{2, "cell-1-1", "Cell 1"},
		{2, "cell-1-2", "Cell 1"},
		{3, "get-b-and-more", "GET /b and more"},
	}
	if len(l.TOC) != len(want) {
		t.Fatalf("TOC = %+v, want %+v", l.TOC, want)
	}
	for i := range want {
		if l.TOC[i] != want[i] {
			t.Errorf("TOC[%d] = %+v, want %+v", i, l.TOC[i], want[i])
		}
	}
	if !strings.Contains(l.Blocks[0].Prose, `<h2 id="cell-1-1">`) {
		t.Errorf("heading id not rendered as in TOC: %s", l.Blocks[0].Prose)
	}
}

func TestFirstLevelOneHeadingIsTheTitle(t *testing.T) {
	t.Parallel()
	l, err := Parse("l.md", lines(
		"## Before",
		"The *real*",
		"===",
		"# Second",
		"```http",
		"GET /a",
		"```",
	))
	if err != nil {
		t.Fatal(err)
	}
	if l.Title != "The real" {
		t.Errorf("Title = %q, want %q", l.Title, "The real")
	}
}

// defaultLessons is every lesson of the embedded course (package syllabus
// reads them as a course; this package sees each file alone).
func defaultLessons(t testing.TB) map[string][]byte {
	t.Helper()
	names, err := fs.Glob(web.Lessons(), web.LessonsDir+"/*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, name := range names {
		if path.Base(name) == "index.md" {
			continue // the course's front page, not a lesson
		}
		if out[name], err = fs.ReadFile(web.Lessons(), name); err != nil {
			t.Fatal(err)
		}
	}
	if len(out) < 2 {
		t.Fatalf("the embedded course has %d lessons", len(out))
	}
	return out
}

func TestDefaultLessonParses(t *testing.T) {
	t.Parallel()
	cells, exercises := 0, 0
	for name, src := range defaultLessons(t) {
		l, err := Parse(name, src)
		if err != nil {
			t.Fatal(err)
		}
		cells += len(l.Cells)
		for _, c := range l.Cells {
			req := c.Request
			if c.Exercise {
				exercises++
				// An exercise may start empty; its solution says where it goes.
				if req, err = wireproto.ParseRequest(c.Solution); err != nil {
					t.Fatalf("%s:%d: solution: %v", name, c.Line, err)
				}
			}
			// Relative targets work on whatever single address wirebook
			// listens on; the course ports are opt-in.
			if !strings.HasPrefix(req.Target, "/") {
				t.Errorf("%s:%d: target %q is not relative to the page", name, c.Line, req.Target)
			}
			// The page shows the handler beside each cell; a cell whose
			// endpoint has no marked handler would stand alone.
			if _, ok := web.SnippetFor(req.Target); !ok {
				t.Errorf("%s:%d: no //wirebook:snippet handler answers %s", name, c.Line, req.Target)
			}
			// Every answer is checked, so Run all says whether the lesson
			// works; a WebSocket's messages are not an HTTP answer to check.
			if c.Expect.Len() == 0 && !strings.HasPrefix(req.Target, "/ws/") {
				t.Errorf("%s:%d: %s has no expectations", name, c.Line, req.Target)
			}
		}
	}
	if cells < 18 {
		t.Errorf("the default course has %d cells, want at least 18", cells)
	}
	if exercises < 8 {
		t.Errorf("the default course has %d exercises, want at least 8", exercises)
	}
}

func FuzzParse(f *testing.F) {
	for _, src := range defaultLessons(f) {
		f.Add(src)
	}
	for _, tt := range badLessons {
		if len(tt.src) <= 64<<10 { // a megabyte seed slows every mutation; the size check is one if
			f.Add(tt.src)
		}
	}
	f.Add(lines("# T", "```http stream transport=browser", "GET /a", "X: y", "", "body", "```"))
	f.Add(lines("# T", "- ```http", "  GET /a", "  ```"))
	f.Add(lines("# T", "```http", "GET /a"))
	f.Add([]byte("# T\r\n```http\r\nGET /\r\n```\r\n"))
	f.Add([]byte("# T\n```http\nget \xff\n```"))
	f.Add(lines("# T", "```http exercise", "", "HTTP 200", "[Asserts]", `body contains "x"`, "```", "```http solution", "GET /a", "```"))
	f.Add(lines("# T", "```http", "GET /a", "HTTP/1.1 *", "X: y", "[Asserts]", `jsonpath "$.a[0]" == 1`, "```", "```http solution", "GET /a", "```"))
	f.Fuzz(func(t *testing.T, src []byte) {
		l, err := Parse("f.md", src)
		if err != nil {
			var le *Error
			if !errors.As(err, &le) || le.Line < 1 {
				t.Fatalf("error %v is not an *Error with a line", err)
			}
			return
		}
		if l.Title == "" || len(l.Cells) == 0 {
			t.Fatalf("parsed without a title or cells: %+v", l)
		}
		n := 0
		for _, b := range l.Blocks {
			if (b.Cell == nil) == (b.Prose == "") {
				t.Fatalf("block sets both or neither of Prose and Cell: %+v", b)
			}
			if b.Cell != nil {
				n++
				if b.Cell != l.Cells[n-1] || b.Cell.N != n {
					t.Fatalf("cell %d out of order", n)
				}
			}
			if c := b.Cell; c != nil {
				if (c.ExpectText == "") != (c.Expect.Len() == 0) || c.ExpectText != "" && c.ExpectLine <= c.Line {
					t.Fatalf("cell %d: ExpectText %q at line %d (fence %d) with %d checks", n, c.ExpectText, c.ExpectLine, c.Line, c.Expect.Len())
				}
				if c.Exercise != (c.Solution != "") || c.Exercise && c.ExpectText == "" {
					t.Fatalf("cell %d: exercise %v, solution %q, expectations %q", n, c.Exercise, c.Solution, c.ExpectText)
				}
				if !c.Exercise && c.Request.Method == "" {
					t.Fatalf("cell %d is not an exercise and has no request: %q", n, c.Text)
				}
			}
		}
		if n != len(l.Cells) {
			t.Fatalf("%d cells in Blocks, %d in Cells", n, len(l.Cells))
		}
	})
}

func TestCellsSplitAtTheStatusLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		cell                  []string // the lines inside the fence, which opens on line 2
		text, expect          string
		expectLine, expectLen int
	}{
		{
			name: "no status line: all request",
			cell: []string{"GET /hello"},
			text: "GET /hello",
		},
		{
			name:       "status right after the request",
			cell:       []string{"GET /hello", "HTTP 200"},
			text:       "GET /hello",
			expect:     "HTTP 200",
			expectLine: 4, expectLen: 1,
		},
		{
			name: "blank lines before the status are not the body",
			cell: []string{"POST /json", "Content-Type: application/x-www-form-urlencoded", "", "name=David", "", "",
				"HTTP/1.1 200", "Content-Type: application/json", "[Asserts]", `jsonpath "$.name" == "David"`},
			text:       "POST /json\nContent-Type: application/x-www-form-urlencoded\n\nname=David",
			expect:     "HTTP/1.1 200\nContent-Type: application/json\n[Asserts]\njsonpath \"$.name\" == \"David\"",
			expectLine: 9, expectLen: 3,
		},
		{
			name:       "any status, with a comment",
			cell:       []string{"GET /stream", "HTTP *   # whatever comes", "[Asserts]", "duration < 60000"},
			text:       "GET /stream",
			expect:     "HTTP *   # whatever comes\n[Asserts]\nduration < 60000",
			expectLine: 4, expectLen: 2,
		},
		{
			name: "body lines that are not status lines stay body",
			cell: []string{"POST /echo/", "", "HTTP is fun", "HTTP/1.1 2000", "HTTPS 200", "http 200", "HTTP 20x"},
			text: "POST /echo/\n\nHTTP is fun\nHTTP/1.1 2000\nHTTPS 200\nhttp 200\nHTTP 20x",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			src := lines(append(append([]string{"# T", "```http"}, tt.cell...), "```")...)
			l, err := Parse("l.md", src)
			if err != nil {
				t.Fatal(err)
			}
			c := l.Cells[0]
			if c.Text != tt.text || c.ExpectText != tt.expect || c.ExpectLine != tt.expectLine || c.Expect.Len() != tt.expectLen {
				t.Errorf("got Text %q, ExpectText %q at line %d with %d checks\nwant Text %q, ExpectText %q at line %d with %d checks",
					c.Text, c.ExpectText, c.ExpectLine, c.Expect.Len(), tt.text, tt.expect, tt.expectLine, tt.expectLen)
			}
			if want, err := wireproto.ParseRequest(tt.text); err != nil || c.Request.String() != want.String() {
				t.Errorf("Request = %q, want the text parsed: %q (%v)", c.Request.String(), want.String(), err)
			}
		})
	}
}

func TestExpectationsAreChecked(t *testing.T) {
	t.Parallel()
	l, err := Parse("l.md", lines("# T", "```http", "GET /hello", "HTTP 200", "Content-Type: text/plain",
		"[Asserts]", `body == "Hello"`, "```"))
	if err != nil {
		t.Fatal(err)
	}
	spec := l.Cells[0].Expect
	ok := expect.Response{Status: 200, Header: []expect.Header{{Name: "Content-Type", Value: "text/plain"}}, Body: []byte("Hello")}
	for _, r := range spec.Check(ok) {
		if !r.Pass {
			t.Errorf("%+v fails on the right answer", r)
		}
	}
	bad := expect.Response{Status: 200, Header: []expect.Header{{Name: "Content-Type", Value: "text/html"}}, Body: []byte("Hello")}
	failed := 0
	for _, r := range spec.Check(bad) {
		if !r.Pass {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d checks fail on a text/html answer, want 1", failed)
	}
}

func TestExercises(t *testing.T) {
	t.Parallel()
	src := lines(
		"# T", // 1
		"```http",
		"GET /hello",
		"```",
		"",
		"Greet in French.",
		"",
		"```http exercise stream", // 8
		"",
		"HTTP 200",
		"[Asserts]",
		`body contains "Bonjour"`,
		"```",
		"```http solution", // 14
		"GET /greeting?lang=fr",
		"X-INE-Student: SECRET-ANSWER",
		"```",
		"",
		"Then finish this one.",
		"",
		"```http exercise", // 21
		"GET /greet",
		"HTTP 404",
		"```",
		"```http solution",
		"GET /notfound",
		"```",
		"```http", // 28
		"GET /json",
		"```",
	)
	l, err := Parse("l.md", src)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Cells) != 4 {
		t.Fatalf("%d cells, want 4: solutions are not cells", len(l.Cells))
	}
	for i, want := range []struct {
		line     int
		exercise bool
		text     string
		solution string
	}{
		{2, false, "GET /hello", ""},
		{8, true, "", "GET /greeting?lang=fr\nX-INE-Student: SECRET-ANSWER"},
		{21, true, "GET /greet", "GET /notfound"},
		{28, false, "GET /json", ""},
	} {
		c := l.Cells[i]
		if c.N != i+1 || c.ID != cellID(i+1) || c.Line != want.line || c.Exercise != want.exercise || c.Text != want.text || c.Solution != want.solution {
			t.Errorf("cell %d = N %d %s line %d exercise %v text %q solution %q\nwant N %d line %d exercise %v text %q solution %q",
				i+1, c.N, c.ID, c.Line, c.Exercise, c.Text, c.Solution, i+1, want.line, want.exercise, want.text, want.solution)
		}
	}
	if ex := l.Cells[1]; !ex.Stream || ex.Request.Method != "" || ex.Expect.Len() != 2 {
		t.Errorf("the empty exercise: Stream %v, Request %+v, %d checks; want stream, no request, 2 checks", ex.Stream, ex.Request, ex.Expect.Len())
	}
	if ex := l.Cells[2]; ex.Request.Target != "/greet" {
		t.Errorf("an exercise's request that parses is parsed: %+v", ex.Request)
	}
	var kinds []string
	for _, b := range l.Blocks {
		if b.Cell != nil {
			kinds = append(kinds, "cell")
			continue
		}
		kinds = append(kinds, "prose")
		if strings.Contains(b.Prose, "SECRET-ANSWER") || strings.Contains(b.Prose, "/notfound") {
			t.Errorf("a solution reached the page's prose: %q", b.Prose)
		}
	}
	if got, want := strings.Join(kinds, " "), "prose cell prose cell prose cell cell"; got != want {
		t.Errorf("blocks = %s, want %s", got, want)
	}
}
