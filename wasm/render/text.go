package render

import (
	"strings"
	"unicode/utf8"
)

// utf8Stream turns body chunks into text as they arrive. A chunk may end in
// the middle of a character; those bytes wait for the next chunk instead of
// showing as two replacement characters.
type utf8Stream struct {
	pending []byte
}

func (s *utf8Stream) write(p []byte) string {
	if len(s.pending) > 0 {
		p = append(s.pending, p...)
		s.pending = nil
	}
	cut := len(p)
	// Only the last utf8.UTFMax-1 bytes can be the start of a split character.
	for i := len(p) - 1; i >= 0 && i >= len(p)-(utf8.UTFMax-1); i-- {
		if utf8.RuneStart(p[i]) {
			if !utf8.FullRune(p[i:]) {
				cut = i
			}
			break
		}
	}
	if cut < len(p) {
		s.pending = append([]byte(nil), p[cut:]...)
	}
	return strings.ToValidUTF8(string(p[:cut]), "\uFFFD")
}

// flush is what is left at the end of the body: a character that never
// completed.
func (s *utf8Stream) flush() string {
	if len(s.pending) == 0 {
		return ""
	}
	rest := strings.ToValidUTF8(string(s.pending), "\uFFFD")
	s.pending = nil
	return rest
}

// hexDump is the classic offset, hex, ASCII view of up to max bytes of a body
// the page cannot show as text or an image.
func hexDump(b []byte, max int) string {
	if len(b) > max {
		b = b[:max]
	}
	const digits = "0123456789abcdef"
	var out strings.Builder
	for off := 0; off < len(b); off += 16 {
		line := b[off:min(off+16, len(b))]
		for shift := 28; shift >= 0; shift -= 4 {
			out.WriteByte(digits[off>>shift&0xf])
		}
		out.WriteString("  ")
		for i := range 16 {
			if i < len(line) {
				out.WriteByte(digits[line[i]>>4])
				out.WriteByte(digits[line[i]&0xf])
			} else {
				out.WriteString("  ")
			}
			out.WriteByte(' ')
			if i == 7 {
				out.WriteByte(' ')
			}
		}
		out.WriteString(" |")
		for _, c := range line {
			if c < 0x20 || c > 0x7e {
				c = '.'
			}
			out.WriteByte(c)
		}
		out.WriteString("|\n")
	}
	return out.String()
}
