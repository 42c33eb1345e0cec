package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

func TestStampProxyStampsEachStreamLineAfterItWasWritten(t *testing.T) {
	t.Parallel()
	var (
		mu     sync.Mutex
		writes []time.Time
		host   string
	)
	next := make(chan struct{})
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		host = r.Host
		mu.Unlock()
		if r.URL.Path != "/stream" {
			io.WriteString(w, "not\na\nstream\n")
			return
		}
		w.(http.Flusher).Flush() // the head, so the client's Get returns
		for _, line := range []string{"Hello\n", "Bonjour\n", "Hola\n"} {
			<-next // one line per read at the proxy: the test paces them
			mu.Lock()
			writes = append(writes, time.Now())
			mu.Unlock()
			io.WriteString(w, line)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(backend.Close)

	p, err := listenStampProxy()
	if err != nil {
		t.Fatal(err)
	}
	target, _ := url.Parse(backend.URL)
	p.serve(target)
	t.Cleanup(func() { p.close() })

	resp, err := http.Get("http://" + p.Addr() + "/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	var body string
	for range 3 {
		next <- struct{}{}
		// Each line arrives on its own before the next is written: the
		// proxy passes chunks on at once.
		n, err := resp.Body.Read(buf)
		if err != nil && err != io.EOF { // the last line may come with the end
			t.Fatal(err)
		}
		body += string(buf[:n])
	}
	if rest, _ := io.ReadAll(resp.Body); len(rest) > 0 {
		body += string(rest)
	}
	if body != "Hello\nBonjour\nHola\n" {
		t.Errorf("body %q passed through changed", body)
	}

	stamps := p.stamps()
	mu.Lock()
	wrote, sawHost := writes, host
	mu.Unlock()
	if len(stamps) != 3 {
		t.Fatalf("%d stamps, want one per line", len(stamps))
	}
	for k := range stamps {
		if stamps[k].Before(wrote[k]) {
			t.Errorf("line %d stamped %v before it was written", k, wrote[k].Sub(stamps[k]))
		}
	}
	if sawHost != p.Addr() {
		t.Errorf("the backend saw Host %q, want the proxy's %q (WebSocket origin checks compare them)", sawHost, p.Addr())
	}

	// Other paths pass through unstamped.
	resp2, err := http.Get("http://" + p.Addr() + "/files/")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp2.Body)
	resp2.Body.Close()
	if got := len(p.stamps()); got != 3 {
		t.Errorf("%d stamps after a non-stream request, want still 3", got)
	}
}
