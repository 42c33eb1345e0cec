package harness

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// NewClient is a keep-alive client holding up to conns connections to one
// host, that follows no redirect and, if dials is not nil, counts the
// connections it opens.
func NewClient(conns int, dials *atomic.Int64) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				if dials != nil {
					dials.Add(1)
				}
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

// LoadResult counts one load run.
type LoadResult struct {
	Requests, Errors, Dials int64
	Took                    time.Duration
	P50, P99, Max           time.Duration
	Samples                 []string // the first few distinct errors
	PerEndpoint             map[string]int64
}

func (r LoadResult) String() string {
	return fmt.Sprintf("%d requests in %v (%.0f req/s), %d errors; %d connections dialled; latency p50 %v p99 %v max %v",
		r.Requests, r.Took.Round(time.Millisecond), float64(r.Requests)/r.Took.Seconds(), r.Errors, r.Dials,
		r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond), r.Max.Round(10*time.Microsecond))
}

// ErrorLog keeps the first few distinct errors and counts all of them.
type ErrorLog struct {
	N       atomic.Int64
	mu      sync.Mutex
	samples []string
}

// Snapshot is the errors kept so far.
func (e *ErrorLog) Snapshot() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.samples)
}

// Add counts one error and keeps it if it is among the first five kinds.
func (e *ErrorLog) Add(format string, args ...any) {
	e.N.Add(1)
	msg := fmt.Sprintf(format, args...)
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.samples) < 5 && !slices.Contains(e.samples, msg) {
		e.samples = append(e.samples, msg)
	}
}

// Loader keeps conns workers sending the endpoints to base; its counters
// can be read while it runs.
type Loader struct {
	base        string
	conns       int
	endpoints   []Endpoint
	client      *http.Client
	dials       atomic.Int64
	Total       atomic.Int64
	Errs        ErrorLog
	perEndpoint []atomic.Int64
}

// NewLoader is a crowd of conns clients, each going round es.
func NewLoader(base string, conns int, es []Endpoint) *Loader {
	l := &Loader{base: base, conns: conns, endpoints: es, perEndpoint: make([]atomic.Int64, len(es))}
	l.client = NewClient(conns, &l.dials)
	return l
}

// Run sends requests until d passes or ctx ends, each worker going round
// the endpoints from its own starting point. A transport error or an
// unexpected status is an error; a request cut short by the end of the run
// is not counted at all.
func (l *Loader) Run(ctx context.Context, d time.Duration) LoadResult {
	defer l.client.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	latencies := make([][]time.Duration, l.conns)
	began := time.Now()
	var wg sync.WaitGroup
	for w := range l.conns {
		wg.Go(func() { latencies[w] = l.work(ctx, w) })
	}
	wg.Wait()
	return l.result(time.Since(began), slices.Concat(latencies...))
}

// work is one worker: it returns the latency of each request it counted.
func (l *Loader) work(ctx context.Context, w int) []time.Duration {
	lat := make([]time.Duration, 0, 4096)
	for i := w; ctx.Err() == nil; i++ {
		k := i % len(l.endpoints)
		e := l.endpoints[k]
		t0 := time.Now()
		_, err := e.Do(ctx, l.client, l.base)
		if ctx.Err() != nil {
			break
		}
		lat = append(lat, time.Since(t0))
		l.Total.Add(1)
		l.perEndpoint[k].Add(1)
		if err != nil {
			l.Errs.Add("%v: %v", e, err)
		}
	}
	return lat
}

func (l *Loader) result(took time.Duration, all []time.Duration) LoadResult {
	r := LoadResult{Requests: l.Total.Load(), Errors: l.Errs.N.Load(), Dials: l.dials.Load(),
		Took: took, Samples: l.Errs.Snapshot(), PerEndpoint: map[string]int64{}}
	for k, e := range l.endpoints {
		r.PerEndpoint[e.String()] += l.perEndpoint[k].Load()
	}
	r.P50, r.P99, r.Max = quantiles(all)
	return r
}

// quantiles sorts ds and returns its median, 99th percentile and maximum;
// zeros for none.
func quantiles(ds []time.Duration) (p50, p99, most time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1]
}
