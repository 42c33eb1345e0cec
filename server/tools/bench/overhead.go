package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"wirebook/server/internal/harness"
)

// Row 9: what wirebook's own layers (router, access log, recovery, guards,
// deadlines) cost per request. A bare net/http handler answering "Hello"
// and wirebook's /hello, its access log written to a file, are loaded in
// turn by the same wrk, one second at a time in the order bare, wirebook,
// wirebook, bare, …: on a machine busy with other work, whose share of the
// CPUs swings from one second to the next, each wirebook second is set
// beside the bare second next to it, and the overhead is the median of
// those pairs.
const (
	overheadMaxPct      = 15 // the "within 15 % of the bare handler"
	overheadThreads     = 2  // the wrk -t2 -c32
	overheadConnections = 32
)

// overheadOrder is who each 1-second run loads: runs per side, bare and
// wirebook in pairs, each pair in the other order from the one before.
func overheadOrder(runsPerSide int) []string {
	order := make([]string, 0, 2*runsPerSide)
	for i := range runsPerSide {
		if i%2 == 0 {
			order = append(order, "bare", "wirebook")
		} else {
			order = append(order, "wirebook", "bare")
		}
	}
	return order
}

// pairedOverheadPct is the median of overheadPct over the runs side by
// side: bare[i] with wirebook[i].
func pairedOverheadPct(bare, wirebook []float64) float64 {
	n := min(len(bare), len(wirebook))
	if n == 0 {
		return 0
	}
	pcts := make([]float64, n)
	for i := range n {
		pcts[i] = overheadPct(bare[i], wirebook[i])
	}
	slices.Sort(pcts)
	if n%2 == 1 {
		return pcts[n/2]
	}
	return (pcts[n/2-1] + pcts[n/2]) / 2
}

// overheadResult is row 9.
type overheadResult struct {
	Wrk         string   `json:"wrk_command"`
	Bare        wrkSide  `json:"bare_net_http"`
	Wirebook    wrkSide  `json:"wirebook_hello"`
	OverheadPct float64  `json:"overhead_pct"` // the median of the paired runs
	Order       []string `json:"order"`
	LogLines    int      `json:"wirebook_hello_log_lines"`
	CleanExit   string   `json:"wirebook_exit,omitempty"` // why the exit was not clean, if it was not
}

// wrkSide is one server's runs, summed.
type wrkSide struct {
	Requests       int64     `json:"requests"`
	Seconds        float64   `json:"seconds"`
	Errors         int64     `json:"errors"`
	RequestsPerSec float64   `json:"requests_per_sec"`
	Runs           []float64 `json:"requests_per_sec_each_run"`
}

func (s *wrkSide) add(r wrkResult) {
	s.Requests += r.Requests
	s.Seconds += r.Elapsed.Seconds()
	s.Errors += r.socketErrors() + r.Non2xx3xx
	s.Runs = append(s.Runs, r.RequestsPerSec)
	if s.Seconds > 0 {
		s.RequestsPerSec = float64(s.Requests) / s.Seconds
	}
}

// overheadPct is how much slower wirebook is than the bare handler, in
// per cent of the bare handler's rate (negative if it was faster).
func overheadPct(bare, wirebook float64) float64 {
	if bare <= 0 {
		return 0
	}
	return (bare - wirebook) / bare * 100
}

// met is the target: within overheadMaxPct, no error, and an access line
// for every request wrk counted (wrk counts only answers it read, so the
// log may hold a few more).
func (o overheadResult) met() bool {
	return o.OverheadPct <= overheadMaxPct && o.Bare.Errors == 0 && o.Wirebook.Errors == 0 &&
		int64(o.LogLines) >= o.Wirebook.Requests && o.CleanExit == ""
}

func (o overheadResult) lost() int64 { return max(0, o.Wirebook.Requests-int64(o.LogLines)) }

// measureOverhead is row 9 on a wirebook of its own: d of load on each
// side, twice, in 1-second runs.
func measureOverhead(ctx context.Context, wrk, bin string, d time.Duration) (overheadResult, error) {
	res := overheadResult{Order: overheadOrder(2 * int(d.Seconds()))}
	bare, err := startBare()
	if err != nil {
		return res, err
	}
	defer bare.Close()
	dir, err := os.MkdirTemp("", "wirebook-bench-overhead-*")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	srv, err := harness.StartLogFile(ctx, bin, filepath.Join(dir, "access.log"), "wirebook-overhead")
	if err != nil {
		return res, err
	}
	defer srv.Kill()
	urls := map[string]string{"bare": "http://" + bare.Addr + "/hello", "wirebook": srv.URL + "/hello"}
	if err := harness.Preflight(ctx, srv.URL, []harness.Endpoint{helloEndpoint}); err != nil {
		return res, err
	}
	load := wrkLoad{Threads: overheadThreads, Connections: overheadConnections, Duration: time.Second, Timeout: 2 * time.Second}
	for _, who := range res.Order {
		r, cmd, err := runWrk(ctx, wrk, load, urls[who], nil, "")
		if err != nil {
			return res, err
		}
		res.Wrk = cmd
		if who == "bare" {
			res.Bare.add(r)
		} else {
			res.Wirebook.add(r)
		}
	}
	res.OverheadPct = pairedOverheadPct(res.Bare.Runs, res.Wirebook.Runs)
	if _, err := srv.Stop(); err != nil {
		return res, err
	}
	res.LogLines = srv.Served("/hello")
	if err := srv.CleanExit(); err != nil {
		res.CleanExit = err.Error()
	}
	return res, nil
}

// bareServer is the baseline: net/http with nothing but a handler, in
// this process, on loopback.
type bareServer struct {
	Addr string
	srv  *http.Server
	done chan error
}

func startBare() (*bareServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	body := []byte("Hello")
	b := &bareServer{Addr: ln.Addr().String(), done: make(chan error, 1), srv: &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write(body)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}}
	go func() { b.done <- b.srv.Serve(ln) }()
	return b, nil
}

func (b *bareServer) Close() error {
	err := b.srv.Close()
	if serr := <-b.done; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

// overheadValue is the row's figure as the table prints it.
func (o overheadResult) value() string {
	return fmt.Sprintf("%.1f %% slower, median of pairs (all runs: /hello %.0f req/s, bare %.0f req/s, %.1f %%)", o.OverheadPct,
		o.Wirebook.RequestsPerSec, o.Bare.RequestsPerSec, overheadPct(o.Bare.RequestsPerSec, o.Wirebook.RequestsPerSec))
}
