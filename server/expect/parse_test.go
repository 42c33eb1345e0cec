package expect

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// example is the block from issue 10: every query and the common
// predicates, as a lesson would write them.
const example = `HTTP 200
[Asserts]
header "Content-Type" contains "text/plain"
header "X-INE-Course" == "HTTP using Python"
header "Set-Cookie" not exists
body contains "Hello"
body matches /Bonjour|Hello/
body == "Hello, World!"
jsonpath "$.name" == "David"
jsonpath "$.tags[0]" exists
jsonpath "$.count" == 3
duration < 1000
bytes count == 13
status == 200
`

func TestParseValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		text       string
		status     string
		statusLine int
		len        int
		canonical  string // String(); "" to skip
	}{
		{"the issue's example parses", example, "200", 1, 13, ""},
		{"empty text has no checks", "", "", 0, 0, ""},
		{"only comments and blanks have no checks", "\n  # a note\n\n", "", 0, 0, ""},
		{"status line alone", "HTTP 200", "200", 1, 1, "HTTP 200\n"},
		{"any status", "HTTP *\n", "*", 1, 1, "HTTP *\n"},
		{"version on the status line", "HTTP/1.1 404", "404", 1, 1, "HTTP/1.1 404\n"},
		{"HTTP/2 status line", "HTTP/2 200", "200", 1, 1, "HTTP/2 200\n"},
		{"status line after blanks and comments", "\n# what comes back\n  HTTP 301  # moved\n", "301", 3, 1, "HTTP 301\n"},
		{"CRLF line ends", "HTTP 200\r\n[Asserts]\r\nstatus == 200\r\n", "200", 1, 2, "HTTP 200\n[Asserts]\nstatus == 200\n"},
		{"empty [Asserts]", "HTTP 200\n[Asserts]\n", "200", 1, 1, "HTTP 200\n"},
		{"implicit header line", "HTTP 302\nLocation: /home # where\n", "302", 1, 2, "HTTP 302\nLocation: /home\n"},
		{"implicit headers then asserts", "HTTP 200\nContent-Type: text/plain\nVary: Accept\n[Asserts]\nbody == \"x\"", "200", 1, 4,
			"HTTP 200\nContent-Type: text/plain\nVary: Accept\n[Asserts]\nbody == \"x\"\n"},
		{"extra spaces collapse", "HTTP   200\n[Asserts]\n\tstatus   ==\t200  ", "200", 1, 2, "HTTP 200\n[Asserts]\nstatus == 200\n"},
		{"word values", "HTTP 200\n[Asserts]\njsonpath \"$.ok\" == true\njsonpath \"$.no\" != false\njsonpath \"$.x\" == null",
			"200", 1, 4, "HTTP 200\n[Asserts]\njsonpath \"$.ok\" == true\njsonpath \"$.no\" != false\njsonpath \"$.x\" == null\n"},
		{"numbers keep integer or float", "HTTP 200\n[Asserts]\njsonpath \"$.a\" == -3\njsonpath \"$.b\" >= 2.50\njsonpath \"$.c\" < 3.0\njsonpath \"$.d\" == 0\njsonpath \"$.e\" > 0.5",
			"200", 1, 6, "HTTP 200\n[Asserts]\njsonpath \"$.a\" == -3\njsonpath \"$.b\" >= 2.5\njsonpath \"$.c\" < 3.0\njsonpath \"$.d\" == 0\njsonpath \"$.e\" > 0.5\n"},
		{"escapes are read and written back", `HTTP 200
[Asserts]
body == "a\"b\\c\n\t\u{e9}\u{1F600}"`, "200", 1, 2, "HTTP 200\n[Asserts]\nbody == \"a\\\"b\\\\c\\n\\té😀\"\n"},
		{"regex with an escaped slash", `HTTP 200
[Asserts]
body matches /a\/b\d+/`, "200", 1, 2, "HTTP 200\n[Asserts]\nbody matches /a\\/b\\d+/\n"},
		{"regex as a string", `HTTP 200
[Asserts]
body matches "\\d{4}"`, "200", 1, 2, "HTTP 200\n[Asserts]\nbody matches \"\\\\d{4}\"\n"},
		{"Hurl's other escapes", "HTTP 200\n[Asserts]\nbody == \"\\/\\#\\`\"", "200", 1, 2, "HTTP 200\n[Asserts]\nbody == \"/#`\"\n"},
		{"a backslash before a slash in a regex", "HTTP 200\n[Asserts]\nbody matches /a\\\\/b/", "200", 1, 2, "HTTP 200\n[Asserts]\nbody matches /a\\\\/b/\n"},
		{"a # inside a string is not a comment", "HTTP 200\n[Asserts]\nbody contains \"#1\" # first", "200", 1, 2,
			"HTTP 200\n[Asserts]\nbody contains \"#1\"\n"},
		{"every predicate without a value", "HTTP 200\n[Asserts]\njsonpath \"$.a\" isInteger\njsonpath \"$.a\" isFloat\njsonpath \"$.a\" isBoolean\njsonpath \"$.a\" isString\njsonpath \"$.a\" isCollection\njsonpath \"$.a\" not isEmpty",
			"200", 1, 7, ""},
		{"count after header, jsonpath and bytes", "HTTP 200\n[Asserts]\nheader \"Vary\" count == 2\njsonpath \"$.tags\" count > 0\nbytes count <= 10",
			"200", 1, 4, "HTTP 200\n[Asserts]\nheader \"Vary\" count == 2\njsonpath \"$.tags\" count > 0\nbytes count <= 10\n"},
		{"bracket jsonpath", "HTTP 200\n[Asserts]\njsonpath \"$['a b'][2][\\\"c\\\"]\" exists", "200", 1, 2, ""},
		{"jsonpath names with digits, underscores and non-ASCII", "HTTP 200\n[Asserts]\njsonpath \"$._a1.été[0][10]\" exists", "200", 1, 2, ""},
		{"braces alone are not a template", "HTTP 200\n[Asserts]\nbody contains \"{\\\"a\\\": 1}\"", "200", 1, 2, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.text)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.Status != tt.status || s.StatusLine != tt.statusLine || s.Len() != tt.len {
				t.Errorf("Status %q line %d Len %d, want %q line %d Len %d", s.Status, s.StatusLine, s.Len(), tt.status, tt.statusLine, tt.len)
			}
			if tt.canonical != "" && s.String() != tt.canonical {
				t.Errorf("String() =\n%s\nwant\n%s", s.String(), tt.canonical)
			}
			again, err := Parse(s.String())
			if err != nil {
				t.Fatalf("Parse(String()): %v\n%s", err, s.String())
			}
			if again.String() != s.String() {
				t.Errorf("String() does not read back:\n%s\nthen\n%s", s.String(), again.String())
			}
		})
	}
}

func TestParseLinesAndText(t *testing.T) {
	t.Parallel()
	s, err := Parse("# expectations\nHTTP 200\nLocation:/home # moved\n[Asserts]\n  body contains \"x\"   # the greeting\n\nstatus == 200")
	if err != nil {
		t.Fatal(err)
	}
	if s.StatusLine != 2 {
		t.Errorf("StatusLine = %d, want 2", s.StatusLine)
	}
	want := []Assert{{Line: 3, Text: "Location:/home"}, {Line: 5, Text: `body contains "x"`}, {Line: 7, Text: "status == 200"}}
	if len(s.Asserts) != len(want) {
		t.Fatalf("%d asserts, want %d", len(s.Asserts), len(want))
	}
	for i, a := range s.Asserts {
		if a.Line != want[i].Line || a.Text != want[i].Text {
			t.Errorf("assert %d: line %d %q, want line %d %q", i, a.Line, a.Text, want[i].Line, want[i].Text)
		}
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	const head = "HTTP 200\n[Asserts]\n"
	tests := []struct {
		name string
		text string
		line int
		msg  string // a part of the message
	}{
		{"an assert before the status line", "status == 200", 1, "expected the status line first"},
		{"[Asserts] before the status line", "# x\n[Asserts]\nstatus == 200", 2, "[Asserts] before the status line"},
		{"a second status line", "HTTP 200\n\nHTTP 404", 3, "a second status line; the first is on line 1"},
		{"a status line inside [Asserts]", head + "HTTP 200", 3, "a second status line"},
		{"missing status", "HTTP", 1, "missing status"},
		{"status not a number", "HTTP OK", 1, `bad status "OK"`},
		{"status out of range", "HTTP 2000", 1, `bad status "2000"`},
		{"status with a leading zero", "HTTP 0200", 1, `bad status "0200"`},
		{"a no-break space is not a Hurl space", "\u00a0HTTP 200", 1, "expected the status line first"},
		{"a reason phrase after the status", "HTTP/1.1 200 OK", 1, "no reason phrase"},
		{"unknown version", "HTTP/1.2 200", 1, "unknown version HTTP/1.2"},
		{"an assert outside [Asserts]", "HTTP 200\nstatus == 200", 2, "an assert outside [Asserts]"},
		{"a second [Asserts]", head + "status == 200\n[Asserts]", 4, "a second [Asserts] section"},
		{"[Captures] is unsupported", "HTTP 200\n[Captures]\nid: jsonpath \"$.id\"", 2, "[Captures] is not supported by wirebook"},
		{"a request section after HTTP", "HTTP 200\n[FormParams]", 2, "[FormParams] is a request section"},
		{"unknown section", "HTTP 200\n[Assert]", 2, "unknown section [Assert]"},
		{"text after a section name", "HTTP 200\n[Asserts] status", 2, `unexpected "status" after [Asserts]`},
		{"unknown query", head + "statuscode == 200", 3, `unknown query "statuscode"`},
		{"a header line inside [Asserts]", head + "Content-Type: text/plain", 3, "goes before [Asserts]"},
		{"xpath is unsupported", head + `xpath "//h1" exists`, 3, "xpath is not supported by wirebook; use body contains"},
		{"cookie is unsupported", head + `cookie "id" exists`, 3, "cookie is not supported by wirebook"},
		{"sha256 is unsupported", head + `sha256 == hex,abc;`, 3, "sha256 is not supported by wirebook"},
		{"url is unsupported", head + `url == "/"`, 3, "url is not supported by wirebook"},
		{"xpath outside [Asserts] is named too", "HTTP 200\nxpath \"//h1\" exists", 2, "xpath is not supported"},
		{"a response body is unsupported", head + `{"a": 1}`, 3, "a response body to compare is not supported"},
		{"a response body before [Asserts]", "HTTP 200\n```", 2, "a response body to compare is not supported"},
		{"header without a name", head + "header == \"x\"", 3, `header needs a quoted argument, e.g. header "Content-Type"`},
		{"header with an empty name", head + `header "" exists`, 3, "header needs a name"},
		{"jsonpath without an expression", head + "jsonpath exists", 3, "jsonpath needs a quoted argument"},
		{"jsonpath not from $", head + `jsonpath "name" exists`, 3, "must start with $"},
		{"jsonpath recursive descent", head + `jsonpath "$..name" exists`, 3, "recursive descent (..) is not supported"},
		{"jsonpath wildcard", head + `jsonpath "$.tags[*]" exists`, 3, "wildcards ([*]) are not supported"},
		{"jsonpath dot wildcard", head + `jsonpath "$.*" exists`, 3, "wildcards (*) are not supported"},
		{"jsonpath filter", head + `jsonpath "$.a[?(@.b)]" exists`, 3, "filters ([?…]) are not supported"},
		{"jsonpath slice", head + `jsonpath "$.a[0:2]" exists`, 3, "slices and unions"},
		{"jsonpath negative index", head + `jsonpath "$.a[-1]" exists`, 3, "negative indexes are not supported"},
		{"jsonpath bad index", head + `jsonpath "$.a[x]" exists`, 3, "bad index [x]"},
		{"jsonpath unclosed bracket", head + `jsonpath "$.a[0" exists`, 3, "a [ without its ]"},
		{"jsonpath stray character", head + `jsonpath "$a" exists`, 3, `unexpected "a"`},
		{"jsonpath name with a hyphen", head + `jsonpath "$.content-type" exists`, 3, `unexpected "-" in a name (write ['content-type']`},
		{"jsonpath name starting with a digit", head + `jsonpath "$.1a" exists`, 3, "a name must follow ."},
		{"jsonpath index with a leading zero", head + `jsonpath "$.a[01]" exists`, 3, "bad index [01]"},
		{"missing predicate", head + "status", 3, "missing predicate"},
		{"missing predicate after not", head + "status not", 3, "missing predicate"},
		{"unknown predicate", head + "status is 200", 3, `unknown predicate "is"`},
		{"old word predicate", head + "status equals 200", 3, "equals is not supported by wirebook; write =="},
		{"includes is unsupported", head + `header "Vary" includes "Accept"`, 3, "includes is not supported by wirebook"},
		{"missing value", head + "status ==", 3, "missing value after =="},
		{"missing value before a comment", head + "body contains # hello", 3, "missing value after contains"},
		{"unterminated string", head + `body contains "Hello`, 3, "unterminated string"},
		{"unterminated string ending in a backslash", head + `body contains "Hello\`, 3, "unterminated string"},
		{"unterminated header name", head + `header "Content-Type == "x"`, 3, `unknown predicate "x\""`},
		{"unknown escape", head + `body contains "\q"`, 3, `unknown escape \q`},
		{"a raw tab inside a string", head + "body contains \"a\tb\"", 3, `Hurl needs it written \t`},
		{"a regex ending in an escaped backslash runs on, as in Hurl", head + `body matches /a\\/`, 3, "unterminated regex"},
		{"bad unicode escape", head + `body contains "\u{zz}"`, 3, `bad escape \u{zz}`},
		{"unicode escape without braces", head + `body contains "\u00e9"`, 3, `write \u{hex}`},
		{"unicode escape unclosed", head + `body contains "\u{e9"`, 3, "the closing } is missing"},
		{"surrogate escape", head + `body contains "\u{d800}"`, 3, "not a Unicode code point"},
		{"template in a string", head + `body contains "{{name}}"`, 3, "templates ({{…}}) are not supported"},
		{"template as a value", head + `status == {{code}}`, 3, "templates ({{…}}) are not supported"},
		{"template in a header line", "HTTP 200\nX-Name: {{name}}", 2, "escapes and templates in a header line"},
		{"bad regex", head + `body matches /a(b/`, 3, "bad regex /a(b/: missing closing )"},
		{"bad regex in a string", head + `body matches "a[b"`, 3, `bad regex "a[b"`},
		{"unterminated regex", head + `body matches /abc`, 3, "unterminated regex"},
		{"regex outside matches", head + `body contains /abc/`, 3, "needs a quoted string"},
		{"regex for ==", head + `body == /abc/`, 3, "a /regex/ is only for matches"},
		{"a string where a number goes", head + `duration < "1000"`, 3, "< needs a number"},
		{"a number where a string goes", head + `body contains 3`, 3, "contains needs a quoted string"},
		{"a boolean where a string goes", head + `body startsWith true`, 3, "startsWith cannot take true"},
		{"null where a number goes", head + `status > null`, 3, "> cannot take null"},
		{"bad value", head + `status == two`, 3, `bad value "two"`},
		{"exponent is not a Hurl number", head + `status == 2e2`, 3, `bad value "2e2"`},
		{"a leading zero is not a Hurl number", head + `status == 0200`, 3, `bad value "0200"`},
		{"a float needs digits after the point", head + `duration < 1.`, 3, `bad value "1."`},
		{"integer out of range", head + `status == 99999999999999999999`, 3, "out of range"},
		{"hex value", head + `body == hex,00ff;`, 3, "hex values are not supported"},
		{"raw string value", head + "body == ```x```", 3, "raw strings (```) are not supported"},
		{"text after the value", head + `body == "a" "b"`, 3, `unexpected "\"b\"" after the predicate`},
		{"text after exists", head + `header "X" exists "y"`, 3, `unexpected "\"y\""`},
		{"bytes without count", head + `bytes == 3`, 3, "only as bytes count"},
		{"count after body", head + `body count == 3`, 3, "count is not supported after body"},
		{"count twice", head + `bytes count count == 3`, 3, "count twice"},
		{"another filter", head + `header "X" toInt == 3`, 3, "the toInt filter is not supported by wirebook"},
		{"error line counts blank lines", "\n\nHTTP 200\n\n[Asserts]\n\nbody ~ 3", 7, `unknown predicate "~"`},
		{"not a header line", "HTTP 200\nthis is prose", 2, "expected a header line Name: value or [Asserts]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.text)
			var perr *ParseError
			if !errors.As(err, &perr) {
				t.Fatalf("Parse error = %v, want a *ParseError", err)
			}
			if perr.Line != tt.line || !strings.Contains(perr.Msg, tt.msg) {
				t.Errorf("got line %d %q\nwant line %d, containing %q", perr.Line, perr.Msg, tt.line, tt.msg)
			}
			if want := "line " + strconv.Itoa(tt.line) + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("Error() = %q, want the prefix %q", err.Error(), want)
			}
		})
	}
}

// TestDocExamplesParse keeps the grammar in the package doc (copied into
// the README) honest: every example line in it parses.
func TestDocExamplesParse(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(doc), "\n") {
		ex, ok := strings.CutPrefix(line, "//\t")
		if !ok || ex == "[Asserts]" {
			continue
		}
		text := "HTTP 200\n[Asserts]\n" + ex
		switch {
		case strings.HasPrefix(ex, "HTTP"):
			text = ex
		case strings.Contains(strings.Fields(ex)[0], ":"):
			text = "HTTP 200\n" + ex
		}
		if _, err := Parse(text); err != nil {
			t.Errorf("doc example %q: %v", ex, err)
		}
		n++
	}
	if n < 20 {
		t.Errorf("found %d doc examples; has the doc's layout changed?", n)
	}
}
