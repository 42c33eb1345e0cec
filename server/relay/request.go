package relay

import (
	"errors"
	"strconv"
	"strings"

	"wirebook/server/clients"
	"wirebook/server/wireproto"
)

// The request writer. net/http's Transport would send a cell's headers in
// its own case and order (canonical names, sorted), add a User-Agent and
// Accept-Encoding of its own, and rewrite a wrong Content-Length: the
// student would not see what a server gets. The relay writes the request
// itself, as the cell says, adding only what HTTP/1.1 requires and what the
// cell's client option asks for, and shows every added line as added.

// Marks of FrameSent.Added, one per head line.
const (
	lineCell     = '.' // the cell wrote it
	lineRequired = 'h' // HTTP/1.1 requires it and the cell left it out
	lineClient   = 'c' // the client option's default
)

// DefaultMaxSentBytes caps the copy of a written request that the Sent
// frame carries: a send frame is at most 64 KiB by default, so a request
// fits whole unless the relay was given a larger message cap.
const DefaultMaxSentBytes = 64 << 10

// wireRequest is a request ready to write: its bytes, and the marks of its
// head lines for the Sent frame.
type wireRequest struct {
	method string
	bytes  []byte
	added  string
}

// sentFrame is the Sent frame of w: its bytes up to max, and its marks.
func (w *wireRequest) sentFrame(id uint32, max int) *wireproto.Frame {
	f := &wireproto.Frame{Type: wireproto.FrameSent, ID: id, Data: w.bytes, Added: w.added}
	if len(f.Data) > max {
		f.Data, f.Truncated = f.Data[:max], true
	}
	return f
}

// cannot is an error whose message the student sees as it is.
func cannot(why string) error { return errors.New("cannot send this request: " + why) }

// buildRequest writes the request c describes for rawURL (which passed
// the policy as t), with the defaults of the client option clientName. It
// refuses, with the reason, whatever could make a server read the bytes as
// something else than the cell shows (request smuggling): a CR, LF or NUL
// in the method, target, a name or a value, and framing a server could
// read two ways. The request parser refuses most of these already; a frame
// comes off a socket, so the relay checks again.
//
// A body goes as written. If the cell says "Transfer-Encoding: chunked",
// the relay frames the body as one chunk and the last chunk ("N\r\nbody\r\n
// 0\r\n\r\n"): a body the cell framed itself could end early and carry a
// second request.
func buildRequest(c wireproto.Request, clientName, rawURL string, t target) (*wireRequest, error) {
	cl, ok := clients.Lookup(clientName)
	if !ok {
		return nil, cannot("unknown client " + strconv.Quote(clientName) + ": write client=requests, curl, browser or bare")
	}
	if !isToken(c.Method) {
		return nil, cannot("invalid method " + strconv.Quote(c.Method))
	}
	rt, err := requestTarget(rawURL)
	if err != nil {
		return nil, err
	}
	chunked, err := checkHeaders(c)
	if err != nil {
		return nil, err
	}

	w := &wireRequest{method: c.Method}
	b := make([]byte, 0, 256+len(c.Body))
	var added []byte
	line := func(mark byte, parts ...string) {
		for _, p := range parts {
			b = append(b, p...)
		}
		b = append(b, "\r\n"...)
		added = append(added, mark)
	}
	line(lineCell, c.Method, " ", rt, " HTTP/1.1")
	if !has(c.Headers, "Host") {
		line(lineRequired, "Host: ", t.u.Host)
	}
	for _, h := range cl.Headers {
		if !has(c.Headers, h.Name) {
			line(lineClient, h.Name, ": ", h.Value)
		}
	}
	for _, h := range c.Headers {
		line(lineCell, h.Name, ": ", h.Value)
	}
	framed := has(c.Headers, "Content-Length") || chunked
	switch {
	case c.Body != "" && !framed:
		line(lineRequired, "Content-Length: ", strconv.Itoa(len(c.Body)))
	case c.Body == "" && !framed && cl.EmptyLength && c.Method != "GET" && c.Method != "HEAD":
		line(lineClient, "Content-Length: 0")
	}
	b = append(b, "\r\n"...)
	if chunked {
		if c.Body != "" {
			b = strconv.AppendInt(b, int64(len(c.Body)), 16)
			b = append(b, "\r\n"...)
			b = append(b, c.Body...)
			b = append(b, "\r\n"...)
		}
		b = append(b, "0\r\n\r\n"...)
	} else {
		b = append(b, c.Body...)
	}
	w.bytes, w.added = b, string(added)
	return w, nil
}

// requestTarget is what goes between the method and the version: the
// path and query of the URL the page resolved the cell's target to, as
// written (the origin form, RFC 9112 §3.2.1). It is taken from the URL, not
// the cell, because the page maps a path on wirebook to a course port
// ("/echo/x" is "/x" on the echo port) and `wirebook check` does the same;
// url.URL is not used, as it would re-escape the path. A fragment is never
// sent.
func requestTarget(rawURL string) (string, error) {
	_, rest, _ := strings.Cut(rawURL, "://")
	rt := "/"
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rt = rest[i:]
	}
	rt, _, _ = strings.Cut(rt, "#")
	if !strings.HasPrefix(rt, "/") {
		rt = "/" + rt
	}
	for i := 0; i < len(rt); i++ {
		if c := rt[i]; c <= ' ' || c == 0x7f {
			return "", cannot("the target " + strconv.Quote(rt) + " has " + describeCtl(c) + ", which would end the request line early")
		}
	}
	return rt, nil
}

// checkHeaders checks every header line of c and the framing they give its
// body, and reports whether the body is to be sent chunked. Identical
// repeats of a Content-Length are allowed (RFC 9110 §8.6); anything a
// server could read as two different lengths is not (RFC 9112 §6.3).
func checkHeaders(c wireproto.Request) (chunked bool, err error) {
	var length, te string
	for _, h := range c.Headers {
		if !isToken(h.Name) {
			return false, cannot("header name " + strconv.Quote(h.Name) + " is not a valid name")
		}
		for i := 0; i < len(h.Value); i++ {
			if ch := h.Value[i]; ch < ' ' && ch != '\t' || ch == 0x7f {
				return false, cannot("header " + h.Name + " has a control character in its value (" + describeCtl(ch) + "); a CR or LF would start a line the cell does not show")
			}
		}
		switch {
		case wireproto.EqualFold(h.Name, "Content-Length"):
			if !isDigits(h.Value) {
				return false, cannot("Content-Length " + strconv.Quote(h.Value) + " is not a number of bytes")
			}
			if length != "" && h.Value != length {
				return false, cannot("two different Content-Lengths (" + length + " and " + h.Value + "): a server could read the body either way")
			}
			length = h.Value
		case wireproto.EqualFold(h.Name, "Transfer-Encoding"):
			if te != "" {
				return false, cannot("more than one Transfer-Encoding header: write one, Transfer-Encoding: chunked")
			}
			te = h.Value
		}
	}
	switch {
	case te != "" && length != "":
		return false, cannot("both Content-Length and Transfer-Encoding: a server could read the body either way (request smuggling); keep one")
	case te != "" && !wireproto.EqualFold(te, "chunked"):
		return false, cannot("Transfer-Encoding " + strconv.Quote(te) + " cannot be sent: the relay frames a body only as chunked")
	case length != "":
		n, err := strconv.ParseUint(length, 10, 63)
		if err != nil || n != uint64(len(c.Body)) {
			return false, cannot("Content-Length " + length + " does not match the body's " + strconv.Itoa(len(c.Body)) + " bytes: remove the line and the relay writes the right one")
		}
	}
	return te != "", nil
}

// has reports whether hs has a header called name, in any case.
func has(hs []wireproto.Header, name string) bool {
	for _, h := range hs {
		if wireproto.EqualFold(h.Name, name) {
			return true
		}
	}
	return false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// describeCtl names a byte that may not be in a request line or header.
func describeCtl(c byte) string {
	switch c {
	case '\r':
		return "a CR"
	case '\n':
		return "an LF"
	case 0:
		return "a NUL"
	case ' ':
		return "a space"
	}
	return "the control character 0x" + strconv.FormatUint(uint64(c), 16)
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
