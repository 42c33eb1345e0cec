package main

import "testing"

func TestWSCapReadsMaxRelays(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no flag is the relay's default", nil, 4096},
		{"-max-relays=N", []string{"-stream-count=1", "-max-relays=1000"}, 1000},
		{"-max-relays N", []string{"-max-relays", "500"}, 500},
		{"--max-relays=N", []string{"--max-relays=200"}, 200},
	}
	for _, tt := range tests {
		if got, _ := wsCap(tt.args); got != tt.want {
			t.Errorf("%s: cap %d, want %d", tt.name, got, tt.want)
		}
	}
}
