package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// endpoint is one request the load sends, and the status it must get.
type endpoint struct {
	method, path, body, contentType string
	want                            int
}

func (e endpoint) String() string { return e.method + " " + e.path }

// endpoints are the course's answers a lecture hits most, plus the page and
// its assets; one of each kind of handler: text, JSON from a query and from
// a form, the echo page, a file, a listing, a redirect, a 404, a 401.
var endpoints = []endpoint{
	{method: "GET", path: "/hello", want: 200},
	{method: "GET", path: "/greeting?lang=fr", want: 200},
	{method: "GET", path: "/json?name=Ana&lang=fr", want: 200},
	{method: "POST", path: "/json", body: "name=Ana&lang=fr", contentType: "application/x-www-form-urlencoded", want: 200},
	{method: "GET", path: "/echo/x", want: 200},
	{method: "GET", path: "/files/greetings.txt", want: 200},
	{method: "GET", path: "/files/", want: 200},
	{method: "GET", path: "/", want: 200},
	{method: "GET", path: "/static/app.css", want: 200},
	{method: "GET", path: "/redirect", want: 301},
	{method: "GET", path: "/notfound", want: 404},
	{method: "GET", path: "/secure", want: 401},
}

// loadClient is a keep-alive client holding up to conns connections to one
// host, that counts the connections it dials and follows no redirect.
func loadClient(conns int, dials *atomic.Int64) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				dials.Add(1)
				return d.DialContext(ctx, network, addr)
			},
			MaxConnsPerHost:     conns,
			MaxIdleConnsPerHost: conns,
			MaxIdleConns:        conns,
			IdleConnTimeout:     90 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// loadResult counts one load run.
type loadResult struct {
	requests, errors, dials int64
	took                    time.Duration
	p50, p99, max           time.Duration
	samples                 []string // the first few distinct errors
	perEndpoint             map[string]int64
}

func (r loadResult) String() string {
	return fmt.Sprintf("%d requests in %v (%.0f req/s), %d errors; %d connections dialled; latency p50 %v p99 %v max %v",
		r.requests, r.took.Round(time.Millisecond), float64(r.requests)/r.took.Seconds(), r.errors, r.dials,
		r.p50.Round(10*time.Microsecond), r.p99.Round(10*time.Microsecond), r.max.Round(10*time.Microsecond))
}

// errorLog keeps the first few distinct errors and counts all of them.
type errorLog struct {
	n       atomic.Int64
	mu      sync.Mutex
	samples []string
}

func (e *errorLog) snapshot() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.samples)
}

func (e *errorLog) add(format string, args ...any) {
	e.n.Add(1)
	msg := fmt.Sprintf(format, args...)
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.samples) < 5 && !slices.Contains(e.samples, msg) {
		e.samples = append(e.samples, msg)
	}
}

// loader keeps conns workers sending requests to base; its counters can be
// read while it runs.
type loader struct {
	base        string
	conns       int
	client      *http.Client
	dials       atomic.Int64
	total       atomic.Int64
	errs        errorLog
	perEndpoint []atomic.Int64
}

func newLoader(base string, conns int) *loader {
	l := &loader{base: base, conns: conns, perEndpoint: make([]atomic.Int64, len(endpoints))}
	l.client = loadClient(conns, &l.dials)
	return l
}

// run sends requests until d passes or ctx ends, each worker going round
// the endpoints from its own starting point. A transport error or an
// unexpected status is an error; a request cut short by the end of the run
// is not counted at all.
func (l *loader) run(ctx context.Context, d time.Duration) loadResult {
	defer l.client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	latencies := make([][]time.Duration, l.conns)
	began := time.Now()
	var wg sync.WaitGroup
	for w := range l.conns {
		wg.Go(func() {
			lat := make([]time.Duration, 0, 4096)
			for i := w; ctx.Err() == nil; i++ {
				k := i % len(endpoints)
				e := endpoints[k]
				t0 := time.Now()
				err := do(ctx, l.client, l.base, e)
				if ctx.Err() != nil {
					break
				}
				lat = append(lat, time.Since(t0))
				l.total.Add(1)
				l.perEndpoint[k].Add(1)
				if err != nil {
					l.errs.add("%v: %v", e, err)
				}
			}
			latencies[w] = lat
		})
	}
	wg.Wait()
	r := loadResult{requests: l.total.Load(), errors: l.errs.n.Load(), dials: l.dials.Load(),
		took: time.Since(began), samples: l.errs.snapshot(), perEndpoint: map[string]int64{}}
	for k, e := range endpoints {
		r.perEndpoint[e.String()] = l.perEndpoint[k].Load()
	}
	all := slices.Concat(latencies...)
	if len(all) > 0 {
		slices.Sort(all)
		r.p50, r.p99, r.max = all[len(all)/2], all[len(all)*99/100], all[len(all)-1]
	}
	return r
}

// do sends one request and reads the whole answer.
func do(ctx context.Context, client *http.Client, base string, e endpoint) error {
	var body io.Reader
	if e.body != "" {
		body = strings.NewReader(e.body)
	}
	req, err := http.NewRequestWithContext(ctx, e.method, base+e.path, body)
	if err != nil {
		return err
	}
	if e.contentType != "" {
		req.Header.Set("Content-Type", e.contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("reading the body: %w", err)
	}
	if resp.StatusCode != e.want {
		return fmt.Errorf("status %d, want %d", resp.StatusCode, e.want)
	}
	return nil
}

// preflight sends each endpoint once, so a wrong expectation shows as one
// clear line instead of thousands of errors.
func preflight(ctx context.Context, base string) error {
	var dials atomic.Int64
	client := loadClient(1, &dials)
	defer client.CloseIdleConnections()
	var problems []error
	for _, e := range endpoints {
		if err := do(ctx, client, base, e); err != nil {
			problems = append(problems, fmt.Errorf("%v: %w", e, err))
		}
	}
	return errors.Join(problems...)
}
