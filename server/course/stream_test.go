package course

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
	"wirebook/server/internal/testkit"

	"wirebook/server/greetings"
)

var testGreetings = []string{"Hello", "Bonjour", "Hola", "Nǐn hǎo"}

// greet is WithGreetings of lines, count of them and pauses up to maxDelay.
func greet(lines []string, count int, maxDelay time.Duration) Option {
	return WithGreetings(greetings.New(lines, greetings.WithCount(count), greetings.WithMaxDelay(maxDelay)))
}

func TestStream(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(greet(testGreetings, 5, 0)).App())

	resp, body := testkit.Get(t, c, url+"/stream")
	testkit.WantStatus(t, resp, http.StatusOK)
	testkit.WantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
	if !strings.HasSuffix(body, "\n") {
		t.Errorf("body %q does not end in a newline", body)
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("got %d lines, want 5: %q", len(lines), body)
	}
	for _, l := range lines {
		if !slices.Contains(testGreetings, l) {
			t.Errorf("line %q is not one of the greetings", l)
		}
	}
}

func TestStreamPausesBetweenLines(t *testing.T) {
	t.Parallel()
	// With one greeting the body is fixed; a small delay keeps the test fast
	// while still exercising the timer path.
	url, c := serve(t, New(greet([]string{"Hi"}, 3, 5*time.Millisecond)).App())
	_, body := testkit.Get(t, c, url+"/stream")
	if body != "Hi\nHi\nHi\n" {
		t.Errorf("body = %q", body)
	}
}

// doneHandler closes done once the handler it wraps has returned.
type doneHandler struct {
	h    http.Handler
	done chan struct{}
}

func (d *doneHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer close(d.done)
	d.h.ServeHTTP(w, r)
}

// slowStream is /stream with pauses far longer than any test, so only a
// prompt stop can end it in time.
func slowStream() *doneHandler {
	c := New(greet([]string{"Hi"}, greetings.MaxCount, time.Minute))
	return &doneHandler{h: c.Stream(), done: make(chan struct{})}
}

// readFirstLine starts a stream and reads its first line, which proves the
// line was flushed on its own: the next one is a minute away.
func readFirstLine(t *testing.T, ctx context.Context, srv *httptest.Server) io.Closer {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(resp.Body).ReadString('\n')
	if err != nil || line != "Hi\n" {
		t.Fatalf("first line = %q, %v; want %q", line, err, "Hi\n")
	}
	return resp.Body
}

// waitDone fails the test if the handler has not returned within a bound far
// above what a prompt stop takes; it returns as soon as the handler has.
func waitDone(t *testing.T, done <-chan struct{}) {
	t.Helper()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("stream handler still running after its request ended")
	}
}

func TestStreamStopsWhenClientHangsUp(t *testing.T) {
	t.Parallel()
	h := slowStream()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	// The timeout only bounds a broken handler that never flushes.
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer readFirstLine(t, ctx, srv).Close()
	cancel()
	waitDone(t, h.done)
}

func TestStreamStopsWhenServerShutsDown(t *testing.T) {
	t.Parallel()
	h := slowStream()
	srv := httptest.NewUnstartedServer(h)
	base, stop := context.WithCancel(context.Background())
	defer stop()
	// As in wirebook's main: every request's context derives from the
	// server's base context, which shutdown cancels.
	srv.Config.BaseContext = func(net.Listener) context.Context { return base }
	srv.Start()
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	defer readFirstLine(t, ctx, srv).Close()
	stop()
	waitDone(t, h.done)
}

// A server-wide WriteTimeout suits every other endpoint, but would cut a
// stream short; the stream lifts it for itself.
func TestStreamOutlastsWriteTimeout(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(New(
		greet([]string{"Hi"}, 20, 20*time.Millisecond), // about 200ms in all, well past the timeout
	).Stream())
	srv.Config.WriteTimeout = 50 * time.Millisecond
	srv.Start()
	t.Cleanup(srv.Close)

	start := time.Now()
	_, body := testkit.Get(t, srv.Client(), srv.URL)
	if want := strings.Repeat("Hi\n", 20); body != want {
		t.Errorf("after %v got %d bytes, want %d", time.Since(start), len(body), len(want))
	}
}

// A client that asks for a stream and stops reading is let go once a
// greeting has waited the write timeout, instead of holding a goroutine and
// a connection for as long as the stream would last.
func TestStreamLetsGoOfAClientThatStopsReading(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("Hello! ", 32<<10) // 224 KiB a line: the socket buffers fill in a few lines
	h := &doneHandler{h: New(
		greet([]string{big}, greetings.MaxCount, 0),
		WithStreamWriteTimeout(100*time.Millisecond),
	).Stream(), done: make(chan struct{})}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	waitDone(t, h.done) // and never read
	t.Logf("let go after %v", time.Since(start).Round(time.Millisecond))
}
