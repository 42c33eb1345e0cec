package wireproto

import (
	"errors"
	"math"
	"strconv"
)

// FrameType says what a relay frame carries.
type FrameType uint8

const (
	FrameSend   FrameType = iota + 1 // client → server: send Request to URL
	FrameCancel                      // client → server: stop relay ID
	FrameHead                        // server → client: the status line and headers
	FrameChunk                       // server → client: body bytes as they arrived
	FrameEnd                         // server → client: the body is complete; totals and timings
	FrameError                       // server → client: the relay failed; Message says why
	FrameCheck                       // server → client: the cell's expectations, checked; sent before End
	FrameSent                        // server → client: the request as written on the connection; sent before Head
	FrameQueued                      // server → client: every slot is taken; Ahead requests wait before this one
)

var frameTypeNames = [...]string{"", "send", "cancel", "head", "chunk", "end", "error", "check", "sent", "queued"}

func (t FrameType) String() string {
	if t > 0 && int(t) < len(frameTypeNames) {
		return frameTypeNames[t]
	}
	return "frame(" + strconv.Itoa(int(t)) + ")"
}

// Duration is a time.Duration in nanoseconds, its own type so that the client
// need not import time: time's init pulls in internal/godebug and
// internal/bisect, about 35 KB of app.wasm brotli for one integer type. The
// server converts with time.Duration(d) and Duration(time.Since(start)).
type Duration int64

const (
	Microsecond Duration = 1000
	Millisecond          = 1000 * Microsecond
	Second               = 1000 * Millisecond
)

// MaxFrameHeaders bounds the headers one frame may carry. net/http reads at
// most 1 MB of response headers by default; 512 lines is more than any real
// response has and small enough that a bad count cannot cost memory.
const MaxFrameHeaders = 512

// MaxFrameChecks bounds the results one check frame may carry: a cell with
// more expectations than this is a lesson no one can read.
const MaxFrameChecks = 256

// CheckResult is one expectation of a cell, checked against the answer:
// Line numbers the expectation within the cell's expectation text.
type CheckResult struct {
	Line      int
	Pass      bool
	Text      string // as written: `header "Content-Type" contains "text/plain"`
	Got, Want string // short and readable; Got is what came back
}

// Frame is one message of the wire transport, sent as one WebSocket binary
// message. Only the fields of its Type are encoded; the others are ignored
// by AppendBinary and zero after DecodeFrame.
type Frame struct {
	Type FrameType
	ID   uint32 // which relay on this connection; the client picks it

	// Send:
	Request Request
	URL     string // the absolute URL to send Request to
	Expect  string // the cell's expectations in Hurl's grammar ("HTTP 200\n[Asserts]\n…"); "" for none
	Client  string // whose default headers to add: "" or "bare" (none), "requests", "curl", "browser"

	// Sent: Data is the bytes written, head and body, cut at the relay's cap
	// (Truncated). Added has a byte per head line, request line first, up to
	// the empty line: '.' the cell wrote it, 'h' HTTP/1.1 requires it (Host,
	// Content-Length for a body), 'c' it is the Client's default.
	Added string

	// Head:
	Proto   string // "HTTP/1.1"
	Status  int    // 100–999
	Reason  string // "Moved Permanently"
	Headers []Header
	Raw     []byte // the heads as received, 1xx ones first: status line to empty line, CRLFs kept

	// Chunk: SizeLine, for a chunked body, is the size line as received
	// ("1a;x=y", no CRLF) on each chunk's first frame; the last chunk is a
	// frame without Data, SizeLine "0" then each trailer line after a "\n".
	Data     []byte
	At       Duration // since the request was sent
	SizeLine string

	// End:
	Bytes                     int64 // body bytes received
	Connect, FirstByte, Total Duration
	Truncated                 bool // the body went past the relay's cap and was cut

	// Error:
	Message string

	// Check:
	Checks []CheckResult

	// Queued: how many requests, of every page, wait ahead of this one.
	Ahead int
}

// AppendBinary appends the encoding of f to dst: the type byte, the ID as a
// uvarint, then the type's fields in the order they are declared (Sent:
// Data, Truncated, Added), strings and byte slices as a uvarint length and
// the bytes, headers as a uvarint count and name/value pairs, numbers as
// uvarints, a bool as one byte 0 or 1.
// It refuses what DecodeFrame would refuse, so every frame it writes can be
// read back.
func (f *Frame) AppendBinary(dst []byte) ([]byte, error) {
	dst = append(dst, byte(f.Type))
	dst = appendUvarint(dst, uint64(f.ID))
	switch f.Type {
	case FrameSend:
		if len(f.Request.Headers) > MaxFrameHeaders {
			return dst, errTooManyHeaders
		}
		dst = appendString(dst, f.Request.Method)
		dst = appendString(dst, f.Request.Target)
		dst = appendHeaders(dst, f.Request.Headers)
		dst = appendString(dst, f.Request.Body)
		dst = appendString(dst, f.URL)
		dst = appendString(dst, f.Expect)
		dst = appendString(dst, f.Client)
	case FrameSent:
		dst = appendBytes(dst, f.Data)
		dst = appendBool(dst, f.Truncated)
		dst = appendString(dst, f.Added)
	case FrameCancel:
	case FrameHead:
		if f.Status < 0 || f.Status > maxStatus {
			return dst, errors.New("wireproto: status " + strconv.Itoa(f.Status) + " is out of range")
		}
		if len(f.Headers) > MaxFrameHeaders {
			return dst, errTooManyHeaders
		}
		dst = appendString(dst, f.Proto)
		dst = appendUvarint(dst, uint64(f.Status))
		dst = appendString(dst, f.Reason)
		dst = appendHeaders(dst, f.Headers)
		dst = appendBytes(dst, f.Raw)
	case FrameChunk:
		if f.At < 0 {
			return dst, errNegative
		}
		dst = appendBytes(dst, f.Data)
		dst = appendUvarint(dst, uint64(f.At))
		dst = appendString(dst, f.SizeLine)
	case FrameEnd:
		if f.Bytes < 0 || f.Connect < 0 || f.FirstByte < 0 || f.Total < 0 {
			return dst, errNegative
		}
		dst = appendUvarint(dst, uint64(f.Bytes))
		dst = appendUvarint(dst, uint64(f.Connect))
		dst = appendUvarint(dst, uint64(f.FirstByte))
		dst = appendUvarint(dst, uint64(f.Total))
		dst = appendBool(dst, f.Truncated)
	case FrameError:
		dst = appendString(dst, f.Message)
	case FrameQueued:
		if f.Ahead < 0 {
			return dst, errNegative
		}
		dst = appendUvarint(dst, uint64(f.Ahead))
	case FrameCheck:
		if len(f.Checks) > MaxFrameChecks {
			return dst, errors.New("wireproto: more than " + strconv.Itoa(MaxFrameChecks) + " checks in a frame")
		}
		dst = appendUvarint(dst, uint64(len(f.Checks)))
		for _, c := range f.Checks {
			if c.Line < 0 {
				return dst, errNegative
			}
			dst = appendUvarint(dst, uint64(c.Line))
			dst = appendBool(dst, c.Pass)
			dst = appendString(dst, c.Text)
			dst = appendString(dst, c.Got)
			dst = appendString(dst, c.Want)
		}
	default:
		return dst, errors.New("wireproto: unknown frame type " + strconv.Itoa(int(f.Type)))
	}
	return dst, nil
}

const maxStatus = 999

var (
	errTooManyHeaders = errors.New("wireproto: more than " + strconv.Itoa(MaxFrameHeaders) + " headers in a frame")
	errNegative       = errors.New("wireproto: negative size or duration in a frame")
)

// appendUvarint is encoding/binary's AppendUvarint, written out because
// encoding/binary imports reflect.
func appendUvarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 1)
	}
	return append(b, 0)
}

func appendString(b []byte, s string) []byte {
	b = appendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendBytes(b, p []byte) []byte { return append(appendUvarint(b, uint64(len(p))), p...) }

func appendHeaders(b []byte, hs []Header) []byte {
	b = appendUvarint(b, uint64(len(hs)))
	for _, h := range hs {
		b = appendString(b, h.Name)
		b = appendString(b, h.Value)
	}
	return b
}

// DecodeFrame reads one frame written by AppendBinary. It is strict, since
// its input comes off a socket: an unknown type, a short input, a length or
// count past the end, a varint in more bytes than needed, or bytes left over
// are errors. It never allocates more than len(b) bytes' worth, and the
// frame it returns shares no memory with b.
func DecodeFrame(b []byte) (Frame, error) {
	d := decoder{b: b}
	if len(b) == 0 {
		return Frame{}, d.fail("empty frame")
	}
	f := Frame{Type: FrameType(b[0])}
	d.pos = 1
	id := d.uvarint()
	if id > math.MaxUint32 && d.err == nil {
		d.fail("relay ID past 32 bits")
	}
	f.ID = uint32(id)
	switch f.Type {
	case FrameSend:
		f.Request.Method = d.string()
		f.Request.Target = d.string()
		f.Request.Headers = d.headers()
		f.Request.Body = d.string()
		f.URL = d.string()
		f.Expect = d.string()
		f.Client = d.string()
	case FrameSent:
		f.Data = d.bytes()
		f.Truncated = d.bool()
		f.Added = d.string()
	case FrameCancel:
	case FrameHead:
		f.Proto = d.string()
		status := d.uvarint()
		if status > maxStatus && d.err == nil {
			d.fail("status " + strconv.FormatUint(status, 10) + " is out of range")
		}
		f.Status = int(status)
		f.Reason = d.string()
		f.Headers = d.headers()
		f.Raw = d.bytes()
	case FrameChunk:
		f.Data = d.bytes()
		f.At = d.duration()
		f.SizeLine = d.string()
	case FrameEnd:
		f.Bytes = int64(d.duration())
		f.Connect = d.duration()
		f.FirstByte = d.duration()
		f.Total = d.duration()
		f.Truncated = d.bool()
	case FrameError:
		f.Message = d.string()
	case FrameQueued:
		if f.Ahead = int(d.duration()); f.Ahead > math.MaxInt32 && d.err == nil {
			d.fail("queue position past 31 bits")
		}
	case FrameCheck:
		f.Checks = d.checks()
	default:
		return Frame{}, &FrameDecodeError{Offset: 0, Msg: "unknown frame type " + strconv.Itoa(int(b[0]))}
	}
	if d.err == nil && d.pos != len(b) {
		d.fail(strconv.Itoa(len(b)-d.pos) + " bytes after the " + f.Type.String() + " frame")
	}
	if d.err != nil {
		return Frame{}, d.err
	}
	return f, nil
}

// FrameDecodeError says where (a 0-based byte offset) and why a frame could
// not be decoded.
type FrameDecodeError struct {
	Offset int
	Msg    string
}

func (e *FrameDecodeError) Error() string {
	return "wireproto: bad frame at byte " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// decoder reads b from pos; the first error sticks and later reads return
// zero values, so DecodeFrame can read a whole frame and check once.
type decoder struct {
	b   []byte
	pos int
	err *FrameDecodeError
}

func (d *decoder) fail(msg string) *FrameDecodeError {
	if d.err == nil {
		d.err = &FrameDecodeError{Offset: d.pos, Msg: msg}
	}
	return d.err
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	var x uint64
	for i, shift := 0, uint(0); ; i, shift = i+1, shift+7 {
		if d.pos >= len(d.b) {
			d.fail("truncated varint")
			return 0
		}
		c := d.b[d.pos]
		d.pos++
		if i == 9 && c > 1 {
			d.fail("varint overflows 64 bits")
			return 0
		}
		if c < 0x80 {
			// A final zero byte adds nothing: the varint was padded, and a
			// frame must have one encoding only.
			if c == 0 && i > 0 {
				d.fail("varint is not minimally encoded")
				return 0
			}
			return x | uint64(c)<<shift
		}
		x |= uint64(c&0x7f) << shift
	}
}

// length reads a length or count and checks that at least min bytes per unit
// remain, before anything is allocated for it.
func (d *decoder) length(what string, min int) int {
	n := d.uvarint()
	if d.err != nil {
		return 0
	}
	if rest := uint64(len(d.b) - d.pos); n > rest/uint64(min) {
		d.fail(what + " of " + strconv.FormatUint(n, 10) + " runs past the end of the frame")
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.length("string length", 1)
	if d.err != nil {
		return ""
	}
	s := string(d.b[d.pos : d.pos+n])
	d.pos += n
	return s
}

func (d *decoder) bytes() []byte {
	n := d.length("data length", 1)
	if d.err != nil || n == 0 {
		return nil
	}
	b := make([]byte, n)
	copy(b, d.b[d.pos:])
	d.pos += n
	return b
}

func (d *decoder) headers() []Header {
	start := d.pos
	// Each header needs at least its two length bytes.
	n := d.length("header count", 2)
	if d.err != nil || n == 0 {
		return nil
	}
	if n > MaxFrameHeaders {
		d.pos = start
		d.fail("header count " + strconv.Itoa(n) + " is over " + strconv.Itoa(MaxFrameHeaders))
		return nil
	}
	hs := make([]Header, 0, n)
	for range n {
		name := d.string()
		value := d.string()
		if d.err != nil {
			return nil
		}
		hs = append(hs, Header{Name: name, Value: value})
	}
	return hs
}

func (d *decoder) duration() Duration {
	v := d.uvarint()
	if v > math.MaxInt64 && d.err == nil {
		d.fail("value past 63 bits")
	}
	return Duration(v)
}

func (d *decoder) bool() bool {
	if d.err != nil {
		return false
	}
	if d.pos >= len(d.b) {
		d.fail("truncated bool")
		return false
	}
	c := d.b[d.pos]
	if c > 1 {
		d.fail("bool byte " + strconv.Itoa(int(c)) + " is neither 0 nor 1")
		return false
	}
	d.pos++
	return c == 1
}

func (d *decoder) checks() []CheckResult {
	start := d.pos
	// Each result needs at least its line, its bool and three lengths.
	n := d.length("check count", 5)
	if d.err != nil || n == 0 {
		return nil
	}
	if n > MaxFrameChecks {
		d.pos = start
		d.fail("check count " + strconv.Itoa(n) + " is over " + strconv.Itoa(MaxFrameChecks))
		return nil
	}
	cs := make([]CheckResult, 0, n)
	for range n {
		line := d.uvarint()
		if line > math.MaxInt32 && d.err == nil {
			d.fail("check line past 31 bits")
		}
		c := CheckResult{Line: int(line), Pass: d.bool(), Text: d.string(), Got: d.string(), Want: d.string()}
		if d.err != nil {
			return nil
		}
		cs = append(cs, c)
	}
	return cs
}
