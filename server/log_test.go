package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestNoAccessLineIsLostAtStop: the access log is buffered (issue 14), and
// a stop must still write every line of every request served before it,
// ahead of the stop line.
func TestNoAccessLineIsLostAtStop(t *testing.T) {
	t.Parallel()
	in := start(t)
	const n = 200
	for range n {
		resp, err := http.Get(in.urls["main"] + "/hello")
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err, _ := in.stop(t); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for deadline := time.Now().Add(5 * time.Second); ; { // the reader may be a line behind run's return
		lines = in.logLines()
		if len(lines) > 0 && strings.Contains(lines[len(lines)-1], `msg="wirebook stopped"`) || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	hello := 0
	for _, l := range lines {
		if strings.Contains(l, "msg=request ") && strings.Contains(l, " path=/hello ") {
			hello++
		}
	}
	if hello != n {
		t.Fatalf("%d access lines for /hello, want %d", hello, n)
	}
	if last := lines[len(lines)-1]; !strings.Contains(last, `msg="wirebook stopped"`) {
		t.Fatalf("the last line is not the stop line: %q", last)
	}
}
