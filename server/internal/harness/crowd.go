package harness

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"nhooyr.io/websocket"
)

// ViewerResult counts one crowd of /stream and /ws/stream viewers.
type ViewerResult struct {
	Viewers, Completed, Vanished, Errors int64
	Peak                                 int64 // viewers connected at once, at most
	Took                                 time.Duration
	Samples                              []string
}

func (r ViewerResult) String() string {
	return fmt.Sprintf("%d viewers (half /stream, half /ws/stream), peak %d at once: %d completed, %d vanished mid-stream, %d errors in %v",
		r.Viewers, r.Peak, r.Completed, r.Vanished, r.Errors, r.Took.Round(time.Millisecond))
}

// Crowd is /stream and /ws/stream viewers in flight, each watching to the
// end or leaving mid-stream; its counters can be read while it runs.
type Crowd struct {
	base   string
	count  int     // greetings a stream sends (the child's -stream-count)
	vanish float64 // share of viewers that leave mid-stream
	Client *http.Client
	Active atomic.Int64
	peak   atomic.Int64
	// connections the server accepted, by path, over the crowd's life
	Streams, WSStreams atomic.Int64
	results            struct{ completed, vanished atomic.Int64 }
	Errs               ErrorLog

	// With a barrier, no viewer reads before all have connected, so the
	// crowd is really all there at once.
	barrier     chan struct{}
	releaseOnce sync.Once
	arrived     atomic.Int64
	expected    int64
}

// NewCrowd is a crowd watching base's streams of count greetings, a share
// vanish of them leaving mid-stream.
func NewCrowd(base string, count int, vanish float64) *Crowd {
	return &Crowd{base: base, count: count, vanish: vanish, Client: &http.Client{
		// One connection per viewer, as a room of browsers has; a
		// vanished viewer's connection must not go back to a pool.
		Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true, MaxConnsPerHost: 0},
	}}
}

// RunViewers starts n viewers at once, half on /stream and half on
// /ws/stream, and waits for all of them.
func RunViewers(ctx context.Context, base string, n, count int, vanish float64) ViewerResult {
	c := NewCrowd(base, count, vanish)
	defer c.Client.CloseIdleConnections()
	c.barrier, c.expected = make(chan struct{}), int64(n)
	began := time.Now()
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { c.view(ctx, i%2 == 1) })
	}
	// A viewer that fails to connect never arrives; do not wait for it
	// forever.
	giveUp := time.AfterFunc(30*time.Second, c.release)
	wg.Wait()
	giveUp.Stop()
	c.release()
	return ViewerResult{Viewers: int64(n), Completed: c.results.completed.Load(), Vanished: c.results.vanished.Load(),
		Errors: c.Errs.N.Load(), Peak: c.peak.Load(), Took: time.Since(began), Samples: c.Errs.Snapshot()}
}

// view is one viewer. A vanishing one leaves after a random number of
// greetings, between the first and the last, by dropping its connection the
// way a closed laptop does. Any other viewer must see every greeting and a
// proper end; anything less is an error.
func (c *Crowd) view(ctx context.Context, ws bool) {
	leaveAfter := 0 // stay to the end
	if rand.Float64() < c.vanish {
		leaveAfter = 1 + rand.IntN(c.count-1)
	}
	kind := "/stream"
	if ws {
		kind = "/ws/stream"
	}
	var err error
	if ws {
		err = c.viewWS(ctx, leaveAfter)
	} else {
		err = c.viewHTTP(ctx, leaveAfter)
	}
	switch {
	case ctx.Err() != nil:
		// the step ended the crowd; nothing to count
	case err != nil:
		c.Errs.Add("%s: %v", kind, err)
	case leaveAfter > 0:
		c.results.vanished.Add(1)
	default:
		c.results.completed.Add(1)
	}
}

// connected counts a viewer in until the returned func counts it out, and
// holds it at the barrier, if there is one, until every viewer is in.
func (c *Crowd) connected(ctx context.Context, ws bool) func() {
	if ws {
		c.WSStreams.Add(1)
	} else {
		c.Streams.Add(1)
	}
	n := c.Active.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	if c.barrier != nil {
		if c.arrived.Add(1) == c.expected {
			c.release()
		}
		select {
		case <-c.barrier:
		case <-ctx.Done():
		}
	}
	return func() { c.Active.Add(-1) }
}

func (c *Crowd) release() { c.releaseOnce.Do(func() { close(c.barrier) }) }

func (c *Crowd) viewHTTP(ctx context.Context, leaveAfter int) error {
	req, err := http.NewRequestWithContext(ctx, "GET", c.base+"/stream", nil)
	if err != nil {
		return err
	}
	resp, err := c.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	defer c.connected(ctx, false)()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("status %s", resp.Status)
	}
	br := bufio.NewReader(resp.Body)
	for got := 0; ; {
		line, err := br.ReadString('\n')
		if err == io.EOF && line == "" {
			if got != c.count {
				return fmt.Errorf("the stream ended cleanly after %d of %d greetings", got, c.count)
			}
			return nil
		}
		if err != nil {
			return fmt.Errorf("cut short after %d of %d greetings: %w", got, c.count, err)
		}
		got++
		if got == leaveAfter {
			return nil // Close of the body drops the connection mid-stream
		}
	}
}

func (c *Crowd) viewWS(ctx context.Context, leaveAfter int) error {
	conn, _, err := DialWS(ctx, c.base, "/ws/stream", DialOptions{Origin: c.base, Client: c.Client})
	if err != nil {
		return err
	}
	defer conn.CloseNow()
	defer c.connected(ctx, true)()
	for got := 0; ; {
		_, _, err := conn.Read(ctx)
		if err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure {
				if got != c.count {
					return fmt.Errorf("closed normally after %d of %d greetings", got, c.count)
				}
				return nil
			}
			return fmt.Errorf("cut short after %d of %d greetings: %w", got, c.count, err)
		}
		got++
		if got == leaveAfter {
			return nil // CloseNow drops the connection with no close frame
		}
	}
}

// KeepWatching runs n viewers, each starting over when its stream ends,
// until ctx ends.
func (c *Crowd) KeepWatching(ctx context.Context, n int) *sync.WaitGroup {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for ctx.Err() == nil {
				c.view(ctx, i%2 == 1)
			}
		})
	}
	return &wg
}
