package render

import (
	"errors"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	t.Parallel()
	side := func(status int, text string, size int, pairs ...string) Side {
		return Side{Got: true, Size: size, Head: Head{Status: status, StatusText: text, Headers: hdrs(pairs...)}}
	}
	redirect := func(loc string) Side {
		s := side(301, "Moved Permanently", 0, "Location", loc)
		s.Head.URL = "http://127.0.0.1:2500/redirect"
		return s
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
			name:    "the page's own connect-src stops a redirect to another origin, not CORS",
			wire:    redirect("http://kdm.training"),
			browser: Side{Err: "fetch failed: TypeError: Failed to fetch."},
			want: []string{"Status: 301 Moved Permanently on the wire. fetch follows a redirect by itself, so the browser went on to http://kdm.training, " +
				"and stopped there: this page's Content-Security-Policy (connect-src 'self') lets its fetch reach only the server that sent the page."},
		},
		{
			name:    "a redirect on the page's own origin that got no answer",
			wire:    redirect("/gone"),
			browser: Side{Err: "fetch failed: TypeError: Failed to fetch."},
			want:    []string{"Status: 301 Moved Permanently on the wire. fetch follows a redirect by itself, so the browser went on to /gone and got no answer there."},
		},
		{
			name:    "a cell on another origin never left the browser, so it followed nothing",
			wire:    Side{Got: true, Head: Head{Status: 301, StatusText: "Moved Permanently", URL: "http://127.0.0.1:2505/redirect", Headers: hdrs("Location", "http://kdm.training")}},
			browser: Side{Err: "fetch failed: TypeError: Failed to fetch."},
			want:    []string{"Only one side got an answer, or neither did: each side above says why."},
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
			got := Diff(row.wire, row.browser, "http://127.0.0.1:2500")
			if strings.Join(got, "\n") != strings.Join(row.want, "\n") {
				t.Errorf("Diff =\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(row.want, "\n  "))
			}
		})
	}
}

func TestFetchFailedNamesThePagesPolicyNotCORS(t *testing.T) {
	t.Parallel()
	err := errors.New("TypeError: Failed to fetch")
	rows := []struct{ name, url, want string }{
		{"another origin is refused before it is sent", "http://127.0.0.1:2505/hello", "did not send it"},
		{"the page's own origin may have redirected away", "http://127.0.0.1:2500/redirect", "redirected to another origin"},
	}
	for _, row := range rows {
		got := FetchFailed(err, row.url, "http://127.0.0.1:2500")
		if !strings.Contains(got, row.want) || !strings.Contains(got, "connect-src 'self'") || strings.Contains(got, "CORS") {
			t.Errorf("%s: %q, want the page's connect-src named, %q, and no CORS", row.name, got, row.want)
		}
	}
}

func TestSameOrigin(t *testing.T) {
	t.Parallel()
	const page = "http://127.0.0.1:2500"
	for url, want := range map[string]bool{
		"/hello": true, "http://127.0.0.1:2500": true, "http://127.0.0.1:2500/x": true, "HTTP://127.0.0.1:2500/x": true,
		"http://127.0.0.1:25000/x": false, "http://127.0.0.1:2505/x": false, "https://127.0.0.1:2500/": false,
		"//kdm.training/": false, "http://kdm.training": false,
	} {
		if got := SameOrigin(url, page); got != want {
			t.Errorf("SameOrigin(%q) = %v, want %v", url, got, want)
		}
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
