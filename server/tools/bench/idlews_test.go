package main

import "testing"

func TestCapFromUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, usage string
		want        int
		from        string
	}{
		{"no flag speaks of connections", "  -max-body bytes\n    \tlargest body (default 1048576)\n  -stream-count int\n    \tgreetings (default 10)\n", 0, ""},
		{"a WebSocket cap", "  -max-body bytes\n    \tlargest body (default 1048576)\n  -ws-max n\n    \tmost WebSockets open at once (default 1000)\n", 1000, "wirebook -h: -ws-max"},
		{"a relay flag without a number is passed over", "  -relay-allow hosts\n    \textra hosts (default: none)\n  -max-conns int\n    \tcap (default 500)\n", 500, "wirebook -h: -max-conns"},
	}
	for _, tt := range tests {
		got, from := capFromUsage([]byte(tt.usage))
		if got != tt.want || from != tt.from {
			t.Errorf("%s: %d from %q, want %d from %q", tt.name, got, from, tt.want, tt.from)
		}
	}
}
