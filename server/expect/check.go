package expect

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Header is one response header line, as received.
type Header struct{ Name, Value string }

// Response is what came back for a cell's request.
type Response struct {
	// Proto is the version the response came with, as net/http spells it
	// ("HTTP/1.1", "HTTP/2.0"). It is only read by a status line naming a
	// version (HTTP/1.1 200); left empty, such a line fails, saying so.
	Proto     string
	Status    int
	Header    []Header // in order received
	Body      []byte   // possibly truncated to a cap by the caller
	Truncated bool     // body was cut; body predicates then fail with a clear Got
	Duration  time.Duration
}

// Result is the verdict on one check.
type Result struct {
	Line int    // same numbering as Assert.Line / StatusLine
	Text string // the expectation as written ("HTTP 200", `header "X" == "y"`)
	Pass bool
	Got  string // what came back, short and readable
	Want string // what was wanted, readable (`== "text/plain"`, `contains "Hello"`, `200`)
}

// clipAt is how much of a body or header a Result shows: enough to
// recognise a page, short enough to sit beside the expectation.
const clipAt = 200

// Check runs every check against r: one Result per check, in order, the
// status line first.
func (s Spec) Check(r Response) []Result {
	out := make([]Result, 0, s.Len())
	if s.StatusLine > 0 {
		out = append(out, s.checkStatus(r))
	}
	for _, a := range s.Asserts {
		out = append(out, a.check(r))
	}
	return out
}

func (s Spec) checkStatus(r Response) Result {
	res := Result{Line: s.StatusLine, Text: s.versionName() + " " + s.Status, Want: s.Status, Got: strconv.Itoa(r.Status)}
	res.Pass = s.Status == "*" || s.Status == strconv.Itoa(r.Status)
	if s.Status == "*" {
		res.Want = "any status"
	}
	if s.versionName() != "HTTP" {
		res.Want = s.version + " " + res.Want
		switch got := protoName(r.Proto); got {
		case "":
			res.Got += ", HTTP version not reported"
			res.Pass = false
		default:
			res.Got = got + " " + res.Got
			res.Pass = res.Pass && got == s.version
		}
	}
	return res
}

// versionName is the version the status line names; a Spec built by hand
// without one names none, like "HTTP".
func (s Spec) versionName() string {
	if s.version == "" {
		return "HTTP"
	}
	return s.version
}

// protoName spells net/http's "HTTP/2.0" the way Hurl does, "HTTP/2".
func protoName(p string) string {
	switch p {
	case "HTTP/2.0":
		return "HTTP/2"
	case "HTTP/3.0":
		return "HTTP/3"
	}
	return p
}

// outcome is what a query gave: values, or none (with why), or a reason
// the query could not run at all.
type outcome struct {
	vals   []any  // one value, or one per repeated header
	none   string // no value: `no "X" header`, `nothing at $.a`
	broken string // cannot evaluate: body truncated, body not JSON
}

func (a Assert) check(r Response) Result {
	res := Result{Line: a.Line, Text: a.Text, Want: a.want()}
	o := a.q.run(r)
	switch {
	case o.broken != "":
		res.Got = o.broken
	case a.pred == "exists":
		res.Pass = (len(o.vals) > 0) != a.neg
		res.Got = o.show()
	case len(o.vals) == 0:
		res.Got = o.none
	default:
		res.Got = o.show()
		passed, allWrongType := false, true
		for _, v := range o.vals {
			ok, wrongType := apply(a.pred, v, a.val)
			passed = passed || ok
			allWrongType = allWrongType && wrongType
		}
		if allWrongType {
			res.Got += " (" + typeName(o.vals[0]) + ", which " + a.pred + " cannot test)"
			return res
		}
		res.Pass = passed != a.neg
	}
	return res
}

func (o outcome) show() string {
	if len(o.vals) == 0 {
		return o.none
	}
	parts := make([]string, len(o.vals))
	for i, v := range o.vals {
		parts[i] = show(v)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return clip(strings.Join(parts, ", ")) // many repeated headers stay short too
}

func (q query) run(r Response) outcome {
	var o outcome
	switch q.kind {
	case qStatus:
		o.vals = []any{int64(r.Status)}
	case qDuration:
		o.vals = []any{r.Duration.Milliseconds()}
	case qHeader:
		for _, h := range r.Header {
			if strings.EqualFold(h.Name, q.arg) {
				o.vals = append(o.vals, h.Value)
			}
		}
		o.none = "no " + q.arg + " header"
		if q.count && len(o.vals) > 0 {
			o.vals = []any{int64(len(o.vals))}
		}
	case qBody, qBytes, qJSONPath:
		if r.Truncated {
			o.broken = fmt.Sprintf("body cut at %d bytes, too long to check", len(r.Body))
			return o
		}
		switch q.kind {
		case qBody:
			o.vals = []any{string(r.Body)}
		case qBytes:
			o.vals = []any{int64(len(r.Body))}
		default:
			o = q.runJSONPath(r.Body)
		}
	}
	return o
}

func (q query) runJSONPath(body []byte) outcome {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	err := dec.Decode(&doc)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			err = fmt.Errorf("more after the JSON value")
		}
	}
	if err != nil {
		return outcome{broken: "body is not JSON: " + clip(string(body))}
	}
	v, ok := lookup(doc, q.path)
	if !ok {
		return outcome{none: "nothing at " + q.arg}
	}
	if q.count {
		list, ok := v.([]any)
		if !ok {
			return outcome{broken: show(v) + ", not a list to count"}
		}
		v = int64(len(list))
	}
	return outcome{vals: []any{v}}
}

// apply tests one value. wrongType means the predicate cannot test a value
// of that type (matches on a number): the check then fails, with or without
// not, as in Hurl.
func apply(pred string, v, want any) (ok, wrongType bool) {
	switch pred {
	case "==":
		return equal(v, want), false
	case "!=":
		return !equal(v, want), false
	case ">", ">=", "<", "<=":
		c, ok := compare(v, want)
		if !ok {
			return false, true
		}
		return inOrder(pred, c), false
	case "contains", "startsWith", "endsWith", "matches":
		s, ok := v.(string)
		if !ok {
			return false, true
		}
		return matchString(pred, s, want), false
	case "isInteger":
		_, ok := v.(int64)
		return ok, false
	case "isFloat":
		_, ok := v.(float64)
		return ok, false
	case "isBoolean":
		_, ok := v.(bool)
		return ok, false
	case "isString":
		_, ok := v.(string)
		return ok, false
	case "isCollection":
		switch v.(type) {
		case []any, map[string]any:
			return true, false
		}
		return false, false
	case "isEmpty":
		switch x := v.(type) {
		case []any:
			return len(x) == 0, false
		case map[string]any:
			return len(x) == 0, false
		case string:
			return x == "", false
		}
		return false, true
	}
	return false, true
}

// inOrder applies an ordering predicate to c, compare's result.
func inOrder(pred string, c int) bool {
	switch pred {
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	}
	return c <= 0
}

// matchString applies a string predicate; want is the string or regexp
// the parser made for it.
func matchString(pred, s string, want any) bool {
	switch pred {
	case "contains":
		return strings.Contains(s, want.(string))
	case "startsWith":
		return strings.HasPrefix(s, want.(string))
	case "endsWith":
		return strings.HasSuffix(s, want.(string))
	}
	if re, ok := want.(stringRegexp); ok {
		return re.MatchString(s)
	}
	return want.(*regexp.Regexp).MatchString(s)
}

// equal compares a value with a literal: numbers by value (3 == 3.0),
// everything else only within its own type ("3" is not 3).
func equal(v, want any) bool {
	if c, ok := compare(v, want); ok {
		return c == 0
	}
	switch w := want.(type) {
	case string:
		s, ok := v.(string)
		return ok && s == w
	case bool:
		b, ok := v.(bool)
		return ok && b == w
	case nil:
		return v == nil
	}
	return false
}

// compare orders two numbers; ok is false unless both are numbers.
func compare(a, b any) (int, bool) {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt {
		switch {
		case ai < bi:
			return -1, true
		case ai > bi:
			return 1, true
		}
		return 0, true
	}
	af, ok1 := toFloat(a)
	bf, ok2 := toFloat(b)
	if !ok1 || !ok2 || math.IsNaN(af) || math.IsNaN(bf) {
		return 0, false
	}
	switch {
	case af < bf:
		return -1, true
	case af > bf:
		return 1, true
	}
	return 0, true
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	}
	return 0, false
}

func typeName(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// show writes a value for a Result, clipped.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return quote(clip(x))
	case []any, map[string]any:
		b, _ := json.Marshal(x)
		return clip(string(b))
	}
	return literal(v)
}

// clip cuts s to clipAt characters, marking the cut with "…".
func clip(s string) string {
	if utf8.RuneCountInString(s) <= clipAt {
		return s
	}
	n := 0
	for i := range s {
		if n == clipAt {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// literal writes a predicate value the way Hurl reads it back.
func literal(v any) string {
	switch x := v.(type) {
	case string:
		return quote(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		f := strconv.FormatFloat(x, 'f', -1, 64)
		if !strings.Contains(f, ".") {
			f += ".0" // 3.0 stays a float: Hurl's isFloat tells them apart
		}
		return f
	case bool:
		return strconv.FormatBool(x)
	case nil:
		return "null"
	case *regexp.Regexp:
		return regexLiteral(x.String())
	case stringRegexp:
		return quote(x.String())
	}
	return fmt.Sprint(v)
}

// want is the predicate as a reader sees it: `not contains "x"`.
func (a Assert) want() string {
	w := a.pred
	if a.neg {
		w = "not " + w
	}
	if predicates[a.pred] != "" {
		w += " " + literal(a.val)
	}
	return w
}
