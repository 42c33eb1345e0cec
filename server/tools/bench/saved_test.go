package main

import (
	"slices"
	"testing"
)

func TestSetSavesTakesTheMedianP90AndMax(t *testing.T) {
	t.Parallel()
	var s savedResult
	s.setSaves([]float64{4, 1, 3, 2, 9})
	if s.Saves != 5 || s.SaveMedian != 3 || s.SaveP90 != 9 || s.SaveMax != 9 {
		t.Errorf("saves %d, median %v, p90 %v, max %v; want 5, 3, 9, 9", s.Saves, s.SaveMedian, s.SaveP90, s.SaveMax)
	}
	var none savedResult
	none.setSaves(nil)
	if none.Saves != 0 || none.SaveMedian != 0 || none.SaveMax != 0 { // JSON has no NaN
		t.Errorf("no saves: %+v", none)
	}
}

func TestNotRestoredListsTheCellsThatLostTheirOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		had, restored []string
		want          []string
	}{
		{"all back", []string{"cell-1", "cell-2"}, []string{"cell-2", "cell-1"}, nil},
		{"one missing, in the page's order", []string{"cell-1", "cell-2", "cell-3"}, []string{"cell-2"}, []string{"cell-1", "cell-3"}},
		{"a restored cell that had no output is no problem", []string{"cell-1"}, []string{"cell-1", "cell-9"}, nil},
		{"nothing had an output", nil, nil, nil},
	}
	for _, tt := range tests {
		if got := notRestored(tt.had, tt.restored); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
