package relay

import (
	"bufio"
	"errors"
	"io"
	"strconv"
	"strings"

	"wirebook/server/wireproto"
)

// How a response body ends (RFC 9112 §6.3).
type framing uint8

const (
	noBody    framing = iota // HEAD, 1xx, 204, 304, or a 2xx to CONNECT
	byLength                 // Content-Length
	byChunks                 // Transfer-Encoding ending in chunked
	byClosing                // neither: the body runs until the server closes
)

// maxSizeLine bounds a chunk-size line, extensions included, as net/http's
// chunked reader does: a size line needs a few bytes; 4 KiB leaves room for
// extensions without letting a server feed one line for ever.
const maxSizeLine = 4 << 10

// bodyFraming decides how the body after h ends, for a request of method.
func bodyFraming(method string, h *respHead) (framing, int64, error) {
	switch {
	case method == "HEAD", h.status < 200, h.status == 204, h.status == 304,
		method == "CONNECT" && h.status < 300:
		return noBody, 0, nil
	}
	if te := h.values("Transfer-Encoding"); len(te) > 0 {
		// The final coding decides; a response whose last coding is not
		// chunked runs until the server closes (RFC 9112 §6.3 item 4).
		codings := strings.Split(te[len(te)-1], ",")
		if wireproto.EqualFold(strings.TrimSpace(codings[len(codings)-1]), "chunked") {
			return byChunks, -1, nil
		}
		return byClosing, -1, nil
	}
	if cl := h.values("Content-Length"); len(cl) > 0 {
		// Repeats, or a list, must all agree (RFC 9110 §8.6); a length a
		// reader could take two ways is an error, not a guess.
		n := int64(-1)
		for _, v := range cl {
			for part := range strings.SplitSeq(v, ",") {
				part = strings.TrimSpace(part)
				m, err := strconv.ParseInt(part, 10, 64)
				if err != nil || m < 0 || !isDigits(part) || n >= 0 && m != n {
					return 0, 0, errors.New("the response's Content-Length " + strconv.Quote(strings.Join(cl, ", ")) + " is not one number of bytes")
				}
				n = m
			}
		}
		return byLength, n, nil
	}
	return byClosing, -1, nil
}

// bodyReader hands out a response body piece by piece as it arrives.
type bodyReader struct {
	br      *bufio.Reader
	framing framing
	left    int64 // byLength: bytes to come; byChunks: bytes left in this chunk
	crlf    bool  // byChunks: the CRLF after a chunk's data is still to read
	done    bool
	limit   int // byChunks: bytes the trailers may take
}

// next reads the next piece of the body into p, at most len(p) bytes, as
// soon as some are there. For a chunked body, sizeLine is the size line as
// received on the first piece of each chunk; the last chunk is a piece
// with no bytes and sizeLine "0" (as sent, extensions and all), followed by
// each trailer line after a "\n". At the end of the body, err is io.EOF; a
// body cut short is io.ErrUnexpectedEOF.
func (b *bodyReader) next(p []byte) (n int, sizeLine string, err error) {
	if b.done {
		return 0, "", io.EOF
	}
	switch b.framing {
	case noBody:
		b.done = true
		return 0, "", io.EOF
	case byLength:
		if b.left == 0 {
			b.done = true
			return 0, "", io.EOF
		}
		n, err = b.br.Read(p[:min(int64(len(p)), b.left)])
		b.left -= int64(n)
		return n, "", unexpected(err)
	case byClosing:
		n, err = b.br.Read(p)
		if err == io.EOF {
			b.done = true
		}
		return n, "", err
	}
	if b.left == 0 {
		if sizeLine, err = b.nextChunk(); err != nil || b.done {
			return 0, sizeLine, err
		}
		p = p[:max(len(p)-len(sizeLine), 1)] // the frame carries both
	}
	n, err = b.br.Read(p[:min(int64(len(p)), b.left)])
	b.left -= int64(n)
	return n, sizeLine, unexpected(err)
}

// nextChunk reads the CRLF that ends the chunk before, if any, and the next
// size line, and returns the size line. After the last chunk it reads the
// trailers up to the empty line, and done is set.
func (b *bodyReader) nextChunk() (string, error) {
	if b.crlf {
		var end [2]byte
		if _, err := io.ReadFull(b.br, end[:]); err != nil {
			return "", unexpected(err)
		}
		if string(end[:]) != "\r\n" {
			return "", errors.New("malformed chunked encoding: a chunk's data is not followed by CRLF")
		}
		b.crlf = false
	}
	line, err := b.readLine(maxSizeLine, "chunk size line")
	if err != nil {
		return "", err
	}
	size, err := parseSizeLine(line)
	if err != nil {
		return "", err
	}
	if size > 0 {
		b.left, b.crlf = size, true
		return line, nil
	}
	var trailers strings.Builder
	trailers.WriteString(line)
	for {
		t, err := b.readLine(b.limit-trailers.Len(), "trailer section")
		if err != nil {
			return "", err
		}
		if t == "" {
			break
		}
		trailers.WriteString("\n" + t)
	}
	b.done = true
	return trailers.String(), nil
}

// readLine reads a line of at most limit bytes, line end included, and
// returns it without its CRLF (or bare LF). A NUL or a bare CR is refused.
func (b *bodyReader) readLine(limit int, what string) (string, error) {
	var line []byte
	for {
		frag, err := b.br.ReadSlice('\n')
		if len(line)+len(frag) > limit {
			return "", errors.New("malformed chunked encoding: the " + what + " is longer than " + strconv.Itoa(limit) + " bytes")
		}
		line = append(line, frag...)
		if err == nil {
			break
		}
		if err != bufio.ErrBufferFull {
			return "", unexpected(err)
		}
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
	if i := strings.IndexAny(s, "\x00\r"); i >= 0 {
		return "", errors.New("malformed chunked encoding: " + describeCtl(s[i]) + " in the " + what + " " + strconv.Quote(s))
	}
	return s, nil
}

// parseSizeLine reads "1a", "1a;name=value" or "1a ; name": hex digits,
// then optional extensions (RFC 9112 §7.1.1), whose content is not checked
// beyond what readLine does: the relay shows them, it does not act on them.
func parseSizeLine(line string) (int64, error) {
	end := 0
	for end < len(line) && isHex(line[end]) {
		end++
	}
	rest := strings.TrimLeft(line[end:], " \t")
	if end == 0 || rest != "" && rest[0] != ';' {
		return 0, errors.New("malformed chunked encoding: the size line " + strconv.Quote(line) + " is not a hex number")
	}
	n, err := strconv.ParseInt(line[:end], 16, 64)
	if err != nil || n > 1<<62 {
		return 0, errors.New("malformed chunked encoding: the chunk size " + strconv.Quote(line[:end]) + " is too large")
	}
	return n, nil
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// unexpected turns io.EOF into io.ErrUnexpectedEOF: inside a body whose
// end is announced, the connection closing is not its end.
func unexpected(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
