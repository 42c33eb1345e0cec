package expect

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// hello is the answer the issue's example expects.
var hello = Response{
	Proto:  "HTTP/1.1",
	Status: 200,
	Header: []Header{
		{"Content-Type", "text/plain; charset=utf-8"},
		{"X-INE-Course", "HTTP using Python"},
		{"Vary", "Accept"},
		{"vary", "Accept-Language"},
	},
	Body:     []byte("Hello, World!"),
	Duration: 12 * time.Millisecond,
}

var person = Response{
	Status:   200,
	Header:   []Header{{"Content-Type", "application/json"}},
	Body:     []byte(`{"name": "David", "tags": ["a", "b"], "count": 3, "ratio": 0.5, "ok": true, "none": null, "empty": [], "obj": {"a b": {"c": 1}}, "two": 2.0}`),
	Duration: 1500 * time.Millisecond,
}

func TestCheckTheIssueExample(t *testing.T) {
	t.Parallel()
	s, err := Parse(example)
	if err != nil {
		t.Fatal(err)
	}
	results := s.Check(hello)
	if len(results) != s.Len() {
		t.Fatalf("%d results for %d checks", len(results), s.Len())
	}
	for i, res := range results {
		want := i + 2 // after the status line comes [Asserts]
		if i == 0 {
			want = 1
		}
		if res.Line != want {
			t.Errorf("result %d has line %d, want %d", i, res.Line, want)
		}
	}
	failing := map[string]bool{}
	for _, res := range results {
		if !res.Pass {
			failing[res.Text] = true
		}
	}
	// Only the jsonpath checks fail: the body is text, not JSON.
	for text := range failing {
		if !strings.HasPrefix(text, "jsonpath") {
			t.Errorf("%q failed", text)
		}
	}
	if len(failing) != 3 {
		t.Errorf("%d checks failed, want the 3 jsonpath ones: %v", len(failing), failing)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	long := Response{Status: 200, Body: []byte(strings.Repeat("ab", 300))}
	cut := Response{Status: 200, Body: []byte("Hello, Wor"), Truncated: true}
	tests := []struct {
		name   string
		assert string // one line of [Asserts]
		r      Response
		pass   bool
		got    string // "" to skip
		want   string // "" to skip
	}{
		// status
		{"status == passes", "status == 200", hello, true, "200", "== 200"},
		{"status == fails", "status == 404", hello, false, "200", "== 404"},
		{"status != passes", "status != 404", hello, true, "", "!= 404"},
		{"status != fails", "status != 200", hello, false, "", ""},
		{"status > passes", "status > 199", hello, true, "", "> 199"},
		{"status > fails on equal", "status > 200", hello, false, "", ""},
		{"status >= passes on equal", "status >= 200", hello, true, "", ""},
		{"status >= fails", "status >= 201", hello, false, "", ""},
		{"status < passes", "status < 300", hello, true, "", ""},
		{"status < fails on equal", "status < 200", hello, false, "", ""},
		{"status <= passes on equal", "status <= 200", hello, true, "", ""},
		{"status <= fails", "status <= 199", hello, false, "", ""},
		{"status compares with a float", "status < 200.5", hello, true, "", "< 200.5"},
		{"status is not a string", `status == "200"`, hello, false, "200", `== "200"`},
		{"status isInteger", "status isInteger", hello, true, "", "isInteger"},
		// header
		{"header == passes", `header "X-INE-Course" == "HTTP using Python"`, hello, true, `"HTTP using Python"`, `== "HTTP using Python"`},
		{"header == fails showing the value", `header "Content-Type" == "text/html"`, hello, false, `"text/plain; charset=utf-8"`, `== "text/html"`},
		{"header name is case-insensitive", `header "content-type" contains "text/plain"`, hello, true, "", ""},
		{"header contains fails", `header "Content-Type" contains "html"`, hello, false, "", `contains "html"`},
		{"header startsWith passes", `header "Content-Type" startsWith "text/"`, hello, true, "", ""},
		{"header startsWith fails", `header "Content-Type" startsWith "plain"`, hello, false, "", ""},
		{"header endsWith passes", `header "Content-Type" endsWith "utf-8"`, hello, true, "", ""},
		{"header endsWith fails", `header "Content-Type" endsWith "text"`, hello, false, "", ""},
		{"header matches passes", `header "Content-Type" matches /^text\/\w+/`, hello, true, "", `matches /^text\/\w+/`},
		{"header matches fails", `header "Content-Type" matches /^image/`, hello, false, "", ""},
		{"header exists passes", `header "Vary" exists`, hello, true, "", "exists"},
		{"header exists fails", `header "Set-Cookie" exists`, hello, false, "no Set-Cookie header", "exists"},
		{"header not exists passes", `header "Set-Cookie" not exists`, hello, true, "no Set-Cookie header", "not exists"},
		{"header not exists fails", `header "Vary" not exists`, hello, false, `"Accept", "Accept-Language"`, "not exists"},
		{"a missing header fails ==", `header "Server" == "x"`, hello, false, "no Server header", `== "x"`},
		{"a missing header fails not contains too", `header "Server" not contains "x"`, hello, false, "no Server header", `not contains "x"`},
		{"repeated header passes if any value does", `header "Vary" == "Accept-Language"`, hello, true, `"Accept", "Accept-Language"`, ""},
		{"repeated header fails if no value does", `header "Vary" == "Cookie"`, hello, false, `"Accept", "Accept-Language"`, ""},
		{"not over a repeated header passes if no value does", `header "Vary" not contains "Cookie"`, hello, true, "", ""},
		{"not over a repeated header fails if one value does", `header "Vary" not contains "Language"`, hello, false, "", ""},
		{"many repeated headers are clipped in Got", `header "X" == "y"`, Response{Header: manyHeaders(100)}, false, `"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", …`, ""},
		{"header count counts values", `header "Vary" count == 2`, hello, true, "2", "== 2"},
		{"header count fails", `header "Vary" count == 1`, hello, false, "2", ""},
		{"header count of a missing header fails", `header "Server" count == 0`, hello, false, "no Server header", ""},
		{"header isString", `header "Vary" isString`, hello, true, "", ""},
		{"a header is not a number", `header "Content-Length" > 3`, Response{Header: []Header{{"Content-Length", "13"}}}, false, `"13" (a string, which > cannot test)`, "> 3"},
		{"a wrong type fails even with not", `header "Content-Length" not > 3`, Response{Header: []Header{{"Content-Length", "13"}}}, false, "", "not > 3"},
		// body
		{"body == passes", `body == "Hello, World!"`, hello, true, `"Hello, World!"`, `== "Hello, World!"`},
		{"body == fails", `body == "Hello"`, hello, false, `"Hello, World!"`, `== "Hello"`},
		{"body != passes", `body != "Hello"`, hello, true, "", ""},
		{"body contains passes", `body contains "World"`, hello, true, "", `contains "World"`},
		{"body contains fails", `body contains "Bonjour"`, hello, false, `"Hello, World!"`, `contains "Bonjour"`},
		{"body not contains passes", `body not contains "Bonjour"`, hello, true, "", `not contains "Bonjour"`},
		{"body not contains fails", `body not contains "Hello"`, hello, false, "", ""},
		{"body startsWith passes", `body startsWith "Hello"`, hello, true, "", ""},
		{"body endsWith passes", `body endsWith "!"`, hello, true, "", `endsWith "!"`},
		{"body endsWith fails", `body endsWith "?"`, hello, false, "", ""},
		{"body matches a regex literal", `body matches /Bonjour|Hello/`, hello, true, "", "matches /Bonjour|Hello/"},
		{"body matches a regex string", `body matches "W\\w+d"`, hello, true, "", `matches "W\\w+d"`},
		{"body matches fails", `body matches /^World/`, hello, false, "", ""},
		{"body not matches passes", `body not matches /^World/`, hello, true, "", ""},
		{"body exists even when empty", `body exists`, Response{Status: 204}, true, `""`, ""},
		{"body isEmpty when empty", `body isEmpty`, Response{Status: 204}, true, "", ""},
		{"a long body is clipped in Got", `body == "x"`, long, false, `"` + strings.Repeat("ab", 100) + `…"`, ""},
		{"a truncated body fails contains", `body contains "Hello"`, cut, false, "body cut at 10 bytes, too long to check", ""},
		{"a truncated body fails not contains too", `body not contains "Bye"`, cut, false, "body cut at 10 bytes, too long to check", ""},
		{"escapes reach the body", `body == "a\tb\n\u{e9}"`, Response{Body: []byte("a\tb\né")}, true, `"a\tb\né"`, `== "a\tb\né"`},
		// bytes
		{"bytes count passes", "bytes count == 13", hello, true, "13", "== 13"},
		{"bytes count fails", "bytes count > 100", hello, false, "13", "> 100"},
		{"bytes count of a truncated body fails", "bytes count > 1", cut, false, "body cut at 10 bytes, too long to check", ""},
		// duration
		{"duration < passes", "duration < 1000", hello, true, "12", "< 1000"},
		{"duration < fails", "duration < 1000", person, false, "1500", "< 1000"},
		// jsonpath
		{"jsonpath string == passes", `jsonpath "$.name" == "David"`, person, true, `"David"`, `== "David"`},
		{"jsonpath string == fails", `jsonpath "$.name" == "Goliath"`, person, false, `"David"`, ""},
		{"jsonpath integer == passes", `jsonpath "$.count" == 3`, person, true, "3", "== 3"},
		{"jsonpath integer equals its float", `jsonpath "$.count" == 3.0`, person, true, "", "== 3.0"},
		{"jsonpath number is not its string", `jsonpath "$.count" == "3"`, person, false, "3", ""},
		{"jsonpath float >", `jsonpath "$.ratio" > 0.25`, person, true, "0.5", ""},
		{"jsonpath float isFloat", `jsonpath "$.two" isFloat`, person, true, "2.0", ""},
		{"jsonpath integer is not isFloat", `jsonpath "$.count" isFloat`, person, false, "3", ""},
		{"jsonpath boolean ==", `jsonpath "$.ok" == true`, person, true, "true", "== true"},
		{"jsonpath boolean isBoolean", `jsonpath "$.ok" isBoolean`, person, true, "", ""},
		{"jsonpath null == null", `jsonpath "$.none" == null`, person, true, "null", "== null"},
		{"jsonpath null exists", `jsonpath "$.none" exists`, person, true, "", ""},
		{"jsonpath index", `jsonpath "$.tags[1]" == "b"`, person, true, "", ""},
		{"jsonpath index past the end is nothing", `jsonpath "$.tags[2]" exists`, person, false, "nothing at $.tags[2]", ""},
		{"jsonpath brackets", `jsonpath "$.obj['a b'][\"c\"]" == 1`, person, true, "1", ""},
		{"jsonpath exists passes", `jsonpath "$.tags[0]" exists`, person, true, `"a"`, ""},
		{"jsonpath nothing fails exists", `jsonpath "$.missing" exists`, person, false, "nothing at $.missing", "exists"},
		{"jsonpath nothing fails ==", `jsonpath "$.missing" == 1`, person, false, "nothing at $.missing", ""},
		{"jsonpath nothing passes not exists", `jsonpath "$.missing" not exists`, person, true, "", "not exists"},
		{"jsonpath nothing fails !=", `jsonpath "$.missing" != 1`, person, false, "", ""},
		{"jsonpath through a string is nothing", `jsonpath "$.name.first" exists`, person, false, "", ""},
		{"jsonpath name on a list is nothing", `jsonpath "$.tags.x" exists`, person, false, "", ""},
		{"jsonpath index on an object is nothing", `jsonpath "$.obj[0]" exists`, person, false, "", ""},
		{"jsonpath a list shows as JSON", `jsonpath "$.tags" == "a"`, person, false, `["a","b"]`, ""},
		{"jsonpath count", `jsonpath "$.tags" count == 2`, person, true, "2", ""},
		{"jsonpath count of a non-list fails", `jsonpath "$.name" count == 1`, person, false, `"David", not a list to count`, ""},
		{"jsonpath isCollection", `jsonpath "$.obj" isCollection`, person, true, "", ""},
		{"jsonpath isEmpty", `jsonpath "$.empty" isEmpty`, person, true, "[]", ""},
		{"jsonpath not isEmpty", `jsonpath "$.tags" not isEmpty`, person, true, "", ""},
		{"jsonpath isString", `jsonpath "$.name" isString`, person, true, "", ""},
		{"jsonpath isInteger fails on a string", `jsonpath "$.name" isInteger`, person, false, "", ""},
		{"jsonpath matches a number is a type error", `jsonpath "$.count" matches /3/`, person, false, "3 (a number, which matches cannot test)", ""},
		{"jsonpath $ is the whole document", `jsonpath "$" isCollection`, person, true, "", ""},
		{"jsonpath on a text body fails", `jsonpath "$.name" not exists`, hello, false, "body is not JSON: Hello, World!", ""},
		{"jsonpath on two JSON values fails", `jsonpath "$" exists`, Response{Body: []byte(`{} {}`)}, false, "body is not JSON: {} {}", ""},
		{"jsonpath on a truncated body fails", `jsonpath "$.name" exists`, Response{Body: []byte(`{"name": "Da`), Truncated: true}, false, "body cut at 12 bytes, too long to check", ""},
		{"jsonpath big integer compares as a float", `jsonpath "$.n" > 1`, Response{Body: []byte(`{"n": 123456789012345678901234567890}`)}, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse("HTTP *\n[Asserts]\n" + tt.assert)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			results := s.Check(tt.r)
			if len(results) != 2 {
				t.Fatalf("%d results, want 2", len(results))
			}
			res := results[1]
			if res.Line != 3 || res.Text != tt.assert {
				t.Errorf("Line %d Text %q, want 3 %q", res.Line, res.Text, tt.assert)
			}
			if res.Pass != tt.pass {
				t.Errorf("Pass = %v, want %v (got %s, want %s)", res.Pass, tt.pass, res.Got, res.Want)
			}
			if tt.got != "" && res.Got != tt.got {
				t.Errorf("Got = %s\nwant   %s", res.Got, tt.got)
			}
			if tt.want != "" && res.Want != tt.want {
				t.Errorf("Want = %s, want %s", res.Want, tt.want)
			}
		})
	}
}

func TestCheckStatusLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		line      string
		r         Response
		pass      bool
		got, want string
	}{
		{"the status passes", "HTTP 200", Response{Status: 200}, true, "200", "200"},
		{"another status fails", "HTTP 200", Response{Status: 500}, false, "500", "200"},
		{"any status passes", "HTTP *", Response{Status: 503}, true, "503", "any status"},
		{"the version passes", "HTTP/1.1 200", Response{Proto: "HTTP/1.1", Status: 200}, true, "HTTP/1.1 200", "HTTP/1.1 200"},
		{"another version fails", "HTTP/2 200", Response{Proto: "HTTP/1.1", Status: 200}, false, "HTTP/1.1 200", "HTTP/2 200"},
		{"net/http's HTTP/2.0 is HTTP/2", "HTTP/2 *", Response{Proto: "HTTP/2.0", Status: 404}, true, "HTTP/2 404", "HTTP/2 any status"},
		{"an unreported version fails", "HTTP/1.1 200", Response{Status: 200}, false, "200, HTTP version not reported", "HTTP/1.1 200"},
		{"plain HTTP ignores the version", "HTTP 200", Response{Proto: "HTTP/1.0", Status: 200}, true, "200", "200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse("\n" + tt.line + " # status")
			if err != nil {
				t.Fatal(err)
			}
			res := s.Check(tt.r)
			if len(res) != 1 {
				t.Fatalf("%d results, want 1", len(res))
			}
			want := Result{Line: 2, Text: tt.line, Pass: tt.pass, Got: tt.got, Want: tt.want}
			if res[0] != want {
				t.Errorf("got  %+v\nwant %+v", res[0], want)
			}
		})
	}
}

func TestCheckImplicitHeader(t *testing.T) {
	t.Parallel()
	s, err := Parse("HTTP 200\nvary: Accept-Language\nContent-Type: text/html")
	if err != nil {
		t.Fatal(err)
	}
	res := s.Check(hello)
	want := []Result{
		{Line: 1, Text: "HTTP 200", Pass: true, Got: "200", Want: "200"},
		{Line: 2, Text: "vary: Accept-Language", Pass: true, Got: `"Accept", "Accept-Language"`, Want: `== "Accept-Language"`},
		{Line: 3, Text: "Content-Type: text/html", Pass: false, Got: `"text/plain; charset=utf-8"`, Want: `== "text/html"`},
	}
	if len(res) != len(want) {
		t.Fatalf("%d results, want %d", len(res), len(want))
	}
	for i := range want {
		if res[i] != want[i] {
			t.Errorf("result %d:\ngot  %+v\nwant %+v", i, res[i], want[i])
		}
	}
}

func TestCheckEmptySpecHasNoResults(t *testing.T) {
	t.Parallel()
	var s Spec
	if res := s.Check(hello); len(res) != 0 {
		t.Errorf("%d results from an empty Spec", len(res))
	}
}

func TestCheckHandBuiltSpec(t *testing.T) {
	t.Parallel()
	s := Spec{Status: "200", StatusLine: 1}
	want := Result{Line: 1, Text: "HTTP 200", Pass: true, Got: "200", Want: "200"}
	if res := s.Check(Response{Status: 200}); len(res) != 1 || res[0] != want {
		t.Errorf("got %+v, want [%+v]", res, want)
	}
	if s.String() != "HTTP 200\n" {
		t.Errorf("String() = %q", s.String())
	}
}

func manyHeaders(n int) []Header {
	h := make([]Header, n)
	for i := range h {
		h[i] = Header{"X", "x" + strconv.Itoa(i)}
	}
	return h
}
