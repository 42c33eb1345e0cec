package relay

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"wirebook/server/wireproto"
)

// chunkSize is the most one body read, and so one chunk frame, carries. A
// chunk frame adds at most 18 bytes, so it stays within the 32 KiB that
// WebSocket libraries (nhooyr's among them) accept by default.
const chunkSize = 32<<10 - 32

var readBufs = sync.Pool{New: func() any { b := make([]byte, chunkSize); return &b }}

// roundTrip makes the request and sends its head and body chunks as they
// come, keeping a copy in ans if it is not nil. It returns the frame that
// ends the relay (End or Error), or nil if the page can no longer be
// written to.
func (r *Relay) roundTrip(ctx context.Context, id uint32, creq wireproto.Request, t target, send func(*wireproto.Frame) error, ans *answer) *wireproto.Frame {
	tm := &timing{start: time.Now()}
	slot := &captureSlot{}
	ctx = httptrace.WithClientTrace(context.WithValue(ctx, captureKey{}, slot), tm.trace())
	req, err := newRequest(ctx, creq, t)
	if err != nil {
		return errorFrame(id, err.Error())
	}

	resp, err := r.client.Do(req)
	if err != nil {
		return errorFrame(id, r.describe(ctx, err, t, nil))
	}
	defer resp.Body.Close()
	head := headFrame(id, resp, slot.bytes())
	ans.head(&head)
	if send(&head) != nil {
		return nil
	}

	n, truncated, err := r.sendBody(resp.Body, id, tm.start, send, ans)
	switch {
	case errors.Is(err, errPageGone):
		return nil
	case err != nil:
		return errorFrame(id, r.describe(ctx, err, t, &bodyState{resp: resp, read: n}))
	}
	return tm.end(id, n, truncated)
}

func errorFrame(id uint32, msg string) *wireproto.Frame {
	return &wireproto.Frame{Type: wireproto.FrameError, ID: id, Message: msg}
}

// timing is what an end frame reports of one exchange. The trace's hooks
// run on net/http's goroutines, hence the atomics.
type timing struct {
	start              time.Time
	connect, firstByte atomic.Int64 // nanoseconds since start; 0 if it never happened
}

func (tm *timing) trace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		ConnectDone: func(_, _ string, err error) {
			if err == nil {
				tm.connect.Store(int64(time.Since(tm.start)))
			}
		},
		GotFirstResponseByte: func() { tm.firstByte.Store(int64(time.Since(tm.start))) },
	}
}

// end is the frame that ends a relay whose body was read to its end or to
// the cap: n bytes of it were sent.
func (tm *timing) end(id uint32, n int64, truncated bool) *wireproto.Frame {
	return &wireproto.Frame{
		Type:      wireproto.FrameEnd,
		ID:        id,
		Bytes:     n,
		Connect:   wireproto.Duration(tm.connect.Load()),
		FirstByte: wireproto.Duration(tm.firstByte.Load()),
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
func (r *Relay) sendBody(body io.Reader, id uint32, start time.Time, send func(*wireproto.Frame) error, ans *answer) (int64, bool, error) {
	bp := readBufs.Get().(*[]byte)
	defer readBufs.Put(bp)
	buf := *bp
	var n int64
	truncated := false
	for !truncated {
		k, err := body.Read(buf)
		if k > 0 {
			at := wireproto.Duration(time.Since(start))
			data := buf[:k]
			if rest := r.maxBody - n; int64(k) > rest {
				data, truncated = data[:rest], true
			}
			if len(data) > 0 {
				ans.chunk(data)
				if send(&wireproto.Frame{Type: wireproto.FrameChunk, ID: id, Data: data, At: at}) != nil {
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

// newRequest builds the request a cell describes, for t. net/http decides
// how it goes on the wire: header names in canonical case and sorted (the
// values of a repeated header keep the cell's order), a User-Agent of its
// own if the cell has none, and Connection: close.
func newRequest(ctx context.Context, c wireproto.Request, t target) (*http.Request, error) {
	body := io.Reader(http.NoBody)
	if c.Body != "" {
		body = strings.NewReader(c.Body) // sets ContentLength
	}
	req, err := http.NewRequestWithContext(ctx, c.Method, t.u.String(), body)
	if err != nil {
		return nil, errors.New("cannot send this request: " + strings.TrimPrefix(err.Error(), "net/http: "))
	}
	for _, h := range c.Headers {
		// net/http refuses these too, but in its own words; a frame comes
		// off a socket, so a CR or LF must never reach the wire.
		if !isToken(h.Name) {
			return nil, errors.New("cannot send this request: header name " + strconv.Quote(h.Name) + " is not a valid name")
		}
		if strings.ContainsFunc(h.Value, func(c rune) bool { return c < ' ' && c != '\t' || c == 0x7f }) {
			return nil, errors.New("cannot send this request: header " + h.Name + " has a control character in its value")
		}
		switch {
		case strings.EqualFold(h.Name, "Host"):
			req.Host = h.Value
		case strings.EqualFold(h.Name, "Content-Length"):
			// net/http writes the body's real length; a wrong one would
			// leave the server waiting or read the rest as a new request.
		default:
			req.Header.Add(h.Name, h.Value)
		}
	}
	return req, nil
}

// isToken reports whether s is a non-empty run of tchar (RFC 9110 §5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// dial connects to addr, a host:port of a URL that passed check, dialling
// only the addresses permit allows, and wraps the connection to capture the
// response head.
func (r *Relay) dial(ctx context.Context, _, addr string) (net.Conn, error) {
	c, err := r.dialChecked(ctx, addr)
	if err != nil {
		return nil, err
	}
	return wrapCapture(ctx, c, r.maxHeader), nil
}

// dialTLS is dial for https: the capture must sit above TLS to see the
// plain bytes.
func (r *Relay) dialTLS(ctx context.Context, _, addr string) (net.Conn, error) {
	c, err := r.dialChecked(ctx, addr)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(addr)
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if r.tls != nil {
		cfg = r.tls.Clone()
	}
	cfg.ServerName = host
	tc := tls.Client(c, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return wrapCapture(ctx, tc, r.maxHeader), nil
}

func wrapCapture(ctx context.Context, c net.Conn, maxHeader int64) net.Conn {
	slot, _ := ctx.Value(captureKey{}).(*captureSlot)
	if slot == nil {
		return c
	}
	// The status line and 1xx heads come on top of the header cap.
	cc := &capture{Conn: c, limit: int(maxHeader) + 4<<10}
	slot.set(cc)
	return cc
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
	resp *http.Response
	read int64
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
	case body == nil && strings.Contains(err.Error(), "response headers exceeded"):
		return "the response head is larger than the relay's limit of " + strconv.FormatInt(r.maxHeader>>10, 10) + " KiB"
	case body == nil && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return "the server closed the connection without answering"
	case body != nil && errors.Is(err, io.ErrUnexpectedEOF):
		return "the server closed the connection before the body ended (" + howTruncated(body) + ")"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // drop its `Get "http://…":` prefix
	}
	if body != nil {
		return "the body could not be read: " + err.Error()
	}
	return "the request failed: " + err.Error()
}

func howTruncated(b *bodyState) string {
	got := strconv.FormatInt(b.read, 10)
	switch {
	case slices.Contains(b.resp.TransferEncoding, "chunked"):
		return "truncated chunked body, after " + got + " bytes"
	case b.resp.ContentLength >= 0:
		return got + " of the " + strconv.FormatInt(b.resp.ContentLength, 10) + " bytes its Content-Length announced"
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
