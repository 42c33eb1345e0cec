package wslimit

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
	"nhooyr.io/websocket"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testTimeout = 10 * time.Second

func TestGateRefusesPastItsCapWithA503(t *testing.T) {
	t.Parallel()
	g := NewGate(2, "/ws/test")
	var leaves []func()
	for i := range 2 {
		leave, ok := g.Enter(httptest.NewRecorder())
		if !ok {
			t.Fatalf("connection %d refused under the cap", i+1)
		}
		leaves = append(leaves, leave)
	}
	w := httptest.NewRecorder()
	if _, ok := g.Enter(w); ok {
		t.Fatal("a third connection was let in past a cap of 2")
	}
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") != "5" ||
		w.Header().Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(w.Body.String(), "at most 2 on /ws/test at once") {
		t.Errorf("refusal = %d %v %q", w.Code, w.Header(), w.Body)
	}
	leaves[0]()
	if _, ok := g.Enter(httptest.NewRecorder()); !ok {
		t.Error("a place given back was not taken again")
	}
	if g.Open() != 2 {
		t.Errorf("Open = %d, want 2", g.Open())
	}
}

func TestTimerStopWaitsForARunningCallback(t *testing.T) {
	t.Parallel()
	started, finished := make(chan struct{}), atomic.Bool{}
	tm := AfterFunc(time.Millisecond, func(*Timer) {
		close(started)
		time.Sleep(50 * time.Millisecond)
		finished.Store(true)
	})
	<-started
	tm.Stop()
	if !finished.Load() {
		t.Error("Stop returned while the callback ran")
	}
	tm.Reset(time.Millisecond) // a no-op now
	time.Sleep(20 * time.Millisecond)
}

// serveKeepAlive serves connections that only read (as /ws/stream's viewers
// do) and are pinged every interval; done gets one value per handler that
// returned.
func serveKeepAlive(t *testing.T, interval time.Duration) (url string, done chan struct{}) {
	t.Helper()
	done = make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() { done <- struct{}{} }()
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		stop := KeepAlive(r.Context(), c, interval)
		defer stop()
		c.Reader(r.Context()) // until the peer leaves or is dropped
	}))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), done
}

func dial(t *testing.T, url string) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// A peer that answers no ping (here: it never reads, so its pongs are never
// sent) is dropped within two intervals.
func TestKeepAliveDropsAPeerThatDoesNotAnswer(t *testing.T) {
	t.Parallel()
	url, done := serveKeepAlive(t, 50*time.Millisecond)
	dial(t, url) // and never read
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("the connection is still open with its pings unanswered")
	}
}

// A peer that answers is kept, however long it stays quiet.
func TestKeepAliveKeepsAPeerThatAnswers(t *testing.T) {
	t.Parallel()
	url, done := serveKeepAlive(t, 100*time.Millisecond)
	c := dial(t, url)
	ctx := c.CloseRead(t.Context()) // reads, so pongs go back
	select {
	case <-done:
		t.Fatal("a peer answering pings was dropped")
	case <-ctx.Done():
		t.Fatal("the connection closed")
	case <-time.After(500 * time.Millisecond): // 5 pings
	}
	c.Close(websocket.StatusNormalClosure, "")
	<-done
}
