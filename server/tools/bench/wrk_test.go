package main

import (
	"strings"
	"testing"
	"time"

	"wirebook/server/internal/harness"
)

// Real wrk 4.1.0 reports from this machine.
const (
	wrkHello = `Running 2s test @ http://127.0.0.1:39777/hello
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.14ms    2.00ms  17.10ms   68.69%
    Req/Sec    16.78k     1.55k   19.97k    75.00%
  Latency Distribution
     50%    1.80ms
     75%    3.14ms
     90%    4.81ms
     99%    8.65ms
  66890 requests in 2.01s, 7.72MB read
Requests/sec:  33272.56
Transfer/sec:      3.84MB
`
	wrkNotFound = `Running 2s test @ http://127.0.0.1:39777/notfound
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   140.77us  153.11us   3.29ms   95.40%
    Req/Sec    15.00k     0.97k   16.49k    76.19%
  Latency Distribution
     50%  105.00us
     75%  152.00us
     90%  221.00us
     99%  773.00us
  31259 requests in 2.10s, 11.98MB read
  Non-2xx or 3xx responses: 31259
Requests/sec:  14887.24
Transfer/sec:      5.71MB
`
	// A slow endpoint past wrk's timeout: seconds, socket errors, a size in KB.
	wrkSlow = `Running 5s test @ http://127.0.0.1:39777/secure
  1 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.21s   412.50ms   1.99s    61.11%
    Req/Sec    28.95     10.15    40.00     60.00%
  Latency Distribution
     50%    1.10s
     75%    1.50s
     90%    1.80s
     99%    1.99s
  145 requests in 5.01s, 18.41KB read
  Socket errors: connect 0, read 3, write 0, timeout 109
Requests/sec:     28.94
Transfer/sec:      3.67KB
`
)

func TestParseWrk(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		out  string
		want wrkResult
	}{
		{
			name: "ms latencies and a k-suffixed thread rate leave Requests/sec to its own line",
			out:  wrkHello,
			want: wrkResult{
				Requests: 66890, Elapsed: 2010 * time.Millisecond, RequestsPerSec: 33272.56,
				Latency: map[int]time.Duration{
					50: 1800 * time.Microsecond, 75: 3140 * time.Microsecond,
					90: 4810 * time.Microsecond, 99: 8650 * time.Microsecond,
				},
				LatencyMax: 17100 * time.Microsecond, ReadBytes: 8095007,
			},
		},
		{
			name: "us latencies and the non-2xx/3xx count",
			out:  wrkNotFound,
			want: wrkResult{
				Requests: 31259, Elapsed: 2100 * time.Millisecond, RequestsPerSec: 14887.24,
				Latency: map[int]time.Duration{
					50: 105 * time.Microsecond, 75: 152 * time.Microsecond,
					90: 221 * time.Microsecond, 99: 773 * time.Microsecond,
				},
				LatencyMax: 3290 * time.Microsecond, ReadBytes: 12561940, Non2xx3xx: 31259,
			},
		},
		{
			name: "second latencies and every kind of socket error",
			out:  wrkSlow,
			want: wrkResult{
				Requests: 145, Elapsed: 5010 * time.Millisecond, RequestsPerSec: 28.94,
				Latency: map[int]time.Duration{
					50: 1100 * time.Millisecond, 75: 1500 * time.Millisecond,
					90: 1800 * time.Millisecond, 99: 1990 * time.Millisecond,
				},
				LatencyMax: 1990 * time.Millisecond, ReadBytes: 18852,
				SocketRead: 3, SocketTimeout: 109,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseWrk(tt.out)
			if err != nil {
				t.Fatal(err)
			}
			if got.Requests != tt.want.Requests || got.Elapsed != tt.want.Elapsed || got.RequestsPerSec != tt.want.RequestsPerSec ||
				got.LatencyMax != tt.want.LatencyMax || got.ReadBytes != tt.want.ReadBytes || got.Non2xx3xx != tt.want.Non2xx3xx ||
				got.SocketConnect != tt.want.SocketConnect || got.SocketRead != tt.want.SocketRead ||
				got.SocketWrite != tt.want.SocketWrite || got.SocketTimeout != tt.want.SocketTimeout {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
			for p, d := range tt.want.Latency {
				if got.Latency[p] != d {
					t.Errorf("p%d = %v, want %v", p, got.Latency[p], d)
				}
			}
		})
	}
}

func TestParseWrkRefusesAReportItCannotRead(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, out string }{
		{"no latency distribution (run without --latency)", strings.Replace(wrkHello, "  Latency Distribution\n     50%    1.80ms\n     75%    3.14ms\n     90%    4.81ms\n     99%    8.65ms\n", "", 1)},
		{"no Requests/sec line", strings.Replace(wrkHello, "Requests/sec:  33272.56\n", "", 1)},
		{"no total line", strings.Replace(wrkHello, "  66890 requests in 2.01s, 7.72MB read\n", "", 1)},
		{"a latency without a unit", strings.Replace(wrkHello, "99%    8.65ms", "99%    8.65", 1)},
		{"a socket error count that is not a number", strings.Replace(wrkSlow, "timeout 109", "timeout many", 1)},
		{"an error message, not a report", "unable to connect to 127.0.0.1:1 Connection refused\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if r, err := parseWrk(tt.out); err == nil {
				t.Errorf("parsed %+v, want an error", r)
			}
		})
	}
}

func TestParseWrkDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"105.00us", 105 * time.Microsecond, true},
		{"1.80ms", 1800 * time.Microsecond, true},
		{"2.01s", 2010 * time.Millisecond, true},
		{"1.50m", 90 * time.Second, true},
		{"1.00h", time.Hour, true},
		{"0.00us", 0, true},
		{"12.3", 0, false},
		{"ms", 0, false},
		{"-1.00ms", 0, false},
		{"1.0.0s", 0, false},
	}
	for _, tt := range tests {
		got, err := parseWrkDuration(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseWrkDuration(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestParseWrkBytes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"512.00B", 512, true},
		{"7.36KB", 7537, true},
		{"7.72MB", 8095007, true},
		{"1.50GB", 3 << 29, true},
		{"7.72", 0, false},
		{"7.72XB", 0, false},
		{"KB", 0, false},
		{"M1.0B", 0, false},
	}
	for _, tt := range tests {
		got, err := parseWrkBytes(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("parseWrkBytes(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestEndpointErrors(t *testing.T) {
	t.Parallel()
	run := wrkResult{SocketRead: 1, SocketTimeout: 2, Non2xx3xx: 40}
	tests := []struct {
		name string
		e    endpoint
		want int64
	}{
		{"a designed 404 counts socket errors only", endpoint{Endpoint: harness.Endpoint{Status: 404}}, 3},
		{"a 200 endpoint counts its non-2xx/3xx answers too", endpoint{Endpoint: harness.Endpoint{Status: 200}}, 43},
		{"a 301 is a 3xx, so its other answers count", endpoint{Endpoint: harness.Endpoint{Status: 301}}, 43},
	}
	for _, tt := range tests {
		if got := tt.e.errors(run); got != tt.want {
			t.Errorf("%s: %d errors, want %d", tt.name, got, tt.want)
		}
	}
}

func TestEndpointScriptOnlyForMethodsAndBodies(t *testing.T) {
	t.Parallel()
	if s := (endpoint{Endpoint: harness.Endpoint{Method: "GET", Target: "/hello"}}).script(); s != "" {
		t.Errorf("a plain GET has a script: %q", s)
	}
	s := endpoint{Endpoint: harness.Endpoint{Method: "POST", Body: `a="b"&c=d`}}.script()
	for _, want := range []string{`wrk.method = "POST"`, `wrk.body = "a=\"b\"&c=d"`} {
		if !strings.Contains(s, want) {
			t.Errorf("script %q lacks %s", s, want)
		}
	}
}
