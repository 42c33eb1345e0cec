package lint

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"wirebook/server/lesson"
	"wirebook/server/relay"
)

// defaultRelay refuses what the server's relay refuses with no flags: all
// but wirebook's own listeners, on their default ports.
var defaultRelay = relay.New(relay.WithLogger(slog.New(slog.DiscardHandler)),
	relay.WithAllowedHosts("127.0.0.1:2500", "127.0.0.1:2502", "127.0.0.1:2503", "127.0.0.1:2504", "127.0.0.1:2505"))

// lint parses src as a lesson, which must succeed, and lints it.
func lint(t *testing.T, src string, refused func(string) string) []Warning {
	t.Helper()
	l, err := lesson.Parse("l.md", []byte(src))
	if err != nil {
		t.Fatalf("the lesson does not parse: %v", err)
	}
	return Lint("l.md", []byte(src), l, refused)
}

// found is each warning as "line rule", the part every row asserts.
func found(ws []Warning) []string {
	var out []string
	for _, w := range ws {
		out = append(out, fmt.Sprintf("%d %s", w.Line, w.Rule))
	}
	return out
}

// cellRow is one row of a table: a lesson and the warnings it must give.
type cellRow struct {
	name string
	src  string
	want []string // "line rule", in order
}

func runRows(t *testing.T, rows []cellRow, refused func(string) string) {
	t.Helper()
	for _, tt := range rows {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ws := lint(t, tt.src, refused)
			if got := found(ws); !slices.Equal(got, tt.want) {
				t.Errorf("warnings %q, want %q", got, tt.want)
				for _, w := range ws {
					t.Logf("%s (%s)", w, w.Rule)
				}
			}
		})
	}
}

func TestFenceCase(t *testing.T) {
	t.Parallel()
	runRows(t, []cellRow{
		{"HTTP in capitals is a plain block", "# T\n\n```HTTP\nGET /a\n```\n\n```http\nGET /b\n```\n", []string{"3 fence-case"}},
		{"Http with options", "# T\n\n```http\nGET /b\n```\n\nText.\n\n~~~Http stream\nGET /a\n~~~\n", []string{"9 fence-case"}},
		{"inside a list and a quote", "# T\n\n- item\n\n  ```HTTP\n  GET /a\n  ```\n\n> ```hTtP\n> GET /a\n> ```\n\n```http\nGET /b\n```\n", []string{"5 fence-case", "9 fence-case"}},
		{"other languages are prose as meant", "# T\n\n```https\nx\n```\n\n```HTTP/1.1\nx\n```\n\n```python\nx\n```\n\n```\nHTTP\n```\n\n```http\nGET /b\n```\n", nil},
	}, nil)
}

func TestFenceCaseMessage(t *testing.T) {
	t.Parallel()
	ws := lint(t, "# T\n\n~~~~Http stream\nGET /a\n~~~~\n\n```http\nGET /b\n```\n", nil)
	want := "l.md:3: ~~~~Http stream shows as plain code, not a request cell: only a lowercase http starts a cell; write ~~~~http stream"
	if len(ws) != 1 || ws[0].String() != want {
		t.Errorf("warnings %v, want [%s]", ws, want)
	}
	ws = lint(t, "# T\n\n- item\n\n  ```HTTP\n  GET /a\n  ```\n\n```http\nGET /b\n```\n", nil)
	want = "l.md:5: ```HTTP shows as plain code, not a request cell: only a lowercase http starts a cell; write ```http at the start of a line, outside the list or quote"
	if len(ws) != 1 || ws[0].String() != want {
		t.Errorf("in a list, warnings %v, want [%s]", ws, want)
	}
}

func TestTwoRequests(t *testing.T) {
	t.Parallel()
	runRows(t, []cellRow{
		{"a second GET in the body", "# T\n\n```http\nPOST /echo\n\nGET /second\n```\n", []string{"6 two-requests"}},
		{"each request after the first", "# T\n\n```http\nPOST /echo\nContent-Type: text/plain\n\nGET /two HTTP/1.1\nHost: x\n\nDELETE http://127.0.0.1:2505/three\n```\n", []string{"7 two-requests", "10 two-requests"}},
		{"lines counted past blank lines before the request", "# T\n\n```http\n\n\nPOST /echo\n\nPUT /x HTTP/2\n```\n", []string{"8 two-requests"}},
		{"a form body is not a request", "# T\n\n```http\nPOST /greet\nContent-Type: application/x-www-form-urlencoded\n\nname=David\n```\n", nil},
		{"words that are not a request line", "# T\n\n```http\nPOST /echo\n\nGET it\nget /lower\nGET /a extra\n  GET /indented\nFETCH /x\n{\"cmd\": \"GET /x\"}\n```\n", nil},
		{"the expectations are not the request", "# T\n\n```http\nGET /hello\n\nHTTP 200\n[Asserts]\nbody contains \"GET /x\"\n```\n", nil},
		{"in an exercise and in its solution",
			"# T\n\n```http exercise\nPOST /echo\n\nGET /x\nHTTP 200\n```\n```http solution\nPOST /echo\n\nHEAD /y\n```\n",
			[]string{"6 two-requests", "12 two-requests"}},
	}, nil)
}

func TestTwoRequestsMessage(t *testing.T) {
	t.Parallel()
	ws := lint(t, "# T\n\n```http\nPOST /echo\n\nGET /second \n```\n", nil)
	want := `l.md:6: "GET /second" is a second request line in the cell whose request starts on line 4: a cell sends one request, and this line goes out as part of it; split it into two ` + "```http cells"
	if len(ws) != 1 || ws[0].String() != want {
		t.Errorf("warnings %v, want [%s]", ws, want)
	}
}

func TestRefusedTarget(t *testing.T) {
	t.Parallel()
	runRows(t, []cellRow{
		{"a host the relay does not know", "# T\n\n```http\nGET /a\n```\n\n```http\n\nGET http://example.com/x\n```\n", []string{"9 refused-target"}},
		{"an allowed port is fine, another is not", "# T\n\n```http\nGET http://127.0.0.1:2505/a\n```\n\n```http\nGET http://127.0.0.1:2600/a\n```\n", []string{"8 refused-target"}},
		{"the exercise's request and its solution",
			"# T\n\n```http exercise\nGET http://example.com/x\nHTTP 200\n```\n```http solution\nGET http://example.org/x\n```\n",
			[]string{"4 refused-target", "8 refused-target"}},
		{"a solution with the exercise's target is said once",
			"# T\n\n```http exercise\nGET http://example.com/x\nHTTP 200\n```\n```http solution\nGET http://example.com/x\n```\n",
			[]string{"4 refused-target"}},
		{"an exercise that does not parse yet", "# T\n\n```http exercise\nhttp://example.com/\nHTTP 200\n```\n```http solution\nGET /x\n```\n", nil},
	}, defaultRelay.Refusal)
}

func TestRefusedTargetMessageIsTheRelays(t *testing.T) {
	t.Parallel()
	ws := lint(t, "# T\n\n```http exercise\nGET http://example.com/x\nHTTP 200\n```\n```http solution\nGET http://example.com/x\n```\n", defaultRelay.Refusal)
	want := []string{"l.md:4: the relay would refuse this cell's target http://example.com/x: example.com:80 is not one of wirebook's own addresses (allow it with -relay-allow)"}
	var got []string
	for _, w := range ws {
		got = append(got, w.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q (the solution's same target is not said twice)", got, want)
	}
}

func TestRefusedAsksOnlyAboutFullURLs(t *testing.T) {
	t.Parallel()
	var asked []string
	refused := func(url string) string { asked = append(asked, url); return "" }
	lint(t, "# T\n\n```http\nGET /a\n```\n\n```http\nGET http://127.0.0.1:2505/b\n```\n\n```http\nOPTIONS /\n```\n", refused)
	if want := []string{"http://127.0.0.1:2505/b"}; !slices.Equal(asked, want) {
		t.Errorf("refused was asked about %q, want %q: a relative target is the page's own", asked, want)
	}
}

func TestRepeatedHeading(t *testing.T) {
	t.Parallel()
	cell := "\n```http\nGET /a\n```\n"
	runRows(t, []cellRow{
		{"the same words at the same level", "# T\n\n## Setup\n\n## Run\n\n## Setup\n" + cell, []string{"7 repeated-heading"}},
		{"a third names the first", "# T\n\n### Your turn\n\n### Your turn\n\n### Your turn\n" + cell, []string{"5 repeated-heading", "7 repeated-heading"}},
		{"setext and ATX alike, by the line of the text", "# T\n\nSetup\n-----\n\n## Setup\n" + cell, []string{"6 repeated-heading"}},
		{"markup does not make a heading different", "# T\n\n## The *Host* header\n\n## The Host header\n" + cell, []string{"5 repeated-heading"}},
		{"the title again", "# T\n\n# T\n" + cell, []string{"3 repeated-heading"}},
		{"the same words at another level", "# T\n\n## Setup\n\n### Setup\n" + cell, nil},
		{"a heading-like line in a code block", "# T\n\n## Setup\n\n```\n## Setup\n```\n" + cell, nil},
		{"case counts as different words", "# T\n\n## Setup\n\n## setup\n" + cell, nil},
	}, nil)
}

func TestRepeatedHeadingMessage(t *testing.T) {
	t.Parallel()
	ws := lint(t, "# T\n\n## Your turn\n\n```http\nGET /a\n```\n\n## Your turn\n", nil)
	want := `l.md:9: the level-2 heading "Your turn" repeats the one on line 3: the contents list shows the same words twice and this one's anchor differs only by a number; say what is different here`
	if len(ws) != 1 || ws[0].String() != want {
		t.Errorf("warnings %v, want [%s]", ws, want)
	}
}

// lesson.Parse refuses a lesson without a title, so the rule runs on the
// source alone, as for any lesson that does not parse.
func TestNoTitle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      []string
	}{
		{"no heading at all", "Text.\n\n```http\nGET /a\n```\n", []string{"1 no-title"}},
		{"only lower levels", "\n\n## Part\n\n```http\nGET /a\n```\n", []string{"1 no-title"}},
		{"a # in a code block is not a title", "```\n# not a title\n```\n", []string{"1 no-title"}},
		{"a setext title", "Title\n=====\n", nil},
		{"a title after other headings", "## Part\n\n# Title\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := found(Lint("l.md", []byte(tt.src), nil, nil)); !slices.Equal(got, tt.want) {
				t.Errorf("warnings %q, want %q", got, tt.want)
			}
		})
	}
	want := "l.md:1: the lesson has no title: start it with a level-1 heading (# Title), which names it on its page and in the course's index"
	if ws := Lint("l.md", []byte("Text.\n"), nil, nil); len(ws) != 1 || ws[0].String() != want {
		t.Errorf("warnings %v, want [%s]", ws, want)
	}
}

func TestWithoutALessonOnlySourceRulesRun(t *testing.T) {
	t.Parallel()
	src := "```HTTP\nGET /a\n```\n\n## A\n\n## A\n\n```http\nPOST /echo\n\nGET http://example.com/\n```\n"
	got := found(Lint("l.md", []byte(src), nil, defaultRelay.Refusal))
	if want := []string{"1 fence-case", "1 no-title", "7 repeated-heading"}; !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
}

func TestLinesCountCRLFAsLesson(t *testing.T) {
	t.Parallel()
	src := "# T\r\n\r\n```http\r\nPOST /echo\r\n\r\nGET /x\r\n```\r\n\r\n## A\r## A\r\n"
	got := found(lint(t, src, nil))
	if want := []string{"6 two-requests", "10 repeated-heading"}; !slices.Equal(got, want) {
		t.Errorf("warnings %q, want %q", got, want)
	}
}

// The lessons wirebook embeds must lint clean, however many files they
// become: a warning there is a trap the course itself sets.
func TestEmbeddedLessonsLintClean(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../web/lessons/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no lesson in web/lessons: the glob is wrong, and this test proves nothing")
	}
	for _, name := range files {
		if filepath.Base(name) == "index.md" {
			continue // the course's front page, not a lesson (see package syllabus)
		}
		t.Run(filepath.Base(name), func(t *testing.T) {
			t.Parallel()
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			l, err := lesson.Parse(name, src)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range Lint(name, src, l, defaultRelay.Refusal) {
				t.Errorf("%s (%s)", w, w.Rule)
			}
		})
	}
}
