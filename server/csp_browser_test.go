package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"wirebook/web"
)

// evilHTML tries everything a response body shown in an output frame must
// not be able to do: run a script, run an event handler, reach the page.
const evilHTML = `<!DOCTYPE html>
<html><head><title>evil</title></head>
<body>
<h1>evil</h1>
<script>document.body.dataset.ran = "script"; try { parent.document.title = "pwned"; } catch (e) { document.body.dataset.parent = "refused"; }</script>
<img src="no-such-image.png" onerror="document.body.dataset.onerror = 'ran'">
</body></html>
`

const cspLesson = "# Security headers\n\n" +
	"```http\nGET /files/hello.html\n```\n\n" +
	"```http\nGET /files/evil.html\n```\n\n" +
	"```http\nGET /files/wirebook.png\n```\n\n" +
	"```http\nGET /hello?via=wire\n```\n\n" +
	"```http transport=browser\nGET /hello?via=browser\n```\n\n" +
	"```http\nGET /redirect\n```\n"

// TestContentSecurityPolicyInTheBrowser runs a lesson under the page's real
// policy in Chromium: the client starts (its scripts, WebAssembly, fetch
// and WebSocket are all allowed), output frames render as the course's
// Jupyter display did (inline styles and images kept; srcdoc frames inherit
// the page's policy), a hostile body runs nothing, and no other site can
// frame the page.
func TestContentSecurityPolicyInTheBrowser(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.CopyFS(dir, web.Sample()); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(dir, "evil.html"), evilHTML)
	lesson := filepath.Join(t.TempDir(), "csp.md")
	mustWrite(t, lesson, cspLesson)
	in := start(t, "-files", dir, "-lesson", lesson)
	ctx := browser(t)
	console := collectConsole(t, ctx)

	if err := chromedp.Do(ctx, chromedp.Navigate(in.urls["main"]+"/lessons/csp")); err != nil {
		t.Fatal(err)
	}
	// A policy that refused the client would leave the page unready forever.
	runCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(runCtx,
		chromedp.WaitVisible(`html[data-ready="true"]`),
		chromedp.Click(`[data-run-all]`),
		chromedp.Poll[chromedp.Void](allSettled, chromedp.WithPollingTimeout(2*time.Minute)),
	); err != nil {
		t.Fatalf("the lesson did not run under its policy: %v\nconsole: %s", err, console.text())
	}
	got := cells(t, ctx)
	for _, want := range []struct{ match, status string }{
		{"GET /files/hello.html", "200 OK"},
		{"GET /files/evil.html", "200 OK"},
		{"GET /files/wirebook.png", "200 OK"},
		{"via=wire", "200 OK"},    // a WebSocket to the page's own origin
		{"via=browser", "200 OK"}, // a fetch to the page's own origin
	} {
		c, ok := findCell(got, want.match)
		if !ok || c.Status != want.status {
			t.Errorf("cell %q: status %q, error %q; want %s", want.match, c.Status, c.Error, want.status)
		}
		if msg := sandboxed(c); strings.HasSuffix(want.match, ".html") && msg != "" {
			t.Errorf("cell %q: %s", want.match, msg)
		}
	}
	if c, _ := findCell(got, "GET /files/wirebook.png"); c.ImgWidth != 96 {
		t.Errorf("the image body, shown from a blob: URL, is %d pixels wide, want 96", c.ImgWidth)
	}

	if title, err := chromedp.Run(ctx, chromedp.Title()); err != nil || title != "Security headers · wirebook" {
		t.Errorf("the page's title is %q (%v)", title, err)
	}
	for _, m := range console.all() {
		if strings.Contains(m, "Content Security Policy") {
			t.Errorf("the policy refused something of the page's own: %s", m)
		}
	}

	t.Run("another site cannot frame the page", func(t *testing.T) {
		tab, closeTab := chromedp.NewContext(ctx) // the lesson stays open in the first tab
		defer closeTab()
		framer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<!DOCTYPE html><title>framer</title><iframe src="` + in.urls["main"] + `/lessons/csp"></iframe>`))
		}))
		defer framer.Close()
		console := collectConsole(t, tab)
		if err := chromedp.Do(tab, chromedp.Navigate(framer.URL)); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(10 * time.Second)
		for !console.has("frame-ancestors 'none'") {
			if time.Now().After(deadline) {
				t.Fatalf("no refusal of the frame in the console after 10 s:\n%s", console.text())
			}
			if err := chromedp.Do(tab, chromedp.Poll[chromedp.Void](`true`)); err != nil { // a round trip, so events flow
				t.Fatal(err)
			}
		}
	})

	frames := outputFrames(t, ctx)
	hello, okHello := frames["Hello from wirebook"]
	evil, okEvil := frames["evil"]
	if !okHello || !okEvil {
		t.Fatalf("output frames by title: %v; want hello.html's and evil.html's", frames)
	}
	// hello.html's inline <style> colours its heading #b4451f, and its
	// image loads from the server through the frame's <base>.
	if hello.H1Color != "rgb(180, 69, 31)" {
		t.Errorf("hello.html's heading is %q: its inline style did not apply", hello.H1Color)
	}
	if hello.ImgWidth != 96 {
		t.Errorf("hello.html's image is %d pixels wide, want 96", hello.ImgWidth)
	}
	if evil.Ran != "" || evil.OnError != "" || evil.Parent != "" {
		t.Errorf("evil.html ran code in its frame: script %q, onerror %q, parent %q", evil.Ran, evil.OnError, evil.Parent)
	}

	// fetch follows /redirect's 301 to another origin, which the page's own
	// connect-src refuses before anything is sent: what the page says must
	// name that, not CORS.
	t.Run("Compare on a redirect away names the page's connect-src, not CORS", func(t *testing.T) {
		const cell = `Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('textarea').value.startsWith('GET /redirect'))`
		if err := chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](`(`+cell+`).querySelector('[data-compare]').click()`),
			chromedp.Poll[chromedp.Void](`!!(`+cell+`).querySelector('[data-diff] li')`, chromedp.WithPollingTimeout(30*time.Second)),
		); err != nil {
			t.Fatal(err)
		}
		type reading struct {
			Browser string `json:"browser"`
			Diff    string `json:"diff"`
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[reading](`(() => { const c = `+cell+`;
			return {browser: (c.querySelector('[data-side="browser"] [data-error]') || {}).textContent || '',
				diff: c.querySelector('[data-diff]').textContent}; })()`))
		if err != nil {
			t.Fatal(err)
		}
		for _, said := range []struct{ what, text string }{{"the browser side's error", got.Browser}, {"the diff", got.Diff}} {
			if !strings.Contains(said.text, "connect-src 'self'") || strings.Contains(said.text, "CORS") {
				t.Errorf("%s says %q: want the page's connect-src named, and no CORS", said.what, said.text)
			}
		}
		// Chromium's console says why it refused: the message is the truth.
		deadline := time.Now().Add(10 * time.Second)
		for !console.has("connect-src") {
			if time.Now().After(deadline) {
				t.Fatalf("Chromium logged no connect-src refusal:\n%s", console.text())
			}
			if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`true`)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// consoleLog gathers every console message and browser log entry of a tab.
type consoleLog struct {
	mu   sync.Mutex
	msgs []string
}

func collectConsole(t *testing.T, ctx context.Context) *consoleLog {
	t.Helper()
	l := &consoleLog{}
	msgs := chromedp.Console(ctx) // subscribes now, before the page loads
	done := make(chan struct{})
	go func() {
		defer close(done)
		for m, err := range msgs {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.msgs = append(l.msgs, string(m.Type)+": "+m.Text+" ("+m.URL+")")
			l.mu.Unlock()
		}
	}()
	// Ending the tab ends the subscription. browser's own cleanup would
	// end it too, but runs after this one, which waits for the goroutine.
	t.Cleanup(func() { chromedp.Cancel(ctx); <-done })
	return l
}

func (l *consoleLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.msgs...)
}

func (l *consoleLog) text() string { return strings.Join(l.all(), "\n") }

func (l *consoleLog) has(s string) bool { return strings.Contains(l.text(), s) }

// frameView is what an output frame's document shows.
type frameView struct {
	Title    string `json:"title"`
	H1Color  string `json:"h1Color"`
	ImgWidth int    `json:"imgWidth"`
	Ran      string `json:"ran"`
	OnError  string `json:"onerror"`
	Parent   string `json:"parent"`
}

const readFrame = `(() => {
  const h1 = document.querySelector('h1'), img = document.querySelector('img');
  return {title: document.title, h1Color: h1 ? getComputedStyle(h1).color : '',
    imgWidth: img && img.complete ? img.naturalWidth : 0,
    ran: document.body.dataset.ran || '', onerror: document.body.dataset.onerror || '',
    parent: document.body.dataset.parent || ''};
})()`

// outputFrames reads every output frame, by its document's title. Chromium
// runs a sandboxed frame in a process of its own (an "iframe" target), so
// each is reached by attaching to it; DevTools may read a frame whose own
// scripts may not run.
func outputFrames(t *testing.T, ctx context.Context) map[string]frameView {
	t.Helper()
	infos, err := chromedp.Targets(ctx)
	if err != nil {
		t.Fatal(err)
	}
	views := map[string]frameView{}
	for _, info := range infos {
		if info.Type != "iframe" || info.URL != "about:srcdoc" {
			continue
		}
		// Ending an attached frame's context closes its page, so they all
		// end with the test.
		frameCtx, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
		t.Cleanup(cancel)
		v, err := chromedp.Run(frameCtx, chromedp.Evaluate[frameView](readFrame))
		if err != nil {
			t.Fatalf("reading output frame %s (%+v): %v", info.TargetID, info, err)
		}
		views[v.Title] = v
	}
	return views
}
