package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"wirebook/server/internal/harness"
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
	c, _, err := harness.DialRelay(ctx, main, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()

	head, err := c.Get(ctx, 1, in.urls["app"]+"/redirect")
	if err != nil {
		t.Fatal(err)
	}
	if head[0].Type != wireproto.FrameHead || head[0].Status != 301 {
		t.Fatalf("relayed /redirect: %+v, want a 301 head", head[0])
	}
	var location string
	for _, h := range head[0].Headers {
		if h.Name == "Location" {
			location = h.Value
		}
	}
	if location != "http://kdm.training" {
		t.Errorf("Location = %q", location)
	}

	fs, err := c.Get(ctx, 2, "http://169.254.169.254/latest/meta-data/")
	if err != nil {
		t.Fatal(err)
	}
	if refused := fs[0]; refused.Type != wireproto.FrameError || !strings.Contains(refused.Message, "refused") {
		t.Errorf("metadata address: %+v, want a refusal", refused)
	}
}

func TestWebSocketFromAnotherSiteIsRefused(t *testing.T) {
	t.Parallel()
	in := start(t)
	for _, path := range []string{"/ws/relay", "/ws/stream"} {
		_, resp, err := harness.DialWS(t.Context(), in.urls["main"], path, harness.DialOptions{Origin: "http://evil.example"})
		if err == nil {
			t.Errorf("%s accepted a WebSocket from http://evil.example", path)
			continue
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: foreign Origin got %v, want 403", path, resp)
		}
	}
}
