package wireproto

import (
	"errors"
	"reflect"
	"strconv"
	"testing"
)

var goodRequests = []struct {
	name string
	text string
	want Request
}{
	{
		name: "method and path are a whole request",
		text: "GET /hello",
		want: Request{Method: "GET", Target: "/hello"},
	},
	{
		name: "HTTP/1.1 may be written and is not kept",
		text: "GET /hello HTTP/1.1\n",
		want: Request{Method: "GET", Target: "/hello"},
	},
	{
		name: "blank lines before the request line are skipped",
		text: "\n  \n\t\nGET /hello\n",
		want: Request{Method: "GET", Target: "/hello"},
	},
	{
		name: "runs of spaces and tabs separate the request line",
		text: "  GET \t /hello   HTTP/1.1  \n",
		want: Request{Method: "GET", Target: "/hello"},
	},
	{
		name: "absolute URL with port and query",
		text: "GET http://127.0.0.1:2505/json?name=David&title=Instructor",
		want: Request{Method: "GET", Target: "http://127.0.0.1:2505/json?name=David&title=Instructor"},
	},
	{
		name: "scheme is case-insensitive and the path may be empty",
		text: "GET HTTPS://Example.COM",
		want: Request{Method: "GET", Target: "HTTPS://Example.COM"},
	},
	{
		name: "IPv6 host with port",
		text: "GET http://[::1]:2500/hello",
		want: Request{Method: "GET", Target: "http://[::1]:2500/hello"},
	},
	{
		name: "custom methods are tokens",
		text: "M-SEARCH /",
		want: Request{Method: "M-SEARCH", Target: "/"},
	},
	{
		name: "percent-escapes and non-ASCII in the target are kept as written",
		text: "GET /greeting?who=Zo%C3%AB&lang=zh&x=Nǐn",
		want: Request{Method: "GET", Target: "/greeting?who=Zo%C3%AB&lang=zh&x=Nǐn"},
	},
	{
		name: "headers keep order, repeats and case; whitespace around values goes",
		text: "GET /echo\nX-INE-Student:  David \nAccept:text/html\nx-ine-student:\tRachel\t\nX-Empty:\n",
		want: Request{Method: "GET", Target: "/echo", Headers: []Header{
			{"X-INE-Student", "David"}, {"Accept", "text/html"}, {"x-ine-student", "Rachel"}, {"X-Empty", ""},
		}},
	},
	{
		name: "a colon in a value stays in the value",
		text: "GET /\nHost: 127.0.0.1:2500\n",
		want: Request{Method: "GET", Target: "/", Headers: []Header{{"Host", "127.0.0.1:2500"}}},
	},
	{
		name: "body after the blank line is verbatim, final newline included",
		text: "POST /json\nContent-Type: application/x-www-form-urlencoded\n\nname=David&title=Data+Scientist\n",
		want: Request{Method: "POST", Target: "/json",
			Headers: []Header{{"Content-Type", "application/x-www-form-urlencoded"}},
			Body:    "name=David&title=Data+Scientist\n"},
	},
	{
		name: "CRLF head; the body keeps its CRLFs",
		text: "PUT /json HTTP/1.1\r\nX-A: 1\r\n\r\nline one\r\n\r\nline three",
		want: Request{Method: "PUT", Target: "/json", Headers: []Header{{"X-A", "1"}}, Body: "line one\r\n\r\nline three"},
	},
	{
		name: "a line of spaces ends the head",
		text: "POST /json\nX-A: 1\n   \nbody",
		want: Request{Method: "POST", Target: "/json", Headers: []Header{{"X-A", "1"}}, Body: "body"},
	},
	{
		name: "body without headers",
		text: "POST /json\n\n{\"a\": 1}",
		want: Request{Method: "POST", Target: "/json", Body: `{"a": 1}`},
	},
	{
		name: "a blank line with nothing after it is an empty body",
		text: "DELETE /thing\n\n",
		want: Request{Method: "DELETE", Target: "/thing"},
	},
	{
		name: "a GET may have a body",
		text: "GET /echo\n\nodd but allowed",
		want: Request{Method: "GET", Target: "/echo", Body: "odd but allowed"},
	},
}

var badRequests = []struct {
	name string
	text string
	line int
	msg  string
}{
	{"empty text", "", 1, "empty request: write METHOD TARGET, e.g. GET /hello"},
	{"only blank lines", "\n  \r\n\t\n", 1, "empty request: write METHOD TARGET, e.g. GET /hello"},
	{"no method before a path", "\n/hello", 2, "no method: write METHOD TARGET, e.g. GET /hello"},
	{"no method before a URL", "http://127.0.0.1:2505/hello HTTP/1.1", 1, "no method: write METHOD TARGET, e.g. GET http://127.0.0.1:2505/hello"},
	{"lower-case method", "get /hello", 1, `method "get" is not upper case; methods are case-sensitive, write GET`},
	{"mixed-case method", "Post /json", 1, `method "Post" is not upper case; methods are case-sensitive, write POST`},
	{"method with a non-token character", "GE(T /hello", 1, `method "GE(T" has the character '(', which a method name cannot hold`},
	{"method with a control character", "GET\v/hello", 1, `method "GET\v/hello" has the control character 0x0B, which a method name cannot hold`},
	{"missing target", "GET", 1, "missing target after GET: write e.g. GET /hello"},
	{"target without a slash", "GET hello", 1, `target "hello" must be a path starting with / (e.g. /hello) or an http:// or https:// URL`},
	{"target with another scheme", "GET ftp://example.com/x", 1, `target "ftp://example.com/x" must be an http:// or https:// URL or a path starting with /`},
	{"asterisk form", "OPTIONS *", 1, `the asterisk form "*" cannot be sent from a lesson: write a path such as /hello`},
	{"HTTP/2", "GET /hello HTTP/2", 1, `unsupported HTTP version "HTTP/2": write HTTP/1.1 or leave it out`},
	{"HTTP/1.0", "GET /hello HTTP/1.0", 1, `unsupported HTTP version "HTTP/1.0": write HTTP/1.1 or leave it out`},
	{"a space in the target", "GET /hello world", 1, `unexpected "world" after the target: a space in a URL is written %20`},
	{"words after the version", "GET /hello HTTP/1.1 please", 1, `unexpected "please" after HTTP/1.1`},
	{"fragment", "GET /lesson#part-2", 1, "target has a fragment (#part-2), which is never sent to the server: remove it"},
	{"percent-escape cut short", "GET /a%2", 1, `target has a broken percent-escape "%2": % must be followed by two hex digits (write %25 for % itself)`},
	{"percent-escape not hex", "GET /a?b=%zz", 1, `target has a broken percent-escape "%zz": % must be followed by two hex digits (write %25 for % itself)`},
	{"control character in the target", "GET /a\x01b", 1, "target has the control character 0x01"},
	{"credentials in the URL", "GET http://David:pw@127.0.0.1:2502/secure", 1, "user:password@ in the URL is not supported: send an Authorization: Basic header instead"},
	{"URL without a host", "GET http:///hello", 1, "URL has no host"},
	{"port past 65535", "GET http://127.0.0.1:99999/", 1, `port "99999" must be a number from 1 to 65535`},
	{"port not a number", "GET http://127.0.0.1:http/", 1, `port "http" must be a number from 1 to 65535`},
	{"empty port", "GET http://127.0.0.1:/", 1, `port "" must be a number from 1 to 65535`},
	{"IPv6 host not closed", "GET http://[::1/hello", 1, `IPv6 host "[::1" is missing its closing ]`},
	{"host with a bad character", "GET http://exa\"mple.com/", 1, `host "exa\"mple.com" has the character '"'`},
	{"header line without a colon", "GET /hello\nAccept text/html", 2, "header line without a colon: want Name: value (a body goes after a blank line)"},
	{"body without the blank line", "POST /json\r\nContent-Type: text/plain\r\nname=David", 3, "header line without a colon: want Name: value (a body goes after a blank line)"},
	{"header name with a space", "GET /hello\nX INE Student: David", 2, `header name "X INE Student" has a space, which a header name cannot hold`},
	{"header name with non-ASCII", "GET /hello\nX-Élève: David", 2, `header name "X-Élève" has the non-ASCII byte 0xC3, which a header name cannot hold`},
	{"whitespace before the colon", "GET /hello\nAccept : text/html", 2, `header name "Accept" is followed by whitespace before the colon`},
	{"header line with no name", "GET /hello\n: text/html", 2, "header line has no name before the colon"},
	{"obsolete line folding", "GET /hello\nAccept: text/html,\n  text/plain", 3, "line starts with whitespace (obsolete line folding): write each header on one line, starting with its name"},
	{"control character in a value", "GET /hello\nX-A: one\x00two", 2, "header X-A has the control character 0x00 in its value"},
	{"DEL in a value", "GET /hello\nX-A: one\x7ftwo", 2, "header X-A has the control character 0x7F in its value"},
	{"stray carriage return in a value", "GET /hello\nX-A: one\rtwo\n", 2, "header X-A has the control character 0x0D in its value"},
}

func TestParseRequest(t *testing.T) {
	t.Parallel()
	for _, tc := range goodRequests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRequest(tc.text)
			if err != nil {
				t.Fatalf("ParseRequest(%q) error: %v", tc.text, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("ParseRequest(%q)\n got %#v\nwant %#v", tc.text, got, tc.want)
			}
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range badRequests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseRequest(tc.text)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseRequest(%q) = %#v, %v; want a *ParseError", tc.text, got, err)
			}
			if pe.Line != tc.line || pe.Msg != tc.msg {
				t.Fatalf("ParseRequest(%q) error\n got line %d: %s\nwant line %d: %s", tc.text, pe.Line, pe.Msg, tc.line, tc.msg)
			}
			if want := "line " + strconv.Itoa(tc.line) + ": " + tc.msg; err.Error() != want {
				t.Fatalf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

func TestRequestStringRoundTrips(t *testing.T) {
	t.Parallel()
	for _, tc := range goodRequests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			text := tc.want.String()
			got, err := ParseRequest(text)
			if err != nil {
				t.Fatalf("ParseRequest(%q) error: %v", text, err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("String() = %q reparses to %#v, want %#v", text, got, tc.want)
			}
		})
	}
}

func TestRequestString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  Request
		want string
	}{
		{"request line only", Request{Method: "GET", Target: "/hello"}, "GET /hello\n"},
		{
			"headers one a line, blank line, body verbatim",
			Request{Method: "POST", Target: "/json", Headers: []Header{{"Content-Type", "text/plain"}, {"X-Empty", ""}}, Body: "a\r\nb\n"},
			"POST /json\nContent-Type: text/plain\nX-Empty: \n\na\r\nb\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.req.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRequestHeader(t *testing.T) {
	t.Parallel()
	r := Request{Headers: []Header{{"Content-Type", "text/plain"}, {"X-A", "1"}, {"x-a", "2"}}}
	tests := []struct {
		name, header, want string
	}{
		{"exact name", "Content-Type", "text/plain"},
		{"name in another case", "content-type", "text/plain"},
		{"first of a repeated header", "X-A", "1"},
		{"absent header is empty", "Accept", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := r.Header(tc.header); got != tc.want {
				t.Fatalf("Header(%q) = %q, want %q", tc.header, got, tc.want)
			}
		})
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, tc := range goodRequests {
		f.Add(tc.text)
	}
	for _, tc := range badRequests {
		f.Add(tc.text)
	}
	f.Fuzz(func(t *testing.T, text string) {
		r, err := ParseRequest(text)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Msg == "" {
				t.Fatalf("ParseRequest(%q) error %#v is not a *ParseError with a line and message", text, err)
			}
			return
		}
		again, err := ParseRequest(r.String())
		if err != nil {
			t.Fatalf("ParseRequest(%q).String() = %q does not reparse: %v", text, r.String(), err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("ParseRequest(%q) = %#v, but its String() %q reparses to %#v", text, r, r.String(), again)
		}
	})
}
