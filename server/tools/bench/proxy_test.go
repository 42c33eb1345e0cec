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

// pacedBackend is a stand-in for wirebook whose /stream writes one line
// each time next is sent on, noting when; other paths answer at once.
type pacedBackend struct {
	*httptest.Server
	next   chan struct{}
	mu     sync.Mutex
	writes []time.Time
	host   string // the Host of the latest request
}

func newPacedBackend(t *testing.T) *pacedBackend {
	b := &pacedBackend{next: make(chan struct{})}
	b.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b.mu.Lock()
		b.host = r.Host
		b.mu.Unlock()
		if r.URL.Path != "/stream" {
			io.WriteString(w, "not\na\nstream\n")
			return
		}
		w.(http.Flusher).Flush() // the head, so the client's Get returns
		for _, line := range []string{"Hello\n", "Bonjour\n", "Hola\n"} {
			<-b.next // one line per read at the proxy: the test paces them
			b.mu.Lock()
			b.writes = append(b.writes, time.Now())
			b.mu.Unlock()
			io.WriteString(w, line)
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(b.Close)
	return b
}

func (b *pacedBackend) seen() ([]time.Time, string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.writes, b.host
}

// readPaced reads the three lines of the paced /stream one at a time.
func (b *pacedBackend) readPaced(t *testing.T, body io.Reader) string {
	t.Helper()
	buf := make([]byte, 64)
	var got string
	for range 3 {
		b.next <- struct{}{}
		// Each line arrives on its own before the next is written: the
		// proxy passes chunks on at once.
		n, err := body.Read(buf)
		if err != nil && err != io.EOF { // the last line may come with the end
			t.Fatal(err)
		}
		got += string(buf[:n])
	}
	rest, _ := io.ReadAll(body)
	return got + string(rest)
}

func TestStampProxyStampsEachStreamLineAfterItWasWritten(t *testing.T) {
	t.Parallel()
	backend := newPacedBackend(t)
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
	if body := backend.readPaced(t, resp.Body); body != "Hello\nBonjour\nHola\n" {
		t.Errorf("body %q passed through changed", body)
	}

	stamps := p.stamps()
	wrote, sawHost := backend.seen()
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
