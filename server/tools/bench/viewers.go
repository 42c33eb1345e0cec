package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nhooyr.io/websocket"
)

// Bounds of row 5's viewers: how many handshakes are in flight at once
// (well under the listen backlog), how long one may take, and how long a
// viewer waits for its first greeting (the first is sent at once).
const (
	dialConcurrency = 200
	dialTimeout     = 15 * time.Second
	firstMsgTimeout = 15 * time.Second
	rssSettle       = time.Second
)

// viewerStep is row 5 at one number of viewers.
type viewerStep struct {
	Viewers      int     `json:"viewers"`
	Connected    int     `json:"connected"`
	DialFailed   int     `json:"dial_failed"`
	Dropped      int     `json:"dropped"` // connected, then lost before the bench closed it
	RSSKiB       int64   `json:"rss_kib"`
	PerViewerKiB float64 `json:"rss_per_viewer_kib"`
	OpenSeconds  float64 `json:"open_seconds"`
	FirstErr     string  `json:"first_error,omitempty"`
}

// memoryResult is row 5.
type memoryResult struct {
	Args        []string     `json:"wirebook_args"`
	IdleRSSKiB  int64        `json:"idle_rss_kib"`
	Steps       []viewerStep `json:"steps"`
	StopSeconds float64      `json:"exit_after_sigint_seconds"` // with the last step's viewers connected
	StopKilled  bool         `json:"killed_after_sigint"`
}

// viewers holds WebSocket viewers of /ws/stream open, each reading every
// greeting, until close.
type viewers struct {
	url, origin string
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup

	connected, dialFailed, dropped atomic.Int64
	mu                             sync.Mutex
	firstErr                       string
}

func newViewers(ctx context.Context, base string) *viewers {
	ctx, cancel := context.WithCancel(ctx)
	return &viewers{
		url:    "ws" + strings.TrimPrefix(base, "http") + "/ws/stream",
		origin: base, // a page of wirebook's own origin, as the lesson is
		ctx:    ctx, cancel: cancel,
	}
}

// grow opens viewers until n have been tried, at most dialConcurrency at a
// time, and returns once each new one has its first greeting or failed.
func (v *viewers) grow(n int) {
	have := int(v.connected.Load() + v.dialFailed.Load())
	sem := make(chan struct{}, dialConcurrency)
	var ready sync.WaitGroup
	for range n - have {
		sem <- struct{}{}
		ready.Add(1)
		v.wg.Go(func() {
			v.view(func() { <-sem; ready.Done() })
		})
	}
	ready.Wait()
}

func (v *viewers) fail(counter *atomic.Int64, err error) {
	counter.Add(1)
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.firstErr == "" {
		v.firstErr = err.Error()
	}
}

// view is one viewer: it calls opened once it has its first greeting or
// has failed, then reads until the bench closes it.
func (v *viewers) view(opened func()) {
	dctx, cancel := context.WithTimeout(v.ctx, dialTimeout)
	c, _, err := websocket.Dial(dctx, v.url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {v.origin}}})
	cancel()
	if err != nil {
		v.fail(&v.dialFailed, err)
		opened()
		return
	}
	defer c.CloseNow()
	rctx, cancel := context.WithTimeout(v.ctx, firstMsgTimeout)
	_, _, err = c.Read(rctx)
	cancel()
	if err != nil {
		v.fail(&v.dialFailed, fmt.Errorf("no first greeting: %w", err))
		opened()
		return
	}
	v.connected.Add(1)
	opened()
	for {
		if _, _, err := c.Read(v.ctx); err != nil {
			if v.ctx.Err() == nil {
				v.fail(&v.dropped, err)
			}
			return
		}
	}
}

func (v *viewers) close() {
	v.cancel()
	v.wg.Wait()
}

// measureMemory is row 5 on its own wirebook, whose viewers each get up to
// a thousand greetings a random pause of up to a minute apart: they stay
// connected and mostly idle, as people watching a slow stream would.
func measureMemory(ctx context.Context, bin string, steps []int) (memoryResult, error) {
	res := memoryResult{Args: []string{"-stream-count", "1000", "-stream-max-delay", "1m"}}
	srv, err := startWirebook(bin, res.Args...)
	if err != nil {
		return res, err
	}
	defer func() {
		if srv != nil {
			srv.stop()
		}
	}()
	if err := loadPage(srv.URL); err != nil {
		return res, err
	}
	time.Sleep(rssSettle)
	if res.IdleRSSKiB, err = srv.rssKiB(); err != nil {
		return res, err
	}

	v := newViewers(ctx, srv.URL)
	for _, n := range steps {
		if ctx.Err() != nil {
			v.close()
			return res, ctx.Err()
		}
		began := time.Now()
		v.grow(n)
		step := viewerStep{Viewers: n, OpenSeconds: time.Since(began).Seconds()}
		time.Sleep(rssSettle)
		if err := srv.alive(); err != nil {
			v.close()
			return res, err
		}
		if step.RSSKiB, err = srv.rssKiB(); err != nil {
			v.close()
			return res, err
		}
		step.Connected, step.DialFailed, step.Dropped = int(v.connected.Load()), int(v.dialFailed.Load()), int(v.dropped.Load())
		v.mu.Lock()
		step.FirstErr = v.firstErr
		v.mu.Unlock()
		step.PerViewerKiB = float64(step.RSSKiB-res.IdleRSSKiB) / float64(n)
		res.Steps = append(res.Steps, step)
	}
	// Ctrl-C with every viewer still connected: DESIGN.md promises an exit
	// within 2 s, streams and all. A slow exit is a figure, not an error.
	took, err := srv.stop()
	srv = nil
	res.StopSeconds, res.StopKilled = took.Seconds(), err != nil
	v.close()
	return res, nil
}

// staticRef finds the same-origin static files a page links.
var staticRef = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)

// loadPage fetches the lesson page and the static files it links, as a
// visit would, so the idle figure includes what the first visitor wakes.
func loadPage(base string) error {
	get := func(path string) ([]byte, error) {
		resp, err := http.Get(base + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return b, err
	}
	page, err := get("/")
	if err != nil {
		return err
	}
	for _, m := range staticRef.FindAllSubmatch(page, -1) {
		if _, err := get(string(m[1])); err != nil {
			return err
		}
	}
	return nil
}
