package relay

import (
	"bytes"
	"maps"
	"net"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"wirebook/server/wireproto"
)

// capture is a net.Conn that keeps a copy of the first bytes it reads, so
// the response head can be shown as it came: http.Header is a map, which
// loses the order of the headers and the spelling of their names. The
// Transport reads through a bufio.Reader, so the copy may run into the body;
// stop ends it once the head is parsed.
type capture struct {
	net.Conn
	mu    sync.Mutex
	buf   []byte
	limit int
	done  bool
}

func (c *capture) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if !c.done {
			take := min(n, c.limit-len(c.buf))
			c.buf = append(c.buf, p[:take]...)
			c.done = len(c.buf) >= c.limit
		}
		c.mu.Unlock()
	}
	return n, err
}

// stop ends the copy and returns what was read so far.
func (c *capture) stop() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.done = true
	b := c.buf
	c.buf = nil
	return b
}

// captureSlot carries the capture of one relay from the request's context
// to the dial, which happens on a goroutine of the Transport.
type captureSlot struct {
	mu sync.Mutex
	c  *capture
}

func (s *captureSlot) set(c *capture) {
	s.mu.Lock()
	s.c = c
	s.mu.Unlock()
}

func (s *captureSlot) bytes() []byte {
	s.mu.Lock()
	c := s.c
	s.mu.Unlock()
	if c == nil {
		return nil
	}
	return c.stop()
}

type captureKey struct{}

// headFrame builds the Head frame of resp: the headers as raw (the bytes the
// connection read) has them, in order and with repeats, or, when raw does
// not hold the head of this very response, from resp.Header sorted by name.
func headFrame(id uint32, resp *http.Response, raw []byte) wireproto.Frame {
	f := wireproto.Frame{Type: wireproto.FrameHead, ID: id, Proto: resp.Proto, Status: resp.StatusCode}
	if _, reason, ok := bytes.Cut([]byte(resp.Status), []byte(" ")); ok {
		f.Reason = string(reason)
	}
	if code, hs, ok := parseHead(raw); ok && code == resp.StatusCode {
		f.Headers = hs
	} else {
		for _, name := range slices.Sorted(maps.Keys(resp.Header)) {
			for _, v := range resp.Header[name] {
				f.Headers = append(f.Headers, wireproto.Header{Name: name, Value: v})
			}
		}
	}
	if len(f.Headers) > wireproto.MaxFrameHeaders {
		// net/http has read them all within MaxResponseHeaderBytes; a frame
		// carries at most this many, and no real response comes near it.
		f.Headers = f.Headers[:wireproto.MaxFrameHeaders]
	}
	return f
}

// parseHead reads the final response head from the start of b, skipping
// interim 1xx heads (100 Continue, 103 Early Hints) as net/http does, and
// returns its status code and header lines. It is lenient where net/http is
// (bare LF line ends, obsolete line folding) since net/http has already
// accepted this head; ok is false when b ends before the head does.
func parseHead(b []byte) (code int, hs []wireproto.Header, ok bool) {
	for {
		line, rest, found := cutLine(b)
		if !found {
			return 0, nil, false
		}
		b = rest
		_, status, _ := bytes.Cut(line, []byte(" "))
		status = bytes.TrimLeft(status, " ")
		digits, _, _ := bytes.Cut(status, []byte(" "))
		code, err := strconv.Atoi(string(digits))
		if err != nil || len(digits) != 3 {
			return 0, nil, false
		}
		hs = hs[:0]
		for {
			line, rest, found = cutLine(b)
			if !found {
				return 0, nil, false
			}
			b = rest
			if len(line) == 0 {
				break
			}
			if (line[0] == ' ' || line[0] == '\t') && len(hs) > 0 {
				hs[len(hs)-1].Value += " " + string(bytes.Trim(line, " \t"))
				continue
			}
			name, value, _ := bytes.Cut(line, []byte(":"))
			hs = append(hs, wireproto.Header{Name: string(name), Value: string(bytes.Trim(value, " \t"))})
		}
		if code >= 200 || code == http.StatusSwitchingProtocols {
			return code, hs, true
		}
	}
}

// cutLine cuts b at its first LF and drops the CR before it, if any.
func cutLine(b []byte) (line, rest []byte, found bool) {
	line, rest, found = bytes.Cut(b, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r")), rest, found
}
