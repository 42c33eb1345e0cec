package wsstream

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"nhooyr.io/websocket"

	"wirebook/server/greetings"
)

// TestMain fails the package if a viewer's goroutines outlive its test.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const testTimeout = 10 * time.Second

var testGreetings = []string{"Hello", "Bonjour", "Hola", "Nǐn hǎo"}

// greet is count of lines, with pauses up to maxDelay.
func greet(lines []string, count int, maxDelay time.Duration) *greetings.Greetings {
	return greetings.New(lines, greetings.WithCount(count), greetings.WithMaxDelay(maxDelay))
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

// serve starts h with base as the server's base context and returns the
// ws:// URL and the Origin of its own pages.
func serve(t *testing.T, h http.Handler, base context.Context) (url, origin string) {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.BaseContext = func(net.Listener) context.Context { return base }
	srv.Start()
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http"), srv.URL
}

func dial(t *testing.T, url, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	// No keep-alive: a refused handshake would leave an idle connection,
	// and its goroutines, in a shared pool.
	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	c, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPHeader: http.Header{"Origin": {origin}},
		HTTPClient: hc,
	})
	if c != nil {
		t.Cleanup(func() { c.CloseNow() })
	}
	return c, resp, err
}

func read(c *websocket.Conn) (websocket.MessageType, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	typ, b, err := c.Read(ctx)
	return typ, string(b), err
}

func TestSendsCountGreetingsThenClosesNormally(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opts  []greetings.Option
		count int
	}{
		{"no pause", []greetings.Option{greetings.WithCount(5), greetings.WithMaxDelay(0)}, 5},
		{"short random pauses", []greetings.Option{greetings.WithCount(3), greetings.WithMaxDelay(5 * time.Millisecond)}, 3},
		{"count below 1 is 1", []greetings.Option{greetings.WithCount(-3), greetings.WithMaxDelay(0)}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, origin := serve(t, New(greetings.New(testGreetings, tt.opts...)), context.Background())
			c, _, err := dial(t, url, origin)
			if err != nil {
				t.Fatal(err)
			}
			for i := range tt.count {
				typ, msg, err := read(c)
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if typ != websocket.MessageText || !slices.Contains(testGreetings, msg) {
					t.Errorf("message %d = %v %q, want a text greeting", i, typ, msg)
				}
			}
			_, msg, err := read(c)
			var ce websocket.CloseError
			if !errors.As(err, &ce) {
				t.Fatalf("after %d greetings: got %q, %v; want a close", tt.count, msg, err)
			}
			want := websocket.CloseError{Code: websocket.StatusNormalClosure, Reason: "sent " + strconv.Itoa(tt.count) + " greetings"}
			if ce != want {
				t.Errorf("close = %+v, want %+v", ce, want)
			}
		})
	}
}

func TestBlankGreetingsBecomeHello(t *testing.T) {
	t.Parallel()
	url, origin := serve(t, New(greet([]string{"", "  \r", "\t"}, 1, 0)), context.Background())
	c, _, err := dial(t, url, origin)
	if err != nil {
		t.Fatal(err)
	}
	if _, msg, err := read(c); err != nil || msg != "Hello" {
		t.Errorf("got %q, %v; want Hello", msg, err)
	}
}

// slow is a stream whose pauses are far longer than any test, so only a
// prompt stop can end its handler in time.
func slow() *doneHandler {
	return &doneHandler{h: New(greet([]string{"Hi"}, greetings.MaxCount, time.Minute)), done: make(chan struct{})}
}

func TestViewerLeavingEndsTheHandler(t *testing.T) {
	t.Parallel()
	h := slow()
	url, origin := serve(t, h, context.Background())
	c, _, err := dial(t, url, origin)
	if err != nil {
		t.Fatal(err)
	}
	if _, msg, err := read(c); err != nil || msg != "Hi" {
		t.Fatalf("first greeting: %q, %v", msg, err)
	}
	c.CloseNow()
	select {
	case <-h.done:
	case <-time.After(testTimeout):
		t.Fatal("the handler is still pausing after the viewer left")
	}
}

func TestServerShutdownEndsTheHandler(t *testing.T) {
	t.Parallel()
	h := slow()
	base, stop := context.WithCancel(context.Background())
	defer stop()
	url, origin := serve(t, h, base)
	c, _, err := dial(t, url, origin)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := read(c); err != nil {
		t.Fatal(err)
	}
	stop() // what the server does on Ctrl-C
	select {
	case <-h.done:
	case <-time.After(testTimeout):
		t.Fatal("the handler is still pausing after shutdown")
	}
	if _, msg, err := read(c); err == nil {
		t.Errorf("read %q after shutdown, want the connection closed", msg)
	}
}

func TestHandshakeRefusesForeignOrigin(t *testing.T) {
	t.Parallel()
	url, origin := serve(t, New(greet(testGreetings, 1, 0), WithOriginPatterns("trusted.example")), context.Background())
	tests := []struct {
		name, origin string
		status       int
	}{
		{"foreign origin is a 403", "http://evil.example", http.StatusForbidden},
		{"listed origin pattern is accepted", "http://trusted.example", http.StatusSwitchingProtocols},
		{"own origin is accepted", origin, http.StatusSwitchingProtocols},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, resp, err := dial(t, url, tt.origin)
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d (err %v)", resp.StatusCode, tt.status, err)
			}
		})
	}
}
