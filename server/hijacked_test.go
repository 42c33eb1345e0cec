package main

import (
	"net/http"
	"strings"
	"testing"

	"nhooyr.io/websocket"
)

// TestShutdownWaitsForWebSocketHandlers: http.Server.Shutdown does not
// track hijacked connections, so without the program's own count a
// /ws/stream handler could still be running (and log its request after the
// stop line, or be cut off by the exit) when run returns. Found by the soak,
// behind nginx.
func TestShutdownWaitsForWebSocketHandlers(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=1000", "-stream-max-delay=1m")
	const viewers = 8
	for range viewers {
		c, _, err := websocket.Dial(t.Context(), "ws"+strings.TrimPrefix(in.urls["main"], "http")+"/ws/stream",
			&websocket.DialOptions{HTTPHeader: http.Header{"Origin": {in.urls["main"]}}})
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		if _, _, err := c.Read(t.Context()); err != nil {
			t.Fatalf("first greeting: %v", err)
		}
	}

	if err, _ := in.stop(t); err != nil {
		t.Fatalf("run returned %v", err)
	}
	// The log reader may be a line behind run; every line before the stop
	// line is in once the stop line is.
	var lines []string
	waitForLine(t, in, `msg="wirebook stopped"`)
	lines = in.logLines()
	stopAt, logged := -1, 0
	for i, line := range lines {
		if strings.Contains(line, `msg="wirebook stopped"`) {
			stopAt = i
		}
		if strings.Contains(line, "path=/ws/stream ") {
			logged++
			if stopAt >= 0 {
				t.Errorf("a /ws/stream handler logged after the stop line: %s", line)
			}
		}
	}
	if stopAt != len(lines)-1 {
		t.Errorf("the stop line is not the last line:\n%s", strings.Join(lines, "\n"))
	}
	if logged != viewers {
		t.Errorf("%d /ws/stream access lines, want %d: a handler had not ended when run returned", logged, viewers)
	}
}
