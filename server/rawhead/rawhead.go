// Package rawhead keeps each request's head as it arrived on the
// connection: the request line and header lines in the order, case and
// repeats the client sent, which net/http's header map forgets.
//
// Record wraps a listener so that every byte net/http reads from a
// connection is also scanned: heads are copied (at most the server's
// MaxHeaderBytes each, and in all), bodies are skipped by their framing
// (Content-Length, or chunked with its size lines parsed), so that with
// keep-alive and pipelining the k-th request served on a connection gets the
// k-th head. net/http reads ahead through a bufio.Reader, so one Read may
// hold several pipelined requests or part of one; the scanner keeps its
// state between Reads. The bytes net/http reads are never held back or
// changed.
//
// Every request on a wrapped listener pays for the scan, not only the
// echo's: one IndexByte and a copy per header line, a name checked only
// when its length is that of a framing header, no allocation per request
// (a head becomes a string only when Of takes it). BenchmarkScanner: ~0.35
// µs for a browser's 450-byte head, about 0.5% of /hello's round trip over
// loopback (BenchmarkHello, which cannot tell the two apart).
//
// When the scanner cannot be sure where the next head starts (framing it
// does not follow as net/http does, a hijacked connection), it stops for
// the rest of that connection and Of reports no head: a handler falls back
// to net/http's parsed request rather than show another request's head.
package rawhead

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
)

// Record wraps ln so that the requests srv serves on it can see their raw
// heads through Of. It sets srv.ConnContext and srv.ConnState, calling the
// ones already set; call it before srv.Serve.
func Record(srv *http.Server, ln net.Listener) net.Listener {
	limit := srv.MaxHeaderBytes
	if limit <= 0 {
		limit = http.DefaultMaxHeaderBytes
	}
	connContext, connState := srv.ConnContext, srv.ConnState
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if connContext != nil {
			ctx = connContext(ctx, c)
		}
		if rc, ok := c.(*conn); ok {
			ctx = context.WithValue(ctx, connKey{}, rc)
		}
		return ctx
	}
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if rc, ok := c.(*conn); ok {
			rc.changed(state)
		}
		if connState != nil {
			connState(c, state)
		}
	}
	return &listener{Listener: ln, limit: limit}
}

// Of takes the head of r as received: its lines without their line ends,
// each followed by "\n". It reports false when r was not served through
// Record, its head was longer than the server's MaxHeaderBytes, or the
// connection's framing could not be followed. A head is given once.
func Of(r *http.Request) (string, bool) {
	c, ok := r.Context().Value(connKey{}).(*conn)
	if !ok {
		return "", false
	}
	head, ok := c.take()
	// A check that costs nothing: the head must be this request's. Should
	// the count ever be off (a request net/http answered without a handler
	// and without going idle), the page falls back instead of lying.
	if !ok || !matches(head, r) {
		return "", false
	}
	return head, true
}

func matches(head string, r *http.Request) bool {
	line := r.Method + " " + r.RequestURI + " " + r.Proto + "\n"
	return len(head) >= len(line) && head[:len(line)] == line
}

type connKey struct{}

type listener struct {
	net.Listener
	limit int
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, s: scanner{limit: l.limit}}, nil
}

// conn scans what is read from it. Reads come from net/http's serving
// goroutine or its background read, Of from the handler's, so mu guards
// all of it.
type conn struct {
	net.Conn

	mu     sync.Mutex
	s      scanner
	served int // requests served so far: the index of the one being served
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		c.s.feed(p[:n])
		c.mu.Unlock()
	}
	return n, err
}

// ReadFrom keeps sendfile for files served on the connection: net/http
// uses it when the connection has it, as *net.TCPConn does.
func (c *conn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

// CloseWrite keeps net/http's half-close after a refused request (431, a
// body over its limit), so the client reads the answer before the reset.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// changed follows net/http's connection states: it goes idle after each
// request it served (even one answered without a handler, OPTIONS *), so
// the heads before the next request can go; a hijacked connection speaks
// another protocol from then on.
func (c *conn) changed(state http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch state {
	case http.StateIdle:
		c.served++
		c.s.dropBefore(c.served)
	case http.StateHijacked, http.StateClosed:
		c.s.stop()
	}
}

func (c *conn) take() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s.take(c.served)
}

// A head waiting for its request.
type head struct {
	n          int  // which head on the connection, from 0
	start, end int  // its bytes in scanner.buf
	kept       bool // false when it did not fit, or once taken
}

type state uint8

const (
	inHead      state = iota
	inBody            // Content-Length bytes left
	inChunkSize       // a chunk size line, with any extension
	inChunkData       // size bytes left, then CRLF
	inChunkEnd        // the CRLF after a chunk's data
	inTrailer         // trailer lines after the last chunk, to a blank line
	lost              // framing not followed: scan no more
)

const (
	// maxChunkLine bounds a chunk size line as net/http's chunked reader does.
	maxChunkLine = 4096
	// maxPart is how much of a line not kept whole is kept to read it: a
	// framing header's name and value, a chunk's 16 hex digits and the
	// byte after them, fit in far less.
	maxPart = 256
)

// scanner is the state of one connection's byte stream. Heads are kept in
// buf, the heads waiting for their requests then the head being read, and
// all of it fits in limit: the connection holds no more than
// MaxHeaderBytes, whatever it is sent. A head that arrives while buf is
// full is not kept.
type scanner struct {
	limit int

	state state
	buf   []byte
	start int  // where the head being read starts in buf
	line  int  // where its current line starts in buf
	over  bool // the head being read did not fit: it is read, not kept
	nline int  // lines completed in the head being read

	part  [maxPart]byte // the start of a line not in buf (a head over the limit, chunk framing)
	npart int
	cut   bool // the current line was longer than part

	http11  bool  // the request line's version is HTTP/1.1
	length  int64 // Content-Length, -1 if none
	chunk   bool  // Transfer-Encoding: chunked
	fold    bool  // the last header line framed the body: an obs-fold after it would change that
	left    int64 // body or chunk bytes left, or bytes of a chunk line so far
	trailer int64 // bytes of the trailer section so far

	next  int    // the number of the next head completed
	heads []head // completed heads whose requests are not yet served
}

func (s *scanner) feed(b []byte) {
	for len(b) > 0 {
		switch s.state {
		case inHead:
			b = s.headBytes(b)
		case inBody, inChunkData:
			n := min(int64(len(b)), s.left)
			s.left -= n
			b = b[n:]
			if s.left > 0 {
				break
			}
			if s.state == inBody {
				s.state = inHead
			} else {
				s.state = inChunkEnd
			}
		case inChunkSize, inChunkEnd, inTrailer:
			b = s.chunkBytes(b)
		case lost:
			return
		}
	}
}

// headBytes takes bytes of a head up to and including the next line end.
func (s *scanner) headBytes(b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	p, rest := b, b[len(b):]
	if i >= 0 {
		p, rest = b[:i+1], b[i+1:]
	}
	s.keep(p)
	if i >= 0 {
		s.endLine()
	}
	return rest
}

// keep appends p to the head in buf while it fits; past that it keeps
// only the start of each line in part, to read the framing.
func (s *scanner) keep(p []byte) {
	if !s.over {
		if len(s.buf)+len(p) <= s.limit {
			s.grow(len(p))
			s.buf = append(s.buf, p...)
			return
		}
		s.over = true
		s.npart = copy(s.part[:], s.buf[s.line:])
		s.cut = len(s.buf)-s.line > s.npart
		s.buf = s.buf[:s.start]
	}
	n := copy(s.part[s.npart:], p)
	s.npart += n
	s.cut = s.cut || n < len(p)
}

// grow makes room for n more bytes in buf without its capacity passing
// limit, as append's doubling would.
func (s *scanner) grow(n int) {
	if len(s.buf)+n <= cap(s.buf) {
		return
	}
	c := min(s.limit, max(2*cap(s.buf), len(s.buf)+n, 512))
	buf := make([]byte, len(s.buf), c)
	copy(buf, s.buf)
	s.buf = buf
}

// endLine reads the line just completed, ending the head at a blank one.
func (s *scanner) endLine() {
	var line []byte
	if s.over {
		line, s.npart = s.part[:s.npart], 0
	} else {
		line, s.line = s.buf[s.line:], len(s.buf)
	}
	line = bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
	first, cut := s.nline == 0, s.cut
	s.nline++
	s.cut = false
	switch {
	case len(line) == 0 && !first:
		s.endHead()
	case first:
		s.length = -1
		s.http11 = bytes.HasSuffix(line, []byte(" HTTP/1.1"))
	case line[0] == ' ' || line[0] == '\t':
		// obs-fold: net/http joins it to the line above, so a folded
		// framing header could frame the body otherwise than we read it.
		if s.fold {
			s.stop()
		}
	default:
		s.header(line, cut)
	}
}

// header follows the lines that frame a request body as net/http does
// (net/http/transfer.go): one Transfer-Encoding, "chunked", on HTTP/1.1;
// Content-Length repeated only with the same value. What net/http would
// refuse closes the connection, and the scanner stops.
func (s *scanner) header(line []byte, cut bool) {
	s.fold = false
	name, value := line, []byte(nil)
	switch {
	case len(line) > len(contentLength) && line[len(contentLength)] == ':':
		name, value = line[:len(contentLength)], line[len(contentLength)+1:]
	case len(line) > len(transferEncoding) && line[len(transferEncoding)] == ':':
		name, value = line[:len(transferEncoding)], line[len(transferEncoding)+1:]
	default:
		return // most lines: not a framing header, by their name's length alone
	}
	value = bytes.Trim(value, " \t")
	switch {
	case bytes.EqualFold(name, []byte(contentLength)):
		s.fold = true
		n, err := strconv.ParseInt(string(value), 10, 64)
		if cut || err != nil || n < 0 || (s.length >= 0 && n != s.length) {
			s.stop()
			return
		}
		s.length = n
	case bytes.EqualFold(name, []byte(transferEncoding)):
		s.fold = true
		if cut || s.chunk || !s.http11 || !bytes.EqualFold(value, []byte("chunked")) {
			s.stop()
			return
		}
		s.chunk = true
	}
}

const (
	contentLength    = "Content-Length"
	transferEncoding = "Transfer-Encoding"
)

// endHead files the head just read and starts on its body.
func (s *scanner) endHead() {
	h := head{n: s.next, start: s.start, end: len(s.buf), kept: !s.over}
	s.next++
	s.heads = append(s.heads, h)
	s.start, s.line = len(s.buf), len(s.buf)
	switch {
	case s.chunk: // chunked wins over Content-Length (RFC 9112 §6.3)
		s.state, s.left, s.trailer = inChunkSize, 0, 0
	case s.length > 0:
		s.state, s.left = inBody, s.length
	}
	s.over, s.nline, s.chunk, s.fold = false, 0, false, false
}

// chunkBytes reads a chunk size line, the CRLF after a chunk's data, or a
// trailer line, up to and including its line end, keeping its start in
// part.
func (s *scanner) chunkBytes(b []byte) []byte {
	i := bytes.IndexByte(b, '\n')
	p, rest := b, b[len(b):]
	if i >= 0 {
		p, rest = b[:i+1], b[i+1:]
	}
	if s.left == 0 {
		s.npart = 0
	}
	s.left += int64(len(p))
	s.trailer += int64(len(p))
	if s.left > maxChunkLine || (s.state == inTrailer && s.trailer > int64(s.limit)) {
		s.stop()
		return nil
	}
	s.npart += copy(s.part[s.npart:], p)
	if i < 0 {
		return rest
	}
	line := s.part[:s.npart]
	if int64(len(line)) != s.left {
		line = nil // longer than part, so not a line that ends a chunk or a trailer
	}
	s.left = 0
	switch s.state {
	case inChunkSize:
		size, ok := chunkSize(s.part[:s.npart])
		switch {
		case !ok:
			s.stop()
		case size == 0:
			s.state, s.trailer = inTrailer, 0
		default:
			s.state, s.left = inChunkData, size
		}
	case inChunkEnd:
		if string(line) != "\r\n" { // exactly, as net/http wants
			s.stop()
			return nil
		}
		s.state = inChunkSize
	case inTrailer:
		if string(line) == "\r\n" || string(line) == "\n" { // the blank line ends the body
			s.state = inHead
		}
	}
	return rest
}

// chunkSize reads the hex size at the start of a chunk line, at most 16
// digits as net/http reads; what follows (an extension after ";", spaces)
// does not frame the body.
func chunkSize(line []byte) (int64, bool) {
	var n uint64
	for i, c := range line {
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return int64(n), i > 0 && int64(n) >= 0
		}
		if i == 16 {
			return 0, false
		}
		n = n<<4 | uint64(d)
	}
	return 0, false
}

// take gives head n if it was kept, once.
func (s *scanner) take(n int) (string, bool) {
	s.dropBefore(n)
	if len(s.heads) == 0 || s.heads[0].n != n || !s.heads[0].kept {
		return "", false
	}
	h := &s.heads[0]
	h.kept = false
	return crlfToLF(s.buf[h.start:h.end]), true
}

// dropBefore forgets the heads of requests already served, and moves what
// is left of buf to its front.
func (s *scanner) dropBefore(n int) {
	i := 0
	for i < len(s.heads) && s.heads[i].n < n {
		i++
	}
	if i == 0 {
		return
	}
	s.heads = append(s.heads[:0], s.heads[i:]...)
	from := s.start
	if len(s.heads) > 0 {
		from = s.heads[0].start
	}
	if from == 0 {
		return
	}
	s.buf = s.buf[:copy(s.buf, s.buf[from:])]
	for j := range s.heads {
		s.heads[j].start -= from
		s.heads[j].end -= from
	}
	s.start -= from
	s.line -= from
}

// stop gives up on the connection: no later head is kept.
func (s *scanner) stop() {
	s.state = lost
	s.buf = s.buf[:s.start]
}

// crlfToLF copies a head with each line ending in "\n", as the page shows
// it, leaving out the blank line that ends it. An obs-fold is replaced by
// one space, joining the folded line to the one above, as RFC 9112 §5.2
// asks of a recipient (and net/http does): otherwise a page would show a
// header line that is not one.
func crlfToLF(raw []byte) string {
	b := make([]byte, 0, len(raw))
	for first := true; len(raw) > 0; first = false {
		line, rest, _ := bytes.Cut(raw, []byte("\n"))
		raw = rest
		line = bytes.TrimSuffix(line, []byte("\r"))
		if len(line) == 0 {
			break
		}
		if !first && (line[0] == ' ' || line[0] == '\t') {
			b = bytes.TrimRight(b[:len(b)-1], " \t")
			b = append(b, ' ')
			line = bytes.TrimLeft(line, " \t")
		}
		b = append(b, line...)
		b = append(b, '\n')
	}
	return string(b)
}
