// Package jsonview reads a JSON body for the client's foldable view: strictly,
// without reflection or encoding/json (which would cost app.wasm hundreds of
// KiB), keeping every value as written.
package jsonview

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Kind is the kind of a JSON value. The zero Kind is no value.
type Kind uint8

const (
	Null Kind = iota + 1
	Bool
	Number
	String
	Array
	Object
)

// MaxDepth bounds the nesting of arrays and objects Parse accepts, so
// a hostile body cannot exhaust the stack of the parser or of the view.
const MaxDepth = 256

// Value is one value of a JSON text, kept as written so that a view can
// show it verbatim: numbers are not rounded through float64, strings keep
// their escapes, and members keep their order and repeats.
type Value struct {
	Kind Kind
	// Text is the literal as written for null, true, false, numbers and
	// strings (with their quotes and escapes); empty for arrays and objects.
	Text string
	// Keys are an object's member names as written, quotes included;
	// Keys[i] names Items[i].
	Keys []string
	// Items are an array's elements or an object's member values, in order.
	Items []*Value
}

// Error says where (a 0-based byte offset) and why a JSON text is invalid.
type Error struct {
	Offset int
	Msg    string
}

func (e *Error) Error() string { return "offset " + strconv.Itoa(e.Offset) + ": " + e.Msg }

// Parse parses one JSON text (RFC 8259), strictly: no comments, trailing
// commas, single quotes, leading zeros, raw control characters in strings or
// invalid UTF-8. The size of s is the caller's to bound; the nesting is
// bounded by MaxDepth.
func Parse(s string) (*Value, error) {
	p := parser{s: s}
	p.space()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.pos < len(s) {
		return nil, p.fail("unexpected " + p.found() + " after the top-level value")
	}
	return v, nil
}

type parser struct {
	s   string
	pos int
}

func (p *parser) fail(msg string) *Error { return &Error{Offset: p.pos, Msg: msg} }

// found names what is at pos for an error message: 'x', tab, end of input.
func (p *parser) found() string {
	if p.pos >= len(p.s) {
		return "end of input"
	}
	c := p.s[p.pos]
	switch {
	case c >= utf8.RuneSelf:
		r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
		if r == utf8.RuneError {
			return "invalid UTF-8"
		}
		return strconv.QuoteRune(r)
	case c == ' ':
		return "space"
	case c == '\t':
		return "tab"
	case c < 0x20 || c == 0x7f:
		return "control character " + hexByte(c)
	}
	return strconv.QuoteRune(rune(c))
}

func (p *parser) space() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Value, error) {
	if p.pos >= len(p.s) {
		return nil, p.fail("unexpected end of input, want a value")
	}
	switch c := p.s[p.pos]; {
	case c == '{' || c == '[':
		if depth >= MaxDepth {
			return nil, p.fail("nested deeper than " + strconv.Itoa(MaxDepth) + " levels")
		}
		if c == '{' {
			return p.object(depth + 1)
		}
		return p.array(depth + 1)
	case c == '"':
		lit, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Value{Kind: String, Text: lit}, nil
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	}
	return nil, p.fail("unexpected " + p.found() + ", want a value")
}

func (p *parser) literal(word string, kind Kind) (*Value, error) {
	if !strings.HasPrefix(p.s[p.pos:], word) {
		return nil, p.fail("invalid literal, want " + word)
	}
	v := &Value{Kind: kind, Text: p.s[p.pos : p.pos+len(word)]}
	p.pos += len(word)
	return v, nil
}

func (p *parser) digits() int {
	start := p.pos
	for p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
		p.pos++
	}
	return p.pos - start
}

func (p *parser) number() (*Value, error) {
	start := p.pos
	if p.s[p.pos] == '-' {
		p.pos++
	}
	switch {
	case p.pos < len(p.s) && p.s[p.pos] == '0':
		p.pos++
		if p.pos < len(p.s) && '0' <= p.s[p.pos] && p.s[p.pos] <= '9' {
			return nil, p.fail("number has a leading zero")
		}
	case p.digits() == 0:
		return nil, p.fail("unexpected " + p.found() + " in number, want a digit")
	}
	if p.pos < len(p.s) && p.s[p.pos] == '.' {
		p.pos++
		if p.digits() == 0 {
			return nil, p.fail("unexpected " + p.found() + " after the decimal point, want a digit")
		}
	}
	if p.pos < len(p.s) && (p.s[p.pos] == 'e' || p.s[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.s) && (p.s[p.pos] == '+' || p.s[p.pos] == '-') {
			p.pos++
		}
		if p.digits() == 0 {
			return nil, p.fail("unexpected " + p.found() + " in exponent, want a digit")
		}
	}
	return &Value{Kind: Number, Text: p.s[start:p.pos]}, nil
}

// str reads a string at pos and returns its literal, quotes included.
func (p *parser) str() (string, error) {
	start := p.pos
	p.pos++
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return p.s[start:p.pos], nil
		case c == '\\':
			p.pos++
			if p.pos >= len(p.s) {
				return "", p.fail("unexpected end of input in string escape")
			}
			switch p.s[p.pos] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				p.pos++
			case 'u':
				p.pos++
				for range 4 {
					if p.pos >= len(p.s) || !isHex(p.s[p.pos]) {
						return "", p.fail(`unexpected ` + p.found() + ` in \u escape, want a hex digit`)
					}
					p.pos++
				}
			default:
				return "", p.fail("unexpected " + p.found() + " after \\ in string, want one of \"\\/bfnrtu")
			}
		case c < 0x20:
			return "", p.fail(p.found() + " in string: write it as an escape")
		case c < utf8.RuneSelf:
			p.pos++
		default:
			r, n := utf8.DecodeRuneInString(p.s[p.pos:])
			if r == utf8.RuneError && n == 1 {
				return "", p.fail("invalid UTF-8 in string")
			}
			p.pos += n
		}
	}
	return "", &Error{Offset: start, Msg: "string is not closed"}
}

func (p *parser) array(depth int) (*Value, error) {
	v := &Value{Kind: Array}
	p.pos++ // [
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for {
		item, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		v.Items = append(v.Items, item)
		p.space()
		if p.pos >= len(p.s) {
			return nil, p.fail("unexpected end of input in array, want , or ]")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == ']' {
				return nil, p.fail("trailing comma before ]")
			}
		case ']':
			p.pos++
			return v, nil
		default:
			return nil, p.fail("unexpected " + p.found() + " in array, want , or ]")
		}
	}
}

func (p *parser) object(depth int) (*Value, error) {
	v := &Value{Kind: Object}
	p.pos++ // {
	p.space()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		if p.pos >= len(p.s) || p.s[p.pos] != '"' {
			return nil, p.fail("unexpected " + p.found() + " in object, want a member name in double quotes")
		}
		key, err := p.str()
		if err != nil {
			return nil, err
		}
		p.space()
		if p.pos >= len(p.s) || p.s[p.pos] != ':' {
			return nil, p.fail("unexpected " + p.found() + " after member name, want :")
		}
		p.pos++
		p.space()
		item, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		v.Keys = append(v.Keys, key)
		v.Items = append(v.Items, item)
		p.space()
		if p.pos >= len(p.s) {
			return nil, p.fail("unexpected end of input in object, want , or }")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
			p.space()
			if p.pos < len(p.s) && p.s[p.pos] == '}' {
				return nil, p.fail("trailing comma before }")
			}
		case '}':
			p.pos++
			return v, nil
		default:
			return nil, p.fail("unexpected " + p.found() + " in object, want , or }")
		}
	}
}

// Pretty re-indents a JSON text: one member or element a line, each level
// indented by indent more, keys in their order, literals verbatim, no
// trailing newline. An empty indent gives the compact form instead.
func Pretty(s string, indent string) (string, error) {
	v, err := Parse(s)
	if err != nil {
		return "", err
	}
	b := make([]byte, 0, len(s)+len(s)/2)
	if indent == "" {
		b = appendCompact(b, v)
	} else {
		b = appendPretty(b, v, indent, "\n")
	}
	return string(b), nil
}

// appendPretty writes v with nl (a newline and the current indentation)
// starting each of its lines after the first.
func appendPretty(b []byte, v *Value, indent, nl string) []byte {
	var open, close byte
	switch v.Kind {
	case Array:
		open, close = '[', ']'
	case Object:
		open, close = '{', '}'
	default:
		return append(b, v.Text...)
	}
	b = append(b, open)
	if len(v.Items) == 0 {
		return append(b, close)
	}
	inner := nl + indent
	for i, item := range v.Items {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, inner...)
		if v.Kind == Object {
			b = append(b, v.Keys[i]...)
			b = append(b, ':', ' ')
		}
		b = appendPretty(b, item, indent, inner)
	}
	b = append(b, nl...)
	return append(b, close)
}

func appendCompact(b []byte, v *Value) []byte {
	switch v.Kind {
	case Array, Object:
		open, close := byte('['), byte(']')
		if v.Kind == Object {
			open, close = '{', '}'
		}
		b = append(b, open)
		for i, item := range v.Items {
			if i > 0 {
				b = append(b, ',')
			}
			if v.Kind == Object {
				b = append(b, v.Keys[i]...)
				b = append(b, ':')
			}
			b = appendCompact(b, item)
		}
		return append(b, close)
	}
	return append(b, v.Text...)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func hexByte(c byte) string {
	const digits = "0123456789ABCDEF"
	return "0x" + string([]byte{digits[c>>4], digits[c&15]})
}
