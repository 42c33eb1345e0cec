package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// wireView is what a wire output shows of the exchange itself.
type wireView struct {
	State      string   `json:"state"`
	Frame      string   `json:"frame"` // the echo page, as the sandboxed frame holds it
	Sent       string   `json:"sent"`
	Added      []string `json:"added"` // each marked line of the Request view: its mark, a space, its text
	Raw        string   `json:"raw"`
	ChunkSizes []string `json:"chunkSizes"`
	Phases     int      `json:"phases"`
	Waterfall  string   `json:"waterfall"`
}

func wireViewOf(request string) string {
	return `(() => { const c = Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('[data-request]').value.startsWith(` + "`" + request + "`" + `));
  const q = s => c.querySelector(s), text = s => (q(s) || {textContent: ''}).textContent;
  return { state: c.dataset.state || '', frame: (q('[data-body] iframe') || {getAttribute: () => ''}).getAttribute('srcdoc'),
    sent: text('[data-sent]'), added: Array.from(c.querySelectorAll('[data-sent] [data-added]')).map(l => l.dataset.added + ' ' + l.textContent),
    raw: text('[data-raw]'), chunkSizes: Array.from(c.querySelectorAll('[data-chunk-size]')).map(e => e.dataset.chunkSize),
    phases: c.querySelectorAll('[data-waterfall] [data-phase]').length, waterfall: (q('[data-waterfall]') || {getAttribute: () => ''}).getAttribute('aria-label') }; })()`
}

// TestTheWireViewIsExact is issue 13's promise in a real browser: a cell's
// headers leave as written, in their order and case, and the echo shows
// them back so; the Request view shows the bytes that left with the lines
// wirebook added marked, the Raw view the head as it came, and /stream's
// Raw view its chunk-size lines.
func TestTheWireViewIsExact(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=3", "-stream-max-delay=20ms")
	ctx := browser(t)
	run := func(page, request string) wireView {
		t.Helper()
		if err := chromedp.Do(ctx,
			chromedp.Navigate(in.urls["main"]+page),
			chromedp.WaitVisible(`html[data-ready="true"]`),
			chromedp.Evaluate[chromedp.Void](`Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('[data-request]').value.startsWith(`+"`"+request+"`"+`)).querySelector('[data-run]').click()`),
			chromedp.Poll[chromedp.Void](`(() => { const s = (`+wireViewOf(request)+`).state; return s === 'done' || s === 'error'; })()`, chromedp.WithPollingTimeout(time.Minute)),
		); err != nil {
			t.Fatalf("running %q on %s: %v", request, page, err)
		}
		v, err := chromedp.Run(ctx, chromedp.Evaluate[wireView](wireViewOf(request)))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	order := run("/lessons/echo", "GET /echo/order")
	if order.State != "done" || !strings.Contains(order.Frame, "X-B: 1\nx-a: 2\nX-B: 3\n") {
		t.Errorf("the echo does not show the headers as written (state %s):\n%s", order.State, order.Frame)
	}
	if !strings.Contains(order.Sent, "GET /echo/order HTTP/1.1␍␊\nHost: ") || !strings.Contains(order.Sent, "␍␊\nX-B: 1␍␊\nx-a: 2␍␊\nX-B: 3␍␊\n␍␊") {
		t.Errorf("the Request view reads\n%s", order.Sent)
	}
	if len(order.Added) != 1 || !strings.HasPrefix(order.Added[0], "h Host: ") {
		t.Errorf("marked as added: %q, want only Host, which HTTP/1.1 requires", order.Added)
	}
	if !strings.HasPrefix(order.Raw, "HTTP/1.1 200 OK␍␊\n") || !strings.Contains(order.Raw, "X-INE-Course: HTTP using Python␍␊") {
		t.Errorf("the Raw view reads\n%s", order.Raw)
	}
	if order.Phases != 3 || !strings.Contains(order.Waterfall, "waiting for the first byte") {
		t.Errorf("the waterfall has %d phases and reads %q", order.Phases, order.Waterfall)
	}

	requests := run("/lessons/echo", "GET /echo/some-file.txt\nX-INE-Student")
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('[data-sent-view], [data-raw-view]').forEach(d => d.open = true);
	  Array.from(document.querySelectorAll('[data-cell]')).find(c => c.querySelector('[data-sent-view]')).scrollIntoView()`)); err != nil {
		t.Fatal(err)
	}
	saveScreenshot(t, ctx, "wire-views.png")
	var byClient []string
	for _, a := range requests.Added {
		if strings.HasPrefix(a, "c ") {
			byClient = append(byClient, a)
		}
	}
	if len(byClient) != 4 || byClient[0] != "c User-Agent: python-requests/2.32.3␍␊" {
		t.Errorf("the requests client's lines: %q", byClient)
	}
	if !strings.Contains(requests.Frame, "User-Agent: python-requests/2.32.3\nAccept-Encoding: gzip, deflate\nAccept: */*\nConnection: keep-alive\nX-INE-Student: Ana") {
		t.Errorf("the echo does not show what the notebook's requests sent:\n%s", requests.Frame)
	}

	stream := run("/lessons/app", "GET /stream")
	if n := len(stream.ChunkSizes); n < 4 || stream.ChunkSizes[n-1] != "0" {
		t.Errorf("the stream's chunk-size lines: %q, want one per greeting and the last chunk, 0", stream.ChunkSizes)
	}
	if !strings.Contains(stream.Raw, "Transfer-Encoding: chunked␍␊") {
		t.Errorf("the stream's Raw head:\n%s", stream.Raw)
	}
}
