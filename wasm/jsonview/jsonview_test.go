package jsonview

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// dump shows a tree with each value's kind, so a test can tell the number 1
// from the string "1" and see keys and items line up.
func dump(v *Value) string {
	switch v.Kind {
	case Null:
		return "null:" + v.Text
	case Bool:
		return "bool:" + v.Text
	case Number:
		return "num:" + v.Text
	case String:
		return "str:" + v.Text
	case Array:
		parts := make([]string, len(v.Items))
		for i, item := range v.Items {
			parts[i] = dump(item)
		}
		return "[" + strings.Join(parts, " ") + "]"
	case Object:
		if len(v.Keys) != len(v.Items) {
			return "BROKEN OBJECT"
		}
		parts := make([]string, len(v.Items))
		for i, item := range v.Items {
			parts[i] = v.Keys[i] + "=" + dump(item)
		}
		return "{" + strings.Join(parts, " ") + "}"
	}
	return "INVALID"
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"the course's response", `{"Server":"Test Server","name":"David","title":"Instructor"}`,
			`{"Server"=str:"Test Server" "name"=str:"David" "title"=str:"Instructor"}`},
		{"scalars at the top", ` 42 `, `num:42`},
		{"literals", `[true,false,null]`, `[bool:true bool:false null:null]`},
		{"numbers are kept as written", `[-0, 1.50, 1e400, -2.5E-3, 12345678901234567890123]`,
			`[num:-0 num:1.50 num:1e400 num:-2.5E-3 num:12345678901234567890123]`},
		{"strings keep their escapes", `["a\"b\\c\/\b\f\n\r\t\u00e9\uD83D\uDE00", "Nǐn hǎo"]`,
			`[str:"a\"b\\c\/\b\f\n\r\t\u00e9\uD83D\uDE00" str:"Nǐn hǎo"]`},
		{"member order and repeats are kept", `{"b":1,"a":2,"b":3}`, `{"b"=num:1 "a"=num:2 "b"=num:3}`},
		{"empty containers", "{ \"a\" : [ ] , \"b\" : { } }", `{"a"=[] "b"={}}`},
		{"all four whitespace characters", "\t\r\n [\n1\r\n,\t2 ] \n", `[num:1 num:2]`},
		{"nesting", `[[[{"x":[[]]}]]]`, `[[[{"x"=[[]]}]]]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if got := dump(v); got != tc.want {
				t.Fatalf("Parse(%q)\n got %s\nwant %s", tc.in, got, tc.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		offset   int
		msg      string
		// stdAccepts: encoding/json takes it (no depth or UTF-8 check there)
		stdAccepts bool
	}{
		{"empty text", "", 0, "unexpected end of input, want a value", false},
		{"only whitespace", "  \n", 3, "unexpected end of input, want a value", false},
		{"two values", `{} {}`, 3, "unexpected '{' after the top-level value", false},
		{"single quotes", `{'a': 1}`, 1, `unexpected '\'' in object, want a member name in double quotes`, false},
		{"bare key", `{a: 1}`, 1, `unexpected 'a' in object, want a member name in double quotes`, false},
		{"missing colon", `{"a" 1}`, 5, "unexpected '1' after member name, want :", false},
		{"trailing comma in object", `{"a": 1,}`, 8, "trailing comma before }", false},
		{"trailing comma in array", `[1, 2, ]`, 7, "trailing comma before ]", false},
		{"missing comma", `[1 2]`, 3, "unexpected '2' in array, want , or ]", false},
		{"unclosed array", `[1, 2`, 5, "unexpected end of input in array, want , or ]", false},
		{"unclosed object", `{"a": 1`, 7, "unexpected end of input in object, want , or }", false},
		{"unclosed string", `["abc`, 1, "string is not closed", false},
		{"raw newline in a string", "\"a\nb\"", 2, "control character 0x0A in string: write it as an escape", false},
		{"raw tab in a string", "\"a\tb\"", 2, "tab in string: write it as an escape", false},
		{"unknown escape", `"\x41"`, 2, `unexpected 'x' after \ in string, want one of "\/bfnrtu`, false},
		{"short unicode escape", `"\u12"`, 5, `unexpected '"' in \u escape, want a hex digit`, false},
		{"invalid UTF-8 in a string", "\"a\xffb\"", 2, "invalid UTF-8 in string", true},
		{"leading zero", `01`, 1, "number has a leading zero", false},
		{"plus sign", `+1`, 0, "unexpected '+', want a value", false},
		{"lone minus", `-`, 1, "unexpected end of input in number, want a digit", false},
		{"fraction without digits", `1.`, 2, "unexpected end of input after the decimal point, want a digit", false},
		{"exponent without digits", `1e+`, 3, "unexpected end of input in exponent, want a digit", false},
		{"NaN", `NaN`, 0, "unexpected 'N', want a value", false},
		{"misspelt literal", `[nul]`, 1, "invalid literal, want null", false},
		{"capitalised literal", `True`, 0, "unexpected 'T', want a value", false},
		{"comment", `[1 // one`, 3, "unexpected '/' in array, want , or ]", false},
		{"non-ASCII outside strings", `[1,✓]`, 3, `unexpected '✓', want a value`, false},
		{"too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), MaxDepth, "nested deeper than 256 levels", true},
		{"too deep in objects", strings.Repeat(`{"a":`, MaxDepth+1), 5 * MaxDepth, "nested deeper than 256 levels", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v, err := Parse(tc.in)
			var je *Error
			if !errors.As(err, &je) {
				t.Fatalf("Parse(%q) = %v, %v; want a *Error", tc.in, v, err)
			}
			if je.Offset != tc.offset || je.Msg != tc.msg {
				t.Fatalf("Parse(%q) error\n got offset %d: %s\nwant offset %d: %s", tc.in, je.Offset, je.Msg, tc.offset, tc.msg)
			}
			if json.Valid([]byte(tc.in)) != tc.stdAccepts {
				t.Fatalf("encoding/json's verdict on %q is not %v: the row is wrong", tc.in, tc.stdAccepts)
			}
		})
	}
}

func TestParseDepthLimitIsInclusive(t *testing.T) {
	t.Parallel()
	s := strings.Repeat(`[{"a":`, MaxDepth/2) + "0" + strings.Repeat("}]", MaxDepth/2)
	if _, err := Parse(s); err != nil {
		t.Fatalf("%d levels: %v", MaxDepth, err)
	}
}

func TestPretty(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, indent, want string
	}{
		{"object of scalars", `{"Server":"Test Server","name":"David"}`, "  ",
			"{\n  \"Server\": \"Test Server\",\n  \"name\": \"David\"\n}"},
		{"nesting with a tab", `{"a":[1,{"b":null}],"c":{}}`, "\t",
			"{\n\t\"a\": [\n\t\t1,\n\t\t{\n\t\t\t\"b\": null\n\t\t}\n\t],\n\t\"c\": {}\n}"},
		{"literals and key order verbatim", ` { "z" : 1.0E+2 , "a\u0041" : "\u00e9" } `, "    ",
			"{\n    \"z\": 1.0E+2,\n    \"a\\u0041\": \"\\u00e9\"\n}"},
		{"empty containers stay on one line", `[ [ ] , { } ]`, "  ", "[\n  [],\n  {}\n]"},
		{"a scalar is itself", ` "x" `, "  ", `"x"`},
		{"empty indent compacts", "{\n  \"a\": [1, 2],\n  \"b\": {\"c\": \"d e\"}\n}", "", `{"a":[1,2],"b":{"c":"d e"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Pretty(tc.in, tc.indent)
			if err != nil {
				t.Fatalf("Pretty(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Pretty(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestPrettyRefusesInvalid(t *testing.T) {
	t.Parallel()
	got, err := Pretty(`{"a":}`, "  ")
	var je *Error
	if !errors.As(err, &je) || je.Offset != 5 || got != "" {
		t.Fatalf(`Pretty({"a":}) = %q, %v; want "" and a Error at offset 5`, got, err)
	}
}

func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"Server":"Test Server","name":"David","title":"Instructor"}`,
		`[true,false,null,-0.5e10,"\u00e9\n"]`, `{"a":{"b":[[],{}]}}`, `01`, `"\x"`,
		`[1,]`, "\"\xff\"", strings.Repeat("[", 300), ` 7 `, `{"a" 1}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil {
			var je *Error
			if !errors.As(err, &je) || je.Offset < 0 || je.Offset > len(s) {
				t.Fatalf("Parse(%q) error %v has no offset within the input", s, err)
			}
			if strings.HasPrefix(je.Msg, "nested deeper") || !utf8.ValidString(s) {
				return // encoding/json allows 10000 levels and invalid UTF-8
			}
			if json.Valid([]byte(s)) {
				t.Fatalf("Parse(%q) = %v, but encoding/json accepts it", s, err)
			}
			return
		}
		if !json.Valid([]byte(s)) {
			t.Fatalf("Parse(%q) = %s, but encoding/json rejects it", s, dump(v))
		}
		trimmed := []byte(strings.TrimRight(s, " \t\r\n"))
		var want bytes.Buffer
		if err := json.Indent(&want, trimmed, "", "  "); err != nil {
			t.Fatal(err)
		}
		if got, err := Pretty(s, "  "); err != nil || got != want.String() {
			t.Fatalf("Pretty(%q) = %q, %v; encoding/json indents it as %q", s, got, err, want.String())
		}
		want.Reset()
		if err := json.Compact(&want, trimmed); err != nil {
			t.Fatal(err)
		}
		if got, err := Pretty(s, ""); err != nil || got != want.String() {
			t.Fatalf("Pretty(%q, \"\") = %q, %v; encoding/json compacts it as %q", s, got, err, want.String())
		}
	})
}
