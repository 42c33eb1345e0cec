package main

import (
	"bufio"
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"time"

	"wirebook/server/internal/harness"
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
func measureIdleWS(ctx context.Context, bin string, n, capFlag int, args []string) (idleWSResult, error) {
	res := idleWSResult{Tried: n, HoldSecs: idleHoldFor.Seconds()}
	res.Cap, res.CapFrom = wsCap(bin, capFlag)
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

// capFlagName matches wirebook's flags that may cap WebSocket
// connections: a name that speaks of WebSockets, relays or connections.
var capFlagName = regexp.MustCompile(`(?i)(ws|websocket|socket|relay|conn)`)

// wsCap is the cap row 7 holds the server to: -ws-cap when given, else the
// integer default of the first flag of `wirebook -h` that names WebSockets,
// relays or connections (the cap is another change's, so its name is not known
// here). 0 when there is none.
func wsCap(bin string, given int) (int, string) {
	if given > 0 {
		return given, "-ws-cap"
	}
	out, _ := exec.Command(bin, "-h").CombinedOutput() // -h may exit 1 or 0
	return capFromUsage(out)
}

// flagLine is the first line of a flag in Go's flag usage ("  -name type").
var flagLine = regexp.MustCompile(`^  -(\S+)`)

// defaultInt is an integer default at the end of a flag's usage.
var defaultInt = regexp.MustCompile(`\(default (\d+)\)\s*$`)

// capFromUsage reads Go flag usage text for a WebSocket cap's default.
func capFromUsage(usage []byte) (int, string) {
	var name string
	sc := bufio.NewScanner(bytes.NewReader(usage))
	for sc.Scan() {
		line := sc.Text()
		if m := flagLine.FindStringSubmatch(line); m != nil {
			name = m[1]
		}
		if name == "" || !capFlagName.MatchString(name) {
			continue
		}
		if m := defaultInt.FindStringSubmatch(line); m != nil {
			n, err := strconv.Atoi(m[1])
			if err == nil && n > 0 {
				return n, "wirebook -h: -" + name
			}
		}
	}
	return 0, ""
}
