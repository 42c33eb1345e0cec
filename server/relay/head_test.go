package relay

import (
	"bufio"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

func hd(name, value string) wireproto.Header { return wireproto.Header{Name: name, Value: value} }

func TestReadHead(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		status  int
		reason  string
		headers []wireproto.Header
		raw     string // "" for all of in up to the body
	}{
		{"headers in order and case, repeats kept", "HTTP/1.1 200 OK\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\nbody", 200, "OK", []wireproto.Header{hd("X-B", "1"), hd("x-a", "2"), hd("X-B", "3")}, "HTTP/1.1 200 OK\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n"},
		{"no reason phrase", "HTTP/1.1 204\r\nX: y\r\n\r\n", 204, "", []wireproto.Header{hd("X", "y")}, ""},
		{"an empty reason phrase", "HTTP/1.1 200 \r\n\r\n", 200, "", nil, ""},
		{"bare LF line ends", "HTTP/1.0 404 Not Found\nX:  padded \t\n\n", 404, "Not Found", []wireproto.Header{hd("X", "padded")}, ""},
		{"interim 100 and 103 heads are kept raw and skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nC: d\r\n\r\n", 200, "OK", []wireproto.Header{hd("C", "d")}, ""},
		{"101 is final", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 101, "Switching Protocols", []wireproto.Header{hd("Upgrade", "websocket")}, ""},
		{"obsolete line folding joins the value", "HTTP/1.1 200 OK\r\nX: a\r\n  b\r\nY: c\r\n\r\n", 200, "OK", []wireproto.Header{hd("X", "a b"), hd("Y", "c")}, ""},
		{"empty value", "HTTP/1.1 200 OK\r\nX:\r\n\r\n", 200, "OK", []wireproto.Header{hd("X", "")}, ""},
		{"a value with a colon and UTF-8", "HTTP/1.1 200 OK\r\nLocation: http://h/é\r\n\r\n", 200, "OK", []wireproto.Header{hd("Location", "http://h/é")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := readHead(bufio.NewReader(strings.NewReader(tt.in)), 1<<10)
			if err != nil {
				t.Fatalf("readHead: %v", err)
			}
			raw := tt.raw
			if raw == "" {
				raw = tt.in
			}
			if h.status != tt.status || h.reason != tt.reason || !slices.Equal(h.headers, tt.headers) || string(h.raw) != raw {
				t.Errorf("readHead = %d %q %v raw %q\nwant        %d %q %v raw %q", h.status, h.reason, h.headers, h.raw, tt.status, tt.reason, tt.headers, raw)
			}
		})
	}
}

func TestReadHeadRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		err            error
	}{
		{"nothing", "", "", io.EOF},
		{"head cut short", "HTTP/1.1 200 OK\r\nX: a\r\n", "", io.ErrUnexpectedEOF},
		{"only an interim head", "HTTP/1.1 100 Continue\r\n\r\n", "", io.ErrUnexpectedEOF},
		{"not a status line", "SSH-2.0-OpenSSH\r\n\r\n", `malformed HTTP response "SSH-2.0-OpenSSH"`, nil},
		{"a two-digit status", "HTTP/1.1 20 OK\r\n\r\n", "malformed HTTP response", nil},
		{"a status under 100", "HTTP/1.1 099 Odd\r\n\r\n", "malformed HTTP response", nil},
		{"a lower-case version", "http/1.1 200 OK\r\n\r\n", "malformed HTTP response", nil},
		{"space before the colon", "HTTP/1.1 200 OK\r\nX : y\r\n\r\n", `malformed header line "X : y"`, nil},
		{"a line without a colon", "HTTP/1.1 200 OK\r\nhello\r\n\r\n", "malformed header line", nil},
		{"a NUL in a value", "HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n", "a NUL inside the line", nil},
		{"a bare CR in a value", "HTTP/1.1 200 OK\r\nX: a\rInjected: b\r\n\r\n", "a CR inside the line", nil},
		{"folding before any header", "HTTP/1.1 200 OK\r\n folded\r\n\r\n", "first header line starts with whitespace", nil},
		{"over the limit", "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("x", 2048) + "\r\n\r\n", "", errHeadTooLarge},
		{"interim heads over the limit", strings.Repeat("HTTP/1.1 100 Continue\r\n\r\n", 100), "", errHeadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, err := readHead(bufio.NewReaderSize(strings.NewReader(tt.in), 16), 1<<10)
			if err == nil {
				t.Fatalf("readHead = %+v, want an error", h)
			}
			if tt.err != nil && !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("readHead error = %v, want %v %q", err, tt.err, tt.want)
			}
		})
	}
}

// A line longer than the reader's buffer is read whole, in pieces.
func TestReadHeadLongLines(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("v", 300)
	in := "HTTP/1.1 200 OK\r\nX-Long: " + long + "\r\n\r\n"
	h, err := readHead(bufio.NewReaderSize(strings.NewReader(in), 16), 1<<10)
	if err != nil || string(h.raw) != in || !slices.Equal(h.headers, []wireproto.Header{hd("X-Long", long)}) {
		t.Fatalf("readHead = %+v, %v", h, err)
	}
}

// FuzzReadHead: whatever a server sends, the reader stops within its
// limit, and a head it accepts is exactly the bytes it read, whose headers
// are tokens with values free of line breaks.
func FuzzReadHead(f *testing.F) {
	f.Add("HTTP/1.1 200 OK\r\nX-B: 1\r\nx-a: 2\r\n\r\nbody")
	f.Add("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 404 Not Found\nX: a\n b\n\n")
	f.Add("HTTP/1.1 204\r\n\r\n")
	f.Add("SSH-2.0\r\n\r\n")
	f.Fuzz(func(t *testing.T, in string) {
		const limit = 256
		h, err := readHead(bufio.NewReaderSize(strings.NewReader(in), 16), limit)
		if err != nil {
			return
		}
		if len(h.raw) > limit || !strings.HasPrefix(in, string(h.raw)) {
			t.Fatalf("raw %q is not a prefix of the input within %d bytes", h.raw, limit)
		}
		if h.status < 100 || h.status > 999 || h.status < 200 && h.status != 101 {
			t.Fatalf("status %d for a final head", h.status)
		}
		for _, hd := range h.headers {
			if !isToken(hd.Name) || strings.ContainsAny(hd.Value, "\r\n\x00") {
				t.Fatalf("header %q: %q", hd.Name, hd.Value)
			}
		}
	})
}
