// Package wslimit holds the bounds the WebSocket endpoints (/ws/relay,
// /ws/stream) share: a cap on the connections open at once, refused with a
// 503 before the upgrade, and a ping that finds peers gone without a word
// (a laptop lid closed, a network dropped), which TCP alone notices only
// after minutes or never.
package wslimit

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/respond"
)

// RetryAfter is what a refused handshake asks the client to wait.
const RetryAfter = 5 * time.Second

// Gate caps the connections of one endpoint. It is safe for concurrent use.
type Gate struct {
	max  int64
	open atomic.Int64
	what string // the endpoint, for the refusal
}

// NewGate returns a gate that lets max connections of the endpoint what
// ("/ws/relay") in at once.
func NewGate(max int, what string) *Gate {
	return &Gate{max: int64(max), what: what}
}

// Enter takes a place for one connection and returns the func that gives it
// back. When every place is taken it answers 503 with Retry-After and a
// plain-text reason instead, and returns false: call it before the upgrade.
func (g *Gate) Enter(w http.ResponseWriter) (leave func(), ok bool) {
	if g.open.Add(1) > g.max {
		g.open.Add(-1)
		respond.Unavailable(w, RetryAfter, "Too many WebSocket connections: this server holds at most "+
			strconv.FormatInt(g.max, 10)+" on "+g.what+" at once. Try again shortly.\n")
		return nil, false
	}
	return func() { g.open.Add(-1) }, true
}

// Open is the number of connections inside the gate now.
func (g *Gate) Open() int { return int(g.open.Load()) }

// Timer is time.AfterFunc whose Stop also waits for a callback already
// running, so a handler can return knowing nothing of its connection still
// runs. An idle connection costs no goroutine, only the timer.
type Timer struct {
	mu      sync.Mutex
	stopped bool
	t       *time.Timer
	running sync.WaitGroup
}

// AfterFunc calls f in its own goroutine after d, unless Stop comes first.
// f gets the timer, to Reset it.
func AfterFunc(d time.Duration, f func(*Timer)) *Timer {
	t := &Timer{}
	t.start(d, f)
	return t
}

func (t *Timer) start(d time.Duration, f func(*Timer)) {
	t.mu.Lock() // f's wrapper takes it too, so it sees t.t set
	defer t.mu.Unlock()
	t.t = time.AfterFunc(d, func() {
		t.mu.Lock()
		if t.stopped {
			t.mu.Unlock()
			return
		}
		t.running.Add(1)
		t.mu.Unlock()
		defer t.running.Done()
		f(t)
	})
}

// Reset makes the timer fire d from now, once more. It does nothing after Stop.
func (t *Timer) Reset(d time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.stopped {
		t.t.Reset(d)
	}
}

// Stop stops the timer and waits for a callback already running.
func (t *Timer) Stop() {
	t.mu.Lock()
	t.stopped = true
	t.t.Stop()
	t.mu.Unlock()
	t.running.Wait()
}

// KeepAlive pings c every interval, and drops the connection when a pong
// has not come by the next ping: the peer is gone. nhooyr reads pongs only
// while something reads the connection, so c must have a reader running
// (the relay reads every message; /ws/stream reads for the close). stop
// ends the pinging and waits for a ping in flight; cancelling ctx ends a
// ping in flight too.
func KeepAlive(ctx context.Context, c *websocket.Conn, interval time.Duration) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	t := &Timer{}
	t.start(interval, func(t *Timer) {
		pctx, done := context.WithTimeout(ctx, interval)
		err := c.Ping(pctx)
		done()
		switch {
		case ctx.Err() != nil: // the connection is ending anyway
		case err != nil:
			c.CloseNow()
		default:
			t.Reset(interval)
		}
	})
	return func() {
		cancel()
		t.Stop()
	}
}
