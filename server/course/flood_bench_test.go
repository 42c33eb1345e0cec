package course

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"
)

// attackers is the flood of issue 9: 48 clients sending wrong passwords to
// /secure as fast as they are answered.
const attackers = 48

// BenchmarkHelloUnderPasswordFlood measures /hello over loopback while
// attackers flood /secure with wrong passwords for the demo user (bcrypt
// cost 10), and reports its p50 and p99; compare "flood" with "idle".
// login-ok is 1 if a correct login made during the flood, from another
// address (127.0.0.2), was let in, retrying as Retry-After says for at most
// 10 s. Without the pool (WithPasswordChecks(MaxPasswordChecks)) this
// benchmark barely moves: its own client shares the starved scheduler.
//
//	go test -run '^$' -bench HelloUnderPasswordFlood -benchtime 2000x ./server/course/
func BenchmarkHelloUnderPasswordFlood(b *testing.B) {
	for _, bc := range []struct {
		name  string
		flood bool
		opts  []Option
	}{
		{"idle", false, nil},
		{"flood", true, nil},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c := New(bc.opts...)
			mux := http.NewServeMux()
			mux.Handle("/hello", Hello())
			mux.Handle("/secure", c.SecureHello())
			srv := httptest.NewServer(mux)
			defer srv.Close()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: attackers + 1}}
			defer client.CloseIdleConnections()

			ctx, stop := context.WithCancel(b.Context())
			var wg sync.WaitGroup
			if bc.flood {
				for a := range attackers {
					wg.Go(func() {
						// Each guess a new password: a repeated one would be
						// answered from the cache of verdicts.
						for i := 0; ctx.Err() == nil; i++ {
							fetch(ctx, client, srv.URL+"/secure", basic("David", fmt.Sprintf("wrong-%d-%d", a, i)))
						}
					})
				}
				time.Sleep(500 * time.Millisecond) // every attacker is in
			}

			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				start := time.Now()
				if status, _ := fetch(ctx, client, srv.URL+"/hello", ""); status != http.StatusOK {
					b.Fatalf("/hello: status %d", status)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			if bc.flood {
				b.ReportMetric(loginOK(ctx, otherClient(), srv.URL+"/secure"), "login-ok")
			}
			stop()
			wg.Wait()
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / 1e6 }
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
		})
	}
}

// fetch GETs url, with the Authorization header auth if not empty, and
// returns the status and Retry-After; 0 if the request failed.
func fetch(ctx context.Context, c *http.Client, url, auth string) (int, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, ""
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, ""
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Retry-After")
}

// otherClient is a client whose connections come from 127.0.0.2, another
// address than the attackers' (Linux routes all of 127/8 to loopback).
func otherClient() *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
	return &http.Client{Transport: &http.Transport{DialContext: d.DialContext, DisableKeepAlives: true}}
}

// loginOK tries David's correct password, waiting as Retry-After says
// between tries, for at most 10 s.
func loginOK(ctx context.Context, c *http.Client, url string) float64 {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for ctx.Err() == nil {
		status, retry := fetch(ctx, c, url, basic("David", "4bYaDZCFsTY4"))
		switch {
		case status == http.StatusOK:
			return 1
		case status != http.StatusServiceUnavailable || retry == "":
			return 0
		}
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	return 0
}
