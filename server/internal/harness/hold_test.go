package harness

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"nhooyr.io/websocket"
)

// greeter is a stand-in for /ws/stream: count greetings, one at once and
// the rest every gap.
func greeter(count int, gap time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil) // same-origin only, as /ws/stream
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := c.CloseRead(r.Context())
		for i := range count {
			if i > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(gap):
				}
			}
			if err := c.Write(ctx, websocket.MessageText, []byte("Hello")); err != nil {
				return
			}
		}
		c.Close(websocket.StatusNormalClosure, "done")
	})
}

func TestHoldersGrowToEachCountAndStayConnected(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(greeter(1000, time.Minute))
	t.Cleanup(srv.Close)
	v := NewHolders(t.Context(), srv.URL, "/ws/stream", true)
	t.Cleanup(v.Close)

	for _, n := range []int{3, DialConcurrency + 10} { // more than may dial at once
		v.Grow(n)
		if got := v.Connected.Load(); got != int64(n) {
			t.Errorf("after grow(%d): %d connected (first error %q)", n, got, v.FirstErr())
		}
	}
	if d, f := v.Dropped.Load(), v.DialFailed.Load(); d != 0 || f != 0 {
		t.Errorf("%d dropped, %d failed to connect; want none", d, f)
	}
	v.Close()
	if d := v.Dropped.Load(); d != 0 {
		t.Errorf("closing the viewers counted %d as dropped", d)
	}
}

func TestHoldersCountAServerThatHangsUpAsDropped(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(greeter(2, time.Millisecond))
	t.Cleanup(srv.Close)
	v := NewHolders(t.Context(), srv.URL, "/ws/stream", true)
	v.Grow(4)
	// The server ends every stream after its second greeting, so every
	// viewer's read loop ends on its own.
	done := make(chan struct{})
	go func() { v.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the viewers did not notice the server hang up")
	}
	v.Close()
	if d := v.Dropped.Load(); d != 4 {
		t.Errorf("%d dropped, want 4", d)
	}
}

func TestHoldersCountAFailedHandshake(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(srv.Close)
	v := NewHolders(t.Context(), srv.URL, "/ws/stream", true)
	t.Cleanup(v.Close)
	v.Grow(2)
	if f, c := v.DialFailed.Load(), v.Connected.Load(); f != 2 || c != 0 {
		t.Errorf("%d failed, %d connected; want 2 failed", f, c)
	}
	if v.FirstErr() == "" {
		t.Error("no error kept to explain the failures")
	}
}
