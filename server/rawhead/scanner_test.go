package rawhead

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// kept lists the heads the scanner filed, "" for one not kept.
func kept(s *scanner) []string {
	var out []string
	for _, h := range s.heads {
		if h.kept {
			out = append(out, crlfToLF(s.buf[h.start:h.end]))
		} else {
			out = append(out, "")
		}
	}
	return out
}

// scan feeds stream in the pieces given by cuts.
func scan(limit int, stream string, cuts ...int) *scanner {
	s := &scanner{limit: limit}
	from := 0
	for _, at := range append(cuts, len(stream)) {
		s.feed([]byte(stream[from:at]))
		from = at
	}
	return s
}

// Every row is fed whole, byte by byte, and cut in two at every offset:
// net/http reads through a bufio.Reader, so a Read may end anywhere.
func TestScannerFindsEachHead(t *testing.T) {
	t.Parallel()
	long := "GET /long HTTP/1.1\r\nX-Pad: " + strings.Repeat("a", 200) + "\r\n\r\n"
	tests := []struct {
		name   string
		stream string
		want   []string
		lost   bool
	}{
		{"order, case and repeats as sent",
			"GET / HTTP/1.1\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n",
			[]string{"GET / HTTP/1.1\nX-B: 1\nx-a: 2\nX-B: 3\n"}, false},
		{"pipelined requests keep their order",
			"GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: b\r\n\r\n",
			[]string{"GET /1 HTTP/1.1\nHost: a\n", "GET /2 HTTP/1.1\nHost: b\n"}, false},
		{"a Content-Length body is skipped, even one that looks like a head",
			"POST /1 HTTP/1.1\r\ncontent-length: 26\r\n\r\nGET /no HTTP/1.1\r\nA: b\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
			[]string{"POST /1 HTTP/1.1\ncontent-length: 26\n", "GET /2 HTTP/1.1\n"}, false},
		{"a chunked body with an extension and a trailer is skipped",
			"POST /1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
				"5;name=\"v\"\r\nhello\r\nA \r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n" +
				"GET /2 HTTP/1.1\r\n\r\n",
			[]string{"POST /1 HTTP/1.1\nTransfer-Encoding: chunked\n", "GET /2 HTTP/1.1\n"}, false},
		{"chunked wins over Content-Length",
			"POST /1 HTTP/1.1\r\nContent-Length: 100\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\nGET /2 HTTP/1.1\r\n\r\n",
			[]string{"POST /1 HTTP/1.1\nContent-Length: 100\nTransfer-Encoding: Chunked\n", "GET /2 HTTP/1.1\n"}, false},
		{"bare LF line ends, as net/http accepts them",
			"GET /1 HTTP/1.1\nA: 1\n\nGET /2 HTTP/1.1\n\n",
			[]string{"GET /1 HTTP/1.1\nA: 1\n", "GET /2 HTTP/1.1\n"}, false},
		{"odd spacing stays as sent; an obs-fold becomes one space",
			"GET / HTTP/1.1\r\nA:x  \r\nB:   y \r\n  folded\r\n\tagain\r\nC: z\r\n\r\n",
			[]string{"GET / HTTP/1.1\nA:x  \nB:   y folded again\nC: z\n"}, false},
		{"a head over the limit is not kept, the next one is",
			long + "GET /2 HTTP/1.1\r\n\r\n",
			[]string{"", "GET /2 HTTP/1.1\n"}, false},
		{"framing is read in a head over the limit",
			"POST /long HTTP/1.1\r\nX-Pad: " + strings.Repeat("a", 200) + "\r\nContent-Length: 3\r\n\r\nabcGET /2 HTTP/1.1\r\n\r\n",
			[]string{"", "GET /2 HTTP/1.1\n"}, false},
		{"a folded Content-Length stops",
			"POST / HTTP/1.1\r\nContent-Length:\r\n 3\r\n\r\nabc", nil, true},
		{"a transfer coding net/http refuses stops",
			"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", nil, true},
		{"Transfer-Encoding on HTTP/1.0 stops (net/http ignores it)",
			"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", nil, true},
		{"two Content-Lengths that differ stop",
			"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", nil, true},
		{"a chunk size of 17 digits stops",
			"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n00000000000000001\r\nx\r\n0\r\n\r\n",
			[]string{"POST / HTTP/1.1\nTransfer-Encoding: chunked\n"}, true},
		{"chunk data not followed by CRLF stops",
			"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nxy\r\n0\r\n\r\n",
			[]string{"POST / HTTP/1.1\nTransfer-Encoding: chunked\n"}, true},
	}
	const limit = 128
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			check := func(how string, s *scanner) {
				t.Helper()
				if got := kept(s); !slices.Equal(got, tt.want) {
					t.Errorf("%s: heads = %q, want %q", how, got, tt.want)
				}
				if (s.state == lost) != tt.lost {
					t.Errorf("%s: lost = %v, want %v", how, s.state == lost, tt.lost)
				}
			}
			check("whole", scan(limit, tt.stream))
			var bytewise []int
			for i := 1; i < len(tt.stream); i++ {
				bytewise = append(bytewise, i)
			}
			check("byte by byte", scan(limit, tt.stream, bytewise...))
			for at := 1; at < len(tt.stream) && !t.Failed(); at++ {
				check(fmt.Sprintf("cut at %d", at), scan(limit, tt.stream, at))
			}
		})
	}
}

// What the scanner holds is bounded by the limit however much is sent.
func TestScannerMemoryIsBounded(t *testing.T) {
	t.Parallel()
	const limit = 1024
	s := &scanner{limit: limit}
	one := "GET / HTTP/1.1\r\nX-Pad: " + strings.Repeat("p", 100) + "\r\n\r\n"
	for range 1000 { // pipelined heads no request has taken
		s.feed([]byte(one))
	}
	if cap(s.buf) > limit {
		t.Errorf("buf holds %d bytes, limit %d", cap(s.buf), limit)
	}
	s.dropBefore(s.next)
	s.feed([]byte("GET / HTTP/1.1\r\nX-Pad: "))
	for range 1000 { // one endless header line
		s.feed([]byte(strings.Repeat("x", 1000)))
	}
	if cap(s.buf) > limit {
		t.Errorf("buf grew to %d bytes, limit %d", cap(s.buf), limit)
	}
	if len(s.heads) != 0 || s.start != 0 {
		t.Errorf("after dropping: %d heads, head being read at %d", len(s.heads), s.start)
	}
}
