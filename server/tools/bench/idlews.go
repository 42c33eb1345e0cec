package main

import (
	"context"
	"strconv"
	"strings"
	"time"

	"wirebook/server/internal/harness"
	"wirebook/server/relay"
)

// Row 7: how many idle /ws/relay connections does wirebook keep, and what
// does each cost? Issue 9 found 2 000 kept at ~20 KiB each with no cap, no
// idle timeout and no ping. The row opens them as open lesson tabs would
// (the page's own Origin, nothing sent), holds them a while, and counts
// those still open against the server's cap.
const idleHoldFor = 5 * time.Second

// idleWSResult is row 7.
type idleWSResult struct {
	Tried      int     `json:"tried"`
	Connected  int     `json:"connected"`
	Refused    int     `json:"refused"`            // handshake failed
	Closed     int     `json:"closed_by_server"`   // connected, then closed within the hold
	Held       int     `json:"held"`               // still open at the end of the hold
	HoldSecs   float64 `json:"hold_seconds"`       // how long they were held
	Cap        int     `json:"cap"`                // 0: no cap found
	CapFrom    string  `json:"cap_from,omitempty"` // where the cap came from
	IdleRSSKiB int64   `json:"idle_rss_kib"`       // before the connections
	RSSKiB     int64   `json:"rss_kib"`            // with them held
	PerConnKiB float64 `json:"rss_per_held_kib"`   // (RSS − idle) / held
	FirstErr   string  `json:"first_error,omitempty"`
}

// measureIdleWS is row 7 on a wirebook of its own, started with args.
func measureIdleWS(ctx context.Context, bin string, n int, args []string) (idleWSResult, error) {
	res := idleWSResult{Tried: n, HoldSecs: idleHoldFor.Seconds()}
	res.Cap, res.CapFrom = wsCap(args)
	srv, err := harness.Start(ctx, bin, "", "wirebook-idlews", args...)
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	time.Sleep(rssSettle)
	if res.IdleRSSKiB, err = srv.RSSKiB(); err != nil {
		return res, err
	}
	h := harness.NewHolders(ctx, srv.URL, "/ws/relay", false)
	defer h.Close()
	h.Grow(n)
	res.Connected = int(h.Connected.Load())
	res.Refused = int(h.DialFailed.Load())
	select {
	case <-ctx.Done():
		return res, ctx.Err()
	case <-time.After(idleHoldFor):
	}
	res.Closed, res.Held = int(h.Dropped.Load()), int(h.Live())
	res.FirstErr = h.FirstErr()
	if res.RSSKiB, err = srv.RSSKiB(); err != nil {
		return res, err
	}
	if res.Held > 0 {
		res.PerConnKiB = float64(res.RSSKiB-res.IdleRSSKiB) / float64(res.Held)
	}
	return res, srv.Alive()
}

// wsCap is the cap row 7 holds the server to: the -max-relays its args
// give, else the relay's default.
func wsCap(args []string) (int, string) {
	for i, a := range args {
		v, ok := strings.CutPrefix(strings.TrimLeft(a, "-"), "max-relays=")
		if !ok && strings.TrimLeft(a, "-") == "max-relays" && i+1 < len(args) {
			v, ok = args[i+1], true
		}
		if n, err := strconv.Atoi(v); ok && err == nil {
			return n, "-max-relays " + v
		}
	}
	return relay.DefaultMaxConns, "the default of -max-relays"
}
