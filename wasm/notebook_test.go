//go:build js && wasm

package main

import (
	"errors"
	"strings"
	"sync"
	"syscall/js"
	"testing"
	"time"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/internal/fakedom"
	"wirebook/wasm/render"
)

// page builds, in the fake document, the cells templates.LessonPage renders:
// only the elements and attributes the client looks for.
func page(t *testing.T, requests ...string) js.Value {
	t.Helper()
	doc := fakedom.Install(t)
	loc := dom.Object()
	loc.Set("href", "http://127.0.0.1:2500/")
	loc.Set("origin", "http://127.0.0.1:2500")
	loc.Set("protocol", "http:")
	loc.Set("host", "127.0.0.1:2500")
	loc.Set("pathname", "/lessons/x")
	js.Global().Set("location", loc)
	t.Cleanup(func() { js.Global().Delete("location") })

	body := doc.Get("body")
	body.Call("appendChild", dom.El("button", []string{"data-run-all", "", "disabled", ""}))
	body.Call("appendChild", dom.El("button", []string{"data-stop-all", "", "disabled", "", "hidden", ""}))
	body.Call("appendChild", dom.El("button", []string{"data-clear-all", "", "disabled", ""}))
	body.Call("appendChild", dom.El("button", []string{"data-reset-lesson", "", "disabled", ""}, dom.Text("Reset lesson")))
	body.Call("appendChild", dom.El("p", []string{"data-announce", "", "role", "status"}))
	for i, text := range requests {
		id := "cell-" + string(rune('1'+i))
		attrs := []string{"id", id, "data-cell", "", "data-transport", "wire"}
		if strings.HasSuffix(text, "/stream") {
			attrs = append(attrs, "data-stream", "")
		}
		ta := dom.El("textarea", []string{"data-request", "", "id", id + "-request"})
		ta.Set("value", text)
		ta.Set("defaultValue", text)
		body.Call("appendChild", dom.El("section", attrs,
			dom.El("div", []string{"data-count", ""}, dom.Text("In [ ]:")),
			ta,
			dom.El("button", []string{"data-run", "", "disabled", ""}),
			dom.El("button", []string{"data-stop", "", "disabled", "", "hidden", ""}),
			dom.El("button", []string{"data-compare", "", "disabled", ""}),
			dom.El("input", []string{"type", "radio", "value", "wire", "data-transport-choice", ""}),
			dom.El("input", []string{"type", "radio", "value", "browser", "data-transport-choice", ""}),
			dom.El("button", []string{"data-copy", "curl", "disabled", ""}),
			dom.El("button", []string{"data-copy", "python", "disabled", ""}),
			dom.El("button", []string{"data-clear", "", "disabled", ""}),
			dom.El("button", []string{"data-reset", "", "disabled", ""}),
			dom.El("span", []string{"data-copy-status", ""}),
			dom.El("div", []string{"data-outputs", ""}),
		))
	}
	return doc
}

// fake is a Transport that answers from a table and records what it sent.
type fake struct {
	mu    sync.Mutex
	sent  []string
	delay chan struct{} // when set, a /stream body waits for it (or for stop)
	// verdict, when set, is the server's check of a run that carries
	// expectations (as the relay's check frame); nil checks nothing.
	verdict func(url, expect string) []wireproto.CheckResult
}

func (f *fake) Send(stop <-chan struct{}, req wireproto.Request, url string, recv Receiver) error {
	f.mu.Lock()
	f.sent = append(f.sent, req.Method+" "+url)
	f.mu.Unlock()
	if cr, ok := recv.(checkedReceiver); ok && f.verdict != nil && cr.Expect() != "" {
		defer func() { cr.Checks(f.verdict(url, cr.Expect())) }()
	}
	// What the relay reports of the exchange itself: the request as
	// written, and for /stream the framing of its chunks.
	wr, _ := recv.(wireReceiver)
	if wr != nil {
		wr.Sent([]byte(req.Method+" "+req.Target+" HTTP/1.1\r\nHost: 127.0.0.1:2500\r\n\r\n"), ".h", false)
	}
	switch req.Target {
	case "/hello":
		recv.Head(render.Head{Status: 200, Via: "browser", Headers: []wireproto.Header{
			{Name: "content-type", Value: "text/plain; charset=utf-8"}, {Name: "content-length", Value: "5"}}})
		recv.Chunk([]byte("Hel"), 0)
		recv.Chunk([]byte("lo"), 0)
		return nil
	case "/json":
		recv.Head(render.Head{Status: 200, Via: "browser", Headers: []wireproto.Header{{Name: "content-type", Value: "application/json"}}})
		recv.Chunk([]byte(`{"Server":"Test Server"}`), 0)
		return nil
	case "/stream":
		recv.Head(render.Head{Status: 200, Via: "browser", Headers: []wireproto.Header{{Name: "content-type", Value: "text/plain"}},
			Raw: []byte("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")})
		if wr != nil {
			wr.SizeLine("6", []byte("Hello\n"), 0)
		}
		recv.Chunk([]byte("Hello\n"), 0)
		select {
		case <-f.delay:
			if wr != nil {
				wr.SizeLine("8", []byte("Bonjour\n"), wireproto.Millisecond)
				defer wr.SizeLine("0", nil, 2*wireproto.Millisecond)
			}
			recv.Chunk([]byte("Bonjour\n"), 0)
			return nil
		case <-stop:
			return errStopped
		}
	case "/download":
		recv.Head(render.Head{Status: 200, Via: "browser", Headers: []wireproto.Header{{Name: "content-type", Value: "application/octet-stream"}}})
		recv.Chunk([]byte("\x00\x01\xff"), 0)
		return nil
	case "/big": // larger than a saved output keeps
		recv.Head(render.Head{Status: 200, Via: "wire", Headers: []wireproto.Header{{Name: "content-type", Value: "text/plain"}}})
		recv.Chunk([]byte(strings.Repeat("big ", 80<<10)), 0)
		return nil
	case "/down":
		return &dom.Error{Name: "TypeError", Message: "Failed to fetch"}
	case "/cut":
		recv.Head(render.Head{Status: 200, Via: "browser"})
		return errors.New("network error")
	}
	return errors.New("fake: no answer for " + req.Target)
}

func (f *fake) sends() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.sent...)
}

func start(t *testing.T, tr Transport) *notebook {
	t.Helper()
	nb := newNotebook(dom.Doc(), map[string]Transport{"browser": tr, "wire": tr})
	nb.ready()
	t.Cleanup(nb.close)
	return nb
}

// waitFor polls cond until it holds; the client's work runs on goroutines
// started by events, so the test yields to them between checks.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func q(t *testing.T, root js.Value, sel string) js.Value {
	t.Helper()
	v, ok := dom.Query(root, sel)
	if !ok {
		t.Fatalf("no %s", sel)
	}
	return v
}

func text(v js.Value) string { return v.Get("textContent").String() }

func state(c js.Value) func() bool {
	return func() bool { s := dom.Attr(c, "data-state"); return s == "done" || s == "error" }
}

func TestReadyEnablesTheControls(t *testing.T) {
	doc := page(t, "GET /hello")
	start(t, &fake{})
	if got := dom.Attr(doc.Get("documentElement"), "data-ready"); got != "true" {
		t.Errorf(`html data-ready = %q, want "true"`, got)
	}
	for _, b := range dom.QueryAll(doc, "[data-run], [data-copy], [data-run-all], [data-compare], [data-clear], [data-reset], [data-clear-all], [data-reset-lesson]") {
		if dom.HasAttr(b, "disabled") {
			t.Error("a control is still disabled once the client runs")
		}
	}
	for _, sel := range []string{"[data-stop]", "[data-stop-all]"} {
		if stop := q(t, doc, sel); !dom.HasAttr(stop, "hidden") || !dom.HasAttr(stop, "disabled") {
			t.Errorf("%s shows before anything runs", sel)
		}
	}
}

func TestRunShowsTheResponseByTheContract(t *testing.T) {
	doc := page(t, "GET /hello", "GET /json")
	f := &fake{}
	start(t, f)
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	waitFor(t, "the run to finish", state(cell))

	if got := dom.Attr(cell, "data-state"); got != "done" {
		t.Fatalf("data-state = %q", got)
	}
	if got := f.sends(); len(got) != 1 || got[0] != "GET http://127.0.0.1:2500/hello" {
		t.Errorf("sent %q, want the cell's request resolved against the page", got)
	}
	out := q(t, cell, "[data-outputs] [data-output]")
	if got := text(q(t, out, "[data-status]")); got != "200 OK" {
		t.Errorf("[data-status] = %q", got)
	}
	if n := len(dom.QueryAll(out, "[data-headers] tr")); n != 2 {
		t.Errorf("%d header rows, want 2", n)
	}
	if got := text(q(t, out, "[data-body] pre")); got != "Hello" {
		t.Errorf("body = %q", got)
	}
	if got := dom.Attr(q(t, out, "[data-size]"), "data-size"); got != "5" {
		t.Errorf("data-size = %q", got)
	}
	if got := dom.Attr(q(t, out, "[data-time]"), "data-time"); got == "" {
		t.Error("data-time is empty after the run")
	}
	count := q(t, cell, "[data-count]")
	if text(count) != "In [1]:" || dom.Attr(count, "data-count") != "1" {
		t.Errorf("prompt = %q (data-count %q), want In [1]:", text(count), dom.Attr(count, "data-count"))
	}

	// The other cell is untouched, and the next run anywhere is number 2.
	other := q(t, doc, "#cell-2")
	if _, ok := dom.Query(other, "[data-output]"); ok {
		t.Error("running cell 1 put output in cell 2")
	}
	q(t, other, "[data-run]").Call("dispatch", "click")
	waitFor(t, "cell 2", state(other))
	if got := text(q(t, other, "[data-count]")); got != "In [2]:" {
		t.Errorf("second run's prompt = %q", got)
	}
	if got := dom.Attr(q(t, other, "[data-output]"), "data-kind"); got != "json" {
		t.Errorf("data-kind = %q", got)
	}
	if _, ok := dom.Query(other, "[data-body] details"); !ok {
		t.Error("the JSON body is not a foldable view")
	}
}

// A screen reader hears one short line per run, from the page's one live
// region, and knows the cell is busy while it runs.
func TestRunIsAnnouncedInShort(t *testing.T) {
	doc := page(t, "GET /stream", "GET /down")
	f := &fake{delay: make(chan struct{})}
	start(t, f)
	cell := q(t, doc, "#cell-1")
	live := q(t, doc, "[data-announce]")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	waitFor(t, "the first chunk", func() bool { _, ok := dom.Query(cell, "[data-body] pre"); return ok })
	if got := dom.Attr(cell, "aria-busy"); got != "true" {
		t.Errorf("aria-busy = %q while running, want true", got)
	}
	if got := text(q(t, cell, "[data-count]")); got != "In [*]:" {
		t.Errorf("prompt = %q while running", got)
	}
	if got := text(live); got != "" {
		t.Errorf("announced %q before the run ended", got)
	}
	close(f.delay)
	waitFor(t, "the run to finish", state(cell))
	if dom.HasAttr(cell, "aria-busy") {
		t.Error("aria-busy outlived the run")
	}
	if got, want := text(live), "Cell 1: 200 OK "; !strings.HasPrefix(got, want) || !strings.Contains(got, " 14 bytes via ") {
		t.Errorf("announced %q, want %q… with time and size", got, want)
	}

	other := q(t, doc, "#cell-2")
	q(t, other, "[data-run]").Call("dispatch", "click")
	waitFor(t, "cell 2", state(other))
	if got := text(live); got != "Cell 2: error." {
		t.Errorf("announced %q for a failed fetch, want a short line (the error itself is an alert)", got)
	}
}

func TestErrorsStayInTheirCell(t *testing.T) {
	rows := []struct {
		name, request string
		want          string
		output        bool // a response had begun, so [data-error] is inside [data-output]
	}{
		{"a parse error names the line", "GET /hello\nBad Header Line", "line 2: ", false},
		{"a target that is neither a path nor a URL is refused before sending", "GET hello", "line 1: target", false},
		{"a failed fetch explains what the browser hides", "GET /down", "fetch failed: TypeError: Failed to fetch", false},
		{"a body cut short keeps the head and says so", "GET /cut", "the body was cut short: network error", true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			doc := page(t, row.request, "GET /hello")
			f := &fake{}
			start(t, f)
			cell := q(t, doc, "#cell-1")
			q(t, cell, "[data-run]").Call("dispatch", "click")
			waitFor(t, "the run to finish", state(cell))

			if got := dom.Attr(cell, "data-state"); got != "error" {
				t.Errorf("data-state = %q, want error", got)
			}
			errs := dom.QueryAll(cell, "[data-error]")
			if len(errs) != 1 || !strings.Contains(text(errs[0]), row.want) {
				t.Fatalf("errors %d, first %q; want one containing %q", len(errs), text(errs[0]), row.want)
			}
			if _, inOutput := dom.Query(cell, "[data-output] [data-error]"); inOutput != row.output {
				t.Errorf("error inside [data-output] = %v, want %v", inOutput, row.output)
			}
			if _, ok := dom.Query(q(t, doc, "#cell-2"), "[data-error]"); ok {
				t.Error("the error reached another cell")
			}
		})
	}
}

func TestRunAllGoesInOrderOneAtATime(t *testing.T) {
	doc := page(t, "GET /json", "GET /hello", "GET /down", "GET /json")
	f := &fake{}
	start(t, f)
	runAll := q(t, doc, "[data-run-all]")
	runAll.Call("dispatch", "click")
	waitFor(t, "Run all", func() bool { return dom.Attr(runAll, "data-state") == "done" })

	want := "GET http://127.0.0.1:2500/json GET http://127.0.0.1:2500/hello GET http://127.0.0.1:2500/down GET http://127.0.0.1:2500/json"
	if got := strings.Join(f.sends(), " "); got != want {
		t.Errorf("sent %q, want every cell in order, a failure not stopping the rest", got)
	}
	for i, c := range dom.QueryAll(doc, "[data-cell]") {
		wantCount := "In [" + string(rune('1'+i)) + "]:"
		if got := text(q(t, c, "[data-count]")); got != wantCount {
			t.Errorf("cell %d prompt %q, want %q", i+1, got, wantCount)
		}
	}
	if dom.HasAttr(runAll, "disabled") {
		t.Error("Run all stays disabled after it finished")
	}
}

func TestRunningAgainStopsTheRunInFlight(t *testing.T) {
	doc := page(t, "GET /stream")
	f := &fake{delay: make(chan struct{})}
	start(t, f)
	cell := q(t, doc, "#cell-1")
	run := q(t, cell, "[data-run]")
	run.Call("dispatch", "click")
	waitFor(t, "the first chunk to show live", func() bool {
		pre, ok := dom.Query(cell, "[data-body] pre")
		return ok && text(pre) == "Hello\n" && dom.Attr(cell, "data-state") == "running"
	})

	run.Call("dispatch", "click")
	waitFor(t, "the second run to send", func() bool { return len(f.sends()) == 2 })
	close(f.delay)
	waitFor(t, "the second run to finish", func() bool { return dom.Attr(cell, "data-state") == "done" })
	if got := text(q(t, cell, "[data-body] pre")); got != "Hello\nBonjour\n" {
		t.Errorf("body = %q, want only the second run's", got)
	}
	if n := len(dom.QueryAll(cell, "[data-output]")); n != 1 {
		t.Errorf("%d outputs, want the second run's alone", n)
	}
	if _, ok := dom.Query(cell, "[data-error]"); ok {
		t.Errorf("the stopped run's error outlived it: %q", text(q(t, cell, "[data-error]")))
	}
}

func TestKeysAndControls(t *testing.T) {
	doc := page(t, "GET /hello", "GET /json")
	f := &fake{}
	start(t, f)
	first := q(t, doc, "#cell-1")
	ta := q(t, first, "[data-request]")

	if ta.Call("dispatch", "keydown", map[string]any{"key": "Enter"}).Bool() {
		t.Error("a plain Enter was taken from the textarea")
	}
	if !ta.Call("dispatch", "keydown", map[string]any{"key": "Enter", "shiftKey": true}).Bool() {
		t.Error("Shift+Enter still types a newline")
	}
	waitFor(t, "Shift+Enter's run", state(first))
	if got := doc.Get("activeElement").Get("id").String(); got != "cell-2-request" {
		t.Errorf("focus is on %q after Shift+Enter, want the next cell", got)
	}

	ta.Set("value", "GET /hello\nX-A: 1\nX-B: 2")
	ta.Call("dispatch", "input")
	if got := ta.Get("rows").Int(); got != 3 {
		t.Errorf("rows = %d after typing three lines", got)
	}

	radios := dom.QueryAll(first, "[data-transport-choice]")
	radios[1].Call("dispatch", "change")
	if got := dom.Attr(first, "data-transport"); got != "browser" {
		t.Errorf("data-transport = %q after choosing browser", got)
	}

	t.Run("copy as curl uses the Clipboard API when there is one", func(t *testing.T) {
		copied := make(chan string, 1)
		nav := dom.Object()
		clip := dom.Object()
		write := js.FuncOf(func(_ js.Value, args []js.Value) any {
			copied <- args[0].String()
			return js.Global().Get("Promise").Call("resolve")
		})
		defer write.Release()
		clip.Set("writeText", write)
		nav.Set("clipboard", clip)
		old := js.Global().Get("navigator")
		js.Global().Set("navigator", nav)
		defer js.Global().Set("navigator", old)

		q(t, first, `[data-copy="curl"]`).Call("dispatch", "click")
		got := <-copied
		if !strings.HasPrefix(got, "curl ") || !strings.Contains(got, "http://127.0.0.1:2500/hello") || !strings.Contains(got, "X-A: 1") {
			t.Errorf("copied %q", got)
		}
		waitFor(t, "the copy status", func() bool { return strings.HasPrefix(text(q(t, first, "[data-copy-status]")), "Copied") })
	})
	t.Run("a request that does not parse is not copied", func(t *testing.T) {
		ta.Set("value", "nonsense")
		q(t, first, `[data-copy="python"]`).Call("dispatch", "click")
		if got := text(q(t, first, "[data-copy-status]")); !strings.HasPrefix(got, "Cannot copy: line 1") {
			t.Errorf("status = %q", got)
		}
	})
}

// fakeClipboard installs a navigator.clipboard whose writeText sends what
// it is given on the channel returned.
func fakeClipboard(t *testing.T) <-chan string {
	t.Helper()
	copied := make(chan string, 1)
	write := js.FuncOf(func(_ js.Value, args []js.Value) any {
		copied <- args[0].String()
		return js.Global().Get("Promise").Call("resolve")
	})
	clip := dom.Object()
	clip.Set("writeText", write)
	nav := dom.Object()
	nav.Set("clipboard", clip)
	old := js.Global().Get("navigator")
	js.Global().Set("navigator", nav)
	t.Cleanup(func() {
		js.Global().Set("navigator", old)
		write.Release()
	})
	return copied
}

func TestCopyTakesTheBodyAsTheCellSays(t *testing.T) {
	doc := page(t, "GET /stream", "GET /files/wirebook.png", "GET /download")
	f := &fake{delay: make(chan struct{})}
	close(f.delay)
	start(t, f)
	copied := fakeClipboard(t)
	copyAs := func(cell, kind string) string {
		t.Helper()
		q(t, q(t, doc, cell), `[data-copy="`+kind+`"]`).Call("dispatch", "click")
		return <-copied
	}
	rows := []struct {
		name, cell, kind, want string
	}{
		{"a stream cell streams in Python", "#cell-1", "python", "stream=True"},
		{"a stream cell streams in curl", "#cell-1", "curl", "curl -i -N "},
		{"an image's name saves it before any run", "#cell-2", "curl", "-o wirebook.png "},
		{"an image's name saves it in Python", "#cell-2", "python", "open('wirebook.png', 'wb')"},
		{"a name that says nothing prints, before a run", "#cell-3", "curl", "curl -i "},
	}
	for _, row := range rows {
		if got := copyAs(row.cell, row.kind); !strings.Contains(got, row.want) {
			t.Errorf("%s: copied %q, want %q in it", row.name, got, row.want)
		}
	}
	third := q(t, doc, "#cell-3")
	q(t, third, "[data-run]").Call("dispatch", "click")
	waitFor(t, "the download's run", state(third))
	if got := copyAs("#cell-3", "curl"); !strings.Contains(got, "-o download ") {
		t.Errorf("after an answer of bytes, copied %q, want it saved to a file", got)
	}
}

func TestCloseReleasesEveryListener(t *testing.T) {
	doc := page(t, "GET /hello")
	nb := newNotebook(dom.Doc(), map[string]Transport{"browser": &fake{}})
	run := q(t, doc, "[data-run]")
	if run.Call("listenerCount", "click").Int() != 1 {
		t.Fatal("the run button has no listener")
	}
	nb.close()
	for _, sel := range []string{"[data-run]", "[data-run-all]", "[data-copy]", "[data-stop]", "[data-compare]"} {
		for _, el := range dom.QueryAll(doc, sel) {
			if n := el.Call("listenerCount", "click").Int(); n != 0 {
				t.Errorf("%s keeps %d click listeners after close", sel, n)
			}
		}
	}
	if n := q(t, doc, "[data-request]").Call("listenerCount", "keydown").Int(); n != 0 {
		t.Errorf("the textarea keeps %d keydown listeners", n)
	}
}

func TestStopThenRunAgain(t *testing.T) {
	doc := page(t, "GET /stream")
	f := &fake{delay: make(chan struct{})}
	start(t, f)
	cell := q(t, doc, "#cell-1")
	stop := q(t, cell, "[data-stop]")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	waitFor(t, "the first chunk", func() bool { pre, ok := dom.Query(cell, "[data-body] pre"); return ok && text(pre) == "Hello\n" })

	stop.Call("dispatch", "click")
	waitFor(t, "the stop", state(cell))
	if got := text(q(t, cell, "[data-error]")); got != "stopped: you stopped it after 1 chunk" {
		t.Errorf("error = %q", got)
	}
	if !dom.HasAttr(stop, "hidden") {
		t.Error("the stop button shows after the run stopped")
	}

	q(t, cell, "[data-run]").Call("dispatch", "click")
	waitFor(t, "the second run to send", func() bool { return len(f.sends()) == 2 })
	close(f.delay)
	waitFor(t, "the second run", func() bool { return dom.Attr(cell, "data-state") == "done" })
	if _, ok := dom.Query(cell, "[data-error]"); ok || len(dom.QueryAll(cell, "[data-output]")) != 1 {
		t.Errorf("after running again: %d outputs, error shown %v", len(dom.QueryAll(cell, "[data-output]")), ok)
	}
}

func TestRunsAskedForBeforeTheClientWasReadyRunOnceItIs(t *testing.T) {
	doc := page(t, "GET /hello", "GET /json", "GET /download")
	// What boot.js remembered: a Run on the third cell, then on the first.
	pending := js.Global().Get("Array").New()
	for _, id := range []string{"cell-3", "cell-1"} {
		e := dom.Object()
		e.Set("cell", id)
		pending.Call("push", e)
		dom.SetAttr(q(t, doc, "#"+id), "data-state", "starting")
	}
	js.Global().Set("wirebookPending", pending)
	f := &fake{}
	nb := start(t, f)
	nb.runPending()
	for _, id := range []string{"#cell-1", "#cell-3"} {
		cell := q(t, doc, id)
		waitFor(t, id+" to run", func() bool { return dom.Attr(cell, "data-state") == "done" })
	}
	if s := dom.Attr(q(t, doc, "#cell-2"), "data-state"); s != "" {
		t.Errorf("a cell nobody asked for ran: %q", s)
	}
	if len(f.sends()) != 2 || !js.Global().Get("wirebookPending").IsUndefined() {
		t.Errorf("sent %q; the queue is %v after it ran", f.sends(), js.Global().Get("wirebookPending"))
	}
}
