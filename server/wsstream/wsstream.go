// Package wsstream is GET /ws/stream: the course's greeting generator
// (/stream) told over a WebSocket instead, one text message per greeting,
// so a lesson can set the two side by side.
//
// A viewer mostly waits, and the server is meant to hold ten thousand of
// them, so an idle one costs one goroutine and two timers (the pause, the
// ping; wslimit's timers start a goroutine only when they fire), plus what
// nhooyr keeps per connection: no buffers of its own, no ticker, no
// goroutine per message.
package wsstream

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/greetings"
	"wirebook/server/wsaccept"
	"wirebook/server/wslimit"
)

// Defaults and bounds of the settings. The greetings, their count and the
// pauses come from package greetings, as /stream's do.
const (
	DefaultWriteTimeout = 10 * time.Second // a viewer that stops reading is let go
	MaxWriteTimeout     = time.Minute
	// DefaultMaxConns is above the 10 000 viewers wirebook is built to hold
	// (DESIGN.md's budget, at most 40 KiB each).
	DefaultMaxConns     = 16384
	MaxMaxConns         = 1 << 20
	DefaultPingInterval = 30 * time.Second // finds a viewer gone within a minute
	MaxPingInterval     = 10 * time.Minute
)

// Option sets one setting of the stream.
type Option func(*stream)

// WithOriginPatterns allows pages from other origins to connect, as
// websocket.AcceptOptions.OriginPatterns does. The default is the request's
// own host only.
func WithOriginPatterns(patterns ...string) Option {
	return func(s *stream) { s.accept.OriginPatterns = append(s.accept.OriginPatterns, patterns...) }
}

// WithWriteTimeout caps the sending of one greeting, clamped to
// [1 ms, MaxWriteTimeout]; a viewer that does not read is disconnected.
func WithWriteTimeout(d time.Duration) Option {
	return func(s *stream) { s.writeTimeout = min(max(d, time.Millisecond), MaxWriteTimeout) }
}

// WithMaxConns caps the viewers connected at once, clamped to
// [1, MaxMaxConns]. One more is answered 503 with Retry-After before the
// upgrade.
func WithMaxConns(n int) Option {
	return func(s *stream) { s.maxConns = min(max(n, 1), MaxMaxConns) }
}

// WithPingInterval sets how often each viewer is pinged, clamped to
// [1 ms, MaxPingInterval]. A viewer whose pong has not come by the next
// ping is gone, and is dropped.
func WithPingInterval(d time.Duration) Option {
	return func(s *stream) { s.pingInterval = min(max(d, time.Millisecond), MaxPingInterval) }
}

// WithLogger sets where refused handshakes are logged. The default is
// slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(s *stream) { s.log = l }
}

type stream struct {
	greetings    *greetings.Greetings
	writeTimeout time.Duration
	pingInterval time.Duration
	maxConns     int
	conns        *wslimit.Gate
	accept       websocket.AcceptOptions
	log          *slog.Logger
}

// New returns the /ws/stream handler, telling g.
func New(g *greetings.Greetings, opts ...Option) http.Handler {
	s := &stream{
		greetings:    g,
		writeTimeout: DefaultWriteTimeout,
		pingInterval: DefaultPingInterval,
		maxConns:     DefaultMaxConns,
		log:          slog.Default(),
	}
	for _, opt := range opts {
		opt(s)
	}
	s.conns = wslimit.NewGate(s.maxConns, "/ws/stream")
	return s
}

// ServeHTTP sends greetings picked at random, one text message each with a
// random pause between them, then closes the connection normally. The
// context from CloseRead ends the moment the viewer leaves or the server
// shuts down, and cuts a pause short. Past the cap on viewers the answer
// is a 503 instead of an upgrade, and a viewer that stops answering pings
// is dropped.
//
//wirebook:snippet /ws/stream
func (s *stream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	leave, ok := s.conns.Enter(w)
	if !ok {
		return // Enter has answered 503: too many viewers
	}
	defer leave()
	c, err := wsaccept.Accept(w, r, &s.accept)
	if err != nil {
		s.log.Info("ws/stream: handshake refused", "origin", r.Header.Get("Origin"), "err", err)
		return // Accept has answered: 403 for a foreign Origin
	}
	defer c.CloseNow()
	ctx, stopReading := closeRead(r.Context(), c) // a viewer only listens
	defer stopReading()
	defer wslimit.KeepAlive(ctx, c, s.pingInterval)() // closeRead reads the pongs

	pause := time.NewTimer(0) // one timer, reset for every pause
	defer pause.Stop()
	for i := range s.greetings.Count() {
		if i > 0 {
			pause.Reset(s.greetings.Pause()) // since Go 1.23, no stale tick survives a Reset
			select {
			case <-ctx.Done():
				return
			case <-pause.C:
			}
		}
		if err := s.send(ctx, c, s.greetings.Pick()); err != nil {
			return // the viewer is gone
		}
	}
	c.Close(websocket.StatusNormalClosure, "sent "+strconv.Itoa(s.greetings.Count())+" greetings")
}

// closeRead is websocket.Conn.CloseRead without its stall. Both read the
// connection so pings and the close handshake are answered, and close it
// with StatusPolicyViolation if a data message comes. But nhooyr's (v1.8.17)
// then calls Close from its own reading goroutine, and Close waits for that
// goroutine to end: it gives up after 15 s, and until then the handler, its
// connection and both goroutines outlive the viewer (coder/websocket#429).
// Here Close has nothing of its own to wait for. stop ends the reading and
// waits for it.
func closeRead(ctx context.Context, c *websocket.Conn) (_ context.Context, stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer cancel()
		if _, _, err := c.Reader(ctx); err == nil {
			c.Close(websocket.StatusPolicyViolation, "a viewer sends no messages")
		}
	}()
	return ctx, func() {
		cancel()
		c.CloseNow()
		<-done
	}
}

func (s *stream) send(ctx context.Context, c *websocket.Conn, msg string) error {
	ctx, cancel := context.WithTimeout(ctx, s.writeTimeout)
	defer cancel()
	return c.Write(ctx, websocket.MessageText, []byte(msg))
}
