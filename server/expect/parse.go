package expect

import (
	"fmt"
	"math"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
)

// Spec is the parsed expectation block of one cell.
type Spec struct {
	Status     string // "200", "*", as written after HTTP; "" only if no status line
	StatusLine int    // 1-based line of the status line within the text
	Asserts    []Assert

	version string // "HTTP", "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3"
}

// Assert is one check after the status line: an implicit header line or
// a line of the [Asserts] section.
type Assert struct {
	Line int    // 1-based line within the text given to Parse
	Text string // the line as written, trimmed, without its comment

	q    query
	neg  bool
	pred string // "==", "contains", "exists", …
	val  any    // string, int64, float64, bool, nil; *regexp.Regexp for a regex literal
	// implicit marks a "Name: value" header line before [Asserts].
	implicit bool
}

// ParseError is a malformed expectation, at a 1-based line of the text.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// Len is the number of checks: the status line (if any) and the asserts.
func (s Spec) Len() int {
	n := len(s.Asserts)
	if s.StatusLine > 0 {
		n++
	}
	return n
}

type queryKind int

const (
	qStatus queryKind = iota + 1
	qHeader
	qBody
	qJSONPath
	qDuration
	qBytes
)

type query struct {
	kind  queryKind
	arg   string     // header name or jsonpath expression, unquoted
	path  []jsonStep // parsed jsonpath
	count bool       // the count filter follows the query
}

// unsupportedQueries are Hurl queries wirebook refuses, each with a hint.
var unsupportedQueries = map[string]string{
	"xpath":       "xpath is not supported by wirebook; use body contains",
	"cookie":      `cookie is not supported by wirebook; use header "Set-Cookie" contains`,
	"url":         "url is not supported by wirebook (it never follows redirects); use header \"Location\"",
	"regex":       "the regex query is not supported by wirebook; use body matches /…/",
	"sha256":      "sha256 is not supported by wirebook; use body == or bytes count",
	"md5":         "md5 is not supported by wirebook; use body == or bytes count",
	"variable":    "variable is not supported by wirebook: a cell has no captures",
	"certificate": "certificate is not supported by wirebook",
	"ip":          "ip is not supported by wirebook",
	"redirects":   "redirects is not supported by wirebook (it never follows redirects)",
	"version":     "the version query is not supported by wirebook; write HTTP/1.1 200 on the status line",
}

// hurlFilters are Hurl's filters other than count, refused by name.
var hurlFilters = map[string]bool{
	"base64Decode": true, "base64Encode": true, "base64UrlSafeDecode": true, "base64UrlSafeEncode": true,
	"daysAfterNow": true, "daysBeforeNow": true, "decode": true, "first": true, "format": true,
	"htmlEscape": true, "htmlUnescape": true, "jsonpath": true, "last": true, "location": true,
	"nth": true, "regex": true, "replace": true, "replaceRegex": true, "split": true,
	"toDate": true, "toFloat": true, "toHex": true, "toInt": true, "toString": true,
	"urlDecode": true, "urlEncode": true, "urlQueryParam": true, "utf8Decode": true,
	"utf8Encode": true, "xpath": true, "dateFormat": true,
}

// predicates lists the predicates wirebook evaluates and the values each
// takes: "" none, "num" a number, "str" a quoted string, "re" a string or
// /regex/, "any" null, number, boolean or string.
var predicates = map[string]string{
	"==": "any", "!=": "any",
	">": "num", ">=": "num", "<": "num", "<=": "num",
	"contains": "str", "startsWith": "str", "endsWith": "str",
	"matches": "re",
	"exists":  "", "isInteger": "", "isFloat": "", "isBoolean": "",
	"isString": "", "isCollection": "", "isEmpty": "",
}

// unsupportedPredicates are Hurl predicates wirebook refuses, with a hint
// for the old word forms Hurl itself has retired.
var unsupportedPredicates = map[string]string{
	"equals": "write ==", "notEquals": "write !=",
	"greaterThan": "write >", "greaterThanOrEquals": "write >=",
	"lessThan": "write <", "lessThanOrEquals": "write <=",
	"includes": "", "isNumber": "", "isDate": "", "isIsoDate": "",
	"isIpv4": "", "isIpv6": "", "isUuid": "", "isList": "", "isObject": "",
}

// sections Hurl knows; only [Asserts] is evaluated by wirebook.
var hurlSections = map[string]string{
	"[Captures]":          "[Captures] is not supported by wirebook: a cell's checks cannot feed another cell",
	"[QueryStringParams]": "[QueryStringParams] is a request section; it is not supported after HTTP",
	"[Query]":             "[Query] is a request section; it is not supported after HTTP",
	"[FormParams]":        "[FormParams] is a request section; it is not supported after HTTP",
	"[Form]":              "[Form] is a request section; it is not supported after HTTP",
	"[MultipartFormData]": "[MultipartFormData] is a request section; it is not supported after HTTP",
	"[Multipart]":         "[Multipart] is a request section; it is not supported after HTTP",
	"[Cookies]":           "[Cookies] is a request section; it is not supported after HTTP",
	"[BasicAuth]":         "[BasicAuth] is a request section; it is not supported after HTTP",
	"[Options]":           "[Options] is a request section; it is not supported after HTTP",
}

var headerName = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// Parse reads an expectation block: the part of a cell after its request.
// A block of only blank lines and comments is an empty Spec. The error,
// when there is one, is a *ParseError.
func Parse(text string) (Spec, error) {
	var s Spec
	inAsserts := false
	for i, raw := range strings.Split(text, "\n") {
		n := i + 1
		// Hurl's spaces are space and tab only; other Unicode spaces are text.
		line := strings.Trim(strings.TrimSuffix(raw, "\r"), " \t")
		if line == "" || line[0] == '#' {
			continue
		}
		perr := func(format string, args ...any) (Spec, error) {
			return Spec{}, &ParseError{Line: n, Msg: fmt.Sprintf(format, args...)}
		}
		word := (&cursor{s: line}).word()
		switch {
		case word == "HTTP" || strings.HasPrefix(word, "HTTP/"):
			if s.StatusLine > 0 {
				return perr("a second status line; the first is on line %d", s.StatusLine)
			}
			if err := s.parseStatus(line, n); err != nil {
				return Spec{}, err
			}
		case s.StatusLine == 0 && line[0] == '[':
			return perr("%s before the status line: Hurl needs HTTP <status> first, e.g. HTTP 200", strings.Fields(line)[0])
		case s.StatusLine == 0:
			return perr("expected the status line first, e.g. HTTP 200 (an assert goes in [Asserts], after it)")
		case line[0] == '[':
			name := (&cursor{s: line}).word()
			c := &cursor{s: line, pos: len(name)}
			if !c.atEnd() {
				return perr("unexpected %q after %s", c.rest(), name)
			}
			if name == "[Asserts]" {
				if inAsserts {
					return perr("a second [Asserts] section")
				}
				inAsserts = true
				continue
			}
			if msg, ok := hurlSections[name]; ok {
				return perr("%s", msg)
			}
			return perr("unknown section %s (wirebook supports only [Asserts])", name)
		case !inAsserts:
			a, msg := parseImplicitHeader(line)
			if msg != "" {
				return perr("%s", msg)
			}
			a.Line = n
			s.Asserts = append(s.Asserts, a)
		default:
			a, msg := parseAssert(line)
			if msg != "" {
				return perr("%s", msg)
			}
			a.Line = n
			s.Asserts = append(s.Asserts, a)
		}
	}
	return s, nil
}

// withoutComment is a line before its comment, trimmed; end is where the
// tokens stopped, so a '#' inside a string or regex stays.
func withoutComment(line string, end int) string {
	return strings.Trim(line[:end], " \t")
}

// parseStatus reads "HTTP 200", "HTTP/1.1 404", "HTTP *".
func (s *Spec) parseStatus(line string, n int) error {
	c := &cursor{s: line}
	version := c.word()
	switch version {
	case "HTTP", "HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/3":
	default:
		return &ParseError{Line: n, Msg: fmt.Sprintf("unknown version %s: write HTTP, HTTP/1.0, HTTP/1.1, HTTP/2 or HTTP/3", version)}
	}
	status := c.word()
	if status == "" {
		return &ParseError{Line: n, Msg: "missing status after " + version + ", e.g. " + version + " 200 or " + version + " *"}
	}
	if status != "*" {
		code, err := strconv.Atoi(status)
		if err != nil || code < 100 || len(status) != 3 {
			return &ParseError{Line: n, Msg: fmt.Sprintf("bad status %q: write three digits, e.g. 200, or *", status)}
		}
	}
	if !c.atEnd() {
		return &ParseError{Line: n, Msg: fmt.Sprintf("unexpected %q after the status: Hurl's status line has no reason phrase", c.rest())}
	}
	s.version, s.Status, s.StatusLine = version, status, n
	return nil
}

// parseImplicitHeader reads a "Name: value" line between the status line
// and [Asserts]: Hurl's implicit header assert, true when one of the
// response's values for Name equals value.
func parseImplicitHeader(line string) (Assert, string) {
	name, value, ok := strings.Cut(line, ":")
	name = strings.Trim(name, " \t")
	if !ok || !headerName.MatchString(name) {
		w := (&cursor{s: line}).word()
		if hint, ok := unsupportedQueries[w]; ok {
			return Assert{}, hint
		}
		if _, ok := queryWords[w]; ok {
			return Assert{}, "an assert outside [Asserts]: put [Asserts] on the line before it"
		}
		if strings.HasPrefix(line, "{") || strings.HasPrefix(line, "```") || strings.HasPrefix(line, "<") {
			return Assert{}, `a response body to compare is not supported by wirebook; use body == "…" in [Asserts]`
		}
		return Assert{}, fmt.Sprintf("expected a header line Name: value or [Asserts], got %q", line)
	}
	if i := strings.IndexByte(value, '#'); i >= 0 {
		value = value[:i]
	}
	value = strings.Trim(value, " \t")
	if strings.ContainsRune(value, '\\') || strings.Contains(value, "{{") {
		return Assert{}, fmt.Sprintf(`escapes and templates in a header line are not supported by wirebook; use header %s == "…" in [Asserts]`, quote(name))
	}
	text := line
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = strings.Trim(text[:i], " \t")
	}
	return Assert{
		Text:     text,
		q:        query{kind: qHeader, arg: name},
		pred:     "==",
		val:      value,
		implicit: true,
	}, ""
}

var queryWords = map[string]queryKind{
	"status": qStatus, "header": qHeader, "body": qBody,
	"jsonpath": qJSONPath, "duration": qDuration, "bytes": qBytes,
}

// parseAssert reads one line of [Asserts]: query, filters, predicate.
func parseAssert(line string) (Assert, string) {
	c := &cursor{s: line}
	var a Assert
	if msg := a.parseQuery(c); msg != "" {
		return Assert{}, msg
	}
	if msg := a.parsePredicate(c); msg != "" {
		return Assert{}, msg
	}
	if !c.atEnd() {
		return Assert{}, fmt.Sprintf("unexpected %q after the predicate", c.rest())
	}
	a.Text = withoutComment(line, c.pos)
	return a, ""
}

func (a *Assert) parseQuery(c *cursor) string {
	w := c.word()
	kind, ok := queryWords[w]
	if !ok {
		if hint, ok := unsupportedQueries[w]; ok {
			return hint
		}
		if strings.HasPrefix(w, "{") || strings.HasPrefix(w, "`") || strings.HasPrefix(w, "<") {
			return `a response body to compare is not supported by wirebook; use body == "…"`
		}
		if strings.Contains(w, ":") {
			return fmt.Sprintf("unknown query %q: a header line Name: value goes before [Asserts]; here write header \"Name\" == \"value\"", w)
		}
		return fmt.Sprintf("unknown query %q (wirebook knows status, header, body, jsonpath, duration, bytes)", w)
	}
	a.q.kind = kind
	if kind == qHeader || kind == qJSONPath {
		c.skipSpace()
		if c.peek() != '"' {
			return fmt.Sprintf(`%s needs a quoted argument, e.g. %s`, w, map[queryKind]string{qHeader: `header "Content-Type"`, qJSONPath: `jsonpath "$.name"`}[kind])
		}
		arg, msg := c.quoted()
		if msg != "" {
			return msg
		}
		a.q.arg = arg
		if kind == qHeader && arg == "" {
			return "header needs a name"
		}
		if kind == qJSONPath {
			path, msg := parseJSONPath(arg)
			if msg != "" {
				return fmt.Sprintf("jsonpath %s: %s", quote(arg), msg)
			}
			a.q.path = path
		}
	}
	for {
		f := c.peekWord()
		if f == "count" {
			if a.q.count {
				return "count twice: wirebook supports count once"
			}
			if kind != qBytes && kind != qHeader && kind != qJSONPath {
				return fmt.Sprintf("count is not supported after %s (only after bytes, header, jsonpath)", w)
			}
			c.word()
			a.q.count = true
			continue
		}
		if hurlFilters[f] {
			return fmt.Sprintf("the %s filter is not supported by wirebook (only count is)", f)
		}
		break
	}
	if kind == qBytes && !a.q.count {
		return "bytes is supported by wirebook only as bytes count; use body for its text"
	}
	return ""
}

func (a *Assert) parsePredicate(c *cursor) string {
	p := c.word()
	if p == "not" {
		a.neg = true
		p = c.word()
	}
	if p == "" {
		return `missing predicate, e.g. == "value", contains "text" or exists`
	}
	takes, ok := predicates[p]
	if !ok {
		if hint, ok := unsupportedPredicates[p]; ok {
			if hint != "" {
				return fmt.Sprintf("the predicate %s is not supported by wirebook; %s", p, hint)
			}
			return fmt.Sprintf("the predicate %s is not supported by wirebook", p)
		}
		return fmt.Sprintf("unknown predicate %q (wirebook knows == != > >= < <= contains startsWith endsWith matches exists isInteger isFloat isBoolean isString isCollection isEmpty)", p)
	}
	a.pred = p
	if takes == "" {
		return ""
	}
	c.skipSpace()
	if c.atEnd() {
		return fmt.Sprintf("missing value after %s", p)
	}
	v, msg := parseValue(c)
	if msg != "" {
		return msg
	}
	switch v.(type) {
	case string:
		if takes == "num" {
			return fmt.Sprintf("%s needs a number, e.g. %s 1000", p, p)
		}
	case int64, float64:
		if takes == "str" || takes == "re" {
			return fmt.Sprintf(`%s needs a quoted string, e.g. %s "text"`, p, p)
		}
	case *regexp.Regexp:
		if takes == "str" {
			return fmt.Sprintf(`%s needs a quoted string, e.g. %s "text" (a /regex/ is for matches)`, p, p)
		}
		if takes != "re" {
			return fmt.Sprintf("a /regex/ is only for matches; %s needs a value", p)
		}
	default: // bool, nil
		if takes != "any" {
			return fmt.Sprintf("%s cannot take %s", p, literal(v))
		}
	}
	if s, ok := v.(string); ok && takes == "re" {
		re, err := regexp.Compile(s)
		if err != nil {
			return fmt.Sprintf("bad regex %s: %v", quote(s), regexErr(err))
		}
		a.val = stringRegexp{re}
		return ""
	}
	a.val = v
	return ""
}

// stringRegexp is a regex written as a quoted string ("\\d+"), kept apart
// from a /regex/ literal so that String gives back the form written.
type stringRegexp struct{ *regexp.Regexp }

func regexErr(err error) string {
	if e, ok := err.(*syntax.Error); ok {
		return string(e.Code) + " " + strconv.Quote(e.Expr)
	}
	return err.Error()
}

// parseValue reads a predicate value: "string", /regex/, integer, float,
// true, false, null.
func parseValue(c *cursor) (any, string) {
	switch c.peek() {
	case '"':
		return c.quoted()
	case '/':
		p, msg := c.regex()
		if msg != "" {
			return nil, msg
		}
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Sprintf("bad regex %s: %s", regexLiteral(p), regexErr(err))
		}
		return re, ""
	}
	w := c.word()
	switch {
	case w == "true":
		return true, ""
	case w == "false":
		return false, ""
	case w == "null":
		return nil, ""
	case strings.HasPrefix(w, "hex,"), strings.HasPrefix(w, "base64,"), strings.HasPrefix(w, "file,"):
		kind, _, _ := strings.Cut(w, ",")
		return nil, fmt.Sprintf("%s values are not supported by wirebook; use a quoted string", kind)
	case strings.HasPrefix(w, "```"), strings.HasPrefix(w, "`"):
		return nil, "raw strings (```) are not supported by wirebook; use a quoted string with \\n"
	case strings.HasPrefix(w, "{{"):
		return nil, "templates ({{…}}) are not supported by wirebook; write the value itself"
	case numberLiteral.MatchString(w):
		if !strings.Contains(w, ".") {
			n, err := strconv.ParseInt(w, 10, 64)
			if err != nil {
				return nil, fmt.Sprintf("integer %s is out of range", w)
			}
			return n, ""
		}
		f, err := strconv.ParseFloat(w, 64)
		if err != nil || math.IsInf(f, 0) {
			return nil, fmt.Sprintf("number %s is out of range", w)
		}
		return f, ""
	}
	return nil, fmt.Sprintf("bad value %q: write a quoted string, a number, true, false or null", w)
}

// numberLiteral is Hurl's integer or float: no exponent, no leading zero
// (hurl_core's parser/number.rs).
var numberLiteral = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?$`)
