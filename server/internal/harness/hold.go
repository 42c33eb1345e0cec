package harness

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Bounds of a Holders crowd: how many handshakes are in flight at once
// (well under the listen backlog), how long one may take, and how long a
// holder waits for its first message when it waits for one.
const (
	DialConcurrency = 200
	dialTimeout     = 15 * time.Second
	firstMsgTimeout = 15 * time.Second
)

// Holders hold WebSockets to one path open, each reading whatever comes,
// until Close: a room of open tabs. The server ending one is a drop.
type Holders struct {
	base, path string
	firstMsg   bool // a holder counts as connected once its first message came
	ctx        context.Context
	cancel     context.CancelFunc
	wg         sync.WaitGroup

	Connected, DialFailed, Dropped atomic.Int64
	mu                             sync.Mutex
	firstErr                       string
}

// NewHolders is a crowd of WebSockets to base+path, each dialled as a
// page of base's own origin would. With firstMsg, a holder counts as
// connected only once its first message came (/ws/stream greets at once);
// without, once its handshake is done (/ws/relay says nothing until asked).
func NewHolders(ctx context.Context, base, path string, firstMsg bool) *Holders {
	ctx, cancel := context.WithCancel(ctx)
	return &Holders{base: base, path: path, firstMsg: firstMsg, ctx: ctx, cancel: cancel}
}

// Grow opens holders until n have been tried, at most DialConcurrency at a
// time, and returns once each new one is connected or has failed.
func (h *Holders) Grow(n int) {
	have := int(h.Connected.Load() + h.DialFailed.Load())
	sem := make(chan struct{}, DialConcurrency)
	var ready sync.WaitGroup
	for range n - have {
		sem <- struct{}{}
		ready.Add(1)
		h.wg.Go(func() {
			h.hold(func() { <-sem; ready.Done() })
		})
	}
	ready.Wait()
}

// FirstErr is the first error any holder met.
func (h *Holders) FirstErr() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.firstErr
}

// Live is how many holders are connected now: connected and not dropped.
func (h *Holders) Live() int64 { return h.Connected.Load() - h.Dropped.Load() }

func (h *Holders) fail(counter *atomic.Int64, err error) {
	counter.Add(1)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.firstErr == "" {
		h.firstErr = err.Error()
	}
}

// hold is one holder: it calls opened once it is connected or has failed,
// then reads until Close.
func (h *Holders) hold(opened func()) {
	dctx, cancel := context.WithTimeout(h.ctx, dialTimeout)
	c, _, err := DialWS(dctx, h.base, h.path, DialOptions{Origin: h.base})
	cancel()
	if err != nil {
		h.fail(&h.DialFailed, err)
		opened()
		return
	}
	defer c.CloseNow()
	if h.firstMsg {
		rctx, cancel := context.WithTimeout(h.ctx, firstMsgTimeout)
		_, _, err = c.Read(rctx)
		cancel()
		if err != nil {
			h.fail(&h.DialFailed, fmt.Errorf("no first message: %w", err))
			opened()
			return
		}
	}
	h.Connected.Add(1)
	opened()
	for {
		if _, _, err := c.Read(h.ctx); err != nil {
			if h.ctx.Err() == nil {
				h.fail(&h.Dropped, err)
			}
			return
		}
	}
}

// Close drops every holder and waits for them.
func (h *Holders) Close() {
	h.cancel()
	h.wg.Wait()
}

// Wait waits for every holder to end on its own (the server closed them).
func (h *Holders) Wait() { h.wg.Wait() }
