package harness

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/wireproto"
)

// RelayConn is one page's WebSocket to /ws/relay, speaking the frames of
// wirebook/server/wireproto: the one Go client of the wire transport, for
// the tools and the tests alike.
type RelayConn struct {
	WS *websocket.Conn
}

// DialOptions are the handshake's knobs beyond the URL.
type DialOptions struct {
	// Origin is sent as the Origin header; "" sends none (as a non-browser
	// client does). DialRelay's default is the page's own origin.
	Origin string
	// Client makes the handshake; nil is a client of its own that keeps
	// no idle connection, so a refused handshake leaves nothing behind.
	Client *http.Client
}

// WSURL turns an http:// base into its ws:// form; a ws:// one stays.
func WSURL(base string) string {
	if strings.HasPrefix(base, "ws") {
		return base
	}
	return "ws" + strings.TrimPrefix(base, "http")
}

// DialWS opens a WebSocket to base+path with opts.
func DialWS(ctx context.Context, base, path string, opts DialOptions) (*websocket.Conn, *http.Response, error) {
	h := http.Header{}
	if opts.Origin != "" {
		h.Set("Origin", opts.Origin)
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{Transport: &http.Transport{Proxy: nil, DisableKeepAlives: true}}
	}
	return websocket.Dial(ctx, WSURL(base)+path, &websocket.DialOptions{HTTPHeader: h, HTTPClient: client})
}

// DialRelay opens base's /ws/relay as a page from base would: with base as
// its Origin. The response is the handshake's, for a test of a refusal.
func DialRelay(ctx context.Context, base string, client *http.Client) (*RelayConn, *http.Response, error) {
	ws, resp, err := DialWS(ctx, base, "/ws/relay", DialOptions{Origin: base, Client: client})
	if err != nil {
		return nil, resp, err
	}
	ws.SetReadLimit(1 << 20)
	return &RelayConn{WS: ws}, resp, nil
}

// Send writes one frame.
func (c *RelayConn) Send(ctx context.Context, f wireproto.Frame) error {
	b, err := f.AppendBinary(nil)
	if err != nil {
		return err
	}
	return c.WS.Write(ctx, websocket.MessageBinary, b)
}

// GetFrame is the Send frame of exchange id: GET url, as a cell writes it.
func GetFrame(id uint32, url string) wireproto.Frame {
	return wireproto.Frame{Type: wireproto.FrameSend, ID: id, URL: url,
		Request: wireproto.Request{Method: "GET", Target: url}}
}

// Next reads one frame; a message that is not binary is an error.
func (c *RelayConn) Next(ctx context.Context) (wireproto.Frame, error) {
	typ, b, err := c.WS.Read(ctx)
	if err != nil {
		return wireproto.Frame{}, err
	}
	if typ != websocket.MessageBinary {
		return wireproto.Frame{}, fmt.Errorf("a %v message, want binary", typ)
	}
	return wireproto.DecodeFrame(b)
}

// Collect reads the frames of exchange id up to its End or Error and
// returns them all; a frame of another exchange is an error.
func (c *RelayConn) Collect(ctx context.Context, id uint32) ([]wireproto.Frame, error) {
	var fs []wireproto.Frame
	for {
		f, err := c.Next(ctx)
		if err != nil {
			return fs, err
		}
		if f.ID != id {
			return fs, fmt.Errorf("a %v frame for exchange %d while waiting for %d", f.Type, f.ID, id)
		}
		fs = append(fs, f)
		if Final(f) {
			return fs, nil
		}
	}
}

// Get relays GET url as exchange id and returns its frames.
func (c *RelayConn) Get(ctx context.Context, id uint32, url string) ([]wireproto.Frame, error) {
	if err := c.Send(ctx, GetFrame(id, url)); err != nil {
		return nil, err
	}
	return c.Collect(ctx, id)
}

// Close ends the connection with a normal close; CloseNow drops it.
func (c *RelayConn) Close() error { return c.WS.Close(websocket.StatusNormalClosure, "") }

// CloseNow drops the connection with no close frame.
func (c *RelayConn) CloseNow() error { return c.WS.CloseNow() }

// Final reports whether f ends its exchange.
func Final(f wireproto.Frame) bool {
	return f.Type == wireproto.FrameEnd || f.Type == wireproto.FrameError
}

// Body joins the data of the chunk frames in fs.
func Body(fs []wireproto.Frame) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Type == wireproto.FrameChunk {
			b.Write(f.Data)
		}
	}
	return b.String()
}

// Outcome is how one relayed exchange ended.
type Outcome struct {
	Status  int    // the head's, 0 if none came
	Bytes   int    // body bytes in chunks
	End     bool   // an End frame came
	Message string // the Error frame's message, if that came instead
}

// Hooks let a caller act on the way: when the WebSocket opens, when the
// head or the first chunk arrives, and how long after the head to send
// Cancel (0: never).
type Hooks struct {
	OnOpen       func()
	OnHead       func()
	OnFirstChunk func()
	CancelAfter  time.Duration
}

// RelayOnce opens /ws/relay on base as a page from base would, relays GET
// url, and reads frames until End or Error.
func RelayOnce(ctx context.Context, client *http.Client, base, url string, h Hooks) (Outcome, error) {
	c, _, err := DialRelay(ctx, base, client)
	if err != nil {
		return Outcome{}, err
	}
	defer c.CloseNow()
	if h.OnOpen != nil {
		h.OnOpen()
	}
	out, err := c.exchange(ctx, 7, url, h)
	if err == nil {
		c.Close()
	}
	return out, err
}

// exchange relays GET url as exchange id and follows it to its End or
// Error, calling h's hooks on the way. Its reader may outlive it until the
// connection closes, so it is the connection's last use (RelayOnce's).
func (c *RelayConn) exchange(ctx context.Context, id uint32, url string, h Hooks) (Outcome, error) {
	var out Outcome
	if err := c.Send(ctx, GetFrame(id, url)); err != nil {
		return out, err
	}
	frames, readErr, stop := c.readAll(ctx)
	defer stop()
	var cancelTimer <-chan time.Time
	for {
		select {
		case <-cancelTimer:
			cancelTimer = nil
			if err := c.Send(ctx, wireproto.Frame{Type: wireproto.FrameCancel, ID: id}); err != nil {
				return out, err
			}
		case err := <-readErr:
			return out, fmt.Errorf("the relay connection ended before the exchange did: %w", err)
		case f := <-frames:
			if f.ID != id {
				return out, fmt.Errorf("a %v frame for ID %d, want %d", f.Type, f.ID, id)
			}
			done, err := out.add(f, h)
			if err != nil || done {
				return out, err
			}
			if f.Type == wireproto.FrameHead && h.CancelAfter > 0 {
				cancelTimer = time.After(h.CancelAfter)
			}
		}
	}
}

// add notes one frame of the exchange and says whether it was the last.
func (out *Outcome) add(f wireproto.Frame, h Hooks) (bool, error) {
	switch f.Type {
	case wireproto.FrameSent: // the request as it left, before the head
	case wireproto.FrameQueued: // every slot was taken; it waits its turn
	case wireproto.FrameHead:
		out.Status = f.Status
		if h.OnHead != nil {
			h.OnHead()
		}
	case wireproto.FrameChunk:
		if out.Bytes == 0 && h.OnFirstChunk != nil {
			h.OnFirstChunk()
		}
		out.Bytes += len(f.Data)
	case wireproto.FrameEnd:
		out.End = true
		return true, nil
	case wireproto.FrameError:
		out.Message = f.Message
		return true, nil
	default:
		return true, fmt.Errorf("unexpected %v frame", f.Type)
	}
	return false, nil
}

// readAll reads frames on a goroutine of its own, so that a Cancel can be
// sent while a read waits; stop ends it (before the connection closes).
func (c *RelayConn) readAll(ctx context.Context) (<-chan wireproto.Frame, <-chan error, func()) {
	frames := make(chan wireproto.Frame)
	readErr := make(chan error, 1)
	done := make(chan struct{})
	go func() {
		for {
			f, err := c.Next(ctx)
			if err != nil {
				readErr <- err
				return
			}
			select {
			case frames <- f:
			case <-done:
				return
			}
		}
	}()
	return frames, readErr, func() { close(done) }
}
