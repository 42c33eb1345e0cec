// Package codegen writes a cell's request as code a student can run outside
// the page: a curl command line or a Python requests snippet. Both send what
// the cell says, and take the answer's body the way it comes: printed whole,
// printed line by line as it streams, or saved to a file when it is bytes.
package codegen

import (
	"strings"

	"wirebook/server/wireproto"
	"wirebook/wasm/bodykind"
	"wirebook/wasm/internal/base64"
	"wirebook/wasm/target"
)

// Body is how a snippet takes the response body.
type Body uint8

const (
	// Print prints the body as text once it is complete.
	Print Body = iota
	// Stream prints each line the moment it arrives, for a server that
	// sends its body a piece at a time (a cell with the stream option).
	Stream
	// Save writes the body's bytes to a file named after the URL's last
	// segment: an image printed to a terminal is garbage, and curl refuses
	// to print it at all.
	Save
)

// BodyFor decides how to take a cell's body. A stream cell says so in its
// options. Otherwise the URL's last segment, when its extension names an
// image or other bytes, says Save before anything is sent; failing that,
// shown, the kind of the cell's last answer ("image", "binary"; "" when it
// has not run), tells what the server really sent.
func BodyFor(stream bool, url, shown string) Body {
	if stream {
		return Stream
	}
	if k, ok := bodykind.OfName(lastSegment(url)); ok {
		return saveIf(k)
	}
	switch shown {
	case bodykind.Image.String(), bodykind.Binary.String():
		return Save
	}
	return Print
}

func saveIf(k bodykind.Kind) Body {
	if k == bodykind.Image || k == bodykind.Binary {
		return Save
	}
	return Print
}

// forMethod is body, except for HEAD, whose answer never has a body to take.
func forMethod(method string, body Body) Body {
	if method == "HEAD" {
		return Print
	}
	return body
}

// lastSegment returns the last segment of url's path, percent-decoded when
// the escapes are well formed.
func lastSegment(url string) string {
	if _, rest, ok := strings.Cut(url, "://"); ok {
		_, url, _ = strings.Cut(rest, "/")
	}
	url, _, _ = strings.Cut(url, "#")
	url, _, _ = strings.Cut(url, "?")
	seg := url[strings.LastIndexByte(url, '/')+1:]
	if dec, ok := formUnescape(strings.ReplaceAll(seg, "+", "%2B")); ok {
		return dec
	}
	return seg
}

// fileName names the file a saved body goes to after the URL's last
// segment, as curl -O and browsers do. It keeps only ASCII letters, digits
// and "-_.", so the name needs no quoting in a shell or in Python and means
// the same on every file system, and drops leading dots, so it is never
// hidden, "." or "..". A URL without a usable name gets "response.bin".
func fileName(url string) string {
	seg := lastSegment(url)
	b := make([]byte, 0, len(seg))
	letters := false
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-':
			letters = true
			b = append(b, c)
		case c == '.' && len(b) == 0: // no hidden file, no "." or ".."
		case c == '.', c == '_':
			b = append(b, c)
		case c < 0x80 || c >= 0xc0: // one _ for each character, not each byte
			b = append(b, '_')
		}
	}
	const maxName = 100 // well under every file system's 255
	if len(b) > maxName {
		b = b[len(b)-maxName:]
	}
	if !letters {
		return "response.bin"
	}
	return string(b)
}

func urlOrTarget(r wireproto.Request, base string) string {
	if u, err := target.URL(r, base); err == nil {
		return u
	}
	return r.Target
}

// basicAuth finds the first Authorization header and, if it is Basic with
// printable ASCII credentials, returns them and the header's index; else
// index -1. Only ASCII is turned into -u or HTTPBasicAuth: requests encodes
// credentials as Latin-1 and curl passes bytes, so anything else would not
// send what the cell sends.
func basicAuth(hs []wireproto.Header) (user, pass string, index int) {
	for i, h := range hs {
		if !wireproto.EqualFold(h.Name, "Authorization") {
			continue
		}
		scheme, cred, _ := strings.Cut(h.Value, " ")
		if !wireproto.EqualFold(scheme, "Basic") {
			return "", "", -1
		}
		raw, ok := base64.Decode(strings.Trim(cred, " \t"))
		if !ok {
			return "", "", -1
		}
		for _, c := range raw {
			if c < 0x20 || c >= 0x7f {
				return "", "", -1
			}
		}
		user, pass, ok := strings.Cut(string(raw), ":")
		if !ok {
			return "", "", -1
		}
		return user, pass, i
	}
	return "", "", -1
}

const hexDigits = "0123456789ABCDEF"

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= 'a':
		return c - 'a' + 10
	case c >= 'A':
		return c - 'A' + 10
	}
	return c - '0'
}
