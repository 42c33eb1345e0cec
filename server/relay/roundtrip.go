package relay

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"wirebook/server/wireproto"
)

// chunkSize is the most one body read, and so one chunk frame, carries. A
// chunk frame adds at most 18 bytes and its size line, whose bytes the
// body reader takes off the data, so it stays within the 32 KiB that
// WebSocket libraries (nhooyr's among them) accept by default; only a last
// chunk with long trailers can pass it.
const chunkSize = 32<<10 - 32

var readBufs = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// headBufs holds the readers of upstream connections. 4 KiB is also the
// longest chunk-size line read whole (maxSizeLine).
var headBufs = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, maxSizeLine) }}

// aLongTimeAgo is a deadline in the past: set on a connection, it ends
// every read and write on it at once.
var aLongTimeAgo = time.Unix(1, 0)

// roundTrip writes w to t on a connection of its own and sends what comes
// back: the Sent frame once the request is written, the Head frame, and a
// Chunk frame for each piece of the body as it arrives, keeping a copy in
// ans if it is not nil. It returns the frame that ends the relay (End or
// Error), or nil if the page can no longer be written to.
//
// One connection per request, closed at the end: what the connection reads
// first is this response's head, a request can never meet another's
// leftovers, and loopback connections are cheap.
func (r *Relay) roundTrip(ctx context.Context, id uint32, w *wireRequest, t target, send func(*wireproto.Frame) error, ans *answer) *wireproto.Frame {
	tm := &timing{start: time.Now()}
	conn, err := r.connect(ctx, t)
	if err != nil {
		return errorFrame(id, r.describe(ctx, err, t, nil))
	}
	defer conn.Close()
	tm.connect = time.Since(tm.start)
	// The context's end (cancel, the time limit, the page leaving) ends any
	// read or write in progress; describe then reads why from ctx.
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(aLongTimeAgo) })
	defer stop()

	if _, err := conn.Write(w.bytes); err != nil {
		return errorFrame(id, r.describe(ctx, err, t, nil))
	}
	if send(w.sentFrame(id, r.maxSent)) != nil {
		return nil
	}

	br := headBufs.Get().(*bufio.Reader)
	br.Reset(conn)
	defer func() {
		br.Reset(nil)
		headBufs.Put(br)
	}()
	if _, err := br.Peek(1); err != nil {
		return errorFrame(id, r.describe(ctx, err, t, nil))
	}
	tm.firstByte = time.Since(tm.start)
	h, err := readHead(br, int(r.maxHeader))
	if err != nil {
		return errorFrame(id, r.describe(ctx, err, t, nil))
	}
	head := h.frame(id)
	ans.head(&head)
	if send(&head) != nil {
		return nil
	}

	how, length, err := bodyFraming(w.method, h)
	if err != nil {
		return errorFrame(id, "the body could not be read: "+err.Error())
	}
	body := &bodyReader{br: br, framing: how, left: max(length, 0), limit: int(r.maxHeader)}
	n, truncated, err := r.sendBody(body, id, tm.start, send, ans)
	switch {
	case errors.Is(err, errPageGone):
		return nil
	case err != nil:
		return errorFrame(id, r.describe(ctx, err, t, &bodyState{framing: how, length: length, read: n}))
	}
	return tm.end(id, n, truncated)
}

func errorFrame(id uint32, msg string) *wireproto.Frame {
	return &wireproto.Frame{Type: wireproto.FrameError, ID: id, Message: msg}
}

// timing is what an end frame reports of one exchange: when the connection
// was ready (TCP, and TLS for https) and when the first byte of the answer
// came, both since start; 0 if it never happened.
type timing struct {
	start              time.Time
	connect, firstByte time.Duration
}

// end is the frame that ends a relay whose body was read to its end or to
// the cap: n bytes of it were sent.
func (tm *timing) end(id uint32, n int64, truncated bool) *wireproto.Frame {
	return &wireproto.Frame{
		Type:      wireproto.FrameEnd,
		ID:        id,
		Bytes:     n,
		Connect:   wireproto.Duration(tm.connect),
		FirstByte: wireproto.Duration(tm.firstByte),
		Total:     wireproto.Duration(time.Since(tm.start)),
		Truncated: truncated,
	}
}

// errPageGone is sendBody's error when a chunk could not be sent.
var errPageGone = errors.New("the page can no longer be written to")

// sendBody sends body as chunk frames as it is read, each timed from start,
// and keeps a copy in ans. It returns how many bytes it sent, whether it
// stopped at r.maxBody, and the read error that ended the body early, or
// errPageGone.
func (r *Relay) sendBody(body *bodyReader, id uint32, start time.Time, send func(*wireproto.Frame) error, ans *answer) (int64, bool, error) {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	var n int64
	truncated := false
	for !truncated {
		k, sizeLine, err := body.next(buf)
		if k > 0 || sizeLine != "" {
			at := wireproto.Duration(time.Since(start))
			data := buf[:k]
			if rest := r.maxBody - n; int64(k) > rest {
				data, truncated = data[:rest], true
			}
			if len(data) > 0 || sizeLine != "" {
				ans.chunk(data)
				if send(&wireproto.Frame{Type: wireproto.FrameChunk, ID: id, Data: data, At: at, SizeLine: sizeLine}) != nil {
					return n, truncated, errPageGone
				}
				n += int64(len(data))
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil && !truncated {
			return n, false, err
		}
	}
	return n, truncated, nil
}

// connect dials t as dialChecked allows and, for https, makes the TLS
// handshake: SNI and verification for t's host, against the system's
// roots or the relay's own tls config (tests). No ALPN is offered, so the
// server speaks HTTP/1.1.
func (r *Relay) connect(ctx context.Context, t target) (net.Conn, error) {
	c, err := r.dialChecked(ctx, t.String())
	if err != nil || t.u.Scheme != "https" {
		return c, err
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if r.tls != nil {
		cfg = r.tls.Clone()
	}
	cfg.ServerName = t.host
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// dialChecked resolves addr itself, so that the addresses are checked
// before any is dialled: an IP literal as it is, localhost as the loopback
// addresses (RFC 6761; no resolver is asked), a listed name through DNS.
// The dialer's control function checks again at connect time.
func (r *Relay) dialChecked(ctx context.Context, addr string) (net.Conn, error) {
	host, ps, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, refused("cannot read the address " + strconv.Quote(addr))
	}
	port64, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return nil, refused("cannot read the port of " + strconv.Quote(addr))
	}
	port := uint16(port64)
	p := r.policy.Load()
	var ips []netip.Addr
	name := ""
	if ip, err := netip.ParseAddr(host); err == nil {
		ips = []netip.Addr{ip}
	} else {
		name = strings.ToLower(host)
		switch {
		case name == "localhost":
			ips = loopbacks
		case p.names[net.JoinHostPort(name, ps)]:
			if ips, err = r.lookup(ctx, name); err != nil {
				return nil, err
			}
		default:
			return nil, refused(net.JoinHostPort(name, ps) + " is not one of wirebook's own addresses" + allowHint)
		}
		ctx = context.WithValue(ctx, dialNameKey{}, name)
	}
	var dialErr, refusal error
	for _, ip := range ips {
		if !p.permit(ip, port, name) {
			if refusal == nil {
				refusal = p.control(ctx, "tcp", netip.AddrPortFrom(ip, port).String(), nil)
			}
			continue
		}
		c, err := r.dialer.DialContext(ctx, "tcp", netip.AddrPortFrom(ip, port).String())
		if err == nil {
			return c, nil
		}
		dialErr = err
	}
	if dialErr != nil {
		return nil, dialErr
	}
	if refusal == nil {
		refusal = refused(name + " has no address")
	}
	return nil, refusal
}

// bodyState is where a body read failed, for the message.
type bodyState struct {
	framing framing
	length  int64
	read    int64
}

// describe says in the student's terms why the exchange with t failed; body
// is nil if no response head had come.
func (r *Relay) describe(ctx context.Context, err error, t target, body *bodyState) string {
	if ctx.Err() != nil {
		switch context.Cause(ctx) {
		case errCancelled:
			return "cancelled"
		case errTimeout:
			if body != nil {
				return "stopped after " + seconds(r.timeout) + ": the body was still arriving (the relay's time limit)"
			}
			return "no answer within " + seconds(r.timeout)
		}
		return "cancelled: the page or the server is closing"
	}
	var ref *refusal
	if errors.As(err, &ref) {
		return ref.msg
	}
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: nothing is listening on " + t.String()
	case errors.Is(err, syscall.ECONNRESET) && body != nil:
		return "the server reset the connection before the body ended, after " + strconv.FormatInt(body.read, 10) + " bytes"
	case errors.Is(err, syscall.ECONNRESET):
		return "the server reset the connection without answering"
	case errors.As(err, &ne) && ne.Timeout():
		return "no answer within " + seconds(r.timeout)
	case body == nil && errors.Is(err, errHeadTooLarge):
		return "the response head is larger than the relay's limit of " + strconv.FormatInt(r.maxHeader>>10, 10) + " KiB"
	case body == nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return "the server closed the connection without answering"
	case body != nil && errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection before the body ended (" + howTruncated(body) + ")"
	}
	if body != nil {
		return "the body could not be read: " + err.Error()
	}
	return "the request failed: " + err.Error()
}

func howTruncated(b *bodyState) string {
	got := strconv.FormatInt(b.read, 10)
	switch b.framing {
	case byChunks:
		return "truncated chunked body, after " + got + " bytes"
	case byLength:
		return got + " of the " + strconv.FormatInt(b.length, 10) + " bytes its Content-Length announced"
	}
	return "after " + got + " bytes"
}

// seconds formats d as a student reads it: "60s", "1.5s", "300ms".
func seconds(d time.Duration) string {
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}
