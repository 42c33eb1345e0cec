package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/wireproto"
)

// TestWireTransportThroughRun checks /ws/relay as the whole program wires
// it: a course port is a permitted target (known only after listening), a
// redirect comes back unfollowed, and anything else is refused.
func TestWireTransportThroughRun(t *testing.T) {
	t.Parallel()
	in := start(t, "-course-ports=0,0,0,0")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	main := in.urls["main"]
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(main, "http")+"/ws/relay", &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {main}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()

	send := func(id uint32, url string) wireproto.Frame {
		t.Helper()
		f := wireproto.Frame{Type: wireproto.FrameSend, ID: id, URL: url,
			Request: wireproto.Request{Method: "GET", Target: url}}
		b, err := f.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Write(ctx, websocket.MessageBinary, b); err != nil {
			t.Fatal(err)
		}
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got, err := wireproto.DecodeFrame(msg)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	head := send(1, in.urls["app"]+"/redirect")
	if head.Type != wireproto.FrameHead || head.Status != 301 {
		t.Fatalf("relayed /redirect: %+v, want a 301 head", head)
	}
	var location string
	for _, h := range head.Headers {
		if h.Name == "Location" {
			location = h.Value
		}
	}
	if location != "http://kdm.training" {
		t.Errorf("Location = %q", location)
	}
	for { // drain the rest of exchange 1
		_, msg, err := c.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f, _ := wireproto.DecodeFrame(msg); f.Type == wireproto.FrameEnd || f.Type == wireproto.FrameError {
			break
		}
	}

	refused := send(2, "http://169.254.169.254/latest/meta-data/")
	if refused.Type != wireproto.FrameError || !strings.Contains(refused.Message, "refused") {
		t.Errorf("metadata address: %+v, want a refusal", refused)
	}
}

func TestWebSocketFromAnotherSiteIsRefused(t *testing.T) {
	t.Parallel()
	in := start(t)
	ws := "ws" + strings.TrimPrefix(in.urls["main"], "http")
	for _, path := range []string{"/ws/relay", "/ws/stream"} {
		_, resp, err := websocket.Dial(t.Context(), ws+path, &websocket.DialOptions{
			HTTPHeader: http.Header{"Origin": {"http://evil.example"}},
		})
		if err == nil {
			t.Errorf("%s accepted a WebSocket from http://evil.example", path)
			continue
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: foreign Origin got %v, want 403", path, resp)
		}
	}
}
