package main

import (
	"context"
	"net/http"
	"strconv"
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
	if len(head) < 2 || head[1].Type != wireproto.FrameHead || head[1].Status != 301 {
		t.Fatalf("relayed /redirect: %+v, want the request sent, then a 301 head", head)
	}
	var location string
	for _, h := range head[1].Headers {
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

// TestStreamThroughTheRelayShowsItsChunks relays wirebook's own /stream:
// the request leaves as written, in origin form with only Host added, and
// the body comes with each chunk's size line, in hex as net/http's server
// wrote it, the data that followed it, and the last chunk.
func TestStreamThroughTheRelayShowsItsChunks(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=3", "-stream-max-delay=1ms")
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	main := in.urls["main"]
	c, _, err := harness.DialRelay(ctx, main, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()

	fs, err := c.Get(ctx, 1, main+"/stream")
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) < 3 || fs[0].Type != wireproto.FrameSent || fs[1].Type != wireproto.FrameHead || !harness.Final(fs[len(fs)-1]) || fs[len(fs)-1].Type != wireproto.FrameEnd {
		t.Fatalf("frames %+v, want sent, head, chunks, end", fs)
	}
	host := strings.TrimPrefix(main, "http://")
	if want := "GET /stream HTTP/1.1\r\nHost: " + host + "\r\n\r\n"; string(fs[0].Data) != want || fs[0].Added != ".h" {
		t.Errorf("sent %q marked %q, want %q marked .h", fs[0].Data, fs[0].Added, want)
	}
	if raw := string(fs[1].Raw); !strings.HasPrefix(raw, "HTTP/1.1 200 OK\r\n") || !strings.Contains(raw, "\r\nTransfer-Encoding: chunked\r\n") || !strings.HasSuffix(raw, "\r\n\r\n") {
		t.Errorf("raw head %q, want a chunked 200 as received", raw)
	}
	// A chunk may come in more than one frame; the size line is on its first.
	type chunk struct {
		sizeLine string
		data     []byte
	}
	var chunks []chunk
	for _, f := range fs[2 : len(fs)-1] {
		if f.Type != wireproto.FrameChunk {
			t.Fatalf("a %v frame among the chunks", f.Type)
		}
		switch {
		case f.SizeLine != "":
			chunks = append(chunks, chunk{f.SizeLine, f.Data})
		case len(chunks) == 0:
			t.Fatalf("body bytes %q before any size line", f.Data)
		default:
			chunks[len(chunks)-1].data = append(chunks[len(chunks)-1].data, f.Data...)
		}
	}
	if len(chunks) < 4 || chunks[len(chunks)-1].sizeLine != "0" || len(chunks[len(chunks)-1].data) != 0 {
		t.Fatalf("chunks %q, want three greetings or more, then the last chunk 0", chunks)
	}
	for _, ch := range chunks[:len(chunks)-1] {
		if want := strconv.FormatInt(int64(len(ch.data)), 16); ch.sizeLine != want {
			t.Errorf("chunk %q has the size line %q, want %q", ch.data, ch.sizeLine, want)
		}
	}
}
