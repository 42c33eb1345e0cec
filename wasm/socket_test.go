//go:build js && wasm

package main

import (
	"strings"
	"testing"

	"wirebook/wasm/dom"
)

func TestWebSocketCellListsMessagesThenTheClose(t *testing.T) {
	doc, socks := wirePage(t, &fake{}, "GET /ws/stream")
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-run]").Call("dispatch", "click")
	ws := socks.socket(t, 0)
	if got := ws.Get("url").String(); got != "ws://127.0.0.1:2500/ws/stream" {
		t.Errorf("the cell opened %q, want its own URL as ws://", got)
	}
	ws.Call("open", "", "permessage-deflate")
	waitFor(t, "the handshake's answer", func() bool {
		s, ok := dom.Query(cell, "[data-status]")
		return ok && text(s) == "101 Switching Protocols"
	})
	out := q(t, cell, "[data-output]")
	if dom.Attr(out, "data-via") != "browser" || dom.Attr(out, "data-kind") != "websocket" {
		t.Errorf("data-via %q, data-kind %q", dom.Attr(out, "data-via"), dom.Attr(out, "data-kind"))
	}
	if got := text(q(t, out, "[data-headers]")); got != "Sec-WebSocket-Extensionspermessage-deflate" {
		t.Errorf("headers = %q, want the extension the browser agreed to", got)
	}

	messages := func() []string {
		var out []string
		for _, li := range dom.QueryAll(cell, "[data-messages] li") {
			out = append(out, text(li))
		}
		return out
	}
	ws.Call("receive", "Hello")
	waitFor(t, "the first message", func() bool { return len(messages()) == 1 })
	if dom.Attr(cell, "data-state") != "running" || text(q(t, cell, "[data-chunks]")) != "1" {
		t.Errorf("after one message: state %q, count %q", dom.Attr(cell, "data-state"), text(q(t, cell, "[data-chunks]")))
	}
	ws.Call("receive", "Bonjour")
	ws.Call("receive", dom.Uint8Array([]byte{0, 1, 2}))
	ws.Call("serverClose", 1000, "sent 3 greetings")
	waitFor(t, "the close", state(cell))

	if got := dom.Attr(cell, "data-state"); got != "done" {
		t.Errorf("data-state = %q", got)
	}
	if got := strings.Join(messages(), "|"); got != "Hello|Bonjour|(a binary message of 3 bytes)" {
		t.Errorf("messages = %q", got)
	}
	if got := text(q(t, cell, "[data-chunks]")); got != "3" {
		t.Errorf("[data-chunks] = %q", got)
	}
	if n := len(dom.QueryAll(cell, "[data-timeline] span")); n != 4 { // three marks and the end label
		t.Errorf("%d spans in the timeline, want 3 marks and the label", n)
	}
	if got := text(q(t, cell, "[data-close]")); got != "1000 normal closure: sent 3 greetings" {
		t.Errorf("[data-close] = %q", got)
	}
	if got := dom.Attr(q(t, cell, "[data-size]"), "data-size"); got != "15" {
		t.Errorf("data-size = %q, want the 15 bytes of the three messages", got)
	}
	if n := ws.Call("listenerCount").Int(); n != 0 {
		t.Errorf("the closed socket keeps %d listeners", n)
	}
}

func TestWebSocketCellFailures(t *testing.T) {
	t.Run("a handshake that fails says what a page cannot know", func(t *testing.T) {
		doc, socks := wirePage(t, &fake{}, "GET /ws/stream")
		cell := q(t, doc, "#cell-1")
		q(t, cell, "[data-run]").Call("dispatch", "click")
		socks.socket(t, 0).Call("serverClose", 1006, "")
		waitFor(t, "the failure", state(cell))
		if got := text(q(t, cell, "[data-error]")); dom.Attr(cell, "data-state") != "error" || !strings.Contains(got, "did not open (code 1006)") {
			t.Errorf("state %q, error %q", dom.Attr(cell, "data-state"), got)
		}
	})
	t.Run("a connection that breaks off is an error, with what came", func(t *testing.T) {
		doc, socks := wirePage(t, &fake{}, "GET /ws/stream")
		cell := q(t, doc, "#cell-1")
		q(t, cell, "[data-run]").Call("dispatch", "click")
		ws := socks.socket(t, 0)
		ws.Call("open")
		ws.Call("receive", "Hello")
		ws.Call("serverClose", 1006, "")
		waitFor(t, "the end", state(cell))
		if dom.Attr(cell, "data-state") != "error" || !strings.HasPrefix(text(q(t, cell, "[data-close]")), "1006 abnormal closure") {
			t.Errorf("state %q, close %q", dom.Attr(cell, "data-state"), text(q(t, cell, "[data-close]")))
		}
	})
	t.Run("stop closes the socket normally", func(t *testing.T) {
		doc, socks := wirePage(t, &fake{}, "GET /ws/stream")
		cell := q(t, doc, "#cell-1")
		q(t, cell, "[data-run]").Call("dispatch", "click")
		ws := socks.socket(t, 0)
		ws.Call("open")
		ws.Call("receive", "Hello")
		waitFor(t, "the message", func() bool { _, ok := dom.Query(cell, "[data-messages] li"); return ok })
		q(t, cell, "[data-stop]").Call("dispatch", "click")
		waitFor(t, "the stop", state(cell))
		calls := ws.Get("closeCalls")
		if calls.Length() != 1 || calls.Index(0).Get("code").Int() != 1000 {
			t.Fatalf("close calls %d, want one with 1000", calls.Length())
		}
		if got := text(q(t, cell, "[data-error]")); got != "stopped: you stopped it after 1 message" {
			t.Errorf("error = %q", got)
		}
		if n := ws.Call("listenerCount").Int(); n != 0 {
			t.Errorf("the stopped socket keeps %d listeners", n)
		}
	})
	t.Run("a WebSocket opens with GET and without a body", func(t *testing.T) {
		doc, socks := wirePage(t, &fake{}, "POST /ws/stream")
		cell := q(t, doc, "#cell-1")
		q(t, cell, "[data-run]").Call("dispatch", "click")
		waitFor(t, "the refusal", state(cell))
		if got := text(q(t, cell, "[data-error]")); !strings.Contains(got, "opened with GET") || socks.count() != 0 {
			t.Errorf("error %q after %d sockets", got, socks.count())
		}
	})
	t.Run("headers the browser cannot send are named", func(t *testing.T) {
		doc, socks := wirePage(t, &fake{}, "GET /ws/stream\nX-INE-Student: Ana")
		cell := q(t, doc, "#cell-1")
		q(t, cell, "[data-run]").Call("dispatch", "click")
		socks.socket(t, 0).Call("open")
		waitFor(t, "the output", func() bool { _, ok := dom.Query(cell, "[data-output]"); return ok })
		if !strings.Contains(text(q(t, cell, "[data-output]")), "X-INE-Student was not sent") {
			t.Errorf("output = %q", text(q(t, cell, "[data-output]")))
		}
	})
}
