package main

import (
	"wirebook/server/internal/harness"

	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
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

// runShutdown puts load, viewers and stalled relays on c at once, waits
// until each is under way, then sends SIGINT and times the exit.
func runShutdown(ctx context.Context, c *harness.Child, up *faultServer, conns, viewers, relays, count int) (shutdownResult, error) {
	var r shutdownResult
	traffic, stopTraffic := context.WithCancel(ctx)
	defer stopTraffic()
	var wg sync.WaitGroup

	l := harness.NewLoader(c.URL, conns, harness.Cheap(harness.Endpoints))
	wg.Go(func() { l.Run(traffic, time.Hour) })

	cr := harness.NewCrowd(c.URL, count, 0.3)
	defer cr.Client.CloseIdleConnections()
	watchers := cr.KeepWatching(traffic, viewers)

	var heads, relayConns atomic.Int64
	relayClient := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer relayClient.CloseIdleConnections()
	for i := range relays {
		wg.Go(func() {
			// Never cancelled: the server's shutdown must end it.
			url := fmt.Sprintf("http://%s/stall?token=sigint-%d", up.addr(), i)
			_, _ = harness.RelayOnce(traffic, relayClient, c.URL, url, harness.Hooks{
				OnOpen: func() { relayConns.Add(1) },
				OnHead: func() { heads.Add(1) },
			})
		})
	}

	underWay := harness.WaitFor(ctx, 30*time.Second, func() bool {
		return l.Total.Load() >= int64(10*conns) && cr.Active.Load() >= int64(viewers*8/10) && heads.Load() == int64(relays)
	})
	if underWay {
		// Let the mix run a while, so the signal lands on connections in
		// every state: mid-request, idle between requests, mid-stream.
		select {
		case <-time.After(busyFor):
		case <-ctx.Done():
		}
	}
	r.requests, r.requestErrors = l.Total.Load(), l.Errs.N.Load()
	r.viewersLive, r.viewerErrors = cr.Active.Load(), cr.Errs.N.Load()
	r.relaysLive = heads.Load()
	if !underWay {
		c.Kill()
		stopTraffic()
		wg.Wait()
		watchers.Wait()
		return r, fmt.Errorf("the traffic did not get under way: %d requests, %d viewers, %d relays", r.requests, r.viewersLive, r.relaysLive)
	}

	took, err := c.Interrupt(5 * time.Second)
	r.took = took
	stopTraffic()
	wg.Wait()
	watchers.Wait()
	r.exit = c.CleanExit()
	r.served = c.TotalServed()
	// Shutdown does not wait for hijacked connections. A WebSocket handler
	// still running when the process exits would never log its request:
	// every connection the clients had must have its access line.
	var unlogged []string
	for _, n := range []struct {
		path    string
		clients int64
	}{{"/stream", cr.Streams.Load()}, {"/ws/stream", cr.WSStreams.Load()}, {"/ws/relay", relayConns.Load()}} {
		if logged := int64(c.Served(n.path)); logged < n.clients {
			unlogged = append(unlogged, fmt.Sprintf("%s: %d connections, %d access lines", n.path, n.clients, logged))
		}
	}
	if len(unlogged) > 0 && r.exit == nil {
		r.exit = fmt.Errorf("handlers never finished: %s", strings.Join(unlogged, "; "))
	}
	switch {
	case err != nil:
		return r, err
	case took > 2*time.Second:
		return r, fmt.Errorf("exit took %v, want ≤ 2s", took.Round(time.Millisecond))
	case r.exit != nil:
		return r, r.exit
	case r.requestErrors > 0 || r.viewerErrors > 0:
		return r, fmt.Errorf("errors before the signal: load %v, viewers %v", l.Errs.Snapshot(), cr.Errs.Snapshot())
	}
	return r, nil
}
