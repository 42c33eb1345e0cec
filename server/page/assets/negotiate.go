package assets

import "strings"

// negotiate picks the content coding to send, "br", "gzip" or "" for
// identity, from the Accept-Encoding field lines of a request (RFC 9110
// §12.5.3) and the forms that exist.
//
// The highest q-value wins; a tie goes to br, then gzip, then identity, since
// the smaller body is the point. A coding the request does not name is
// acceptable only through "*". Identity is acceptable unless refused
// ("identity;q=0", or "*;q=0" without naming identity), but when the request
// does not name it, it only serves as the fallback: a browser that lists
// codings wants one. A request without Accept-Encoding gets identity (curl
// without --compressed cannot read anything else), and so does one that
// refuses everything: a 406 would help no one.
func negotiate(fields []string, hasBr, hasGzip bool) string {
	if len(fields) == 0 {
		return ""
	}
	a := parseAcceptEncoding(fields)
	best, bestQ := "", a.q(a.identity)
	if bestQ < 0 {
		bestQ = 0 // unnamed identity: any coding the request accepts beats it
	}
	if q := a.q(a.gzip); hasGzip && q > 0 && q >= bestQ {
		best, bestQ = "gzip", q
	}
	if q := a.q(a.br); hasBr && q > 0 && q >= bestQ {
		best = "br"
	}
	return best
}

// acceptance holds the q-values of an Accept-Encoding in thousandths, or
// unnamed (-1) for a coding no element names.
type acceptance struct{ br, gzip, identity, any int }

const unnamed = -1

// q is a coding's own q-value, else that of "*", else unnamed.
func (a acceptance) q(named int) int {
	if named != unnamed {
		return named
	}
	return a.any
}

// parseAcceptEncoding reads the elements it cares about. An element whose
// q-value is malformed is skipped, as if absent. If one coding is named more
// than once, the highest q-value counts. It allocates nothing.
func parseAcceptEncoding(fields []string) acceptance {
	a := acceptance{unnamed, unnamed, unnamed, unnamed}
	for _, field := range fields {
		for elem := range strings.SplitSeq(field, ",") {
			coding, params, _ := strings.Cut(elem, ";")
			q, ok := qValue(params)
			if !ok {
				continue
			}
			var slot *int
			switch coding = strings.TrimSpace(coding); {
			case strings.EqualFold(coding, "br"):
				slot = &a.br
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"): // x-gzip: RFC 9110 §8.4.1.3
				slot = &a.gzip
			case strings.EqualFold(coding, "identity"):
				slot = &a.identity
			case coding == "*":
				slot = &a.any
			default:
				continue
			}
			*slot = max(*slot, q)
		}
	}
	return a
}

// qValue finds the weight among an element's parameters ("q=0.5", ";"
// separated) in thousandths: 1000 when there is none, false when it does
// not follow RFC 9110 §12.4.2 ("0" to "1" with at most three decimals).
func qValue(params string) (int, bool) {
	for p := range strings.SplitSeq(params, ";") {
		name, value, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		return parseQ(strings.TrimSpace(value))
	}
	return 1000, true
}

func parseQ(s string) (int, bool) {
	if s == "" || (s[0] != '0' && s[0] != '1') {
		return 0, false
	}
	whole, frac := int(s[0]-'0'), s[1:]
	if frac != "" {
		if frac[0] != '.' || len(frac) > 4 {
			return 0, false
		}
		frac = frac[1:]
	}
	q := whole * 1000
	for i, scale := 0, 100; i < len(frac); i, scale = i+1, scale/10 {
		d := frac[i]
		if d < '0' || d > '9' || (whole == 1 && d != '0') {
			return 0, false
		}
		q += int(d-'0') * scale
	}
	return q, true
}

// etagMatches is the weak comparison If-None-Match uses (RFC 9110 §13.1.2):
// does "*" or any entity-tag of the field lines, W/ or not, equal etag? A
// tag may hold a comma, so the list is scanned tag by tag, not split.
func etagMatches(fields []string, etag string) bool {
	for _, s := range fields {
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				break
			}
			if s[0] == '*' {
				return true
			}
			s = strings.TrimPrefix(s, "W/")
			if s == "" || s[0] != '"' {
				break // malformed: ignore the rest of this line
			}
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				break
			}
			if s[:end+2] == etag {
				return true
			}
			s = s[end+2:]
		}
	}
	return false
}
