package main

import (
	"math"
	"slices"
)

// percentile is the nearest-rank percentile of xs (p from 0 to 100): the
// smallest value at least p% of the samples are at or below. It is always
// one of the samples, so a p99 of 60 samples is their largest but one, not
// an interpolation between them. NaN for no samples.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}
