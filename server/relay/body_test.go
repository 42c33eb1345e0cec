package relay

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http/httputil"
	"strconv"
	"strings"
	"testing"
)

// readChunked decodes a whole chunked body from in with a reader of the
// given buffer size, a piece at most max bytes long, and returns the data,
// the size lines in order and how it ended.
func readChunked(in string, bufSize, max int) (data []byte, lines []string, err error) {
	b := &bodyReader{br: bufio.NewReaderSize(strings.NewReader(in), bufSize), framing: byChunks, limit: 1 << 10}
	p := make([]byte, max)
	for {
		n, line, err := b.next(p)
		data = append(data, p[:n]...)
		if line != "" {
			lines = append(lines, line)
		}
		if err != nil {
			return data, lines, err
		}
	}
}

// A chunk split over many reads reports its size line once, on its first
// piece; the pieces join to the chunk.
func TestChunkSizeLineOnTheFirstPieceOnly(t *testing.T) {
	t.Parallel()
	in := "1a\r\n" + strings.Repeat("x", 26) + "\r\n3\r\nabc\r\n0\r\n\r\n"
	// The reader's buffer holds all of in, so each read is cut by p alone.
	b := &bodyReader{br: bufio.NewReaderSize(strings.NewReader(in), 64), framing: byChunks, limit: 1 << 10}
	type piece struct {
		n    int
		line string
	}
	var got []piece
	p := make([]byte, 10)
	for {
		n, line, err := b.next(p)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, piece{n, line})
	}
	// 10 bytes a read, 2 of them spared for the size line on a first piece.
	want := []piece{{8, "1a"}, {10, ""}, {8, ""}, {3, "3"}, {0, "0"}}
	if len(got) != len(want) {
		t.Fatalf("pieces = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("piece %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestChunkedBodyCutShort(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "5\r\nhel", "5\r\nhello", "5\r\nhello\r\n", "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX: y\r\n"} {
		if _, _, err := readChunked(in, 16, 64); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("%q: err = %v, want unexpected EOF", in, err)
		}
	}
}

// FuzzChunkedBody feeds the decoder anything: it never hands out more data
// than came in, never a size line with a line break, and a body it reads
// to its end announced a data length in its size lines equal to what it
// handed out.
func FuzzChunkedBody(f *testing.F) {
	f.Add("1a\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\n\r\n", 16, 7)
	f.Add("5;ext=1\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n", 16, 64)
	f.Add("5\nhello\r\n0\n\n", 32, 3)
	f.Add("ffffffffffffffff\r\n", 16, 1)
	f.Add("0\r\n\r\nGET / HTTP/1.1\r\n\r\n", 16, 64)
	f.Fuzz(func(t *testing.T, in string, bufSize, max int) {
		bufSize = 16 + abs(bufSize)%4096
		max = 1 + abs(max)%64<<10
		data, lines, err := readChunked(in, bufSize, max)
		if len(data) > len(in) {
			t.Fatalf("%d bytes of data out of %d in", len(data), len(in))
		}
		var announced int64
		for _, l := range lines {
			first, _, _ := strings.Cut(l, "\n")
			if strings.ContainsAny(first, "\r\x00") {
				t.Fatalf("size line %q", l)
			}
			size, perr := parseSizeLine(first)
			if perr != nil {
				t.Fatalf("a size line handed out does not parse: %q: %v", first, perr)
			}
			announced += size
		}
		if err == io.EOF && announced != int64(len(data)) {
			t.Fatalf("size lines %q announce %d bytes, %d came", lines, announced, len(data))
		}
	})
}

// FuzzChunkedRoundTrip encodes data as net/http's server does and reads it
// back: the same bytes, and one size line per chunk in lower-case hex.
func FuzzChunkedRoundTrip(f *testing.F) {
	f.Add([]byte("Hello\nBonjour\nHola\n"), uint8(6))
	f.Add([]byte{}, uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, size uint8) {
		step := 1 + int(size)
		var enc bytes.Buffer
		cw := httputil.NewChunkedWriter(&enc)
		var want []string
		for i := 0; i < len(data); i += step {
			piece := data[i:min(i+step, len(data))]
			cw.Write(piece)
			want = append(want, strconv.FormatInt(int64(len(piece)), 16))
		}
		cw.Close()
		enc.WriteString("\r\n") // the empty trailer section
		want = append(want, "0")
		got, lines, err := readChunked(enc.String(), 16, 1<<10)
		if err != io.EOF || !bytes.Equal(got, data) || strings.Join(lines, ",") != strings.Join(want, ",") {
			t.Fatalf("read %q, lines %q, %v; want %q, %q", got, lines, err, data, want)
		}
	})
}

func abs(n int) int {
	if n < 0 {
		if n == -n { // the smallest int
			return 0
		}
		return -n
	}
	return n
}
