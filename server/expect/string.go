package expect

import "strings"

// String gives the Spec back as Hurl text, in a canonical form: one space
// between tokens, no comments, strings re-quoted. Parse(s.String()) has
// the same checks as s.
func (s Spec) String() string {
	var b strings.Builder
	if s.StatusLine > 0 {
		b.WriteString(s.versionName() + " " + s.Status + "\n")
	}
	inAsserts := false
	for _, a := range s.Asserts {
		if !a.implicit && !inAsserts {
			b.WriteString("[Asserts]\n")
			inAsserts = true
		}
		b.WriteString(a.canonical() + "\n")
	}
	return b.String()
}

// canonical writes one assert the way String does.
func (a Assert) canonical() string {
	if a.implicit {
		return a.q.arg + ": " + a.val.(string)
	}
	var b strings.Builder
	switch a.q.kind {
	case qStatus:
		b.WriteString("status")
	case qHeader:
		b.WriteString("header " + quote(a.q.arg))
	case qBody:
		b.WriteString("body")
	case qJSONPath:
		b.WriteString("jsonpath " + quote(a.q.arg))
	case qDuration:
		b.WriteString("duration")
	case qBytes:
		b.WriteString("bytes")
	}
	if a.q.count {
		b.WriteString(" count")
	}
	b.WriteString(" " + a.want())
	return b.String()
}
