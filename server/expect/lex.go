package expect

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// cursor walks one line of an expectation. Hurl separates tokens with
// spaces or tabs, and a '#' outside a string or regex starts a comment
// that runs to the end of the line.
type cursor struct {
	s   string
	pos int
}

func (c *cursor) skipSpace() {
	for c.pos < len(c.s) && (c.s[c.pos] == ' ' || c.s[c.pos] == '\t') {
		c.pos++
	}
}

// atEnd reports whether only spaces and a comment are left.
func (c *cursor) atEnd() bool {
	c.skipSpace()
	return c.pos >= len(c.s) || c.s[c.pos] == '#'
}

// peek returns the next byte without consuming it (0 at the end).
func (c *cursor) peek() byte {
	if c.pos >= len(c.s) {
		return 0
	}
	return c.s[c.pos]
}

// word reads the run of characters up to the next space, tab or comment.
func (c *cursor) word() string {
	c.skipSpace()
	start := c.pos
	for c.pos < len(c.s) && c.s[c.pos] != ' ' && c.s[c.pos] != '\t' && c.s[c.pos] != '#' {
		c.pos++
	}
	return c.s[start:c.pos]
}

// peekWord returns the next word without consuming it.
func (c *cursor) peekWord() string {
	save := c.pos
	w := c.word()
	c.pos = save
	return w
}

// rest returns what is left before the comment, trimmed: used in messages.
func (c *cursor) rest() string {
	r := c.s[c.pos:]
	if i := strings.IndexByte(r, '#'); i >= 0 {
		r = r[:i]
	}
	return strings.Trim(r, " \t")
}

// quoted reads a Hurl quoted string starting at the opening '"'. Hurl's
// escapes are \" \\ \b \f \n \r \t and \u{hex}; "{{" opens a template,
// which wirebook does not evaluate, so it is refused rather than compared
// literally (Hurl would substitute a variable there).
func (c *cursor) quoted() (string, string) {
	if c.peek() != '"' {
		return "", "expected a quoted string"
	}
	c.pos++
	var b strings.Builder
	for {
		if c.pos >= len(c.s) {
			return "", "unterminated string: a closing \" is missing"
		}
		ch := c.s[c.pos]
		switch {
		case ch == '"':
			c.pos++
			return b.String(), ""
		case ch == '{' && strings.HasPrefix(c.s[c.pos:], "{{"):
			return "", "templates ({{…}}) are not supported by wirebook; write the value itself"
		case ch == '\\':
			r, msg := c.escape()
			if msg != "" {
				return "", msg
			}
			b.WriteRune(r)
		case ch == '\t' || ch == '\r' || ch == '\b' || ch == '\f':
			// Hurl refuses these raw inside quotes; they must be escaped.
			esc := strings.Trim(strconv.Quote(string(ch)), `"`)
			return "", "a raw control character inside a string: Hurl needs it written " + esc
		default:
			r, size := utf8.DecodeRuneInString(c.s[c.pos:])
			b.WriteRune(r)
			c.pos += size
		}
	}
}

// escape reads one backslash escape of a quoted string.
func (c *cursor) escape() (rune, string) {
	c.pos++ // the backslash
	if c.pos >= len(c.s) {
		return 0, "unterminated string: a closing \" is missing"
	}
	ch := c.s[c.pos]
	c.pos++
	switch ch {
	case '"', '\\', '/', '#', '`':
		return rune(ch), ""
	case 'b':
		return '\b', ""
	case 'f':
		return '\f', ""
	case 'n':
		return '\n', ""
	case 'r':
		return '\r', ""
	case 't':
		return '\t', ""
	case 'u':
		if c.peek() != '{' {
			return 0, `bad escape \u: write \u{hex}, e.g. \u{e9}`
		}
		end := strings.IndexByte(c.s[c.pos:], '}')
		if end < 0 {
			return 0, `bad escape \u{: the closing } is missing`
		}
		hex := c.s[c.pos+1 : c.pos+end]
		n, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || hex == "" || n > utf8.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return 0, `bad escape \u{` + hex + `}: not a Unicode code point`
		}
		c.pos += end + 1
		return rune(n), ""
	}
	return 0, `unknown escape \` + string(ch) + " (Hurl knows \\\" \\\\ \\/ \\# \\` \\b \\f \\n \\r \\t \\u{hex})"
}

// regex reads a Hurl regex literal /…/ starting at the opening '/'. Inside,
// \/ stands for a slash and every other backslash is kept for the regex
// engine, so /\d+/ means \d+. Like Hurl's lexer, a backslash is looked at
// one character at a time: in /a\\/ the second backslash escapes the
// slash, and the regex goes on.
func (c *cursor) regex() (string, string) {
	c.pos++
	var b strings.Builder
	for {
		if c.pos >= len(c.s) {
			return "", "unterminated regex: a closing / is missing"
		}
		ch := c.s[c.pos]
		switch ch {
		case '/':
			c.pos++
			return b.String(), ""
		case '\\':
			if c.pos+1 < len(c.s) && c.s[c.pos+1] == '/' {
				b.WriteByte('/')
				c.pos += 2
			} else {
				b.WriteByte('\\')
				c.pos++
			}
		default:
			b.WriteByte(ch)
			c.pos++
		}
	}
}

// quote writes s as a Hurl quoted string that reads back as s.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	prev := rune(0)
	for _, r := range s {
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '{' && prev == '{', r < 0x20, r == 0x7f, r == utf8.RuneError:
			// A second '{' would open a Hurl template.
			b.WriteString(`\u{` + strconv.FormatInt(int64(r), 16) + `}`)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	b.WriteByte('"')
	return b.String()
}

// regexLiteral writes a pattern as /…/ that reads back as the pattern. A
// pattern read from a literal never ends in a backslash (it would have
// escaped the closing slash), so the closing slash is always free.
func regexLiteral(p string) string {
	return "/" + strings.ReplaceAll(p, "/", `\/`) + "/"
}
