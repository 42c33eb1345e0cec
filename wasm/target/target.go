// Package target resolves where a cell's request goes: its target made
// absolute against the page, written as a browser's URL parser would.
package target

import (
	"errors"
	"strconv"
	"strings"

	"wirebook/server/wireproto"
)

const hexDigits = "0123456789ABCDEF"

// URL returns the absolute URL r goes to: the target itself when it
// is absolute, else the target appended to the origin of base (e.g. the page
// at "http://127.0.0.1:2500/"). The scheme is lower-cased and bytes a URL
// cannot carry raw (non-ASCII, space, controls) are percent-encoded, as a
// browser's URL parser would; the rest is left as written.
func URL(r wireproto.Request, base string) (string, error) {
	if isAbsoluteHTTP(r.Target) {
		scheme, rest, _ := strings.Cut(r.Target, "://")
		return wireproto.ToLower(scheme) + "://" + escapeURL(rest), nil
	}
	if !strings.HasPrefix(r.Target, "/") {
		return "", errors.New("target " + strconv.Quote(r.Target) + " is neither a path nor an http(s) URL")
	}
	origin, err := originOf(base)
	if err != nil {
		return "", err
	}
	return origin + escapeURL(r.Target), nil
}

func isAbsoluteHTTP(s string) bool {
	return hasPrefixFold(s, "http://") || hasPrefixFold(s, "https://")
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && wireproto.EqualFold(s[:len(prefix)], prefix)
}

func originOf(base string) (string, error) {
	if !isAbsoluteHTTP(base) {
		return "", errors.New("base " + strconv.Quote(base) + " is not an http(s) URL")
	}
	scheme, rest, _ := strings.Cut(base, "://")
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		rest = rest[:end]
	}
	if rest == "" {
		return "", errors.New("base " + strconv.Quote(base) + " has no host")
	}
	return wireproto.ToLower(scheme) + "://" + rest, nil
}

func escapeURL(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
