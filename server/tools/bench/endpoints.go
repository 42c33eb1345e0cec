package main

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wirebook/server/internal/harness"
)

// endpoint is one row of the load table: a request of the harness's list
// that wrk repeats, and what this bench asks of it.
type endpoint struct {
	harness.Endpoint
	MinRPS float64 // the throughput target, 0 for none
	// Load overrides the default load: /secure with the demo login runs
	// bcrypt on purpose, so 64 connections would only queue behind two
	// cores and hit wrk's timeout.
	Load *wrkLoad
}

func (e endpoint) name() string {
	if e.Bcrypt {
		return e.String() + " (login)"
	}
	return e.String()
}

// designedError says whether the endpoint answers with an error status by
// design, so wrk's "Non-2xx or 3xx" count is its job, not an error.
func (e endpoint) designedError() bool { return e.Status >= 400 }

// errors is what the 0-errors target counts in a wrk run.
func (e endpoint) errors(r wrkResult) int64 {
	if e.designedError() {
		return r.socketErrors()
	}
	return r.socketErrors() + r.Non2xx3xx
}

// script is the wrk Lua that sends a method other than GET and a body.
func (e endpoint) script() string {
	if e.Method == http.MethodGet && e.Body == "" {
		return ""
	}
	return "wrk.method = " + strconv.Quote(e.Method) + "\nwrk.body = " + strconv.Quote(e.Body) + "\n"
}

// endpoints are the harness's, with this bench's targets and loads.
var endpoints = benchEndpoints()

func benchEndpoints() []endpoint {
	var out []endpoint
	for _, e := range harness.Endpoints {
		b := endpoint{Endpoint: e}
		switch {
		case e.Target == "/hello":
			b.MinRPS = helloMinRPS
		case e.Bcrypt:
			b.Load = &wrkLoad{Threads: 1, Connections: 2, Timeout: 10 * time.Second}
		}
		out = append(out, b)
	}
	return out
}

// endpointResult is one row of the load table, as written to JSON.
type endpointResult struct {
	Endpoint       string  `json:"endpoint"`
	DesignedStatus int     `json:"designed_status"`
	ProbeStatus    int     `json:"probe_status"`
	Wrk            string  `json:"wrk_command"`
	Requests       int64   `json:"requests"`
	RequestsPerSec float64 `json:"requests_per_sec"`
	P50ms          float64 `json:"latency_p50_ms"`
	P90ms          float64 `json:"latency_p90_ms"`
	P99ms          float64 `json:"latency_p99_ms"`
	MaxMs          float64 `json:"latency_max_ms"`
	SocketErrors   int64   `json:"socket_errors"`
	Non2xx3xx      int64   `json:"non_2xx_3xx_responses"`
	// Errors is what the 0-errors target counts: socket errors, plus
	// non-2xx/3xx answers unless the designed status is one.
	Errors     int64   `json:"errors"`
	ErrorsRule string  `json:"errors_counted"`
	MinRPS     float64 `json:"target_min_requests_per_sec,omitempty"`
	Met        bool    `json:"targets_met"`
	Err        string  `json:"error,omitempty"`
}

// measureEndpoints loads each endpoint in turn. An endpoint wrk could not
// measure keeps its row with Err set; the returned error says that some
// could not be measured.
func measureEndpoints(ctx context.Context, wrk string, srv *harness.Child, load wrkLoad) ([]endpointResult, error) {
	var out []endpointResult
	var failed []string
	for _, e := range endpoints {
		r := measureEndpoint(ctx, wrk, srv, e, load)
		if r.Err != "" {
			failed = append(failed, e.name())
		}
		out = append(out, r)
		if err := srv.Alive(); err != nil {
			return out, err
		}
		if ctx.Err() != nil {
			return out, ctx.Err()
		}
	}
	if len(failed) > 0 {
		return out, fmt.Errorf("could not load %s", strings.Join(failed, ", "))
	}
	return out, nil
}

func measureEndpoint(ctx context.Context, wrk string, srv *harness.Child, e endpoint, load wrkLoad) endpointResult {
	r := endpointResult{Endpoint: e.name(), DesignedStatus: e.Status, MinRPS: e.MinRPS, ErrorsRule: "socket errors + non-2xx/3xx"}
	if e.designedError() {
		r.ErrorsRule = "socket errors (the " + strconv.Itoa(e.Status) + " is by design)"
	}
	if e.Load != nil {
		l := *e.Load
		l.Duration = load.Duration
		load = l
	}
	// One request first, so the row says what the endpoint answered: wrk
	// only counts non-2xx/3xx, and a 500 under a designed 404 would hide.
	status, err := probe(ctx, srv.URL, e)
	r.ProbeStatus = status
	if err != nil {
		r.Err = err.Error()
		return r
	}
	res, cmdline, err := runWrk(ctx, wrk, load, srv.URL+e.Target, e.Headers, e.script())
	r.Wrk = cmdline
	if err != nil {
		r.Err = err.Error()
		return r
	}
	r.Requests = res.Requests
	r.RequestsPerSec = res.RequestsPerSec
	r.P50ms, r.P90ms, r.P99ms = ms(res.Latency[50]), ms(res.Latency[90]), ms(res.Latency[99])
	r.MaxMs = ms(res.LatencyMax)
	r.SocketErrors = res.socketErrors()
	r.Non2xx3xx = res.Non2xx3xx
	r.Errors = e.errors(res)
	r.Met = r.Errors == 0 && r.ProbeStatus == e.Status && r.RequestsPerSec >= e.MinRPS
	return r
}

// probe sends the endpoint's request once, following no redirect.
func probe(ctx context.Context, base string, e endpoint) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	client := harness.NewClient(1, nil)
	defer client.CloseIdleConnections()
	status, err := e.Do(ctx, client, base)
	if status == 0 {
		return 0, fmt.Errorf("probe %s: %w", e.name(), err)
	}
	return status, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
