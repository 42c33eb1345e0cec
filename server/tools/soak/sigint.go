package main

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wirebook/server/internal/harness"
)

// busyFor is how long the full mix runs before Ctrl-C.
const busyFor = 3 * time.Second

// shutdownResult is what Ctrl-C under full traffic did.
type shutdownResult struct {
	took                      time.Duration
	requests, requestErrors   int64 // load before the signal
	viewersLive, viewerErrors int64 // viewers connected at the signal; errors before it
	relaysLive                int64 // stalled relays in flight at the signal
	served                    int   // access lines the child logged
	exit                      error // the child's log and exit status, checked
}

func (r shutdownResult) String() string {
	return fmt.Sprintf("SIGINT with %d load requests done (%d errors), %d viewers and %d stalled relays live: exited in %v, %d access lines, log %s",
		r.requests, r.requestErrors, r.viewersLive, r.relaysLive, r.took.Round(time.Millisecond), r.served, okOr(r.exit))
}

func okOr(err error) string {
	if err == nil {
		return "clean (one stop line, last; no panic, no error)"
	}
	return "NOT clean: " + err.Error()
}

// traffic is the full mix runShutdown puts on a wirebook at once: load,
// stream viewers and stalled relays.
type traffic struct {
	cancel                 context.CancelFunc
	wg                     sync.WaitGroup
	watchers               *sync.WaitGroup
	load                   *harness.Loader
	crowd                  *harness.Crowd
	heads, relayConns      atomic.Int64
	relayClient            *http.Client
	conns, viewers, relays int
}

// startTraffic starts the mix on c; stop ends it and waits.
func startTraffic(ctx context.Context, c *harness.Child, up *faultServer, conns, viewers, relays, count int) *traffic {
	ctx, cancel := context.WithCancel(ctx)
	tr := &traffic{cancel: cancel, conns: conns, viewers: viewers, relays: relays,
		relayClient: &http.Client{Transport: &http.Transport{Proxy: nil}}}
	tr.load = harness.NewLoader(c.URL, conns, harness.Cheap(harness.Endpoints))
	tr.wg.Go(func() { tr.load.Run(ctx, time.Hour) })
	tr.crowd = harness.NewCrowd(c.URL, count, 0.3)
	tr.watchers = tr.crowd.KeepWatching(ctx, viewers)
	for i := range relays {
		tr.wg.Go(func() {
			// Never cancelled: the server's shutdown must end it.
			url := fmt.Sprintf("http://%s/stall?token=sigint-%d", up.addr(), i)
			_, _ = harness.RelayOnce(ctx, tr.relayClient, c.URL, url, harness.Hooks{
				OnOpen: func() { tr.relayConns.Add(1) },
				OnHead: func() { tr.heads.Add(1) },
			})
		})
	}
	return tr
}

// underWay reports whether every part of the mix got going.
func (tr *traffic) underWay() bool {
	return tr.load.Total.Load() >= int64(10*tr.conns) && tr.crowd.Active.Load() >= int64(tr.viewers*8/10) && tr.heads.Load() == int64(tr.relays)
}

func (tr *traffic) stop() {
	tr.cancel()
	tr.wg.Wait()
	tr.watchers.Wait()
	tr.crowd.Client.CloseIdleConnections()
	tr.relayClient.CloseIdleConnections()
}

// note records the mix as it stands in r.
func (tr *traffic) note(r *shutdownResult) {
	r.requests, r.requestErrors = tr.load.Total.Load(), tr.load.Errs.N.Load()
	r.viewersLive, r.viewerErrors = tr.crowd.Active.Load(), tr.crowd.Errs.N.Load()
	r.relaysLive = tr.heads.Load()
}

// unlogged names the paths whose connections outnumber their access lines.
// Shutdown does not wait for hijacked connections: a WebSocket handler
// still running when the process exits would never log its request.
func (tr *traffic) unlogged(c *harness.Child) error {
	var missing []string
	for _, n := range []struct {
		path    string
		clients int64
	}{{"/stream", tr.crowd.Streams.Load()}, {"/ws/stream", tr.crowd.WSStreams.Load()}, {"/ws/relay", tr.relayConns.Load()}} {
		if logged := int64(c.Served(n.path)); logged < n.clients {
			missing = append(missing, fmt.Sprintf("%s: %d connections, %d access lines", n.path, n.clients, logged))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("handlers never finished: %s", strings.Join(missing, "; "))
	}
	return nil
}

// runShutdown puts load, viewers and stalled relays on c at once, waits
// until each is under way, then sends SIGINT and times the exit.
func runShutdown(ctx context.Context, c *harness.Child, up *faultServer, conns, viewers, relays, count int) (shutdownResult, error) {
	var r shutdownResult
	tr := startTraffic(ctx, c, up, conns, viewers, relays, count)
	underWay := harness.WaitFor(ctx, 30*time.Second, tr.underWay)
	if underWay {
		// Let the mix run a while, so the signal lands on connections in
		// every state: mid-request, idle between requests, mid-stream.
		select {
		case <-time.After(busyFor):
		case <-ctx.Done():
		}
	}
	tr.note(&r)
	if !underWay {
		c.Kill()
		tr.stop()
		return r, fmt.Errorf("the traffic did not get under way: %d requests, %d viewers, %d relays", r.requests, r.viewersLive, r.relaysLive)
	}
	took, err := c.Interrupt(5 * time.Second)
	r.took = took
	tr.stop()
	r.exit = c.CleanExit()
	r.served = c.TotalServed()
	if r.exit == nil {
		r.exit = tr.unlogged(c)
	}
	switch {
	case err != nil:
		return r, err
	case took > 2*time.Second:
		return r, fmt.Errorf("exit took %v, want ≤ 2s", took.Round(time.Millisecond))
	case r.exit != nil:
		return r, r.exit
	case r.requestErrors > 0 || r.viewerErrors > 0:
		return r, fmt.Errorf("errors before the signal: load %v, viewers %v", tr.load.Errs.Snapshot(), tr.crowd.Errs.Snapshot())
	}
	return r, nil
}
