package check

import (
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"

	"wirebook/server/expect"
	"wirebook/server/internal/student"
	"wirebook/server/lesson"
	"wirebook/server/lint"
	"wirebook/server/relay"
	"wirebook/server/wireproto"
)

// cell builds a lesson cell as the lesson parser does: text split at its
// first status line into the request and the expectations.
func cell(t *testing.T, text string) *lesson.Cell {
	t.Helper()
	c := &lesson.Cell{Text: text}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "HTTP ") || strings.HasPrefix(l, "HTTP/") {
			c.Text, c.ExpectText = strings.Join(lines[:i], "\n"), strings.Join(lines[i:], "\n")
			break
		}
	}
	if c.ExpectText != "" {
		spec, err := expect.Parse(c.ExpectText)
		if err != nil {
			t.Fatalf("expectations of %q: %v", text, err)
		}
		c.Expect = spec
	}
	req, err := wireproto.ParseRequest(c.Text)
	if err != nil {
		t.Fatalf("request %q: %v", c.Text, err)
	}
	c.Request = req
	return c
}

// exercise builds an exercise cell whose reference request is solution.
func exercise(t *testing.T, text, solution string) *lesson.Cell {
	t.Helper()
	c := cell(t, text)
	c.Exercise, c.Solution = true, solution
	return c
}

func newLesson(cells ...*lesson.Cell) *lesson.Lesson {
	for i, c := range cells {
		c.N, c.Line = i+1, 10*(i+1)
	}
	return &lesson.Lesson{Title: "Checked", Cells: cells}
}

// studentLesson asks of the course's servers what the embedded lesson
// shows, so that the wrong student server fails exactly its four faults.
func studentLesson(t *testing.T) *lesson.Lesson {
	return newLesson(
		cell(t, "GET /files/greetings.txt\nHTTP 200\n[Asserts]\nheader \"Content-Type\" contains \"text/plain\"\nbody contains \"Bonjour\""),
		cell(t, "GET /files/no-such-file.txt\nHTTP 404"),
		cell(t, "GET /echo/some-file.txt\nX-INE-Student: Ana\nHTTP 200\n[Asserts]\nheader \"X-INE-Course\" == \"HTTP using Python\"\nbody contains \"X-INE-Student: Ana\""),
		cell(t, "GET /hello\nHTTP 200\n[Asserts]\nheader \"Content-Type\" contains \"text/plain\"\nbody == \"Hello\""),
		cell(t, "GET /greeting?lang=fr\nX-INE-Student: Ana\nHTTP 200\n[Asserts]\nbody contains \"Bonjour Ana!\"\nheader \"X-INE-Course\" exists"),
		cell(t, "GET /greeting?lang=tlh\nHTTP 400"),
		cell(t, "GET /redirect\nHTTP 301\n[Asserts]\nheader \"Location\" == \"http://kdm.training\""),
		cell(t, "GET /notfound"),
		cell(t, "GET /json?name=David&title=Instructor\nHTTP 200\n[Asserts]\njsonpath \"$.name\" == \"David\"\njsonpath \"$.title\" == \"Instructor\""),
		cell(t, "GET /secure\nAuthorization: Basic RGF2aWQ6NGJZYURaQ0ZzVFk0\nHTTP 200\n[Asserts]\nbody contains \"David\""),
		cell(t, "GET /secure\nHTTP 401\n[Asserts]\nheader \"WWW-Authenticate\" exists"),
		cell(t, "GET /ws/stream\nHTTP 101"),
		exercise(t, "GET /greeting\nHTTP 200\n[Asserts]\nbody contains \"Nǐn hǎo\"", "GET /greeting?lang=zh\nX-INE-Student: Ana"),
	)
}

// wantStudentReport is the whole report on the wrong student server: its
// four faults, each with what came back and what was wanted, and nothing
// else failed.
const wantStudentReport = `lesson.md: Checked
In [1] GET /files/greetings.txt → 200 OK
  ✓ HTTP 200
  ✓ header "Content-Type" contains "text/plain"
  ✓ body contains "Bonjour"
In [2] GET /files/no-such-file.txt → 404 Not Found
  ✓ HTTP 404
In [3] GET /echo/some-file.txt → 200 OK
  ✓ HTTP 200
  ✗ header "X-INE-Course" == "HTTP using Python"
      got: no X-INE-Course header  want: == "HTTP using Python"
  ✓ body contains "X-INE-Student: Ana"
In [4] GET /hello → 200 OK
  ✓ HTTP 200
  ✗ header "Content-Type" contains "text/plain"
      got: "text/html; charset=utf-8"  want: contains "text/plain"
  ✓ body == "Hello"
In [5] GET /greeting?lang=fr → 200 OK
  ✓ HTTP 200
  ✗ body contains "Bonjour Ana!"
      got: "Hello Ana!"  want: contains "Bonjour Ana!"
  ✗ header "X-INE-Course" exists
      got: no X-INE-Course header  want: exists
In [6] GET /greeting?lang=tlh → 500 Internal Server Error
  ✗ HTTP 400
      got: 500  want: 400
In [7] GET /redirect → 301 Moved Permanently
  ✓ HTTP 301
  ✓ header "Location" == "http://kdm.training"
In [8] GET /notfound → 404 Not Found
In [9] GET /json?name=David&title=Instructor → 200 OK
  ✓ HTTP 200
  ✓ jsonpath "$.name" == "David"
  ✓ jsonpath "$.title" == "Instructor"
In [10] GET /secure → 200 OK
  ✓ HTTP 200
  ✓ body contains "David"
In [11] GET /secure → 401 Unauthorized
  ✓ HTTP 401
  ✓ header "WWW-Authenticate" exists
In [12] GET /ws/stream — skipped: a WebSocket cell: the page opens it in the browser, and check sends HTTP requests only (1 check not run)
In [13] GET /greeting?lang=zh (exercise, the lesson's solution) → 200 OK
  ✓ HTTP 200
  ✗ body contains "Nǐn hǎo"
      got: "Hello Ana!"  want: contains "Nǐn hǎo"

19 passed, 6 failed
`

// checkStudent runs the student lesson against the wrong student server.
func checkStudent(t *testing.T) []Suite {
	t.Helper()
	s := student.Start(t)
	ports := Ports{Auth: s.Auth, Files: s.Files, Echo: s.Echo, App: s.App}
	rl := relay.New(relay.WithAllowedHosts(ports.Hosts(s.Host)...))
	t.Cleanup(rl.Wait)
	return []Suite{New(rl, CourseHost(s.Host, ports)).Lesson(context.Background(), "lesson.md", studentLesson(t), nil)}
}

func TestWrongStudentServerFailsExactlyItsFaults(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	passed, failed, err := Print(&out, checkStudent(t))
	if err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != wantStudentReport {
		t.Errorf("report:\n%s\nwant:\n%s", got, wantStudentReport)
	}
	if passed != 19 || failed != 6 {
		t.Errorf("totals = %d passed, %d failed; want 19, 6", passed, failed)
	}
}

func TestJUnitReadsBack(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	if err := WriteJUnit(&out, checkStudent(t)); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Name     string `xml:"name,attr"`
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Skipped  int    `xml:"skipped,attr"`
			Cases    []struct {
				Name     string    `xml:"name,attr"`
				Skipped  *struct{} `xml:"skipped"`
				Failures []struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("the JUnit XML does not parse: %v\n%s", err, out.String())
	}
	if len(doc.Suites) != 1 {
		t.Fatalf("%d suites, want one per lesson", len(doc.Suites))
	}
	s := doc.Suites[0]
	if s.Name != "lesson.md" || s.Tests != 13 || s.Failures != 5 || s.Skipped != 1 || doc.Tests != 13 || doc.Failures != 5 {
		t.Errorf("suite %s: %d tests, %d failed, %d skipped (all: %d, %d); want lesson.md: 13, 5, 1", s.Name, s.Tests, s.Failures, s.Skipped, doc.Tests, doc.Failures)
	}
	hello := s.Cases[3]
	if hello.Name != "In [4] GET /hello" || len(hello.Failures) != 1 {
		t.Fatalf("case 4 = %+v, want In [4] GET /hello with one failure", hello)
	}
	f := hello.Failures[0]
	if f.Message != `header "Content-Type" contains "text/plain"` ||
		!strings.Contains(f.Text, `got:  "text/html; charset=utf-8"`) || !strings.Contains(f.Text, `want: contains "text/plain"`) {
		t.Errorf("failure = %+v, want the expectation with got and want", f)
	}
	if s.Cases[11].Skipped == nil {
		t.Errorf("the WebSocket cell is not marked skipped")
	}
}

func TestACellThatCannotBeSentFails(t *testing.T) {
	t.Parallel()
	rl := relay.New() // allows nothing: every send is refused
	t.Cleanup(rl.Wait)
	l := newLesson(
		cell(t, "GET /hello\nHTTP 200\n[Asserts]\nbody == \"Hello\""),
		cell(t, "GET /notfound"),
		exercise(t, "GET /greeting\nHTTP 200", ""),
	)
	var out bytes.Buffer
	suite := New(rl, CourseHost("127.0.0.1", CoursePorts)).Lesson(context.Background(), "l.md", l, nil)
	passed, failed, _ := Print(&out, []Suite{suite})
	if passed != 0 || failed != 4 {
		t.Errorf("totals = %d passed, %d failed; want 0, 4 (2 checks of a cell not sent, 1 for a cell without checks, 1 for an exercise without solution)\n%s", passed, failed, out.String())
	}
	for _, want := range []string{
		"In [1] GET /hello\n  ✗ not sent: refused: 127.0.0.1:2505 is not one of wirebook's own addresses",
		"In [2] GET /notfound\n  ✗ not sent: refused:",
		"In [3] GET /greeting (exercise, the lesson's solution)\n  ✗ not sent: an exercise without a solution",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report does not say %q:\n%s", want, out.String())
		}
	}
}

func TestWarningsComeBeforeTheCellsAndAreCounted(t *testing.T) {
	t.Parallel()
	suites := []Suite{{
		Name: "l.md", Title: "Linted",
		Warnings: []lint.Warning{
			{File: "l.md", Line: 3, Rule: lint.FenceCase, Msg: "```HTTP shows as plain code"},
			{File: "l.md", Line: 9, Rule: lint.RepeatedHeading, Msg: "a heading again"},
		},
		Cells: []Cell{{N: 1, Request: "GET /skipped", Skipped: "not sent"}},
	}}
	var out bytes.Buffer
	if _, _, err := Print(&out, suites); err != nil {
		t.Fatal(err)
	}
	want := "l.md: Linted\n" +
		"warning: l.md:3: ```HTTP shows as plain code (fence-case)\n" +
		"warning: l.md:9: a heading again (repeated-heading)\n" +
		"In [1] GET /skipped — skipped: not sent\n" +
		"\n0 passed, 0 failed, 2 warnings\n"
	if got := out.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}

	out.Reset()
	suites[0].Warnings = suites[0].Warnings[:1]
	Print(&out, suites)
	if !strings.HasSuffix(out.String(), "\n0 passed, 0 failed, 1 warning\n") {
		t.Errorf("one warning closes with %q, want 0 passed, 0 failed, 1 warning", out.String())
	}

	out.Reset()
	if err := WriteJUnit(&out, suites); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Tests    int    `xml:"tests,attr"`
			Failures int    `xml:"failures,attr"`
			Err      string `xml:"system-err"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Suites) != 1 || doc.Suites[0].Err != "warning: l.md:3: ```HTTP shows as plain code (fence-case)\n" || doc.Suites[0].Failures != 0 || doc.Suites[0].Tests != 1 {
		t.Errorf("JUnit = %+v, want the warning as the suite's system-err, not a test or a failure", doc.Suites)
	}
}
