package render

import (
	"strings"

	"wirebook/server/wireproto"
)

// WithBase makes an HTML body's relative links (its images, its stylesheets)
// resolve against the URL it came from, as they did in the notebook's HTML
// display: an iframe srcdoc document otherwise resolves them against the
// lesson page. The <base> goes after a leading doctype, because anything
// before the doctype would drop the document into quirks mode.
func WithBase(doc, base string) string {
	if base == "" {
		return doc
	}
	tag := `<base href="` + escapeAttr(base) + `">`
	at := 0
	trimmed := strings.TrimLeft(strings.TrimPrefix(doc, "\uFEFF"), " \t\r\n\f")
	if len(trimmed) >= 9 && wireproto.EqualFold(trimmed[:9], "<!doctype") {
		if end := strings.IndexByte(trimmed, '>'); end >= 0 {
			at = len(doc) - len(trimmed) + end + 1
		}
	}
	return doc[:at] + tag + doc[at:]
}

// escapeAttr escapes a double-quoted attribute value. (Package html and
// strings.Replacer would do it too, at a cost in download size: html links
// a table of 2,000 entities, Replacer several kilobytes of code.)
func escapeAttr(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&#34;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
