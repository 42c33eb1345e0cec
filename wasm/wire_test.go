//go:build js && wasm

package main

import (
	"errors"
	"slices"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// events is a Receiver for a Send running on another goroutine: it
// reports each call on a channel, so the test can wait for it.
type events chan string

func (e events) Head(h render.Head) {
	var hs []string
	for _, f := range h.Headers {
		hs = append(hs, f.Name+": "+f.Value)
	}
	e <- "head " + h.Proto + " " + itoa(h.Status) + " " + h.StatusText + " via " + h.Via + " url " + h.URL + " [" + strings.Join(hs, "|") + "]"
}

func (e events) Chunk(p []byte, at wireproto.Duration) {
	e <- "chunk " + string(p) + " at " + time.Duration(at).String()
}

func (e events) End(t render.Timings) {
	e <- "end connect " + time.Duration(t.Connect).String() + " first byte " + time.Duration(t.FirstByte).String() + " total " + time.Duration(t.Total).String() +
		" bytes " + itoa(int(t.Bytes)) + map[bool]string{true: " truncated", false: ""}[t.Truncated]
}

// next is the next call the receiver got.
func (e events) next(t *testing.T) string {
	t.Helper()
	select {
	case s := <-e:
		return s
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting for the receiver to be told something")
		return ""
	}
}

// sendAsync runs Send on its own goroutine, as a cell does.
func sendAsync(w *wireTransport, stop <-chan struct{}, target string, recv Receiver) <-chan error {
	errc := make(chan error, 1)
	req := wireproto.Request{Method: "GET", Target: target}
	go func() { errc <- w.Send(stop, req, "http://127.0.0.1:2500"+target, recv) }()
	return errc
}

func result(t *testing.T, errc <-chan error) error {
	t.Helper()
	select {
	case err := <-errc:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("timed out waiting for Send to return")
		return nil
	}
}

func TestWireSendsAFrameAndReportsWhatCameBack(t *testing.T) {
	page(t)
	socks := installWebSocket(t)
	w := &wireTransport{}
	rec := make(events, 16)
	errc := make(chan error, 1)
	req := wireproto.Request{Method: "POST", Target: "/json", Body: "name=David",
		Headers: []wireproto.Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}, {Name: "Host", Value: "example.test"}}}
	go func() { errc <- w.Send(nil, req, "http://127.0.0.1:2500/json", rec) }()

	ws := socks.socket(t, 0)
	if got := ws.Get("url").String(); got != "ws://127.0.0.1:2500/ws/relay" {
		t.Errorf("socket url = %q, want the page's host and /ws/relay", got)
	}
	if got := ws.Get("binaryType").String(); got != "arraybuffer" {
		t.Errorf("binaryType = %q, want arraybuffer", got)
	}
	ws.Call("open")
	sent := waitSent(t, ws, 1)
	f := sent[0]
	if f.Type != wireproto.FrameSend || f.URL != "http://127.0.0.1:2500/json" || f.Request.String() != req.String() {
		t.Fatalf("sent %v frame for %q: %q; want the cell's request as written", f.Type, f.URL, f.Request.String())
	}

	serve(t, ws,
		wireproto.Frame{Type: wireproto.FrameHead, ID: f.ID, Proto: "HTTP/1.1", Status: 301, Reason: "Moved Permanently",
			Headers: []wireproto.Header{{Name: "Location", Value: "/hello"}, {Name: "X-Dup", Value: "1"}, {Name: "x-dup", Value: "2"}}},
		wireproto.Frame{Type: wireproto.FrameChunk, ID: f.ID, Data: []byte("ab"), At: 5 * wireproto.Millisecond},
		wireproto.Frame{Type: wireproto.FrameChunk, ID: f.ID, Data: []byte("c"), At: 7 * wireproto.Millisecond},
		wireproto.Frame{Type: wireproto.FrameEnd, ID: f.ID, Bytes: 3, Connect: wireproto.Millisecond, FirstByte: 2 * wireproto.Millisecond,
			Total: 8 * wireproto.Millisecond, Truncated: true},
	)
	if err := result(t, errc); err != nil {
		t.Fatalf("Send = %v", err)
	}
	want := []string{
		"head HTTP/1.1 301 Moved Permanently via wire url http://127.0.0.1:2500/json [Location: /hello|X-Dup: 1|x-dup: 2]",
		"chunk ab at 5ms",
		"chunk c at 7ms",
		"end connect 1ms first byte 2ms total 8ms bytes 3 truncated",
	}
	for i, w := range want {
		if got := rec.next(t); got != w {
			t.Errorf("call %d = %q\nwant      %q", i, got, w)
		}
	}
}

func TestWireCarriesConcurrentRequestsOnOneSocket(t *testing.T) {
	page(t)
	socks := installWebSocket(t)
	w := &wireTransport{}
	one, two := make(events, 8), make(events, 8)
	errOne := sendAsync(w, nil, "/one", one)
	ws := socks.socket(t, 0)
	errTwo := sendAsync(w, nil, "/two", two)
	ws.Call("open")
	sent := waitSent(t, ws, 2)
	ids := map[string]uint32{}
	for _, f := range sent {
		ids[f.Request.Target] = f.ID
	}
	if len(ids) != 2 || ids["/one"] == ids["/two"] {
		t.Fatalf("frames %v: want one send per request, with different IDs", sent)
	}

	// The relay answers in whatever order its requests finish.
	serve(t, ws,
		wireproto.Frame{Type: wireproto.FrameHead, ID: ids["/two"], Status: 404},
		wireproto.Frame{Type: wireproto.FrameHead, ID: ids["/one"], Status: 200},
		wireproto.Frame{Type: wireproto.FrameChunk, ID: ids["/one"], Data: []byte("first")},
		wireproto.Frame{Type: wireproto.FrameChunk, ID: ids["/two"], Data: []byte("second")},
		wireproto.Frame{Type: wireproto.FrameEnd, ID: ids["/two"]},
		wireproto.Frame{Type: wireproto.FrameEnd, ID: ids["/one"]},
	)
	if err := result(t, errOne); err != nil {
		t.Errorf("first Send = %v", err)
	}
	if err := result(t, errTwo); err != nil {
		t.Errorf("second Send = %v", err)
	}
	if got := one.next(t) + " / " + one.next(t); !strings.Contains(got, " 200 ") || !strings.Contains(got, "chunk first") {
		t.Errorf("the first request was told %q", got)
	}
	if got := two.next(t) + " / " + two.next(t); !strings.Contains(got, " 404 ") || !strings.Contains(got, "chunk second") {
		t.Errorf("the second request was told %q", got)
	}
	if n := socks.count(); n != 1 {
		t.Errorf("%d sockets for two requests, want one per page", n)
	}
}

func TestWireStopSendsCancel(t *testing.T) {
	page(t)
	socks := installWebSocket(t)
	w := &wireTransport{}
	rec := make(events, 8)
	stop := make(chan struct{})
	errc := sendAsync(w, stop, "/stream", rec)
	ws := socks.socket(t, 0)
	ws.Call("open")
	first := waitSent(t, ws, 1)[0]
	serve(t, ws,
		wireproto.Frame{Type: wireproto.FrameHead, ID: first.ID, Status: 200},
		wireproto.Frame{Type: wireproto.FrameChunk, ID: first.ID, Data: []byte("Hello\n"), At: wireproto.Second})
	rec.next(t)
	rec.next(t)

	close(stop)
	if err := result(t, errc); !errors.Is(err, errStopped) {
		t.Fatalf("Send = %v, want errStopped", err)
	}
	sent := waitSent(t, ws, 2)
	if c := sent[1]; c.Type != wireproto.FrameCancel || c.ID != first.ID {
		t.Fatalf("after stop the page sent a %v frame for ID %d, want cancel for %d", c.Type, c.ID, first.ID)
	}

	// The relay's last frames for the cancelled ID may still come; they
	// reach no one, and the next request has an ID of its own.
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameChunk, ID: first.ID, Data: []byte("late")},
		wireproto.Frame{Type: wireproto.FrameError, ID: first.ID, Message: "cancelled by the client"})
	next := make(events, 8)
	errc = sendAsync(w, nil, "/hello", next)
	again := waitSent(t, ws, 3)[2]
	if again.ID == first.ID {
		t.Errorf("the next request reused ID %d", again.ID)
	}
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameError, ID: again.ID, Message: "no"})
	if err := result(t, errc); err == nil {
		t.Error("the next request did not get its own error frame")
	}
	select {
	case s := <-rec:
		t.Errorf("the stopped request was told %q after it stopped", s)
	default:
	}
}

func TestWireStopWhileConnectingSendsNothing(t *testing.T) {
	page(t)
	socks := installWebSocket(t)
	w := &wireTransport{}
	stop := make(chan struct{})
	errc := sendAsync(w, stop, "/hello", make(events, 1))
	ws := socks.socket(t, 0)
	close(stop)
	if err := result(t, errc); !errors.Is(err, errStopped) {
		t.Fatalf("Send = %v, want errStopped", err)
	}
	ws.Call("open")
	if n := ws.Get("sent").Length(); n != 0 {
		t.Errorf("the page sent %d frames for a request stopped before the socket opened", n)
	}
}

func TestWireFailures(t *testing.T) {
	rows := []struct {
		name   string
		server func(t *testing.T, ws js.Value, id uint32)
		want   string
	}{
		{"an error frame is the relay's message", func(t *testing.T, ws js.Value, id uint32) {
			serve(t, ws, wireproto.Frame{Type: wireproto.FrameError, ID: id, Message: "10.0.0.1:80 is not a host this server relays to"})
		}, "the server could not relay the request: 10.0.0.1:80 is not a host this server relays to"},
		{"a socket that closes fails the request in flight", func(t *testing.T, ws js.Value, id uint32) {
			ws.Call("serverClose", 1001, "server stopping")
		}, "the connection to the server's relay closed: 1001 going away: server stopping"},
		{"a frame the page cannot read closes the socket", func(t *testing.T, ws js.Value, id uint32) {
			ws.Call("receive", dom.Uint8Array([]byte{99, 1}))
			waitFor(t, "the page to close the socket", func() bool { return ws.Get("closeCalls").Length() == 1 })
			if c := ws.Get("closeCalls").Index(0); c.Get("code").Int() != 4000 {
				t.Errorf("closed with %d, want 4000", c.Get("code").Int())
			}
			ws.Call("serverClose", 4000, "unreadable frame")
		}, "the relay sent a frame this page cannot read: wireproto: bad frame at byte 0: unknown frame type 99"},
		{"a text message closes the socket", func(t *testing.T, ws js.Value, id uint32) {
			ws.Call("receive", "hello")
			ws.Call("serverClose", 4000, "")
		}, "the relay sent a text message"},
		{"a chunk before the head is refused", func(t *testing.T, ws js.Value, id uint32) {
			serve(t, ws, wireproto.Frame{Type: wireproto.FrameChunk, ID: id, Data: []byte("x")})
		}, "the relay sent body bytes before the head"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			page(t)
			socks := installWebSocket(t)
			w := &wireTransport{}
			errc := sendAsync(w, nil, "/hello", make(events, 8))
			ws := socks.socket(t, 0)
			ws.Call("open")
			row.server(t, ws, waitSent(t, ws, 1)[0].ID)
			err := result(t, errc)
			if _, ok := err.(*wireError); !ok || !strings.Contains(err.Error(), row.want) {
				t.Fatalf("Send = %#v, want a wireError containing %q", err, row.want)
			}
		})
	}
}

func TestWireReopensAClosedSocket(t *testing.T) {
	page(t)
	socks := installWebSocket(t)
	w := &wireTransport{}

	// The handshake fails: the page is told only that it closed.
	errc := sendAsync(w, nil, "/hello", make(events, 1))
	dead := socks.socket(t, 0)
	dead.Call("serverClose", 1006, "")
	if err := result(t, errc); err == nil || !strings.Contains(err.Error(), "cannot reach the server's relay at ws://127.0.0.1:2500/ws/relay") {
		t.Fatalf("Send = %v, want the relay named as unreachable", err)
	}
	if n := dead.Call("listenerCount").Int(); n != 0 {
		t.Errorf("the closed socket keeps %d listeners", n)
	}

	rec := make(events, 4)
	errc = sendAsync(w, nil, "/hello", rec)
	ws := socks.socket(t, 1)
	ws.Call("open")
	id := waitSent(t, ws, 1)[0].ID
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameHead, ID: id, Status: 200}, wireproto.Frame{Type: wireproto.FrameEnd, ID: id})
	if err := result(t, errc); err != nil {
		t.Fatalf("Send on the new socket = %v", err)
	}
}

// wirePage is a page whose cells send over the wire transport, against a
// fake WebSocket; the browser transport is br.
func wirePage(t *testing.T, br Transport, requests ...string) (js.Value, *fakeSockets) {
	t.Helper()
	doc := page(t, requests...)
	socks := installWebSocket(t)
	nb := newNotebook(dom.Doc(), map[string]Transport{"wire": &wireTransport{}, "browser": br})
	nb.ready()
	t.Cleanup(nb.close)
	return doc, socks
}

func TestWireCellShowsWhatCameBack(t *testing.T) {
	doc, socks := wirePage(t, &fake{}, "GET /secure\nAuthorization: Basic RGF2aWQ6YmFkcGFzcw==")
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	ws := socks.socket(t, 0)
	ws.Call("open")
	id := waitSent(t, ws, 1)[0].ID

	serve(t, ws, wireproto.Frame{Type: wireproto.FrameHead, ID: id, Proto: "HTTP/1.1", Status: 401, Reason: "Unauthorized",
		Headers: []wireproto.Header{{Name: "WWW-Authenticate", Value: `Basic realm="wirebook"`}, {Name: "Content-Type", Value: "text/plain"}}})
	waitFor(t, "the head to show while the body is still coming", func() bool {
		s, ok := dom.Query(cell, "[data-output] [data-status]")
		return ok && text(s) == "401 Unauthorized"
	})
	out := q(t, cell, "[data-output]")
	if dom.Attr(out, "data-via") != "wire" || dom.Attr(cell, "data-state") != "running" {
		t.Errorf("data-via %q, state %q: want wire, still running", dom.Attr(out, "data-via"), dom.Attr(cell, "data-state"))
	}
	rows := dom.QueryAll(out, "[data-headers] th")
	if len(rows) != 2 || text(rows[0]) != "WWW-Authenticate" {
		t.Errorf("header names shown: %d, first %q; want the server's spelling", len(rows), text(rows[0]))
	}
	if stop := q(t, cell, "[data-stop]"); dom.HasAttr(stop, "hidden") || dom.HasAttr(stop, "disabled") {
		t.Error("no stop button while the request runs")
	}

	serve(t, ws, wireproto.Frame{Type: wireproto.FrameChunk, ID: id, Data: []byte("Unauthorized\n"), At: wireproto.Millisecond},
		wireproto.Frame{Type: wireproto.FrameEnd, ID: id, Bytes: 1 << 20, Connect: 300 * wireproto.Microsecond,
			FirstByte: 1200 * wireproto.Microsecond, Total: 3 * wireproto.Millisecond, Truncated: true})
	waitFor(t, "the run to finish", state(cell))
	if got := dom.Attr(cell, "data-state"); got != "done" {
		t.Fatalf("data-state = %q; a 401 is an answer, not a failure", got)
	}
	if got := text(q(t, out, "[data-timings]")); !strings.Contains(got, "connect 0.3 ms") || !strings.Contains(got, "first byte 1.2 ms") || !strings.Contains(got, "total 3.0 ms") {
		t.Errorf("timings = %q", got)
	}
	if got := dom.Attr(q(t, out, "[data-total]"), "data-total"); got != "3" {
		t.Errorf("data-total = %q", got)
	}
	if got := text(q(t, out, "[data-truncated]")); !strings.HasPrefix(got, "body cut at 1048576 bytes") {
		t.Errorf("truncation note = %q", got)
	}
	if stop := q(t, cell, "[data-stop]"); !dom.HasAttr(stop, "hidden") {
		t.Error("the stop button stays after the run")
	}
}

func TestWireStreamCellShowsChunksLiveAndStops(t *testing.T) {
	doc, socks := wirePage(t, &fake{}, "GET /stream")
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	ws := socks.socket(t, 0)
	ws.Call("open")
	id := waitSent(t, ws, 1)[0].ID
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameHead, ID: id, Status: 200, Reason: "OK",
		Headers: []wireproto.Header{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}})

	chunks := func() string {
		c, ok := dom.Query(cell, "[data-chunks]")
		if !ok {
			return ""
		}
		return text(c)
	}
	lefts := func() []string {
		var out []string
		for _, m := range dom.QueryAll(cell, "[data-timeline] span") {
			if dom.Attr(m, "class") == "tl-mark" {
				out = append(out, m.Get("style").Call("getPropertyValue", "left").String())
			}
		}
		return out
	}
	waitFor(t, "an empty timeline", func() bool { return chunks() == "0" })

	serve(t, ws, wireproto.Frame{Type: wireproto.FrameChunk, ID: id, Data: []byte("Hello\n"), At: 40 * wireproto.Millisecond})
	waitFor(t, "the first chunk", func() bool { return chunks() == "1" && text(q(t, cell, "[data-body] pre")) == "Hello\n" })
	if got := lefts(); !slices.Equal(got, []string{"80.0%"}) {
		t.Errorf("marks at %q, want 40 ms on a 50 ms line", got)
	}

	serve(t, ws, wireproto.Frame{Type: wireproto.FrameChunk, ID: id, Data: []byte("Bonjour\n"), At: 1500 * wireproto.Millisecond})
	waitFor(t, "the second chunk", func() bool { return chunks() == "2" })
	if got := lefts(); !slices.Equal(got, []string{"2.0%", "75.0%"}) {
		t.Errorf("marks at %q, want both on the grown 2 s line", got)
	}
	if got := text(q(t, cell, "[data-span-label]")); got != "2 s" {
		t.Errorf("the line ends at %q", got)
	}

	q(t, cell, "[data-stop]").Call("dispatch", "click")
	waitFor(t, "the stop", state(cell))
	sent := waitSent(t, ws, 2)
	if sent[1].Type != wireproto.FrameCancel || sent[1].ID != id {
		t.Errorf("stop sent a %v frame for %d, want cancel for %d", sent[1].Type, sent[1].ID, id)
	}
	if got := text(q(t, cell, "[data-output] [data-error]")); got != "stopped: you stopped it after 2 chunks" {
		t.Errorf("error = %q", got)
	}
	if got := text(q(t, cell, "[data-body] pre")); got != "Hello\nBonjour\n" {
		t.Errorf("the body shown before the stop changed: %q", got)
	}
}

// A request waiting in the relay's line shows its place, kept up to date,
// until the head replaces it.
func TestWireCellShowsItsPlaceInTheQueue(t *testing.T) {
	doc, socks := wirePage(t, &fake{}, "GET /hello")
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	ws := socks.socket(t, 0)
	ws.Call("open")
	id := waitSent(t, ws, 1)[0].ID
	for _, ahead := range []int{40, 3} {
		serve(t, ws, wireproto.Frame{Type: wireproto.FrameQueued, ID: id, Ahead: ahead})
		n := itoa(ahead)
		waitFor(t, "the cell to say "+n+" ahead", func() bool {
			p, ok := dom.Query(cell, "[data-outputs] [data-queued]")
			return ok && dom.Attr(p, "data-queued") == n && dom.Attr(p, "class") == "out-queued" && text(p) == "queued ("+n+" ahead)"
		})
	}
	if got := len(dom.QueryAll(cell, "[data-queued]")); got != 1 {
		t.Errorf("%d queue notes, want the one replaced in place", got)
	}
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameHead, ID: id, Status: 200, Reason: "OK"},
		wireproto.Frame{Type: wireproto.FrameEnd, ID: id})
	waitFor(t, "the run to finish", state(cell))
	if _, ok := dom.Query(cell, "[data-queued]"); ok {
		t.Error("the queue note stays once the answer came")
	}
	if got := dom.Attr(cell, "data-state"); got != "done" {
		t.Errorf("data-state = %q", got)
	}
}

// A request refused because the line is full says so, in place of its
// place in line.
func TestWireQueueFullShowsWhy(t *testing.T) {
	doc, socks := wirePage(t, &fake{}, "GET /hello")
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	ws := socks.socket(t, 0)
	ws.Call("open")
	id := waitSent(t, ws, 1)[0].ID
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameQueued, ID: id, Ahead: 0},
		wireproto.Frame{Type: wireproto.FrameError, ID: id, Message: "the server is busy: this request waited 30s in the queue, with 2 still ahead of it; try again in a moment"})
	waitFor(t, "the run to fail", state(cell))
	if _, ok := dom.Query(cell, "[data-queued]"); ok {
		t.Error("the queue note stays beside the error")
	}
	if got := text(q(t, cell, "[data-error]")); !strings.Contains(got, "waited 30s in the queue") {
		t.Errorf("error = %q", got)
	}
}

func TestWireErrorFrameShowsItsMessage(t *testing.T) {
	doc, socks := wirePage(t, &fake{}, "GET http://10.0.0.1/")
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	ws := socks.socket(t, 0)
	ws.Call("open")
	id := waitSent(t, ws, 1)[0].ID
	serve(t, ws, wireproto.Frame{Type: wireproto.FrameError, ID: id, Message: "10.0.0.1:80 is not one of wirebook's own addresses"})
	waitFor(t, "the run to finish", state(cell))
	if got := dom.Attr(cell, "data-state"); got != "error" {
		t.Errorf("data-state = %q", got)
	}
	if _, ok := dom.Query(cell, "[data-output]"); ok {
		t.Error("an output shows for a request that was never made")
	}
	if got := text(q(t, cell, "[data-error]")); got != "the server could not relay the request: 10.0.0.1:80 is not one of wirebook's own addresses" {
		t.Errorf("error = %q", got)
	}
}

// checkedEvents is events that also takes the server's verdicts.
type checkedEvents struct {
	events
	expect string
}

func (c checkedEvents) Expect() string { return c.expect }

func (c checkedEvents) Checks(cs []wireproto.CheckResult) {
	for _, r := range cs {
		c.events <- "check " + itoa(r.Line) + " " + map[bool]string{true: "pass", false: "fail"}[r.Pass] + " " + r.Text + " got " + r.Got
	}
}

func TestWireSendsExpectationsAndPassesOnTheirChecks(t *testing.T) {
	page(t)
	socks := installWebSocket(t)
	w := &wireTransport{}
	rec := checkedEvents{events: make(events, 8), expect: "HTTP 200\n[Asserts]\nbody contains \"Hello\""}
	errc := sendAsync(w, nil, "/hello", rec)
	ws := socks.socket(t, 0)
	ws.Call("open")
	f := waitSent(t, ws, 1)[0]
	if f.Expect != rec.expect {
		t.Fatalf("send frame's Expect = %q, want the cell's %q", f.Expect, rec.expect)
	}
	serve(t, ws,
		wireproto.Frame{Type: wireproto.FrameHead, ID: f.ID, Status: 500},
		wireproto.Frame{Type: wireproto.FrameCheck, ID: f.ID, Checks: []wireproto.CheckResult{
			{Line: 1, Text: "HTTP 200", Got: "500", Want: "200"},
			{Line: 3, Pass: true, Text: `body contains "Hello"`, Got: "Hello"}}},
		wireproto.Frame{Type: wireproto.FrameEnd, ID: f.ID},
	)
	if err := result(t, errc); err != nil {
		t.Fatalf("Send = %v", err)
	}
	for i, want := range []string{"head", "check 1 fail HTTP 200 got 500", `check 3 pass body contains "Hello" got Hello`, "end"} {
		if got := rec.next(t); !strings.HasPrefix(got, want) {
			t.Errorf("call %d = %q, want %q…", i, got, want)
		}
	}
}
