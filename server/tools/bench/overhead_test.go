package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestOverheadPct(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name           string
		bare, wirebook float64
		want           float64
	}{
		{"the issue's starting point is 29 %", 54000, 38340, 29},
		{"as fast as bare is 0 %", 1000, 1000, 0},
		{"faster than bare is negative", 1000, 1100, -10},
		{"no bare rate is 0, not a division by zero", 0, 1000, 0},
	} {
		if got := overheadPct(tt.bare, tt.wirebook); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("%s: overheadPct(%v, %v) = %v, want %v", tt.name, tt.bare, tt.wirebook, got, tt.want)
		}
	}
}

func TestOverheadOrderAlternatesPairs(t *testing.T) {
	t.Parallel()
	got := strings.Join(overheadOrder(3), " ")
	if want := "bare wirebook wirebook bare bare wirebook"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
}

func TestPairedOverheadIsTheMedianPair(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name           string
		bare, wirebook []float64
		want           float64
	}{
		{"a second the machine was busy elsewhere does not count", []float64{100, 100, 100}, []float64{90, 10, 80}, 20},
		{"an even count takes the middle two", []float64{100, 100, 100, 100}, []float64{90, 80, 70, 10}, 25},
		{"no runs is 0", nil, nil, 0},
	} {
		if got := pairedOverheadPct(tt.bare, tt.wirebook); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestWrkSideSumsItsRuns(t *testing.T) {
	t.Parallel()
	var s wrkSide
	s.add(wrkResult{Requests: 100, Elapsed: time.Second, RequestsPerSec: 100})
	s.add(wrkResult{Requests: 300, Elapsed: time.Second, RequestsPerSec: 300, SocketRead: 1, Non2xx3xx: 2})
	if s.RequestsPerSec != 200 || s.Errors != 3 || len(s.Runs) != 2 {
		t.Errorf("got %+v, want 200 req/s over both runs, 3 errors, 2 runs", s)
	}
}

func TestOverheadTarget(t *testing.T) {
	t.Parallel()
	ok := overheadResult{
		Bare:     wrkSide{Requests: 1000, RequestsPerSec: 1000},
		Wirebook: wrkSide{Requests: 850, RequestsPerSec: 850},
		LogLines: 850,
	}
	ok.OverheadPct = overheadPct(ok.Bare.RequestsPerSec, ok.Wirebook.RequestsPerSec)
	for _, tt := range []struct {
		name string
		edit func(*overheadResult)
		met  bool
	}{
		{"15 % slower is met", func(*overheadResult) {}, true},
		{"a log with more lines than wrk counted is met", func(o *overheadResult) { o.LogLines = 870 }, true},
		{"past 15 % is missed", func(o *overheadResult) { o.OverheadPct = 15.1 }, false},
		{"a lost access line is missed", func(o *overheadResult) { o.LogLines = 849 }, false},
		{"an error is missed", func(o *overheadResult) { o.Wirebook.Errors = 1 }, false},
		{"an unclean exit is missed", func(o *overheadResult) { o.CleanExit = "exit: signal: killed" }, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := ok
			tt.edit(&o)
			r := &results{Overhead: &o}
			ts := r.overheadTargets()
			if len(ts) != 1 || ts[0].Met != tt.met {
				t.Fatalf("targets %+v, want one with met = %v", ts, tt.met)
			}
		})
	}
}

func TestOverheadRowIsPrinted(t *testing.T) {
	t.Parallel()
	r := &results{Overhead: &overheadResult{
		Wrk:      "wrk -t2 -c32 -d1s --timeout 2s --latency http://127.0.0.1:1/hello",
		Bare:     wrkSide{Requests: 100000, RequestsPerSec: 50000, Runs: []float64{50100, 49900}},
		Wirebook: wrkSide{Requests: 90000, RequestsPerSec: 45000, Runs: []float64{45000, 45000}},
		LogLines: 90003, OverheadPct: 10, Order: overheadOrder(2),
	}}
	r.Targets = r.targets()
	var out bytes.Buffer
	r.print(&out)
	for _, want := range []string{
		"9. /hello (log to a file) vs a bare net/http handler", "10.0 % slower, median of pairs (all runs: /hello 45000 req/s, bare 50000 req/s, 10.0 %)", "≤ 15 %",
		"min 49900, median 50100, max 50100 req/s", "min 45000, median 45000, max 45000 req/s", "90003 for 90000 requests wrk counted, 0 lost",
		"4 runs of wrk -t2 -c32", "bare, wirebook, wirebook, bare, …",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}
