package expect

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// FuzzParse checks that Parse never panics, that every error is a
// *ParseError on a line of the text, and that a valid Spec written back
// with String parses to the same checks, with the same verdicts.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		example,
		"",
		"HTTP *\nLocation: /home\n[Asserts]\nheader \"Vary\" count == 2\n",
		"HTTP/2 404 # gone\n[Asserts]\nbody not matches /a\\/b#c/\n",
		"HTTP 200\n[Asserts]\nbody == \"\\u{7b}\\u{7b}x\\\"\\\\\\n\\t#\"\n",
		"HTTP 200\n[Asserts]\njsonpath \"$['a b'][0].c\" >= -2.50\n",
		"HTTP 200\n[Asserts]\njsonpath \"$.x\" not isEmpty\nbody matches \"\\\\d+\"\n",
		"HTTP 200\n[Captures]\n",
		"HTTP 200\n[Asserts]\nxpath \"//h1\" exists\n",
	} {
		f.Add(seed)
	}
	responses := []Response{
		hello,
		person,
		{Proto: "HTTP/2.0", Status: 404, Body: []byte("{{x\"\\\n\t#"), Truncated: true, Duration: time.Second},
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := Parse(text)
		if err != nil {
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if lines := strings.Count(text, "\n") + 1; perr.Line < 1 || perr.Line > lines {
				t.Fatalf("error on line %d of %d: %v", perr.Line, lines, err)
			}
			return
		}
		out := s.String()
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(String()) failed: %v\ntext:\n%q\nString():\n%q", err, text, out)
		}
		if again.String() != out || again.Len() != s.Len() || again.Status != s.Status {
			t.Fatalf("String() does not read back:\n%q\nthen\n%q", out, again.String())
		}
		for _, r := range responses {
			first, second := s.Check(r), again.Check(r)
			if len(first) != s.Len() || len(second) != len(first) {
				t.Fatalf("%d and %d results for %d checks", len(first), len(second), s.Len())
			}
			for i := range first {
				a, b := first[i], second[i]
				if a.Pass != b.Pass || a.Got != b.Got || a.Want != b.Want {
					t.Fatalf("check %d differs after String():\n%+v\n%+v", i, a, b)
				}
			}
		}
	})
}

// FuzzCheck runs every kind of check against arbitrary bodies and headers:
// no panics, one result per check, and every failure says what came back
// and what was wanted.
func FuzzCheck(f *testing.F) {
	spec, err := Parse(example + `jsonpath "$['a b'][0][1]" count > 1
jsonpath "$" isCollection
jsonpath "$.count" not isFloat
header "X" count == 2
body matches /^\{/
body not isEmpty
`)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"name": "David", "tags": ["x"], "count": 3}`), "text/plain", false)
	f.Add([]byte(`{"a b": [[1, [2, 3]]]}`), "", true)
	f.Add([]byte("Hello, World!"), "x", false)
	f.Fuzz(func(t *testing.T, body []byte, header string, truncated bool) {
		r := Response{
			Status:    200,
			Header:    []Header{{"Content-Type", header}, {"X", header}, {"x", "2"}},
			Body:      body,
			Truncated: truncated,
		}
		results := spec.Check(r)
		if len(results) != spec.Len() {
			t.Fatalf("%d results for %d checks", len(results), spec.Len())
		}
		for _, res := range results {
			if !res.Pass && (res.Got == "" || res.Want == "") {
				t.Fatalf("a failure without got or want: %+v", res)
			}
		}
	})
}
