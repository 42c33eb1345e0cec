package main

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// verdictLesson has a cell that passes, one that fails on purpose, one that
// passes only on a student's own echo server, one sent by the browser and
// an exercise; 9 checks in all.
const verdictLesson = "testdata/verdict-lesson.md"

// verdicts is what the checks of each cell show, read from the DOM contract.
type verdicts struct {
	Request  string   `json:"request"`
	Results  []string `json:"results"` // data-result of each [data-expect]
	Got      []string `json:"got"`     // of each failure
	Want     []string `json:"want"`
	Note     bool     `json:"note"` // the browser transport's "not checked"
	Exercise bool     `json:"exercise"`
	Solved   string   `json:"solved"`
	Body     string   `json:"body"`
}

const readVerdicts = `Array.from(document.querySelectorAll('[data-cell]')).map(c => ({
  request: c.querySelector('textarea').value,
  results: Array.from(c.querySelectorAll('[data-output] [data-expect]')).map(e => e.dataset.result),
  got: Array.from(c.querySelectorAll('[data-expect][data-result="fail"] [data-got]')).map(e => e.textContent),
  want: Array.from(c.querySelectorAll('[data-expect][data-result="fail"] [data-want]')).map(e => e.textContent),
  note: !!c.querySelector('[data-expect-note]'),
  exercise: c.hasAttribute('data-exercise'),
  solved: c.dataset.solved || '',
  body: (() => { const f = c.querySelector('[data-body] iframe');
    return (f && f.getAttribute('srcdoc')) || (c.querySelector('[data-body]') || {}).textContent || ''; })(),
}))`

func readCellVerdicts(t *testing.T, ctx context.Context) []verdicts {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]verdicts](readVerdicts))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func progressText(t *testing.T, ctx context.Context) string {
	t.Helper()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-progress]').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// TestVerdictsInThePage: after Run all every checked cell shows its
// verdicts, a failure with what came back beside what was wanted; the
// exercise is solved by editing its request, and the progress moves.
func TestVerdictsInThePage(t *testing.T) {
	t.Parallel()
	in := start(t, "-lesson", verdictLesson)
	ctx := browser(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/verdict-lesson"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
	); err != nil {
		t.Fatalf("page never became ready: %v", err)
	}
	if got := progressText(t, ctx); got != "0 of 9 checks pass" {
		t.Errorf("before any run the progress is %q, want 0 of 9", got)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`[data-run-all]`),
		chromedp.Poll[chromedp.Void](allSettled, chromedp.WithPollingTimeout(time.Minute)),
	); err != nil {
		t.Fatalf("Run all did not settle: %v", err)
	}
	saveScreenshot(t, ctx, "verdicts-run-all.png")
	cs := readCellVerdicts(t, ctx)
	if len(cs) != 5 {
		t.Fatalf("%d cells, want the lesson's 5", len(cs))
	}
	rows := []struct {
		name    string
		results string
		got     string // a failure's got contains this
		want    string
		note    bool
	}{
		{"a right answer passes every check", "pass pass", "", "", false},
		{"a wrong expectation fails with got and want", "pass fail", "text/plain", "text/html", false},
		{"the echo on wirebook answers under /echo/", "pass fail", "/echo/some-file.txt", "You accessed path: /some-file.txt", false},
		{"a browser run is not checked, and says so", "", "", "", true},
		{"the exercise as the lesson gives it is not solved", "pass fail", "", "Bonjour Zoe!", false},
	}
	for i, row := range rows {
		c := cs[i]
		if got := strings.Join(c.Results, " "); got != row.results {
			t.Errorf("%s: results %q, want %q", row.name, got, row.results)
		}
		if row.got != "" && (len(c.Got) == 0 || !strings.Contains(c.Got[0], row.got)) {
			t.Errorf("%s: got %q, want it to contain %q", row.name, c.Got, row.got)
		}
		if row.want != "" && (len(c.Want) == 0 || !strings.Contains(c.Want[0], row.want)) {
			t.Errorf("%s: want %q, want it to contain %q", row.name, c.Want, row.want)
		}
		if c.Note != row.note {
			t.Errorf("%s: not-checked note shown = %v, want %v", row.name, c.Note, row.note)
		}
	}
	if ex := cs[4]; !ex.Exercise || ex.Solved != "" {
		t.Errorf("the exercise cell: data-exercise %v, data-solved %q; want marked and not solved", ex.Exercise, ex.Solved)
	}
	if got := progressText(t, ctx); got != "5 of 9 checks pass" {
		t.Errorf("after Run all the progress is %q, want 5 of 9", got)
	}

	t.Run("an exercise is solved by editing its request", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](editCell("GET /greeting", "GET /greeting?lang=fr\nX-INE-Student: Zoe")),
			chromedp.Poll[chromedp.Void](`document.querySelector('[data-exercise]').dataset.solved === 'true'`,
				chromedp.WithPollingTimeout(time.Minute)),
		); err != nil {
			t.Fatalf("the exercise was not marked solved: %v", err)
		}
		if got := progressText(t, ctx); got != "6 of 9 checks pass" {
			t.Errorf("after solving the progress is %q, want 6 of 9", got)
		}
		saveScreenshot(t, ctx, "verdicts-solved.png")
	})
	t.Run("breaking it again unmarks it and the count goes back", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](editCell("GET /greeting", "GET /greeting?lang=zh\nX-INE-Student: Zoe")),
			chromedp.Poll[chromedp.Void](`(() => { const c = document.querySelector('[data-exercise]');
				return c.dataset.state === 'done' && !c.hasAttribute('data-solved') && !!c.querySelector('[data-expect][data-result="fail"]'); })()`,
				chromedp.WithPollingTimeout(time.Minute)),
		); err != nil {
			t.Fatalf("the exercise stayed solved after a failing run: %v", err)
		}
		if got := progressText(t, ctx); got != "5 of 9 checks pass" {
			t.Errorf("the progress is %q, want 5 of 9: the latest run of each cell counts", got)
		}
	})
}

// TestSendToYourServers: with -student-hosts, choosing "your servers"
// sends the wire cells to the course's servers on that host, where the
// echo answers at its root, and the checks judge that answer. wirebook's
// own course ports stand in for the student's servers.
func TestSendToYourServers(t *testing.T) {
	t.Parallel()
	ports := loopbackPorts(t, 4)
	in := start(t, "-lesson", verdictLesson, "-course-ports="+strings.Join(ports, ","), "-student-hosts=127.0.0.1")
	ctx := browser(t)
	const echo = `Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('textarea').value.startsWith('GET /echo/'))`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/verdict-lesson"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
		chromedp.SetValue(`[data-target-choice]`, "127.0.0.1"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-target-choice]').dispatchEvent(new Event('change', {bubbles: true}))`),
		chromedp.Evaluate[chromedp.Void](`(() => { `+echo+`.querySelector('[data-run]').click(); })()`),
		chromedp.Poll[chromedp.Void](`(() => { const c = `+echo+`; return c.dataset.state === 'done' || c.dataset.state === 'error'; })()`,
			chromedp.WithPollingTimeout(time.Minute)),
	); err != nil {
		t.Fatal(err)
	}
	var c verdicts
	for _, v := range readCellVerdicts(t, ctx) {
		if strings.HasPrefix(v.Request, "GET /echo/") {
			c = v
		}
	}
	if !strings.Contains(c.Body, "You accessed path: /some-file.txt") {
		t.Errorf("the echo cell's answer is not from the echo server's root: %q", c.Body)
	}
	if got := strings.Join(c.Results, " "); got != "pass pass" {
		t.Errorf("results %q, want every check to pass against the student's echo (got %q, want %q)", got, c.Got, c.Want)
	}
}

// loopbackPorts finds n ports free on loopback now; a test that listens on
// them soon after rarely loses one to another process.
func loopbackPorts(t *testing.T, n int) []string {
	t.Helper()
	var out []string
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, strconv.Itoa(l.Addr().(*net.TCPAddr).Port))
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}
