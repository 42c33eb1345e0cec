//go:build js && wasm

package main

import (
	"errors"
	"strings"
	"syscall/js"
	"testing"

	"wirebook/server/wireproto"
	"wirebook/wasm/render"
)

// stubFetch replaces globalThis.fetch, for one test, with a function that
// records its arguments and answers as the script says. The script is the
// body of a JavaScript function (url, opts) returning a Promise of a
// Response, built with Node's own Response and ReadableStream.
func stubFetch(t *testing.T, script string) js.Value {
	t.Helper()
	calls := js.Global().Get("Array").New()
	f := js.Global().Call("eval", `(calls) => function (url, opts) {
		calls.push({url, opts});
		return (function (url, opts) { `+script+` })(url, opts);
	}`).Invoke(calls)
	old := js.Global().Get("fetch")
	js.Global().Set("fetch", f)
	t.Cleanup(func() { js.Global().Set("fetch", old) })
	return calls
}

// recorder is a Receiver that keeps what it was told.
type recorder struct {
	heads  []render.Head
	chunks []string
	ats    []wireproto.Duration
	ends   []render.Timings
}

func (r *recorder) Head(h render.Head) { r.heads = append(r.heads, h) }
func (r *recorder) Chunk(p []byte, at wireproto.Duration) {
	r.chunks = append(r.chunks, string(p))
	r.ats = append(r.ats, at)
}
func (r *recorder) End(t render.Timings) { r.ends = append(r.ends, t) }

func TestFetchReportsHeadThenEachChunk(t *testing.T) {
	calls := stubFetch(t, `
		const enc = new TextEncoder();
		const body = new ReadableStream({ start(c) { c.enqueue(enc.encode("Hello\n")); c.enqueue(enc.encode("Bonjour\n")); c.close(); } });
		return Promise.resolve(new Response(body, { status: 404, statusText: "NOT FOUND",
			headers: { "Content-Type": "text/plain", "X-INE-Course": "HTTP using Python" } }));`)

	req := wireproto.Request{Method: "POST", Target: "/json", Body: "name=David",
		Headers: []wireproto.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}, {Name: "Host", Value: "evil"}}}
	var rec recorder
	if err := (fetchTransport{}).Send(nil, req, "http://127.0.0.1:2500/json", &rec); err != nil {
		t.Fatalf("Send = %v", err)
	}

	if calls.Length() != 1 {
		t.Fatalf("fetch called %d times", calls.Length())
	}
	call := calls.Index(0)
	opts := call.Get("opts")
	if got := call.Get("url").String(); got != "http://127.0.0.1:2500/json" {
		t.Errorf("url = %q", got)
	}
	for name, want := range map[string]string{"method": "POST", "body": "name=David", "credentials": "omit", "cache": "no-store"} {
		if got := opts.Get(name).String(); got != want {
			t.Errorf("fetch %s = %q, want %q", name, got, want)
		}
	}
	if got := opts.Get("headers").Call("get", "content-type").String(); got != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type sent = %q", got)
	}
	if !opts.Get("signal").Truthy() {
		t.Error("fetch got no abort signal")
	}

	if len(rec.heads) != 1 {
		t.Fatalf("Head called %d times", len(rec.heads))
	}
	h := rec.heads[0]
	if h.Status != 404 || h.StatusText != "NOT FOUND" || h.Via != "browser" {
		t.Errorf("head = %d %q via %q", h.Status, h.StatusText, h.Via)
	}
	if got := h.Header("x-ine-course"); got != "HTTP using Python" {
		t.Errorf("X-INE-Course = %q; headers %v", got, h.Headers)
	}
	if strings.Join(h.Dropped, ",") != "Host" {
		t.Errorf("dropped = %q, want the Host header a page may not set", h.Dropped)
	}
	if got := strings.Join(rec.chunks, ""); got != "Hello\nBonjour\n" {
		t.Errorf("body = %q", got)
	}
	for i := 1; i < len(rec.ats); i++ {
		if rec.ats[i] < rec.ats[i-1] || rec.ats[0] < 0 {
			t.Errorf("chunk arrival times go backwards: %v", rec.ats)
		}
	}
	if len(rec.ends) != 0 {
		t.Errorf("fetch told End %v; it measures nothing the page does not", rec.ends)
	}
}

func TestFetchFailures(t *testing.T) {
	t.Run("a rejected fetch is the browser's error, with no head", func(t *testing.T) {
		stubFetch(t, `return Promise.reject(new TypeError("Failed to fetch"));`)
		var rec recorder
		err := (fetchTransport{}).Send(nil, wireproto.Request{Method: "GET", Target: "/"}, "http://127.0.0.1:2505/", &rec)
		if err == nil || err.Error() != "TypeError: Failed to fetch" || len(rec.heads) != 0 {
			t.Errorf("Send = %v with %d heads", err, len(rec.heads))
		}
	})
	t.Run("a header name the browser refuses is an error before sending", func(t *testing.T) {
		calls := stubFetch(t, `return Promise.reject(new Error("not reached"));`)
		var rec recorder
		req := wireproto.Request{Method: "GET", Target: "/", Headers: []wireproto.Header{{Name: "Bad Name", Value: "x"}}}
		err := (fetchTransport{}).Send(nil, req, "http://127.0.0.1:2500/", &rec)
		if err == nil || calls.Length() != 0 {
			t.Errorf("Send = %v after %d fetches", err, calls.Length())
		}
	})
	t.Run("closing stop aborts a body in flight", func(t *testing.T) {
		stubFetch(t, `
			const enc = new TextEncoder();
			const body = new ReadableStream({ start(c) {
				c.enqueue(enc.encode("first\n"));
				opts.signal.addEventListener("abort", () => c.error(new DOMException("aborted", "AbortError")));
			} });
			return Promise.resolve(new Response(body, { status: 200, headers: { "Content-Type": "text/plain" } }));`)
		stop := make(chan struct{})
		rec := &stopAfterFirst{stop: stop}
		err := (fetchTransport{}).Send(stop, wireproto.Request{Method: "GET", Target: "/stream"}, "http://127.0.0.1:2500/stream", rec)
		if !errors.Is(err, errStopped) {
			t.Errorf("Send = %v, want errStopped", err)
		}
		if strings.Join(rec.chunks, "") != "first\n" {
			t.Errorf("chunks = %q", rec.chunks)
		}
	})
	t.Run("a response without a body ends after its head", func(t *testing.T) {
		stubFetch(t, `return Promise.resolve(new Response(null, { status: 204 }));`)
		var rec recorder
		err := (fetchTransport{}).Send(nil, wireproto.Request{Method: "GET", Target: "/"}, "http://127.0.0.1:2500/", &rec)
		if err != nil || len(rec.heads) != 1 || rec.heads[0].Status != 204 || len(rec.chunks) != 0 {
			t.Errorf("Send = %v, heads %v, chunks %q", err, rec.heads, rec.chunks)
		}
	})
}

// stopAfterFirst closes stop once the first chunk has come, as a student
// running the cell again would.
type stopAfterFirst struct {
	recorder
	stop chan struct{}
}

func (s *stopAfterFirst) Chunk(p []byte, at wireproto.Duration) {
	s.recorder.Chunk(p, at)
	if len(s.chunks) == 1 {
		close(s.stop)
	}
}
