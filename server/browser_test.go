package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"wirebook/server/internal/chromium"
)

// browser opens a headless Debian Chromium for one test. A missing
// Chromium fails the test instead of skipping it: `go tool task test`
// installs it, and a browser test that silently skips proves nothing.
func browser(t *testing.T) context.Context {
	t.Helper()
	path, err := chromium.Path()
	if err != nil {
		t.Fatal(err)
	}
	opts := chromium.Options(path, t.TempDir())
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	ctx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc)
	ctx, cancelTab := chromedp.NewContext(ctx)
	t.Cleanup(cancelTab)

	// A JavaScript dialog (or anything that would block the page) is a bug:
	// fail loudly and dismiss it so the test goes on to report the rest.
	if err := chromedp.Listen(ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			t.Errorf("the page opened a %s dialog: %q", d.Type, d.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// cellResult is what a cell shows after a run, read from the DOM contract.
type cellResult struct {
	Request    string      `json:"request"`
	State      string      `json:"state"`
	Status     string      `json:"status"`
	Body       string      `json:"body"`
	Srcdoc     string      `json:"srcdoc"`
	Sandbox    *string     `json:"sandbox"`
	ImgWidth   int         `json:"imgWidth"`
	Error      string      `json:"error"`
	HeaderRows int         `json:"headerRows"`
	Headers    [][2]string `json:"headers"`
	Via        string      `json:"via"`
	Messages   int         `json:"messages"`
	Close      string      `json:"close"`
}

const readCells = `Array.from(document.querySelectorAll('[data-cell]')).map(c => {
  const q = s => c.querySelector(s);
  const frame = q('[data-body] iframe');
  const img = q('[data-body] img');
  return {
    request: (q('textarea') || {}).value || '',
    state: c.dataset.state || '',
    status: (q('[data-status]') || {}).textContent || '',
    body: (q('[data-body]') || {}).textContent || '',
    srcdoc: frame ? frame.getAttribute('srcdoc') || '' : '',
    sandbox: frame ? frame.getAttribute('sandbox') : null,
    imgWidth: img ? img.naturalWidth : 0,
    error: (q('[data-error]') || {}).textContent || '',
    headerRows: c.querySelectorAll('[data-headers] tr').length,
    headers: Array.from(c.querySelectorAll('[data-headers] tr')).map(tr =>
      [(tr.querySelector('th') || {}).textContent || '', (tr.querySelector('td') || {}).textContent || '']),
    via: (q('[data-output]') || {dataset: {}}).dataset.via || '',
    messages: c.querySelectorAll('[data-messages] > li').length,
    close: (q('[data-close]') || {}).textContent || '',
  };
})`

func cells(t *testing.T, ctx context.Context) []cellResult {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](readCells))
	if err != nil {
		t.Fatal(err)
	}
	var out []cellResult
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// waitAllSettled waits until no cell is still running and every cell has
// run at least once.
const allSettled = `(() => { const cs = document.querySelectorAll('[data-cell]');
  return cs.length > 0 && Array.from(cs).every(c => c.dataset.state === 'done' || c.dataset.state === 'error'); })()`

func TestLessonPageRunsEveryCell(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=3", "-stream-max-delay=20ms")
	ctx := browser(t)

	// Every lesson of the embedded course, run in full; the app's lesson
	// last, so the subtests below find its cells on the page. The cells
	// are kept in course order, where a lesson's own cells come before the
	// exercises of "your turn" that send the same requests.
	order := []string{"files", "echo", "app", "basic-auth", "your-turn"}
	ran := map[string][]cellResult{}
	var failed []string
	for i, slug := range []string{"files", "echo", "basic-auth", "your-turn", "app"} {
		began := time.Now()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(in.urls["main"]+"/lessons/"+slug),
			chromedp.WaitVisible(`html[data-ready="true"]`),
		); err != nil {
			t.Fatalf("lesson %s never became ready: %v", slug, err)
		}
		if i == 0 {
			t.Logf("data-ready after %v (navigation included)", time.Since(began).Round(time.Millisecond))
		}
		if err := chromedp.Do(ctx,
			chromedp.Click(`[data-run-all]`),
			chromedp.Poll[chromedp.Void](allSettled, chromedp.WithPollingTimeout(2*time.Minute)),
		); err != nil {
			t.Fatalf("Run all did not settle every cell of %s: %v", slug, err)
		}
		ran[slug] = cells(t, ctx)
		// Every check of the lesson's own cells passes; exercises are the
		// student's to solve.
		f, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-cell]:not([data-exercise]) [data-expect][data-result="fail"]')).map(e =>
			e.closest('[data-cell]').id + ': ' + e.textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range f {
			failed = append(failed, slug+" "+m)
		}
	}
	var got []cellResult
	for _, slug := range order {
		got = append(got, ran[slug]...)
	}
	if len(got) < 18 {
		t.Fatalf("the course has %d cells, want at least 18", len(got))
	}
	for _, f := range failed {
		t.Errorf("after Run all a check fails: %s", f)
	}
	saveScreenshot(t, ctx, "lesson-run-all.png")

	// Each row: a cell whose request contains match, and what it must show.
	expect := []struct {
		match, status, has string
		check              func(cellResult) string
	}{
		{match: "GET /files/\n", status: "200 OK", check: srcdocHas("greetings.txt")},
		{match: "GET /files/greetings.txt", status: "200 OK", has: "Bonjour"},
		{match: "GET /files/no-such-file.txt", status: "404 Not Found"},
		{match: "GET /files/hello.html", status: "200 OK", check: sandboxed},
		{match: "GET /files/wirebook.png", status: "200 OK", check: func(c cellResult) string {
			if c.ImgWidth <= 0 {
				return "the image did not decode (naturalWidth 0)"
			}
			return ""
		}},
		{match: "GET /echo/some-file.txt", status: "200 OK", check: srcdocHas("You accessed path: /echo/some-file.txt")},
		{match: "GET /hello", status: "200 OK", has: "Hello"},
		{match: "lang=fr", status: "200 OK", check: srcdocHas("Bonjour Ana!")},
		{match: "lang=tlh", status: "400 Bad Request"},
		{match: "GET /stream", status: "200 OK"},
		{match: "GET /notfound", status: "404 Not Found"},
		{match: "GET /json?name=David&title=Instructor", status: "200 OK", has: "Test Server"},
		{match: "POST /json", status: "200 OK", has: "Data Scientist"},
		{match: "Basic RGF2aWQ6NGJZYURaQ0ZzVFk0", status: "200 OK", has: "Hello, David!"},
		// On the wire (the default transport) the page shows what was sent:
		// the redirect unfollowed, the challenge without a login prompt.
		{match: "GET /redirect", status: "301 Moved Permanently", check: headerRow("Location", "http://kdm.training")},
		{match: "Basic RGF2aWQ6YmFkcGFzcw==", status: "401 Unauthorized", has: "Unauthorized Access",
			check: headerRow("WWW-Authenticate", `Basic realm="Authentication Required"`)},
		{match: "GET /ws/stream", status: "101 Switching Protocols", check: func(c cellResult) string {
			if c.Messages != 3 {
				return fmt.Sprintf("shows %d WebSocket messages, want -stream-count=3", c.Messages)
			}
			if !strings.HasPrefix(c.Close, "1000") || !strings.Contains(c.Close, "sent 3 greetings") {
				return "close line " + strconv.Quote(c.Close) + ", want a normal closure with the server's reason"
			}
			return ""
		}},
	}
	for _, e := range expect {
		c, ok := findCell(got, e.match)
		if !ok {
			t.Errorf("no cell sends %q", e.match)
			continue
		}
		if c.Status != e.status {
			t.Errorf("cell %q: status %q, want %q (error %q)", e.match, c.Status, e.status, c.Error)
		}
		// A page cannot see a WebSocket handshake's headers, only its status.
		if c.HeaderRows == 0 && c.Status != "" && c.Status != "101 Switching Protocols" {
			t.Errorf("cell %q shows no header rows", e.match)
		}
		if e.has != "" && !strings.Contains(c.Body, e.has) {
			t.Errorf("cell %q: body lacks %q: %q", e.match, e.has, c.Body)
		}
		if e.check != nil {
			if msg := e.check(c); msg != "" {
				t.Errorf("cell %q: %s", e.match, msg)
			}
		}
	}

	t.Run("the app lesson's progress counts its checks", func(t *testing.T) {
		progress, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector('[data-progress]') || {}).textContent || ''`))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(progress, " of ") {
			t.Errorf("progress %q, want N of M", progress)
		}
	})
	t.Run("a screen reader can tell the frames apart and hears one short line", func(t *testing.T) {
		type reading struct {
			Titles   []string `json:"titles"`
			Announce string   `json:"announce"`
			Busy     int      `json:"busy"`
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[reading](`({
			titles: Array.from(document.querySelectorAll('[data-body] iframe')).map(f => f.title),
			announce: document.querySelector('[data-announce]').textContent,
			busy: document.querySelectorAll('[data-cell][aria-busy="true"]').length,
		})`))
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, title := range got.Titles {
			if !strings.HasPrefix(title, "Response body of cell ") || seen[title] {
				t.Errorf("frame title %q: want each to name its own cell (all: %q)", title, got.Titles)
			}
			seen[title] = true
		}
		if len(got.Titles) < 2 {
			t.Errorf("%d frames; the lesson has several HTML answers", len(got.Titles))
		}
		if !strings.HasPrefix(got.Announce, "Cell ") || len(got.Announce) > 120 {
			t.Errorf("the live region says %q, want one short line about the last run", got.Announce)
		}
		if got.Busy != 0 {
			t.Errorf("%d cells are still aria-busy after every run ended", got.Busy)
		}
	})
	t.Run("a phone-sized screen needs no sideways scrolling", func(t *testing.T) {
		// Answers are in: wide tables and bodies must scroll inside their
		// own boxes, not drag the whole lesson sideways.
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2))); err != nil {
			t.Fatal(err)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - window.innerWidth`))
		if err != nil {
			t.Fatal(err)
		}
		if overflow > 0 {
			t.Errorf("at 390 px wide the page is %d px wider than the screen", overflow)
		}
		saveScreenshot(t, ctx, "lesson-phone.png")
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(1200, 900)); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a Contents link lands below the sticky header", func(t *testing.T) {
		link, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { window.scrollTo(0, 0);
			document.querySelector('.toc details').open = true;
			const a = document.querySelectorAll('.toc a')[3]; a.click(); return a.hash; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx,
			chromedp.Poll[chromedp.Void](`location.hash === `+strconv.Quote(link), chromedp.WithPollingTimeout(5*time.Second)),
		); err != nil {
			t.Fatal(err)
		}
		type reading struct {
			Gap      float64 `json:"gap"`
			Scrolled float64 `json:"scrolled"`
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[reading](`({
			gap: document.getElementById(decodeURIComponent(location.hash.slice(1))).getBoundingClientRect().top -
				document.querySelector('.page-head').getBoundingClientRect().bottom,
			scrolled: window.scrollY,
		})`))
		if err != nil {
			t.Fatal(err)
		}
		if got.Scrolled == 0 || got.Gap < 0 || got.Gap > 100 {
			t.Errorf("after following %s the heading is %.0f px below the header's bottom (page scrolled %.0f px), want just below it",
				link, got.Gap, got.Scrolled)
		}
	})
	t.Run("an edited cell sends the new request", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](editCell("GET /hello", "GET /greeting?lang=fr\nX-INE-Student: Zoe")),
			chromedp.Poll[chromedp.Void](cellShows("X-INE-Student: Zoe", "Bonjour Zoe!"), chromedp.WithPollingTimeout(time.Minute)),
		); err != nil {
			t.Fatalf("the edited cell did not show its new answer: %v", err)
		}
	})
	t.Run("a bad cell shows its error and nothing else breaks", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](editCell("GET /notfound", "GET /hello\nthis line has no colon")),
			chromedp.Poll[chromedp.Void](cellErrorShows("this line has no colon", "line 2"), chromedp.WithPollingTimeout(time.Minute)),
		); err != nil {
			t.Fatalf("the bad cell did not show its error: %v", err)
		}
		after := cells(t, ctx)
		if c, _ := findCell(after, "GET /redirect"); c.Status != "301 Moved Permanently" {
			t.Errorf("another cell changed after the bad one ran: %+v", c)
		}
	})
	t.Run("the course index fits a phone and leads to the first lesson", func(t *testing.T) {
		if err := chromedp.Do(ctx,
			chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2)),
			chromedp.Navigate(in.urls["main"]+"/"),
			chromedp.WaitVisible(`[data-course]`),
		); err != nil {
			t.Fatal(err)
		}
		type reading struct {
			Links    int `json:"links"`
			Overflow int `json:"overflow"`
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[reading](`({
			links: document.querySelectorAll('[data-course] [data-lesson-link]').length,
			overflow: document.documentElement.scrollWidth - window.innerWidth,
		})`))
		if err != nil {
			t.Fatal(err)
		}
		if got.Links != 5 {
			t.Errorf("the index links %d lessons, want the course's 5", got.Links)
		}
		if got.Overflow > 0 {
			t.Errorf("at 390 px wide the index is %d px wider than the screen", got.Overflow)
		}
		saveScreenshot(t, ctx, "index-phone.png")
		if err := chromedp.Do(ctx,
			chromedp.Click(`[data-lesson-link]`),
			chromedp.WaitVisible(`[data-nav="next"]`),
		); err != nil {
			t.Fatal(err)
		}
		at, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + (document.querySelector('[data-nav="prev"]') ? ' with prev' : '')`))
		if err != nil {
			t.Fatal(err)
		}
		if at != "/lessons/files" {
			t.Errorf("the first link leads to %q, want /lessons/files without a prev link", at)
		}
	})
}

// headerRow checks a response header row, with its name exactly as the
// server sent it.
func headerRow(name, value string) func(cellResult) string {
	return func(c cellResult) string {
		for _, h := range c.Headers {
			if h[0] == name {
				if h[1] != value {
					return name + " is " + strconv.Quote(h[1]) + ", want " + strconv.Quote(value)
				}
				if c.Via != "wire" {
					return "carried via " + strconv.Quote(c.Via) + ", want the wire"
				}
				return ""
			}
		}
		return fmt.Sprintf("no %s header row in %q", name, c.Headers)
	}
}

func findCell(cs []cellResult, match string) (cellResult, bool) {
	for _, c := range cs {
		if strings.Contains(c.Request+"\n", match) {
			return c, true
		}
	}
	return cellResult{}, false
}

func srcdocHas(s string) func(cellResult) string {
	return func(c cellResult) string {
		if !strings.Contains(c.Srcdoc, s) {
			return "the rendered HTML lacks " + s
		}
		return sandboxed(c)
	}
}

// sandboxed: response HTML runs only in a sandboxed iframe, never with
// allow-same-origin (which with scripts would let it reach the page).
func sandboxed(c cellResult) string {
	switch {
	case c.Sandbox == nil:
		return "the HTML is not in a sandboxed iframe"
	case strings.Contains(*c.Sandbox, "allow-same-origin"):
		return "the iframe sandbox allows same-origin: " + *c.Sandbox
	}
	return ""
}

// editCell replaces the text of the first cell whose request starts with
// prefix, then runs it with Shift+Enter as a student would.
func editCell(prefix, text string) string {
	p, _ := json.Marshal(prefix)
	v, _ := json.Marshal(text)
	return `(() => { const c = Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('textarea').value.startsWith(` + string(p) + `));
  const ta = c.querySelector('textarea'); ta.value = ` + string(v) + `;
  ta.dispatchEvent(new Event('input', {bubbles: true}));
  ta.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', shiftKey: true, bubbles: true, cancelable: true}));
  return true; })()`
}

func cellShows(requestHas, bodyHas string) string {
	r, _ := json.Marshal(requestHas)
	b, _ := json.Marshal(bodyHas)
	return `(() => { const c = Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('textarea').value.includes(` + string(r) + `));
  if (!c || c.dataset.state !== 'done') return false;
  const f = c.querySelector('[data-body] iframe');
  return ((f && f.getAttribute('srcdoc')) || c.querySelector('[data-body]').textContent).includes(` + string(b) + `); })()`
}

func cellErrorShows(requestHas, errHas string) string {
	r, _ := json.Marshal(requestHas)
	e, _ := json.Marshal(errHas)
	return `(() => { const c = Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('textarea').value.includes(` + string(r) + `));
  const e = c && c.querySelector('[data-error]');
  return !!e && c.dataset.state === 'error' && e.textContent.includes(` + string(e) + `); })()`
}

// saveScreenshot keeps a picture of the page under test-artifacts/ at the
// top of the repository (git-ignored) for a person to look at.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot: %v", err)
		return
	}
	dir := filepath.Join("..", "test-artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestStreamCellFillsWhileYouWatch: the /stream cell shows greetings as the
// server writes them - seen part-filled while still running - and ends with
// exactly -stream-count lines.
func TestStreamCellFillsWhileYouWatch(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=5", "-stream-max-delay=600ms")
	ctx := browser(t)
	const streamCell = `Array.from(document.querySelectorAll('[data-cell][data-stream]')).find(c => c.querySelector('textarea').value.startsWith('GET /stream'))`
	const lines = `((c.querySelector('[data-body] pre') || {}).textContent || '').split('\n').filter(l => l).length`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/app"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
		chromedp.Evaluate[chromedp.Void](`(() => { const c = `+streamCell+`; c.querySelector('[data-run]').click(); })()`),
	); err != nil {
		t.Fatal(err)
	}
	partial, err := chromedp.Run(ctx, chromedp.Poll[int](`(() => { const c = `+streamCell+`;
		const n = `+lines+`; return c.dataset.state === 'running' && n >= 1 && n < 5 ? n : 0; })()`,
		chromedp.WithPollingTimeout(time.Minute)))
	if err != nil {
		t.Fatalf("never saw the stream part-filled while running: %v", err)
	}
	total, err := chromedp.Run(ctx, chromedp.Poll[int](`(() => { const c = `+streamCell+`;
		return c.dataset.state === 'done' ? `+lines+` : 0; })()`,
		chromedp.WithPollingTimeout(time.Minute)))
	if err != nil {
		t.Fatalf("the stream did not finish: %v", err)
	}
	if total != 5 {
		t.Errorf("the stream cell shows %d greetings, want -stream-count=5", total)
	}
	t.Logf("seen %d of 5 greetings while running", partial)
}
