package relay

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/wireproto"
)

// Past the cap, a handshake is answered 503 with Retry-After and the reason,
// before any upgrade; a connection that ends gives its place back.
func TestConnectionsPastTheCapAreA503(t *testing.T) {
	t.Parallel()
	rl := New(WithMaxConns(2))
	u := serveRelay(t, rl)
	first, second := connect(t, u), connect(t, u)
	_ = second

	_, resp, err := dial(t, u, "http"+strings.TrimPrefix(u, "ws"))
	if resp == nil {
		t.Fatalf("no response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" ||
		!strings.Contains(string(body), "at most 2 on /ws/relay") {
		t.Fatalf("third connection: %d, Retry-After %q, %q; want a 503 saying why", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}

	first.ws.Close(websocket.StatusNormalClosure, "")
	deadline := time.Now().Add(testTimeout)
	for rl.conns.Open() > 1 {
		if time.Now().After(deadline) {
			t.Fatal("the closed connection kept its place")
		}
		time.Sleep(time.Millisecond)
	}
	connect(t, u) // in again
}

// readClose reads until the connection ends and returns its close error.
func (c *client) readClose() (websocket.CloseError, error) {
	for {
		if _, err := c.read(); err != nil {
			var ce websocket.CloseError
			if errors.As(err, &ce) {
				return ce, nil
			}
			return ce, err
		}
	}
}

// A page that sends nothing for the idle timeout is closed with
// StatusGoingAway and a reason, not left open for ever.
func TestIdleConnectionIsClosed(t *testing.T) {
	t.Parallel()
	// Pings (every 100 ms) are answered, and do not count as activity.
	rl := New(WithIdleTimeout(300*time.Millisecond), WithPingInterval(100*time.Millisecond))
	u := serveRelay(t, rl)
	start := time.Now()
	c := connect(t, u)
	ce, err := c.readClose()
	if err != nil {
		t.Fatalf("the connection ended without a close frame: %v", err)
	}
	if ce.Code != websocket.StatusGoingAway || !strings.Contains(ce.Reason, "idle for 300ms") {
		t.Errorf("close = %+v, want going away, idle", ce)
	}
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("closed after %v, before the idle timeout", took)
	}
}

// A frame from the page, or a request of its own in flight, keeps a
// connection from being idle.
func TestBusyConnectionIsNotIdle(t *testing.T) {
	t.Parallel()
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		select { // answers after three idle timeouts
		case <-time.After(3 * time.Second):
		case <-done:
		}
		io.WriteString(w, "slow")
	}, done)
	// The margins are wide (sends back to back against a 1 s timeout) so a
	// loaded machine's scheduling cannot pass for idleness: at a load of 17
	// on two cores a 250 ms timeout once ran out between two sends.
	rl := New(WithAllowedHosts(addr), WithIdleTimeout(time.Second))
	c := connect(t, serveRelay(t, rl))
	for range 3 {
		c.sendGet(7, "http://"+addr+"/cancelled") // a send resets the idle timer, an error or not
		c.send(wireproto.Frame{Type: wireproto.FrameCancel, ID: 7})
		for f := c.next(); f.Type != wireproto.FrameEnd && f.Type != wireproto.FrameError; f = c.next() {
		}
	}
	fs := c.get("http://" + addr + "/")
	if last(fs).Type != wireproto.FrameEnd || body(fs) != "slow" {
		t.Fatalf("a relay longer than the idle timeout: %+v", last(fs))
	}
}

// A page that stops answering pings (gone without a close) is dropped.
func TestSilentPeerIsDropped(t *testing.T) {
	t.Parallel()
	rl := New(WithPingInterval(30 * time.Millisecond))
	u := serveRelay(t, rl)
	connect(t, u) // and never read, so no pong goes back
	waited := make(chan struct{})
	go func() { rl.Wait(); close(waited) }()
	waitFor(t, waited, "the silent connection to be dropped")
}
