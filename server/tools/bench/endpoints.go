package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// endpoint is one row of the load table: a request wrk repeats, and what
// wirebook is designed to answer it with.
type endpoint struct {
	Method, Target string
	Headers        []string // "Name: value"
	Body           string
	Status         int     // the designed status; a 4xx counts only socket errors
	MinRPS         float64 // the throughput target, 0 for none
	// Load overrides the default load: /secure runs bcrypt on purpose, so
	// 64 connections would only queue behind two cores and hit wrk's
	// timeout.
	Load *wrkLoad
}

func (e endpoint) name() string { return e.Method + " " + e.Target }

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

// The course's demo user (the README's /secure row).
const demoBasicAuth = "Authorization: Basic RGF2aWQ6NGJZYURaQ0ZzVFk0" // David:4bYaDZCFsTY4

var endpoints = []endpoint{
	{Method: "GET", Target: "/hello", Status: 200, MinRPS: helloMinRPS},
	{Method: "GET", Target: "/greeting?lang=fr", Headers: []string{"X-INE-Student: Ana"}, Status: 200},
	{Method: "GET", Target: "/json?name=David&title=Instructor", Status: 200},
	{Method: "POST", Target: "/json", Headers: []string{"Content-Type: application/x-www-form-urlencoded"},
		Body: "name=Ana&title=Data+Scientist", Status: 200},
	{Method: "GET", Target: "/echo/x", Status: 200},
	{Method: "GET", Target: "/files/greetings.txt", Status: 200},
	{Method: "GET", Target: "/files/", Status: 200},
	{Method: "GET", Target: "/notfound", Status: 404},
	{Method: "GET", Target: "/redirect", Status: 301},
	{Method: "GET", Target: "/secure", Headers: []string{demoBasicAuth}, Status: 200,
		Load: &wrkLoad{Threads: 1, Connections: 2, Timeout: 10 * time.Second}},
	{Method: "GET", Target: "/", Status: 200},
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
func measureEndpoints(ctx context.Context, wrk string, srv *wirebook, load wrkLoad) ([]endpointResult, error) {
	var out []endpointResult
	var failed []string
	for _, e := range endpoints {
		r := measureEndpoint(ctx, wrk, srv, e, load)
		if r.Err != "" {
			failed = append(failed, e.name())
		}
		out = append(out, r)
		if err := srv.alive(); err != nil {
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

func measureEndpoint(ctx context.Context, wrk string, srv *wirebook, e endpoint, load wrkLoad) endpointResult {
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
	req, err := http.NewRequestWithContext(ctx, e.Method, base+e.Target, strings.NewReader(e.Body))
	if err != nil {
		return 0, err
	}
	for _, h := range e.Headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(name, strings.TrimSpace(value))
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("probe %s: %w", e.name(), err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
