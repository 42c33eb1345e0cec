package main

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestTrustProxyDecidesWhoseForwardedForIsBelieved runs the program with and
// without -trust-proxy and reads whom the access log names for a request
// that claims to come from elsewhere. The test's own connection comes from
// 127.0.0.1, so it plays the proxy when that is trusted.
func TestTrustProxyDecidesWhoseForwardedForIsBelieved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"a trusted proxy's header names the client", []string{"-trust-proxy", "127.0.0.1/32"}, "client=203.0.113.9 "},
		{"without -trust-proxy the header is ignored", nil, "client=127.0.0.1 "},
		{"a peer outside the trusted set is not believed", []string{"-trust-proxy", "10.0.0.0/8"}, "client=127.0.0.1 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := start(t, tt.args...)
			resp, _ := get(t, in.urls["main"]+"/hello", "X-Forwarded-For", "203.0.113.9")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /hello: %s", resp.Status)
			}
			line := waitForLine(t, in, "path=/hello ")
			if !strings.Contains(line, tt.want) {
				t.Errorf("access line %q lacks %q", line, tt.want)
			}
		})
	}
}

// waitForLine returns the first log line holding s; the access line is
// written after the response, so it may come a moment after the client
// has read it.
func waitForLine(t *testing.T, in *instance, s string) string {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		for _, line := range in.logLines() {
			if strings.Contains(line, s) {
				return line
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no log line holds %q", s)
	return ""
}

func TestBadTrustProxyIsRefused(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"proxy.local", "10.0.0.0/33", "127.0.0.1/32,nonsense"} {
		var stderr strings.Builder
		err := run(t.Context(), []string{"-addr", "127.0.0.1:0", "-trust-proxy", v}, &strings.Builder{}, &stderr)
		if err == nil || !strings.Contains(err.Error(), "-trust-proxy") {
			t.Errorf("-trust-proxy %q: err = %v, want a -trust-proxy error", v, err)
		}
	}
}
