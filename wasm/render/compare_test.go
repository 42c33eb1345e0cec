package render

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	side := func(status int, text string, size int, pairs ...string) Side {
		return Side{Got: true, Size: size, Head: Head{Status: status, StatusText: text, Headers: hdrs(pairs...)}}
	}
	redirected := side(200, "OK", 5, "content-type", "text/plain")
	redirected.Head.Redirected, redirected.Head.URL = true, "http://127.0.0.1:2500/hello"
	rows := []struct {
		name          string
		wire, browser Side
		want          []string
	}{
		{
			name:    "fetch follows a redirect the wire shows",
			wire:    side(301, "Moved Permanently", 0, "Location", "/hello"),
			browser: redirected,
			want: []string{
				"Status: 301 Moved Permanently on the wire, 200 OK in the browser, which followed the redirect to http://127.0.0.1:2500/hello (so the headers below are another response's).",
				"Only in the wire's answer: Location.",
				"Only in the browser: content-type.",
				"Body: 0 bytes on the wire, 5 in the browser.",
			},
		},
		{
			name:    "Set-Cookie is hidden, names are lower-cased, repeats count once",
			wire:    side(200, "OK", 2, "Set-Cookie", "a=1", "Set-Cookie", "b=2", "Content-Type", "text/plain", "X-INE-Course", "HTTP", "Connection", "close"),
			browser: side(200, "OK", 2, "content-type", "text/plain", "x-ine-course", "HTTP"),
			want: []string{
				"Only in the wire's answer: Set-Cookie, Connection. A page may never read Set-Cookie: the browser keeps it to itself. " +
					"Connection is about the connection, not the answer: the relay asks for a new one per request, so the server says it will close it.",
				"The browser lower-cases header names (Content-Type became content-type); the wire shows them as the server sent them.",
			},
		},
		{
			name:    "a status the two requests got differently",
			wire:    side(401, "Unauthorized", 0, "www-authenticate", `Basic realm="x"`),
			browser: side(200, "OK", 0, "www-authenticate", `Basic realm="x"`),
			want:    []string{"Status: 401 Unauthorized on the wire, 200 OK in the browser."},
		},
		{
			name:    "the same answer both ways says so",
			wire:    side(200, "OK", 5, "content-type", "text/plain"),
			browser: side(200, "OK", 5, "content-type", "text/plain"),
			want:    []string{"No difference in status, header names or body size."},
		},
		{
			name:    "a side without an answer is not compared",
			wire:    side(200, "OK", 5, "Content-Type", "text/plain"),
			browser: Side{Err: "fetch failed: TypeError: Failed to fetch."},
			want:    []string{"Only one side got an answer, or neither did: each side above says why."},
		},
		{
			name:    "fetch followed a redirect to where it may not look",
			wire:    side(301, "Moved Permanently", 0, "Location", "http://kdm.training"),
			browser: Side{Err: "fetch failed: TypeError: Failed to fetch."},
			want:    []string{"Status: 301 Moved Permanently on the wire. fetch follows a redirect by itself, so the browser went on to http://kdm.training and got nothing there that it may show this page."},
		},
		{
			name:    "a body cut short is not a size difference",
			wire:    Side{Got: true, Size: 3, Err: "the body was cut short", Head: Head{Status: 200}},
			browser: Side{Got: true, Size: 9, Head: Head{Status: 200}},
			want:    []string{"No difference in status, header names or body size."},
		},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			got := Diff(row.wire, row.browser)
			if strings.Join(got, "\n") != strings.Join(row.want, "\n") {
				t.Errorf("Diff =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(row.want, "\n  "))
			}
		})
	}
}

func TestDiffNodeListsEachLine(t *testing.T) {
	t.Parallel()
	n := DiffNode([]string{"one", "two"})
	ul := mustFind(t, n, "data-diff")
	if len(ul.Kids) != 2 || ul.Kids[0].Tag != "li" || ul.Kids[1].TextContent() != "two" {
		t.Errorf("[data-diff] = %+v", ul)
	}
}
