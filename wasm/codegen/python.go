package codegen

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"wirebook/server/wireproto"
	"wirebook/wasm/bodykind"
)

const pythonWidth = 79 // PEP 8

// Python returns a runnable Python snippet that sends r with requests and
// prints the exchange the way the course does, taking the body as body
// says: resp.text printed whole, iter_lines() of a stream=True request
// printed as each line comes, or resp.content written to a file. A form body
// (application/x-www-form-urlencoded) becomes a dict, or a list of pairs when
// a name repeats; any other body is sent as a string. A Basic Authorization
// header becomes auth=HTTPBasicAuth(...). Headers with the same name are
// joined into one dict entry (with ", ", or "; " for Cookie), as RFC 9110
// §5.3 allows. The result has no trailing newline.
//
// Like the course's snippets it keeps requests' defaults, so it follows
// redirects where the wire transport shows the 3xx itself.
func Python(r wireproto.Request, base string, body Body) string {
	url := urlOrTarget(r, base)
	body = forMethod(r.Method, body)
	user, pass, auth := basicAuth(r.Headers)
	form, isForm := formPairs(r)

	var b strings.Builder
	b.WriteString("import requests\n")
	if auth >= 0 {
		b.WriteString("from requests.auth import HTTPBasicAuth\n")
	}
	var kwargs []string
	if entries := pyHeaders(r.Headers, auth, isForm); len(entries) > 0 {
		writePyCollection(&b, "headers", "{", "}", entries)
		kwargs = append(kwargs, "headers=headers")
	}
	if writePyBody(&b, r.Body, form, isForm) {
		kwargs = append(kwargs, "data=data")
	}
	if auth >= 0 {
		kwargs = append(kwargs, "auth=HTTPBasicAuth("+pyQuote(user)+", "+pyQuote(pass)+")")
	}
	if body == Stream {
		kwargs = append(kwargs, "stream=True")
	}
	writePyCall(&b, r.Method, url, kwargs)
	writePyAnswer(&b, body, fileName(url))
	return b.String()
}

// pyHeaders returns the entries of the headers dict: every header but the
// Authorization one auth indexes (-1 for none), repeats merged.
func pyHeaders(hs []wireproto.Header, auth int, isForm bool) []string {
	var merged [][2]string
	for i, h := range hs {
		if i == auth {
			continue
		}
		// requests writes this very header for a dict of data; leaving it
		// out keeps the snippet as short as the course's own.
		if isForm && wireproto.EqualFold(h.Name, "Content-Type") && wireproto.EqualFold(h.Value, bodykind.FormType) {
			continue
		}
		merged = mergeHeader(merged, h)
	}
	entries := make([]string, len(merged))
	for i, kv := range merged {
		entries[i] = pyQuote(kv[0]) + ": " + pyData(kv[1])
	}
	return entries
}

// writePyBody writes "data = ..." for a request body, as form pairs when it
// is a form, and reports whether there was one.
func writePyBody(b *strings.Builder, body string, form [][2]string, isForm bool) bool {
	switch {
	case body == "":
		return false
	case isForm && hasRepeats(form):
		entries := make([]string, len(form))
		for i, kv := range form {
			entries[i] = "(" + pyQuote(kv[0]) + ", " + pyQuote(kv[1]) + ")"
		}
		writePyCollection(b, "data", "[", "]", entries)
	case isForm:
		entries := make([]string, len(form))
		for i, kv := range form {
			entries[i] = pyQuote(kv[0]) + ": " + pyQuote(kv[1])
		}
		writePyCollection(b, "data", "{", "}", entries)
	default:
		b.WriteString("data = ")
		b.WriteString(pyData(body))
		b.WriteByte('\n')
	}
	return true
}

// writePyCall writes "resp = requests.get(url, ...)": on one line if it
// fits, else, the course's layout, each keyword argument on its own line,
// lined up under the first argument.
func writePyCall(b *strings.Builder, method, url string, kwargs []string) {
	head := "resp = requests."
	first := pyQuote(url)
	if fn := pythonShortcut(method); fn != "" {
		head += fn + "("
	} else {
		head += "request("
		first = pyQuote(method) + ", " + first
	}
	line := head + first
	for _, kw := range kwargs {
		line += ", " + kw
	}
	if utf8.RuneCountInString(line)+1 <= pythonWidth || len(kwargs) == 0 {
		b.WriteString(line)
	} else {
		pad := "\n" + strings.Repeat(" ", len(head))
		b.WriteString(head)
		b.WriteString(first)
		for _, kw := range kwargs {
			b.WriteByte(',')
			b.WriteString(pad)
			b.WriteString(kw)
		}
	}
	b.WriteString(")\n")
}

// pythonShortcut returns the requests function for method, or "" if it has
// none and requests.request must be used.
func pythonShortcut(method string) string {
	switch method {
	case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		return wireproto.ToLower(method)
	}
	return ""
}

// writePyAnswer writes the lines that show the answer: the status line and
// headers, then the body as body says. name is the file a saved body goes
// to; fileName made it safe inside a Python string as it is.
func writePyAnswer(b *strings.Builder, body Body, name string) {
	b.WriteString("print(resp.status_code, resp.reason)\n" +
		"for k, v in resp.headers.items():\n" +
		"    print(f'{k}: {v}')\n" +
		"print()\n")
	switch body {
	case Stream:
		// flush: when the output goes to a pipe, Python would hold the
		// lines back until its buffer fills or the stream ends.
		b.WriteString("for line in resp.iter_lines():\n" +
			"    print(line.decode(errors='replace'), flush=True)")
	case Save:
		b.WriteString("with open('" + name + "', 'wb') as f:\n" +
			"    f.write(resp.content)\n" +
			"print(f'wrote {len(resp.content)} bytes to " + name + "')")
	default:
		b.WriteString("print(resp.text)")
	}
}

func mergeHeader(hs [][2]string, h wireproto.Header) [][2]string {
	for i := range hs {
		if wireproto.EqualFold(hs[i][0], h.Name) {
			sep := ", "
			if wireproto.EqualFold(h.Name, "Cookie") {
				sep = "; " // RFC 9110 §5.3 names Cookie's own separator
			}
			hs[i][1] += sep + h.Value
			return hs
		}
	}
	return append(hs, [2]string{h.Name, h.Value})
}

// writePyCollection writes "name = {a, b}" on one line if it fits, else one
// entry a line with a trailing comma, the way black would.
func writePyCollection(b *strings.Builder, name, open, close string, entries []string) {
	line := name + " = " + open + strings.Join(entries, ", ") + close
	if utf8.RuneCountInString(line) <= pythonWidth {
		b.WriteString(line)
		b.WriteByte('\n')
		return
	}
	b.WriteString(name + " = " + open + "\n")
	for _, e := range entries {
		b.WriteString("    ")
		b.WriteString(e)
		b.WriteString(",\n")
	}
	b.WriteString(close)
	b.WriteByte('\n')
}

// formPairs decodes a form body when the request says it is one and every
// piece is a well-formed name=value in UTF-8, so that requests re-encoding
// the pairs sends the same form. Otherwise the body goes as a string.
func formPairs(r wireproto.Request) ([][2]string, bool) {
	if r.Body == "" || bodykind.MediaType(r.Header("Content-Type")) != bodykind.FormType {
		return nil, false
	}
	var pairs [][2]string
	for piece := range strings.SplitSeq(r.Body, "&") {
		name, value, ok := strings.Cut(piece, "=")
		if !ok || name == "" {
			return nil, false
		}
		n, ok1 := formUnescape(name)
		v, ok2 := formUnescape(value)
		if !ok1 || !ok2 {
			return nil, false
		}
		pairs = append(pairs, [2]string{n, v})
	}
	return pairs, true
}

func hasRepeats(pairs [][2]string) bool {
	seen := make(map[string]bool, len(pairs))
	for _, kv := range pairs {
		if seen[kv[0]] {
			return true
		}
		seen[kv[0]] = true
	}
	return false
}

// formUnescape decodes one name or value of application/x-www-form-urlencoded
// (WHATWG URL §5.1): "+" is a space, "%XX" a byte.
func formUnescape(s string) (string, bool) {
	if !strings.ContainsAny(s, "%+") {
		return s, utf8.ValidString(s)
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return "", false
			}
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), utf8.Valid(b)
}

// pyData writes a body or header value: a str when it is ASCII, an encoded
// str when it is other UTF-8 (http.client sends a str as Latin-1, which
// fails on most text and changes the rest), and bytes when it is not UTF-8
// at all.
func pyData(s string) string {
	if !utf8.ValidString(s) {
		return pyBytes(s)
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return pyQuote(s) + ".encode()"
		}
	}
	return pyQuote(s)
}

// pyQuote returns s as a Python 3 str literal, in single quotes unless s
// holds only the single kind, as Python's repr does. Printable characters,
// non-ASCII included, stay as they are, so 'Nǐn hǎo' reads as written;
// everything else is escaped. s that is not UTF-8 becomes a bytes literal,
// the only Python literal that can hold it.
func pyQuote(s string) string {
	if !utf8.ValidString(s) {
		return pyBytes(s)
	}
	q := pyQuoteChar(s)
	b := make([]byte, 0, len(s)+2)
	b = append(b, q)
	for _, r := range s {
		switch {
		case r == '\\' || r == rune(q):
			b = append(b, '\\', byte(r))
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20 || r == 0x7f:
			b = append(b, '\\', 'x', hexDigits[r>>4], hexDigits[r&15])
		case r < 0x80 || strconv.IsPrint(r):
			b = utf8.AppendRune(b, r)
		case r <= 0xff:
			b = append(b, '\\', 'x', hexDigits[r>>4], hexDigits[r&15])
		case r <= 0xffff:
			b = append(b, '\\', 'u')
			b = appendHex(b, uint32(r), 4)
		default:
			b = append(b, '\\', 'U')
			b = appendHex(b, uint32(r), 8)
		}
	}
	return string(append(b, q))
}

func pyQuoteChar(s string) byte {
	if strings.IndexByte(s, '\'') >= 0 && strings.IndexByte(s, '"') < 0 {
		return '"'
	}
	return '\''
}

func pyBytes(s string) string {
	q := pyQuoteChar(s)
	b := make([]byte, 0, len(s)+3)
	b = append(b, 'b', q)
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' || c == q:
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, `\n`...)
		case c == '\r':
			b = append(b, `\r`...)
		case c == '\t':
			b = append(b, `\t`...)
		case c < 0x20 || c >= 0x7f:
			b = append(b, '\\', 'x', hexDigits[c>>4], hexDigits[c&15])
		default:
			b = append(b, c)
		}
	}
	return string(append(b, q))
}

func appendHex(b []byte, v uint32, digits int) []byte {
	for shift := (digits - 1) * 4; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[v>>uint(shift)&15])
	}
	return b
}
