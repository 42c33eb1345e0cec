// Package relay is the server side of wirebook's "wire" transport: the page
// sends a cell's request over a WebSocket, the server writes it on a
// connection of its own exactly as the cell says (names in the cell's case
// and order, plus only what HTTP/1.1 requires and the cell's client option
// adds), and streams back what came over the wire: the request as written,
// the response head as received, each piece of the body as it arrives with
// its chunk-size line, then totals and timings. Redirects are not followed
// and bodies are not decompressed, so a student sees a 301 with its
// Location and the gzip bytes a server sent.
//
// The protocol is wireproto.Frame, one per binary message. The client sends
// FrameSend (with an ID it picks) and FrameCancel; the server answers each
// send with FrameQueued while it waits for a slot (see admission), FrameSent, FrameHead, zero or more FrameChunk, a FrameCheck if
// the send carried expectations, and FrameEnd, or with a FrameError at any
// point, after which that ID is free again. Relay.Send makes one exchange and is
// also what `wirebook check` calls, so there is one sender.
//
// Bad input is answered in one of two ways. A request the relay will not or
// cannot make (a refused target, a full queue, a dead server) is a
// FrameError for its ID, and the connection goes on: the student fixes the
// cell and runs it again. A message that breaks the protocol (not binary,
// not a frame, a server-to-client frame, an ID already in flight) means the
// client is broken or is not ours, and the connection is closed with
// StatusUnsupportedData or StatusPolicyViolation and the reason.
package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/wireproto"
	"wirebook/server/wsaccept"
	"wirebook/server/wslimit"
)

// Relay is the http.Handler of GET /ws/relay. It is safe for concurrent use.
type Relay struct {
	policy  atomic.Pointer[policy]
	hosts   []string // from WithAllowedHosts, until New builds the policy
	origins []string

	maxMessage, maxBody, maxHeader int64
	maxSent                        int
	maxPerConn, maxTotal, maxConns int
	maxQueue                       int
	timeout, writeTimeout          time.Duration
	queueWait                      time.Duration
	idleTimeout, pingInterval      time.Duration
	log                            *slog.Logger

	conns *wslimit.Gate

	admission *admission // the slots of requests in flight, over all connections, and the line for them
	dialer    net.Dialer
	lookup    func(ctx context.Context, host string) ([]netip.Addr, error)
	tls       *tls.Config // for https; nil means the system's roots

	wg sync.WaitGroup // connections and relays still running
}

// New returns a Relay with the defaults above, changed by opts in order.
func New(opts ...Option) *Relay {
	r := &Relay{
		maxMessage:   DefaultMaxMessageBytes,
		maxBody:      DefaultMaxBodyBytes,
		maxHeader:    DefaultMaxHeaderBytes,
		maxSent:      DefaultMaxSentBytes,
		maxPerConn:   DefaultMaxPerConn,
		maxTotal:     DefaultMaxTotal,
		maxQueue:     DefaultMaxQueue,
		queueWait:    DefaultQueueWait,
		maxConns:     DefaultMaxConns,
		timeout:      DefaultTimeout,
		writeTimeout: DefaultWriteTimeout,
		idleTimeout:  DefaultIdleTimeout,
		pingInterval: DefaultPingInterval,
		log:          slog.Default(),
	}
	for _, opt := range opts {
		opt(r)
	}
	if err := r.AllowHosts(r.hosts...); err != nil {
		r.log.Warn("relay: some allowed hosts were left out", "err", err)
	}
	r.hosts = nil
	r.conns = wslimit.NewGate(r.maxConns, "/ws/relay")
	r.admission = newAdmission(r.maxTotal, r.maxQueue)
	r.lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
		return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	r.dialer = net.Dialer{
		Timeout: r.timeout,
		ControlContext: func(ctx context.Context, network, address string, c syscall.RawConn) error {
			return r.policy.Load().control(ctx, network, address, c)
		},
	}
	return r
}

// AllowHosts adds targets as WithAllowedHosts does, for addresses known only
// once the listeners are open (a -addr with port 0). It is safe to call
// while the relay serves. The error lists the entries left out.
func (r *Relay) AllowHosts(hostports ...string) error {
	for {
		old := r.policy.Load()
		p, errs := old.with(hostports...)
		if r.policy.CompareAndSwap(old, p) {
			return errors.Join(errs...)
		}
	}
}

// Refusal is why the relay, as configured now, would refuse to send to url:
// the message a student would see ("refused: …"), or "" if the URL passes.
// It sends nothing and resolves no name, so it answers for the URL as
// written: a listed host name is still refused when dialled if its DNS
// answer is a private address (see policy.permit). `wirebook check` asks it
// to warn about a lesson's cells before sending them.
func (r *Relay) Refusal(url string) string {
	if _, err := r.policy.Load().check(url); err != nil {
		return err.Error()
	}
	return ""
}

// ParseHosts splits a -relay-allow value ("kdm.training, 127.0.0.1:8080")
// at commas and checks each entry as WithAllowedHosts reads it.
func ParseHosts(list string) ([]string, error) {
	var hosts []string
	for h := range strings.SplitSeq(list, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	_, errs := (*policy)(nil).with(hosts...)
	return hosts, errors.Join(errs...)
}

// Wait blocks until every connection the relay accepted and every request
// it started has ended. Call it once the listeners are closed and the
// server's base context is cancelled, which is what ends them.
func (r *Relay) Wait() { r.wg.Wait() }

// ServeHTTP upgrades to a WebSocket (same-origin pages only), then reads
// frames until the page leaves: each send starts one relay, each cancel
// stops one. When the connection ends, for whatever reason, every relay it
// started is stopped and waited for. Past the cap on connections, the
// answer is a 503 instead of an upgrade; a page quiet for the idle timeout
// is closed, and one that stops answering pings is dropped.
//
//wirebook:snippet /ws/relay
func (r *Relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.wg.Add(1)
	defer r.wg.Done()
	leave, ok := r.conns.Enter(w)
	if !ok {
		return // Enter has answered 503
	}
	defer leave()
	ws, err := wsaccept.Accept(w, req, &websocket.AcceptOptions{OriginPatterns: r.origins})
	if err != nil {
		// Accept has answered: 403 for a foreign Origin, 426 for a plain GET.
		r.log.Info("relay: handshake refused", "origin", req.Header.Get("Origin"), "err", err)
		return
	}
	ws.SetReadLimit(r.maxMessage)

	// ctx ends when the page leaves or the server shuts down.
	ctx, cancel := context.WithCancel(req.Context())
	s := &session{r: r, ws: ws, ctx: ctx, running: make(map[uint32]context.CancelCauseFunc)}
	stopPing := wslimit.KeepAlive(ctx, ws, r.pingInterval)
	s.idle = wslimit.AfterFunc(r.idleTimeout, s.closeIfIdle)
	code, reason := s.read() // until the page leaves or breaks the protocol
	s.idle.Stop()
	stopPing()
	cancel() // every relay of the page stops
	s.close(code, reason)
}

// session is one WebSocket connection and the relays it started.
type session struct {
	r    *Relay
	ws   *websocket.Conn
	ctx  context.Context
	wg   sync.WaitGroup
	idle *wslimit.Timer // reset by every frame from the page

	mu      sync.Mutex
	running map[uint32]context.CancelCauseFunc
}

var (
	errCancelled = errors.New("cancelled by the client")
	errTimeout   = errors.New("the relay's time limit passed")
)

// read handles client messages until the connection fails or a message
// breaks the protocol; then it returns the close status to send (0 for
// none: the connection is already closed).
func (s *session) read() (websocket.StatusCode, string) {
	for {
		typ, b, err := s.ws.Read(s.ctx)
		if err != nil {
			// The page left, the server is stopping, or the message was over
			// the read limit (nhooyr has sent StatusMessageTooBig).
			s.r.log.Debug("relay: connection ended", "status", websocket.CloseStatus(err), "err", err)
			return 0, ""
		}
		s.idle.Reset(s.r.idleTimeout)
		if typ != websocket.MessageBinary {
			return websocket.StatusUnsupportedData, "relay frames are binary messages"
		}
		f, err := wireproto.DecodeFrame(b)
		if err != nil {
			return websocket.StatusPolicyViolation, closeReason(err.Error())
		}
		switch f.Type {
		case wireproto.FrameSend:
			if !s.start(&f) {
				return websocket.StatusPolicyViolation, "relay ID " + strconv.FormatUint(uint64(f.ID), 10) + " is already in flight"
			}
		case wireproto.FrameCancel:
			s.mu.Lock()
			cancel := s.running[f.ID]
			s.mu.Unlock()
			if cancel != nil { // else it has just ended: nothing to stop
				cancel(errCancelled)
			}
		default:
			return websocket.StatusPolicyViolation, "a client sends send and cancel frames, not " + f.Type.String()
		}
	}
}

// start starts f's relay, or answers it with an error frame when the page
// has too many in flight. It returns false only if f's ID is already in
// flight.
func (s *session) start(f *wireproto.Frame) bool {
	s.mu.Lock()
	_, busy := s.running[f.ID]
	n := len(s.running)
	s.mu.Unlock()
	if busy {
		return false
	}
	if n >= s.r.maxPerConn {
		s.fail(f.ID, "too many requests in flight: a page may run "+strconv.Itoa(s.r.maxPerConn)+" at once; wait for one to finish")
		return true
	}

	ctx, cancel := context.WithCancelCause(s.ctx)
	s.mu.Lock()
	s.running[f.ID] = cancel
	s.mu.Unlock()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel(nil)
		freed := false
		free := func() {
			s.mu.Lock()
			delete(s.running, f.ID)
			s.mu.Unlock()
			freed = true
		}
		s.r.Send(ctx, *f, func(out *wireproto.Frame) error {
			if out.Type == wireproto.FrameEnd || out.Type == wireproto.FrameError {
				// The ID is free before the last frame goes out, so the
				// page may reuse it the moment it reads that frame.
				free()
			}
			if s.ctx.Err() != nil {
				return s.ctx.Err() // no one to tell
			}
			return s.send(out)
		})
		if !freed { // the page left before the last frame
			free()
		}
	}()
	return true
}

// closeIfIdle closes the connection if no relay of its own is in flight: a
// page waiting on a slow answer is not idle. The read loop then sees the
// close and ends the session.
func (s *session) closeIfIdle(idle *wslimit.Timer) {
	s.mu.Lock()
	busy := len(s.running) > 0
	s.mu.Unlock()
	if busy {
		idle.Reset(s.r.idleTimeout)
		return
	}
	s.r.log.Debug("relay: closing an idle connection", "after", s.r.idleTimeout)
	s.ws.Close(websocket.StatusGoingAway, closeReason("idle for "+s.r.idleTimeout.String()+": no request from the page"))
}

// close ends the connection once its relays have ended: with code and
// reason if the page broke the protocol, so that it learns why; at once if
// the connection is already gone, which also fails any relay still writing.
func (s *session) close(code websocket.StatusCode, reason string) {
	if code == 0 {
		s.ws.CloseNow()
		s.wg.Wait()
		return
	}
	s.wg.Wait()
	s.ws.Close(code, reason)
}

func (s *session) fail(id uint32, msg string) {
	s.send(&wireproto.Frame{Type: wireproto.FrameError, ID: id, Message: msg})
}

// encBufs holds encoding buffers sized for a chunk frame.
var encBufs = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize+64); return &b }}

// send writes one frame. nhooyr's Conn.Write is safe for concurrent use and
// writes a message whole under its own lock, so frames of concurrent relays
// never interleave. The write has its own timeout, not the relay's context:
// nhooyr closes the whole connection when a write's context ends, and one
// cancelled relay must not end the others.
func (s *session) send(f *wireproto.Frame) error {
	bp := encBufs.Get().(*[]byte)
	defer encBufs.Put(bp)
	b, err := f.AppendBinary((*bp)[:0])
	if err != nil {
		s.r.log.Error("relay: cannot encode a frame", "type", f.Type, "err", err)
		return err
	}
	if cap(b) <= 2*(chunkSize+64) {
		*bp = b // keep the grown buffer, unless a huge head made it
	}
	ctx, cancel := context.WithTimeout(context.Background(), s.r.writeTimeout)
	defer cancel()
	return s.ws.Write(ctx, websocket.MessageBinary, b)
}

// closeReason cuts s to the 123 bytes a close frame's reason may hold.
func closeReason(s string) string {
	const max = 123
	if len(s) <= max {
		return s
	}
	return strings.ToValidUTF8(s[:max], "")
}
