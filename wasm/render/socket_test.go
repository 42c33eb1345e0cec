package render

import (
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

func TestIsWebSocket(t *testing.T) {
	t.Parallel()
	rows := []struct {
		url  string
		want bool
		ws   string
	}{
		{"http://127.0.0.1:2500/ws/stream", true, "ws://127.0.0.1:2500/ws/stream"},
		{"https://example.test/ws/chat?room=1", true, "wss://example.test/ws/chat?room=1"},
		{"http://127.0.0.1:2500/stream", false, "ws://127.0.0.1:2500/stream"},
		{"http://127.0.0.1:2500/wsx/stream", false, "ws://127.0.0.1:2500/wsx/stream"},
		{"http://ws/", false, "ws://ws/"},
		{"/ws/stream", false, "/ws/stream"},
	}
	for _, row := range rows {
		if got := IsWebSocket(row.url); got != row.want {
			t.Errorf("IsWebSocket(%q) = %v, want %v", row.url, got, row.want)
		}
		if got := WebSocketURL(row.url); got != row.ws {
			t.Errorf("WebSocketURL(%q) = %q, want %q", row.url, got, row.ws)
		}
	}
}

func TestCloseText(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		code   int
		reason string
		want   string
	}{
		{1000, "sent 10 greetings", "1000 normal closure: sent 10 greetings"},
		{1001, "", "1001 going away"},
		{1006, "", "1006 abnormal closure (the connection ended without a close frame)"},
		{4000, "app-defined", "4000: app-defined"},
	} {
		if got := CloseText(row.code, row.reason); got != row.want {
			t.Errorf("CloseText(%d, %q) = %q, want %q", row.code, row.reason, got, row.want)
		}
	}
}

func TestSocketOutput(t *testing.T) {
	t.Parallel()
	s := NewSocket()
	out := s.Open("", "permessage-deflate", []string{"X-INE-Student"})
	if attr(t, out, "data-via") != "browser" || attr(t, out, "data-kind") != "websocket" {
		t.Errorf("output element = %+v", out.Attrs)
	}
	if got := mustFind(t, out, "data-status").TextContent(); got != "101 Switching Protocols" {
		t.Errorf("[data-status] = %q", got)
	}
	if got := mustFind(t, out, "data-headers").TextContent(); got != "Sec-WebSocket-Extensionspermessage-deflate" {
		t.Errorf("headers = %q", got)
	}
	if !strings.Contains(out.TextContent(), "X-INE-Student was not sent") {
		t.Error("the header the browser could not send is not named")
	}
	mustFind(t, out, "data-messages")
	mustFind(t, out, "data-timeline")

	li, a := s.Message([]byte("Bonjour"), false, 1500*wireproto.Millisecond)
	if li.TextContent() != "Bonjour" || attr(t, li, "data-at") != "1500" || a.Count != "1" || a.Noun != "message" {
		t.Errorf("message = %q at %q, arrival %+v", li.TextContent(), attr(t, li, "data-at"), a)
	}
	li, _ = s.Message([]byte{0xff, 0}, true, 2*wireproto.Second)
	if got := li.TextContent(); got != "(a binary message of 2 bytes)" {
		t.Errorf("binary message = %q", got)
	}
	li, _ = s.Message([]byte("caf\xc3"), false, 2*wireproto.Second)
	if got := li.TextContent(); got != "caf\uFFFD" {
		t.Errorf("a text message cut inside a character = %q", got)
	}

	nodes, f := s.Close(1000, "sent 3 greetings", 3*wireproto.Second)
	if len(nodes) != 1 || nodes[0].TextContent() != "1000 normal closure: sent 3 greetings" || attr(t, nodes[0], "data-code") != "1000" {
		t.Errorf("close = %+v", nodes)
	}
	if f.SizeAttr != "13" || f.TimeAttr != "3000" || f.Kind != "websocket" {
		t.Errorf("final = %+v", f)
	}
}

func TestSocketListsAtMostMaxMessages(t *testing.T) {
	t.Parallel()
	s := NewSocket()
	var last *Node
	for range MaxMessages + 2 {
		last, _ = s.Message([]byte("x"), false, wireproto.Millisecond)
	}
	if last != nil {
		t.Error("a message past MaxMessages still gets a list item")
	}
	nodes, f := s.Close(1000, "", wireproto.Second)
	if len(nodes) != 2 || nodes[0].TextContent() != "… 2 more messages not listed" || f.SizeAttr != itoa(MaxMessages+2) {
		t.Errorf("close = %q, size %s", nodes[0].TextContent(), f.SizeAttr)
	}
}
