package main

import (
	"io"
	"strings"
	"testing"
	"time"

	"wirebook/server/relay"
)

// The relay's admission flags reach the config with their defaults, and a
// count or a time that cannot be a line is refused before anything starts.
func TestQueueFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name            string
		args            []string
		inFlight, queue int
		wait            time.Duration
		err             string
	}{
		{"defaults hold a class of 1 000", nil, relay.DefaultMaxTotal, relay.DefaultMaxQueue, relay.DefaultQueueWait, ""},
		{"all three set", []string{"-max-in-flight", "64", "-max-queue", "0", "-queue-wait", "5s"}, 64, 0, 5 * time.Second, ""},
		{"no slot at all is a mistake", []string{"-max-in-flight", "0"}, 0, 0, 0, "-max-in-flight take a positive count"},
		{"a negative line is a mistake", []string{"-max-queue", "-1"}, 0, 0, 0, "-max-queue -1: want 0 to"},
		{"a line past the bound is a mistake", []string{"-max-queue", "2000000"}, 0, 0, 0, "-max-queue 2000000: want 0 to"},
		{"no wait at all is a mistake", []string{"-queue-wait", "0s"}, 0, 0, 0, "-queue-wait take a positive duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseFlags(tt.args, io.Discard)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil || cfg.maxInFlight != tt.inFlight || cfg.maxQueue != tt.queue || cfg.queueWait != tt.wait {
				t.Fatalf("in flight %d, queue %d, wait %v, err %v; want %d, %d, %v",
					cfg.maxInFlight, cfg.maxQueue, cfg.queueWait, err, tt.inFlight, tt.queue, tt.wait)
			}
		})
	}
}
