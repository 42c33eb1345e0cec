package wsstream

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"wirebook/server/greetings"
)

// waitDone fails the test if h's handler has not returned in time.
func waitDone(t *testing.T, h *doneHandler, what string) {
	t.Helper()
	select {
	case <-h.done:
	case <-time.After(testTimeout):
		t.Fatal(what)
	}
}

func TestViewersPastTheCapAreA503(t *testing.T) {
	t.Parallel()
	url, origin := serve(t, New(greet([]string{"Hi"}, greetings.MaxCount, time.Minute), WithMaxConns(1)), context.Background())
	if _, _, err := dial(t, url, origin); err != nil {
		t.Fatal(err)
	}
	_, resp, err := dial(t, url, origin)
	if resp == nil {
		t.Fatalf("no response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), "at most 1 on /ws/stream") {
		t.Errorf("second viewer: %d, Retry-After %q, %q; want a 503 saying why", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
}

// A viewer that stops reading is let go once a greeting has waited the
// write timeout. The greetings are large so that the socket buffers fill.
func TestViewerThatStopsReadingIsLetGo(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("Hello! ", 32<<10)
	h := &doneHandler{h: New(greet([]string{big}, greetings.MaxCount, 0),
		WithWriteTimeout(100*time.Millisecond), WithPingInterval(MaxPingInterval)), done: make(chan struct{})}
	url, origin := serve(t, h, context.Background())
	if _, _, err := dial(t, url, origin); err != nil { // and never read
		t.Fatal(err)
	}
	waitDone(t, h, "the handler still writes to a viewer that stopped reading")
}

// A viewer that stops answering pings (gone without a close) is dropped,
// even in a long pause between greetings.
func TestSilentViewerIsDropped(t *testing.T) {
	t.Parallel()
	h := &doneHandler{h: New(greet([]string{"Hi"}, greetings.MaxCount, time.Minute),
		WithPingInterval(30*time.Millisecond)), done: make(chan struct{})}
	url, origin := serve(t, h, context.Background())
	if _, _, err := dial(t, url, origin); err != nil { // and never read, so no pong goes back
		t.Fatal(err)
	}
	waitDone(t, h, "the handler still waits on a viewer that answers no ping")
}
