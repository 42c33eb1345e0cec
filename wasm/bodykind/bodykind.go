// Package bodykind tells how the client shows a response body (as text, a
// page, an image, JSON or bytes) from its Content-Type, its first bytes or
// the name it was asked for.
package bodykind

import (
	"strings"
	"unicode/utf8"

	"wirebook/server/wireproto"
)

// Kind is how a response body is shown.
type Kind uint8

const (
	Text   Kind = iota // in a <pre>
	HTML               // in a sandboxed <iframe srcdoc>
	Image              // in an <img>, which runs no script, SVG included
	JSON               // in the foldable JSON view
	Binary             // as a size and a hex dump, never decoded
)

var kindNames = [...]string{"text", "html", "image", "json", "binary"}

// String returns the kind's lower-case name ("json"), fit for a data- attribute.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "binary"
}

// FormType is the media type of an HTML form's body (WHATWG URL §5.1).
const FormType = "application/x-www-form-urlencoded"

// MediaType returns the media type of a Content-Type value, lower-cased and
// without parameters or whitespace: "Text/HTML; charset=utf-8" → "text/html".
// It returns "" when there is none.
func MediaType(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	return wireproto.ToLower(wireproto.TrimOWS(mt))
}

// Of tells how to show a body from its Content-Type alone. An empty or
// unknown type is Binary; OfBody can do better for an empty one.
func Of(contentType string) Kind {
	mt := MediaType(contentType)
	typ, sub, ok := strings.Cut(mt, "/")
	if !ok || typ == "" || sub == "" {
		return Binary
	}
	switch {
	case mt == "application/json" || mt == "text/json" || strings.HasSuffix(sub, "+json"):
		return JSON
	case mt == "text/html" || mt == "application/xhtml+xml":
		return HTML
	case typ == "image":
		return Image
	case typ == "text",
		mt == "application/xml" || strings.HasSuffix(sub, "+xml"),
		mt == "application/javascript" || mt == "application/ecmascript",
		mt == FormType:
		return Text
	}
	return Binary
}

// OfBody is Of, except that a body sent without a Content-Type is
// shown as text when its first bytes (head, e.g. the first chunk) are
// printable UTF-8, rather than as binary.
func OfBody(contentType string, head []byte) Kind {
	if MediaType(contentType) != "" {
		return Of(contentType)
	}
	if len(head) > 0 && printable(head) {
		return Text
	}
	return Binary
}

// extensions lists, for each kind, the file extensions a lesson is likely
// to ask for, each between spaces. A table of strings rather than a map:
// a map literal is built at start-up by code every student downloads.
var extensions = [...]string{
	Text:   " txt css js csv md xml ",
	HTML:   " html htm ",
	Image:  " png jpg jpeg gif webp avif svg ico bmp ",
	JSON:   " json ",
	Binary: " pdf zip gz tgz tar wasm bin mp3 mp4 webm ogg wav woff woff2 ttf ",
}

// OfName tells what kind of body a file name ("wirebook.png") is likely to
// hold, from its extension, compared without regard to case. ok is false for
// a name without a known extension. Content-Type, when there is one, has
// the last word (Of).
func OfName(name string) (k Kind, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 || i == len(name)-1 {
		return Binary, false
	}
	ext := " " + wireproto.ToLower(name[i+1:]) + " "
	for k, list := range extensions {
		if strings.Contains(list, ext) {
			return Kind(k), true
		}
	}
	return Binary, false
}

// printable reports whether b is UTF-8 text without control characters other
// than tab, line breaks and form feed. A rune cut off by the end of b is
// allowed: b may be the first chunk of a longer body.
func printable(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		i += n
	}
	return true
}

// Charset returns the charset parameter of a Content-Type value, lower-cased
// ("utf-8"), or "" if it has none. Parameter values may be quoted strings
// (RFC 9110 §5.6.6).
func Charset(contentType string) string {
	_, params, ok := strings.Cut(contentType, ";")
	for ok {
		var name, value string
		name, value, params, ok = nextParam(params)
		if wireproto.EqualFold(name, "charset") {
			return wireproto.ToLower(value)
		}
	}
	return ""
}

// nextParam reads `name=value` or `name="quoted value"` from the parameters
// after a ";", and returns the rest after the next ";" with ok true if there
// is one. A malformed parameter yields an empty name and is skipped.
func nextParam(s string) (name, value, rest string, ok bool) {
	i := strings.IndexAny(s, "=;")
	if i < 0 {
		return "", "", "", false
	}
	if s[i] == ';' {
		return "", "", s[i+1:], true
	}
	name, s = wireproto.TrimOWS(s[:i]), wireproto.TrimOWS(s[i+1:])
	if strings.HasPrefix(s, `"`) {
		var b []byte
		for i := 1; i < len(s); i++ {
			switch c := s[i]; c {
			case '\\':
				if i+1 < len(s) {
					i++
					b = append(b, s[i])
				}
			case '"':
				_, rest, ok = strings.Cut(s[i+1:], ";")
				return name, string(b), rest, ok
			default:
				b = append(b, c)
			}
		}
		return name, string(b), "", false // unterminated: take what there is
	}
	value, rest, ok = strings.Cut(s, ";")
	return name, wireproto.TrimOWS(value), rest, ok
}
