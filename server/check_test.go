package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wirebook/server/internal/student"
	"wirebook/server/syllabus"
	"wirebook/web"
)

// runCheckCmd runs `wirebook check args…` as a user does and returns its
// output and exit status.
func runCheckCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"check"}, args...), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

var closingLine = regexp.MustCompile(`(?m)^(\d+) passed, (\d+) failed\n\z`)

// totals reads the closing line of a report.
func totals(t *testing.T, out string) (passed, failed int) {
	t.Helper()
	m := closingLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("the report does not end with N passed, N failed:\n%s", out)
	}
	passed, _ = strconv.Atoi(m[1])
	failed, _ = strconv.Atoi(m[2])
	return passed, failed
}

func TestCheckFindsTheWrongStudentServersFaults(t *testing.T) {
	t.Parallel()
	s := student.Start(t)
	out, errOut, code := runCheckCmd(t, "-course-host", s.Host, "-course-ports", s.Ports(), "testdata/student-lesson.md")
	if code != 1 {
		t.Errorf("exit status %d, want 1 (stderr %q)", code, errOut)
	}
	// Every failure, with what came back and what was wanted: the four
	// faults and nothing else.
	wantFailures := []string{
		"  ✗ header \"X-INE-Course\" == \"HTTP using Python\"\n      got: no X-INE-Course header  want: == \"HTTP using Python\"\n",
		"  ✗ header \"Content-Type\" contains \"text/plain\"\n      got: \"text/html; charset=utf-8\"  want: contains \"text/plain\"\n",
		"  ✗ body contains \"Bonjour Ana!\"\n      got: \"Hello Ana!\"  want: contains \"Bonjour Ana!\"\n",
		"  ✗ header \"X-INE-Course\" exists\n      got: no X-INE-Course header  want: exists\n",
		"In [6] GET /greeting?lang=tlh → 500 Internal Server Error\n  ✗ HTTP 400\n      got: 500  want: 400\n",
		"In [13] GET /greeting?lang=zh (exercise, the lesson's solution) → 200 OK\n  ✓ HTTP 200\n  ✗ body contains \"Nǐn hǎo\"\n      got: \"Hello Ana!\"  want: contains \"Nǐn hǎo\"\n",
	}
	for _, want := range wantFailures {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say\n%s", want)
		}
	}
	if n := strings.Count(out, "  ✗ "); n != len(wantFailures) {
		t.Errorf("%d failures reported, want %d", n, len(wantFailures))
	}
	for _, want := range []string{
		"In [1] GET /files/greetings.txt → 200 OK\n  ✓ HTTP 200\n",
		"In [8] GET /notfound → 404 Not Found\nIn [9]",
		"In [12] GET /ws/stream — skipped: ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	if passed, failed := totals(t, out); passed != 19 || failed != 6 {
		t.Errorf("%d passed, %d failed; want 19 passed, 6 failed", passed, failed)
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

// embeddedCourse is the course wirebook serves and checks with no -lesson.
func embeddedCourse(t *testing.T) *syllabus.Course {
	t.Helper()
	c, err := syllabus.LoadFS(web.Lessons(), web.LessonsDir)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestEmbeddedLessonPassesCheck(t *testing.T) {
	t.Parallel()
	course := embeddedCourse(t)
	// Every check of every cell of every lesson runs, but those of
	// WebSocket cells, which the page opens in the browser and check skips.
	want := 0
	for _, l := range course.Lessons {
		for _, c := range l.Cells {
			if !strings.HasPrefix(c.Request.Target, "/ws/") {
				want += c.Expect.Len()
			}
		}
	}
	if want != 111 {
		t.Errorf("the embedded course carries %d checks; splitting the chapter into lessons must keep its 111 (108 from the chapter, 3 from the exact wire view)", want)
	}
	junit := filepath.Join(t.TempDir(), "results.xml")
	out, errOut, code := runCheckCmd(t, "-stream-max-delay", "1ms", "-junit", junit)
	if code != 0 {
		t.Errorf("exit status %d, want 0 (stderr %q)\n%s", code, errOut, out)
	}
	if passed, failed := totals(t, out); passed != want || failed != 0 {
		t.Errorf("%d passed, %d failed; want %d passed (every expectation of the course), 0 failed\n%s", passed, failed, want, out)
	}
	if strings.Contains(out, "warning: ") {
		t.Errorf("the embedded lesson has lint warnings:\n%s", out)
	}

	b, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Suites []struct {
			Name  string `xml:"name,attr"`
			Tests int    `xml:"tests,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("-junit wrote XML that does not parse: %v", err)
	}
	if len(doc.Suites) != len(course.Lessons) {
		t.Fatalf("JUnit has %d suites, want one per lesson (%d)", len(doc.Suites), len(course.Lessons))
	}
	for i, l := range course.Lessons {
		if s := doc.Suites[i]; s.Name != l.Source || len(s.Cases) != len(l.Cells) {
			t.Errorf("suite %d = %s with %d cases, want %s with %d", i, s.Name, len(s.Cases), l.Source, len(l.Cells))
		}
	}
	if got := doc.Suites[2].Cases[0].Name; got != "In [1] GET /hello" {
		t.Errorf("the app lesson's first case = %q, want In [1] GET /hello", got)
	}
}

func TestCheckTargetAndUnreachableServers(t *testing.T) {
	t.Parallel()
	s := student.Start(t)
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.md")
	if err := os.WriteFile(plain, []byte("# Plain\n\n```http\nGET /hello\n```\n\n```http\nGET http://127.0.0.1:2505/notfound\n```\n\n```http\nGET /files/mine.txt\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	folder := filepath.Join(dir, "site")
	if err := os.Mkdir(folder, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(folder, "mine.txt"), []byte("mine\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	free := freePorts(t)
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"-target sends every path to one server", []string{"-target", "http://127.0.0.1:" + strconv.Itoa(s.App)},
			0, []string{"In [1] GET /hello → 200 OK\n", "In [2] GET http://127.0.0.1:2505/notfound → 404 Not Found\n", "\n0 passed, 0 failed\n"}},
		{"a cell that cannot be sent fails with the reason", []string{"-course-host", "127.0.0.1", "-course-ports", free},
			1, []string{"In [1] GET /hello\n  ✗ not sent: connection refused: nothing is listening on 127.0.0.1:", "\n0 passed, 3 failed\n"}},
		{"in-process by default, a course port's cell to the port standing for it", nil,
			0, []string{"In [1] GET /hello → 200 OK\n", "In [2] GET http://127.0.0.1:2505/notfound → 404 Not Found\n", "In [3] GET /files/mine.txt → 404 Not Found\n"}},
		{"-files is the in-process file server's folder", []string{"-files", folder},
			0, []string{"In [3] GET /files/mine.txt → 200 OK\n"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCheckCmd(t, append(tt.args, plain)...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("the report does not say %q:\n%s", w, out)
				}
			}
		})
	}
}

// freePorts is four ports nothing listens on, as -course-ports takes them.
func freePorts(t *testing.T) string {
	t.Helper()
	var ports []string
	for range 4 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(ln.Addr().String())
		ln.Close()
		ports = append(ports, port)
	}
	return strings.Join(ports, ",")
}

func TestCheckHelpExitsZero(t *testing.T) {
	t.Parallel()
	_, errOut, code := runCheckCmd(t, "-h")
	if code != 0 {
		t.Errorf("check -h exits %d, want 0", code)
	}
	for _, want := range []string{"Usage:\n  wirebook check [flags] [LESSON.md|FOLDER …]", "-course-host", "-course-ports", "-target", "-junit", "-relay-allow", "-strict", "Exit status"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("check -h does not say %q:\n%s", want, errOut)
		}
	}
}

func TestCheckBadCommandLineOrLessonExits2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(bad, []byte("# Bad\n\n```http\nGET /hello\nNot a header\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	course := filepath.Join(dir, "course")
	if err := os.MkdirAll(course, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(course, "01-a.md"), []byte("# A\n\n[next](02-b.md)\n\n```http\nGET /hello\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"a course folder whose link leads nowhere", []string{course}, filepath.Join(course, "01-a.md") + ":3: link to 02-b.md"},
		{"an unknown flag", []string{"-bogus"}, "flag provided but not defined: -bogus"},
		{"two targets", []string{"-course-host", "127.0.0.1", "-target", "http://127.0.0.1:8000"}, "give one"},
		{"ports without a host", []string{"-course-ports", "1,2,3,4"}, "give -course-host too"},
		{"three ports", []string{"-course-host", "127.0.0.1", "-course-ports", "1,2,3"}, "-course-ports: want four ports"},
		{"a host that is not one", []string{"-course-host", "127.1"}, `-course-host "127.1"`},
		{"a target that is not a URL", []string{"-target", "127.0.0.1:8000"}, "-target: want an http:// or https:// base URL"},
		{"a lesson that does not parse", []string{bad}, bad + ":5: "},
		{"a files folder that is not there", []string{"-files", filepath.Join(dir, "nowhere")}, "-files: "},
		{"-files with -target", []string{"-target", "http://127.0.0.1:8000", "-files", dir}, "set the in-process wirebook"},
		{"a lesson that is not there", []string{filepath.Join(dir, "missing.md")}, "missing.md: no such file"},
		{"-relay-allow with -target", []string{"-target", "http://127.0.0.1:8000", "-relay-allow", "example.com"}, "-relay-allow lets a lesson's full URLs through"},
		{"-relay-allow that is not a host", []string{"-relay-allow", "127.1"}, "-relay-allow: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, errOut, code := runCheckCmd(t, tt.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not say %q", errOut, tt.want)
			}
		})
	}
}

// The closing demonstration: the embedded lesson, checked against
// the wrong student server, lists its four faults and nothing else.
func TestEmbeddedLessonFindsOnlyTheStudentServersFaults(t *testing.T) {
	t.Parallel()
	checks := 0
	for _, l := range embeddedCourse(t).Lessons {
		for _, c := range l.Cells {
			checks += c.Expect.Len()
		}
	}
	if checks == 0 {
		t.Fatal("the embedded lesson carries no expectations")
	}
	s := student.Start(t)
	out, errOut, code := runCheckCmd(t, "-course-host", s.Host, "-course-ports", s.Ports())
	if code != 1 {
		t.Errorf("exit status %d, want 1 (stderr %q)", code, errOut)
	}
	faults := map[string]int{}
	var cell string
	lines := strings.Split(out, "\n")
	for i, line := range lines {
		if strings.HasPrefix(line, "In [") {
			cell = line
		}
		what, failed := strings.CutPrefix(line, "  ✗ ")
		if !failed {
			continue
		}
		gotWant := ""
		if i+1 < len(lines) {
			gotWant = lines[i+1]
		}
		switch {
		case strings.Contains(what, "X-INE-Course"):
			faults["forgets X-INE-Course"]++
		case strings.Contains(cell, "GET /hello ") && strings.Contains(what, "Content-Type") && strings.Contains(gotWant, "text/html"):
			faults["labels /hello text/html"]++
		case strings.Contains(cell, "GET /greeting?") && strings.Contains(gotWant, "got: 500 "):
			faults["500 for an unknown language"]++
		case strings.Contains(cell, "GET /greeting?lang=") && !strings.Contains(cell, "lang=en") && strings.Contains(gotWant, `got: "Hello `):
			faults["ignores lang"]++
		default:
			t.Errorf("a failure that is none of the student server's faults:\n%s\n%s\n%s", cell, line, gotWant)
		}
	}
	for _, f := range []string{"forgets X-INE-Course", "labels /hello text/html", "500 for an unknown language", "ignores lang"} {
		if faults[f] == 0 {
			t.Errorf("check did not find the fault %q", f)
		}
	}
	if _, failed := totals(t, out); failed != strings.Count(out, "  ✗ ") {
		t.Errorf("%d failed in the closing line, %d ✗ in the report", failed, strings.Count(out, "  ✗ "))
	}
	if t.Failed() {
		t.Logf("report:\n%s", out)
	}
}

// Warnings are said before the lesson's cells and counted, but only
// -strict fails on them.
func TestCheckWarnsAndOnlyStrictFails(t *testing.T) {
	t.Parallel()
	const fixture = "testdata/lint-lesson.md"
	wantWarnings := "lint-lesson.md: Every trap, once\n" +
		"warning: " + fixture + ":5: ```HTTP shows as plain code, not a request cell: only a lowercase http starts a cell; write ```http (fence-case)\n" +
		"warning: " + fixture + ":13: \"GET /hello\" is a second request line in the cell whose request starts on line 10: a cell sends one request, and this line goes out as part of it; split it into two ```http cells (two-requests)\n" +
		"warning: " + fixture + ":16: the level-2 heading \"A cell\" repeats the one on line 3: the contents list shows the same words twice and this one's anchor differs only by a number; say what is different here (repeated-heading)\n" +
		"warning: " + fixture + ":19: the relay would refuse this cell's target http://example.com/greeting: example.com:80 is not one of wirebook's own addresses (allow it with -relay-allow) (refused-target)\n" +
		"In [1] POST /echo/form → "
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"warnings are not failures", nil, 0},
		{"-strict fails on them", []string{"-strict"}, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runCheckCmd(t, append(tt.args, "-stream-max-delay", "1ms", fixture)...)
			if code != tt.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.code, errOut)
			}
			if !strings.Contains(out, "testdata/"+wantWarnings) {
				t.Errorf("the report does not start with the lesson's four warnings:\n%s\nwant:\n%s", out, wantWarnings)
			}
			if !strings.HasSuffix(out, "\n1 passed, 0 failed, 4 warnings\n") {
				t.Errorf("the closing line does not count the warnings:\n%s", out)
			}
			if tt.code == 1 && !strings.Contains(errOut, "4 lint warnings, and -strict fails on them") {
				t.Errorf("stderr %q does not say why -strict failed", errOut)
			}
		})
	}
}

// A full URL is refused or sent as the command line says: the warning
// comes with the failure it foretells, and -relay-allow removes both.
func TestCheckWarnsOfRefusedTargetsUnlessAllowed(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "outside\n") }))
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	name := filepath.Join(t.TempDir(), "outside.md")
	if err := os.WriteFile(name, []byte("# Outside\n\n```http\nGET "+srv.URL+"/x\nHTTP 200\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("refused", func(t *testing.T) {
		t.Parallel()
		out, _, code := runCheckCmd(t, name)
		want := "warning: " + name + ":4: the relay would refuse this cell's target " + srv.URL + "/x: " + host +
			" is not one of wirebook's own addresses (allow it with -relay-allow) (refused-target)\nIn [1] GET " + srv.URL + "/x\n  ✗ not sent: refused: "
		if code != 1 || !strings.Contains(out, want) || !strings.HasSuffix(out, "\n0 passed, 1 failed, 1 warning\n") {
			t.Errorf("exit status %d, want 1, and the report to say %q, and to count 1 warning:\n%s", code, want, out)
		}
	})
	t.Run("allowed", func(t *testing.T) {
		t.Parallel()
		out, _, code := runCheckCmd(t, "-relay-allow", host, name)
		if code != 0 || strings.Contains(out, "warning: ") || !strings.Contains(out, "In [1] GET "+srv.URL+"/x → 200 OK\n  ✓ HTTP 200\n") {
			t.Errorf("exit status %d, want 0, with no warning and the cell sent:\n%s", code, out)
		}
		totals(t, out) // the closing line has no warnings part
	})
}

// Of a lesson that does not parse, the warnings about its source come
// before the error: here they say why.
func TestCheckWarnsAboutALessonThatDoesNotParse(t *testing.T) {
	t.Parallel()
	name := filepath.Join(t.TempDir(), "untitled.md")
	if err := os.WriteFile(name, []byte("Text.\n\n```HTTP\nGET /a\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCheckCmd(t, name)
	if code != 2 || out != "" {
		t.Errorf("exit status %d, want 2, and no report (stdout %q)", code, out)
	}
	want := "warning: " + name + ":1: the lesson has no title: start it with a level-1 heading (# Title), which names it on its page and in the course's index (no-title)\n" +
		"warning: " + name + ":3: ```HTTP shows as plain code, not a request cell: only a lowercase http starts a cell; write ```http (fence-case)\n" +
		"wirebook: " + name + ":1: no title"
	if !strings.HasPrefix(errOut, want) {
		t.Errorf("stderr:\n%s\nwant it to start:\n%s", errOut, want)
	}
}
