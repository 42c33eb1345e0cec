package relay

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
	"nhooyr.io/websocket"

	"wirebook/server/internal/harness"
	"wirebook/server/wireproto"
)

// TestMain fails the package if any test leaves a goroutine behind: every
// relay, upstream handler and WebSocket must have ended.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// testTimeout bounds every wait in these tests; none should come near it.
const testTimeout = 10 * time.Second

// serveRelay starts rl on a loopback httptest server and returns its ws://
// URL. Cleanup closes the server and waits for every relay, so a test whose
// connection never ended hangs here and goleak names it.
func serveRelay(t *testing.T, rl *Relay) string {
	t.Helper()
	srv := httptest.NewServer(rl)
	t.Cleanup(func() {
		srv.Close()
		rl.Wait()
	})
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

// upstream starts h as a server the relay may reach and returns its
// address. A handler that blocks should also watch done, if given: it is
// closed before the server, so that Close never waits on the handler.
func upstream(t *testing.T, h http.HandlerFunc, done chan struct{}) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		if done != nil {
			close(done)
		}
		srv.Close()
	})
	return srv.Listener.Addr().String()
}

// rawUpstream answers every connection with response, byte for byte, then
// closes it: a server that net/http would never write (headers in a chosen
// order, a body cut short).
func rawUpstream(t *testing.T, response string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(testTimeout))
				br := bufio.NewReader(c)
				for { // the request head; the relay's requests here have no body
					line, err := br.ReadString('\n')
					if err != nil || line == "\r\n" {
						break
					}
				}
				c.Write([]byte(response))
			})
		}
	})
	return ln.Addr().String()
}

// client is the test's side of one relay connection: the harness's relay
// client, failing the test where that returns an error.
type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func (c *client) rc() *harness.RelayConn { return &harness.RelayConn{WS: c.ws} }

// dial opens a connection to the relay at u with the given Origin ("" for
// none, as a non-browser client sends).
func dial(t *testing.T, u, origin string) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	defer cancel()
	ws, resp, err := harness.DialWS(ctx, u, "", harness.DialOptions{Origin: origin})
	if ws != nil {
		t.Cleanup(func() { ws.CloseNow() })
	}
	return ws, resp, err
}

// connect dials u as a page of the relay's own origin would.
func connect(t *testing.T, u string) *client {
	t.Helper()
	origin := "http" + strings.TrimPrefix(u, "ws")
	ws, _, err := dial(t, u, origin)
	if err != nil {
		t.Fatalf("dial %s: %v", u, err)
	}
	return &client{t: t, ws: ws}
}

func (c *client) send(f wireproto.Frame) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := c.rc().Send(ctx, f); err != nil {
		c.t.Fatalf("write %v frame: %v", f.Type, err)
	}
}

func (c *client) sendGet(id uint32, url string) {
	c.t.Helper()
	c.send(harness.GetFrame(id, url))
}

// next reads one frame.
func (c *client) next() wireproto.Frame {
	c.t.Helper()
	f, err := c.read()
	if err != nil {
		c.t.Fatalf("read: %v", err)
	}
	return f
}

func (c *client) read() (wireproto.Frame, error) {
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	return c.rc().Next(ctx)
}

// collect reads frames of relay id up to its End or Error and returns
// them all; frames of other relays are an error.
func (c *client) collect(id uint32) []wireproto.Frame {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	fs, err := c.rc().Collect(ctx, id)
	if err != nil {
		c.t.Fatal(err)
	}
	return fs
}

// collectAll reads frames until every relay in ids has ended, and returns
// each one's frames.
func (c *client) collectAll(ids ...uint32) map[uint32][]wireproto.Frame {
	c.t.Helper()
	fs := make(map[uint32][]wireproto.Frame)
	for open := len(ids); open > 0; {
		f := c.next()
		if !slices.Contains(ids, f.ID) {
			c.t.Fatalf("got a %v frame for relay %d, want one of %v", f.Type, f.ID, ids)
		}
		fs[f.ID] = append(fs[f.ID], f)
		if harness.Final(f) {
			open--
		}
	}
	return fs
}

// get relays GET url as relay 1 and returns its frames.
func (c *client) get(url string) []wireproto.Frame {
	c.t.Helper()
	c.sendGet(1, url)
	return c.collect(1)
}

// wantError checks that f is an Error frame whose message holds want.
func wantError(t *testing.T, f wireproto.Frame, want string) {
	t.Helper()
	if f.Type != wireproto.FrameError {
		t.Fatalf("got a %v frame %+v, want an error", f.Type, f)
	}
	if !strings.Contains(f.Message, want) {
		t.Errorf("error %q does not say %q", f.Message, want)
	}
}

// body joins the data of the chunk frames in fs.
func body(fs []wireproto.Frame) string { return harness.Body(fs) }

func last(fs []wireproto.Frame) wireproto.Frame { return fs[len(fs)-1] }

// waitFor fails the test if ch is not closed (or sent on) in time.
func waitFor[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(testTimeout):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// headOf returns the Head frame of fs, which must follow the Sent frame
// that opens them.
func headOf(t *testing.T, fs []wireproto.Frame) wireproto.Frame {
	t.Helper()
	if len(fs) < 2 || fs[0].Type != wireproto.FrameSent || fs[1].Type != wireproto.FrameHead {
		t.Fatalf("frames %v do not open with sent, head", types(fs))
	}
	return fs[1]
}

// finalOf reads frames, skipping any before it, up to the one that ends
// relay id, and returns it.
func (c *client) finalOf(id uint32) wireproto.Frame {
	c.t.Helper()
	for {
		if f := c.next(); f.ID == id && harness.Final(f) {
			return f
		}
	}
}

// closeErr reads frames until the connection ends and returns why.
func (c *client) closeErr() error {
	for {
		if _, err := c.read(); err != nil {
			return err
		}
	}
}
