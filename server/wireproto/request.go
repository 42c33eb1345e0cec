// Package wireproto is what the server and the WebAssembly client truly
// share: the request text of a lesson cell and the relay frames. Everything
// only the client needs lives under wasm/. It builds for GOOS=js and so must
// not import net/http, fmt, encoding/json, encoding/binary or anything else
// that pulls in reflect: every byte here is downloaded by every student.
// deps_test.go holds that line.
package wireproto

import (
	"strconv"
	"strings"
)

// Header is one header line, kept in the order written or received.
type Header struct {
	Name, Value string
}

// Request is a cell's request text, parsed.
type Request struct {
	Method  string
	Target  string // as written: "/hello" or "http://127.0.0.1:2505/hello"
	Headers []Header
	Body    string
}

// ParseError names the line of the request text (1-based) that is wrong.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return "line " + strconv.Itoa(e.Line) + ": " + e.Msg }

// ParseRequest reads a cell written as an HTTP message: blank lines, then
// "METHOD TARGET [HTTP/1.1]", header lines "Name: value", and, after the
// first blank line, the body. Lines end in LF or CRLF. The body is kept
// verbatim, line endings and all; header order and repeats are kept, values
// lose the optional whitespace around them (RFC 9110 §5.5).
//
// A line holding only spaces or tabs counts as blank: in an editor it looks
// blank, and a student should not have to find the stray space.
func ParseRequest(text string) (Request, error) {
	lr := lineReader{text: text}
	var line string
	for {
		l, ok := lr.next()
		if !ok {
			return Request{}, &ParseError{Line: 1, Msg: "empty request: write METHOD TARGET, e.g. GET /hello"}
		}
		if !isBlank(l) {
			line = l
			break
		}
	}
	req, msg := parseRequestLine(line)
	if msg != "" {
		return Request{}, &ParseError{Line: lr.line, Msg: msg}
	}
	for {
		l, ok := lr.next()
		if !ok {
			return req, nil
		}
		if isBlank(l) {
			break
		}
		h, msg := parseHeaderLine(l)
		if msg != "" {
			return Request{}, &ParseError{Line: lr.line, Msg: msg}
		}
		req.Headers = append(req.Headers, h)
	}
	req.Body = text[lr.pos:]
	return req, nil
}

// lineReader hands out the lines of text without their LF or CRLF and counts
// them, so that what follows the head can be taken verbatim from pos.
type lineReader struct {
	text string
	pos  int // start of the next line
	line int // 1-based number of the line last returned
}

func (lr *lineReader) next() (string, bool) {
	if lr.pos >= len(lr.text) {
		return "", false
	}
	rest := lr.text[lr.pos:]
	l := rest
	if i := strings.IndexByte(rest, '\n'); i >= 0 {
		l = rest[:i]
		lr.pos += i + 1
	} else {
		lr.pos = len(lr.text)
	}
	lr.line++
	return strings.TrimSuffix(l, "\r"), true
}

func isBlank(s string) bool { return TrimOWS(s) == "" }

// TrimOWS trims the optional whitespace of RFC 9110 §5.6.3: spaces and tabs
// only, never other Unicode space.
func TrimOWS(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func parseRequestLine(line string) (Request, string) {
	f := splitOWS(line)
	if looksLikeTarget(f[0]) {
		return Request{}, "no method: write METHOD TARGET, e.g. GET " + f[0]
	}
	if msg := checkMethod(f[0]); msg != "" {
		return Request{}, msg
	}
	if len(f) == 1 {
		return Request{}, "missing target after " + f[0] + ": write e.g. " + f[0] + " /hello"
	}
	if msg := checkTarget(f[1]); msg != "" {
		return Request{}, msg
	}
	switch {
	case len(f) == 2:
	case len(f) == 3 && f[2] == "HTTP/1.1":
	case len(f) == 3 && strings.HasPrefix(f[2], "HTTP/"):
		return Request{}, "unsupported HTTP version " + strconv.Quote(f[2]) + ": write HTTP/1.1 or leave it out"
	case f[2] == "HTTP/1.1":
		return Request{}, "unexpected " + strconv.Quote(f[3]) + " after HTTP/1.1"
	default:
		return Request{}, "unexpected " + strconv.Quote(f[2]) + " after the target: a space in a URL is written %20"
	}
	return Request{Method: f[0], Target: f[1]}, ""
}

// splitOWS splits a non-blank line at runs of spaces and tabs.
func splitOWS(s string) []string {
	var f []string
	for {
		s = TrimOWS(s)
		if s == "" {
			return f
		}
		i := strings.IndexAny(s, " \t")
		if i < 0 {
			return append(f, s)
		}
		f = append(f, s[:i])
		s = s[i:]
	}
}

func looksLikeTarget(s string) bool {
	return strings.HasPrefix(s, "/") || strings.Contains(s, "://")
}

func checkMethod(m string) string {
	for i := 0; i < len(m); i++ {
		if !isTokenChar(m[i]) {
			return "method " + strconv.Quote(m) + " has " + describeByte(m[i]) + ", which a method name cannot hold"
		}
	}
	// Methods are case-sensitive (RFC 9110 §9.1): "get" is not GET, and a
	// server answers it with 405 or 501, which is a confusing first lesson.
	if up := toUpper(m); up != m {
		return "method " + strconv.Quote(m) + " is not upper case; methods are case-sensitive, write " + up
	}
	return ""
}

// checkTarget accepts the origin form ("/path?query") or an absolute http or
// https URL, the two forms a cell can be sent in from the page.
func checkTarget(t string) string {
	rest := t
	if !strings.HasPrefix(t, "/") {
		scheme, after, ok := strings.Cut(t, "://")
		if !ok {
			if t == "*" {
				return `the asterisk form "*" cannot be sent from a lesson: write a path such as /hello`
			}
			return "target " + strconv.Quote(t) + " must be a path starting with / (e.g. /" + t + ") or an http:// or https:// URL"
		}
		if s := ToLower(scheme); s != "http" && s != "https" {
			return "target " + strconv.Quote(t) + " must be an http:// or https:// URL or a path starting with /"
		}
		end := strings.IndexAny(after, "/?#")
		if end < 0 {
			end = len(after)
		}
		if msg := checkAuthority(after[:end]); msg != "" {
			return msg
		}
		rest = after[end:]
	}
	for i := 0; i < len(rest); i++ {
		switch c := rest[i]; {
		case c < 0x20 || c == 0x7f:
			return "target has " + describeByte(c)
		case c == '#':
			return "target has a fragment (" + rest[i:] + "), which is never sent to the server: remove it"
		case c == '%':
			if i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2]) {
				bad := rest[i:min(i+3, len(rest))]
				return "target has a broken percent-escape " + strconv.Quote(bad) + ": % must be followed by two hex digits (write %25 for % itself)"
			}
		}
	}
	return ""
}

func checkAuthority(a string) string {
	if strings.Contains(a, "@") {
		// fetch refuses URLs with credentials, so the two transports would
		// disagree; the header works in both and is what is sent anyway.
		return "user:password@ in the URL is not supported: send an Authorization: Basic header instead"
	}
	host, port := a, ""
	if strings.HasPrefix(a, "[") {
		end := strings.IndexByte(a, ']')
		if end < 0 {
			return "IPv6 host " + strconv.Quote(a) + " is missing its closing ]"
		}
		host, port = a[1:end], a[end+1:]
		if host == "" || strings.Trim(host, "0123456789abcdefABCDEF:.") != "" {
			return "IPv6 host " + strconv.Quote(a[:end+1]) + " is not an IPv6 address"
		}
		if port != "" && port[0] != ':' {
			return "unexpected " + strconv.Quote(port) + " after the IPv6 host"
		}
	} else {
		if i := strings.IndexByte(a, ':'); i >= 0 {
			host, port = a[:i], a[i:]
		}
		if host == "" {
			return "URL has no host"
		}
		for i := 0; i < len(host); i++ {
			if !isHostChar(host[i]) {
				return "host " + strconv.Quote(host) + " has " + describeByte(host[i])
			}
		}
	}
	if port != "" {
		port = port[1:]
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return "port " + strconv.Quote(port) + " must be a number from 1 to 65535"
		}
	}
	return ""
}

func parseHeaderLine(l string) (Header, string) {
	if l[0] == ' ' || l[0] == '\t' {
		return Header{}, "line starts with whitespace (obsolete line folding): write each header on one line, starting with its name"
	}
	name, value, ok := strings.Cut(l, ":")
	if !ok {
		return Header{}, "header line without a colon: want Name: value (a body goes after a blank line)"
	}
	if name == "" {
		return Header{}, "header line has no name before the colon"
	}
	if c := name[len(name)-1]; c == ' ' || c == '\t' {
		// RFC 9112 §5.1: a server must reject this, as it smuggled requests.
		return Header{}, "header name " + strconv.Quote(TrimOWS(name)) + " is followed by whitespace before the colon"
	}
	for i := 0; i < len(name); i++ {
		if !isTokenChar(name[i]) {
			return Header{}, "header name " + strconv.Quote(name) + " has " + describeByte(name[i]) + ", which a header name cannot hold"
		}
	}
	value = TrimOWS(value)
	for i := 0; i < len(value); i++ {
		if c := value[i]; (c < 0x20 && c != '\t') || c == 0x7f {
			return Header{}, "header " + name + " has " + describeByte(c) + " in its value"
		}
	}
	return Header{Name: name, Value: value}, ""
}

// isTokenChar reports whether c is a tchar (RFC 9110 §5.6.2).
func isTokenChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// isHostChar reports whether c may appear in a reg-name or IPv4 address
// (RFC 3986 §3.2.2: unreserved, sub-delims and percent-escapes).
func isHostChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~!$&'()*+,;=%", c) >= 0
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// describeByte names a byte for an error message so that an invisible one
// (a tab, a control character, half of a UTF-8 sequence) can still be found.
func describeByte(c byte) string {
	switch {
	case c == ' ':
		return "a space"
	case c == '\t':
		return "a tab"
	case c < 0x20 || c == 0x7f:
		return "the control character " + hexByte(c)
	case c >= 0x80:
		return "the non-ASCII byte " + hexByte(c)
	}
	return "the character " + strconv.QuoteRune(rune(c))
}

const hexDigits = "0123456789ABCDEF"

func hexByte(c byte) string { return "0x" + string([]byte{hexDigits[c>>4], hexDigits[c&15]}) }

// String formats r back into canonical request text: "METHOD TARGET", one
// "Name: value" line per header, and, if there is a body, a blank line and
// the body verbatim. The version is left out since it is always HTTP/1.1.
// ParseRequest(r.String()) gives r back for any r that ParseRequest made.
func (r Request) String() string {
	n := len(r.Method) + len(r.Target) + len(r.Body) + 3
	for _, h := range r.Headers {
		n += len(h.Name) + len(h.Value) + 3
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(r.Method)
	b.WriteByte(' ')
	b.WriteString(r.Target)
	b.WriteByte('\n')
	for _, h := range r.Headers {
		b.WriteString(h.Name)
		b.WriteString(": ")
		b.WriteString(h.Value)
		b.WriteByte('\n')
	}
	if r.Body != "" {
		b.WriteByte('\n')
		b.WriteString(r.Body)
	}
	return b.String()
}

// Header returns the value of the first header called name, compared without
// regard to case, or "" if there is none.
func (r Request) Header(name string) string {
	for _, h := range r.Headers {
		if EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}
