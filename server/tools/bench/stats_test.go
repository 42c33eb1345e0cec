package main

import (
	"math"
	"slices"
	"testing"
)

func TestPercentile(t *testing.T) {
	t.Parallel()
	sixty := make([]float64, 60)
	for i := range sixty {
		sixty[i] = float64(60 - i) // 60 … 1, unsorted
	}
	tests := []struct {
		name string
		xs   []float64
		p    float64
		want float64
	}{
		{"one sample is every percentile", []float64{7}, 99, 7},
		{"median of an odd count is the middle", []float64{3, 1, 2}, 50, 2},
		{"median of an even count is the lower middle", []float64{4, 1, 3, 2}, 50, 2},
		{"p99 of 60 is the largest but one", sixty, 99, 60},
		{"p98 of 60 is the 59th", sixty, 98, 59},
		{"p100 is the largest", sixty, 100, 60},
		{"p0 is the smallest", sixty, 0, 1},
		{"p90 of ten is the ninth", []float64{10, 9, 8, 7, 6, 5, 4, 3, 2, 1}, 90, 9},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.xs)
		if got := percentile(tt.xs, tt.p); got != tt.want {
			t.Errorf("%s: p%v = %v, want %v", tt.name, tt.p, got, tt.want)
		}
		if !slices.Equal(in, tt.xs) {
			t.Errorf("%s: percentile reordered its input", tt.name)
		}
	}
	if got := percentile(nil, 50); !math.IsNaN(got) {
		t.Errorf("no samples: %v, want NaN", got)
	}
}

func TestWallClockInterpolatesTheDrift(t *testing.T) {
	t.Parallel()
	a := clockPair{HR: 1000, Offset: 5}
	b := clockPair{HR: 3000, Offset: 7}
	tests := []struct {
		name   string
		hr     float64
		a, b   clockPair
		wantMs float64
	}{
		{"at the first reading, its offset", 1000, a, b, 1005},
		{"half way, half the drift", 2000, a, b, 2006},
		{"at the second reading, its offset", 3000, a, b, 3007},
		{"one reading only: its offset", 2000, a, a, 2005},
	}
	for _, tt := range tests {
		if got := wallClock(tt.hr, tt.a, tt.b); got != tt.wantMs {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.wantMs)
		}
	}
}
