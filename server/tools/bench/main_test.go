package main

import (
	"io"
	"slices"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	t.Parallel()
	cfg, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.load != (wrkLoad{Threads: 2, Connections: 64, Duration: 5 * time.Second, Timeout: 2 * time.Second}) {
		t.Errorf("default load %+v", cfg.load)
	}
	if !slices.Equal(cfg.viewers, []int{1000, 10000}) {
		t.Errorf("default viewers %v, want the budget's 10 000 after 1 000", cfg.viewers)
	}
	for _, r := range allRows {
		if !cfg.rows[r] {
			t.Errorf("row %s is not run by default", r)
		}
	}

	cfg, err = parseFlags([]string{"-rows", "page, stream", "-viewers", "10,20"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.rows) != 2 || !cfg.rows["page"] || !cfg.rows["stream"] || !slices.Equal(cfg.viewers, []int{10, 20}) {
		t.Errorf("-rows page,stream -viewers 10,20: rows %v, viewers %v", cfg.rows, cfg.viewers)
	}

	for _, args := range [][]string{
		{"-rows", "page,speed"},
		{"-viewers", "10000,1000"},
		{"-viewers", "0"},
		{"-d", "100ms"},
		{"-c", "1", "-t", "2"},
		{"-greetings", "1001"},
		{"extra"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
