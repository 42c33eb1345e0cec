package relay

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"

	"wirebook/server/wireproto"
)

// The response reader. It reads the head itself, rather than through
// http.ReadResponse, to keep what net/http's map of headers loses: the
// bytes as they came, the order of the lines and the spelling of names.

// respHead is the response head read off a connection.
type respHead struct {
	proto   string // "HTTP/1.1"
	status  int
	reason  string
	headers []wireproto.Header // of the final head, in order, repeats kept
	raw     []byte             // every head as received, interim ones first
}

var errHeadTooLarge = errors.New("the response head is too large")

// readHead reads response heads from br until a final one: interim 1xx
// heads (100 Continue, 103 Early Hints) are kept in raw and skipped, as
// RFC 9110 §15.2 has a client do; 101 Switching Protocols is final. At most
// limit bytes are read in all, status lines and line ends included.
//
// It is strict where a lenient reader could be fooled (RFC 9112 §2.2, §5):
// a status line must be HTTP/d.d and three digits, a field name a token
// with no space before its colon, and no line may hold a NUL or a bare CR.
// A bare LF ends a line as a CRLF does, and an obsolete folded line joins
// the value before it with a space, as RFC 9112 allows a recipient to do.
func readHead(br *bufio.Reader, limit int) (*respHead, error) {
	h := &respHead{}
	for {
		line, err := h.line(br, limit)
		if err != nil {
			return nil, err
		}
		if err := h.statusLine(line); err != nil {
			return nil, err
		}
		h.headers = h.headers[:0]
		for {
			line, err := h.line(br, limit)
			if err != nil {
				return nil, err
			}
			if len(line) == 0 {
				break
			}
			if err := h.headerLine(line); err != nil {
				return nil, err
			}
		}
		if h.status >= 200 || h.status == 101 {
			return h, nil
		}
	}
}

// line reads the next line into raw and returns it without its line end.
func (h *respHead) line(br *bufio.Reader, limit int) ([]byte, error) {
	start := len(h.raw)
	for {
		frag, err := br.ReadSlice('\n')
		if len(h.raw)+len(frag) > limit {
			return nil, errHeadTooLarge
		}
		h.raw = append(h.raw, frag...)
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			if err == io.EOF && len(h.raw) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return nil, err
		}
	}
	line := h.raw[start : len(h.raw)-1]
	line = bytes.TrimSuffix(line, []byte("\r"))
	if i := bytes.IndexAny(line, "\x00\r"); i >= 0 {
		return nil, errors.New("the response has " + describeCtl(line[i]) + " inside the line " + strconv.Quote(string(line)))
	}
	return line, nil
}

// statusLine reads "HTTP/1.1 200 OK"; the reason phrase may be empty or
// missing (RFC 9112 §4).
func (h *respHead) statusLine(line []byte) error {
	bad := func() error {
		return errors.New("malformed HTTP response " + strconv.Quote(string(line)))
	}
	proto, rest, ok := bytes.Cut(line, []byte(" "))
	if !ok || len(proto) != 8 || string(proto[:5]) != "HTTP/" || !isDigit(proto[5]) || proto[6] != '.' || !isDigit(proto[7]) {
		return bad()
	}
	code, reason, _ := bytes.Cut(rest, []byte(" "))
	if len(code) != 3 || !isDigit(code[0]) || !isDigit(code[1]) || !isDigit(code[2]) || code[0] == '0' {
		return bad()
	}
	h.proto = string(proto)
	h.status = int(code[0]-'0')*100 + int(code[1]-'0')*10 + int(code[2]-'0')
	h.reason = string(reason)
	return nil
}

func (h *respHead) headerLine(line []byte) error {
	if line[0] == ' ' || line[0] == '\t' {
		if len(h.headers) == 0 {
			return errors.New("the response's first header line starts with whitespace: " + strconv.Quote(string(line)))
		}
		if v := trimOWS(line); len(v) > 0 {
			h.headers[len(h.headers)-1].Value += " " + string(v)
		}
		return nil
	}
	name, value, ok := bytes.Cut(line, []byte(":"))
	if !ok || !isToken(string(name)) {
		return errors.New("the response has a malformed header line " + strconv.Quote(string(line)))
	}
	h.headers = append(h.headers, wireproto.Header{Name: string(name), Value: string(trimOWS(value))})
	return nil
}

// frame is the Head frame of h: at most MaxFrameHeaders headers (no real
// response comes near it), and every raw byte.
func (h *respHead) frame(id uint32) wireproto.Frame {
	hs := h.headers
	if len(hs) > wireproto.MaxFrameHeaders {
		hs = hs[:wireproto.MaxFrameHeaders]
	}
	return wireproto.Frame{Type: wireproto.FrameHead, ID: id, Proto: h.proto, Status: h.status,
		Reason: h.reason, Headers: hs, Raw: h.raw}
}

// values returns the values of the headers called name, in order.
func (h *respHead) values(name string) []string {
	var vs []string
	for _, hd := range h.headers {
		if wireproto.EqualFold(hd.Name, name) {
			vs = append(vs, hd.Value)
		}
	}
	return vs
}

func trimOWS(b []byte) []byte { return bytes.Trim(b, " \t") }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
