package main

import (
	"net/http"
	"strings"
	"testing"

	"wirebook/server/headers"
)

// securityHeaders are what package headers sets on wirebook's own answers.
var securityHeaders = map[string]string{
	"Content-Security-Policy": headers.ContentSecurityPolicy,
	"X-Frame-Options":         "DENY",
	"X-Content-Type-Options":  "nosniff",
	"Referrer-Policy":         "no-referrer",
}

// TestSecurityHeadersPerRoute: wirebook's own pages (the lesson, its static
// files, its WebSockets, its own 404 and 405) carry every security header;
// the course's answers carry none of them, on -addr as on the course's
// ports, because the cells show a student every header they send.
func TestSecurityHeadersPerRoute(t *testing.T) {
	t.Parallel()
	in := start(t, "-course-ports=0,0,0,0")
	main := in.urls["main"]
	tests := []struct {
		name    string
		method  string
		url     string
		header  []string
		status  int
		secured bool
	}{
		{"the course index", "GET", main + "/", nil, 200, true},
		{"the course index's HEAD", "HEAD", main + "/", nil, 200, true},
		{"a lesson page", "GET", main + "/lessons/files", nil, 200, true},
		{"a lesson that is not in the course", "GET", main + "/lessons/nope", nil, 404, true},
		{"a lesson's source beside it", "GET", main + "/lessons/files/01-files.md", nil, 404, true},
		{"a static file", "GET", main + "/static/app.css", nil, 200, true},
		{"the client's script", "GET", main + "/static/boot.js", nil, 200, true},
		{"a missing static file", "GET", main + "/static/missing.js", nil, 404, true},
		{"wirebook's own 404", "GET", main + "/no/such/page", nil, 404, true},
		{"the page with a wrong method", "POST", main + "/", nil, 405, true},
		{"a WebSocket endpoint with a wrong method", "POST", main + "/ws/relay", nil, 405, true},
		{"a WebSocket endpoint without an upgrade", "GET", main + "/ws/stream", nil, 426, true},

		{"/hello", "GET", main + "/hello", nil, 200, false},
		{"/greeting", "GET", main + "/greeting?lang=fr", nil, 200, false},
		{"/json", "GET", main + "/json?a=b", nil, 200, false},
		{"/notfound", "GET", main + "/notfound", nil, 404, false},
		{"/redirect", "GET", main + "/redirect", nil, 301, false},
		{"/secure refused", "GET", main + "/secure", nil, 401, false},
		{"the echo", "GET", main + "/echo/x", nil, 200, false},
		{"the file server's listing", "GET", main + "/files/", nil, 200, false},
		{"an HTML file, opened directly", "GET", main + "/files/hello.html", nil, 200, false},
		{"the file server's 404", "GET", main + "/files/missing.txt", nil, 404, false},
		{"a course route's 405", "DELETE", main + "/hello", nil, 405, false},
		{"the auth port", "GET", in.urls["auth"] + "/secure", nil, 401, false},
		{"the file server's port", "GET", in.urls["files"] + "/hello.html", nil, 200, false},
		{"the echo's port", "GET", in.urls["echo"] + "/anything", nil, 200, false},
		{"the app's port", "GET", in.urls["app"] + "/hello", nil, 200, false},
		{"the app's port 404", "GET", in.urls["app"] + "/missing", nil, 404, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, _ := do(t, tt.method, tt.url, "", tt.header...)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for name, want := range securityHeaders {
				got := resp.Header.Values(name)
				switch {
				case tt.secured && (len(got) != 1 || got[0] != want):
					t.Errorf("%s = %q, want exactly %q", name, got, want)
				case !tt.secured && len(got) > 0:
					t.Errorf("%s = %q on a course answer, whose headers are the lesson", name, got)
				}
			}
			// Omitting nosniff is safe only because every answer with a
			// body says what the body is.
			if resp.ContentLength != 0 && tt.method != "HEAD" && resp.Header.Get("Content-Type") == "" {
				t.Errorf("a body without a Content-Type")
			}
		})
	}
	t.Run("a 304 revalidation of the page", func(t *testing.T) {
		t.Parallel()
		first, _ := get(t, main+"/")
		resp, _ := get(t, main+"/", "If-None-Match", first.Header.Get("ETag"))
		if resp.StatusCode != http.StatusNotModified {
			t.Fatalf("status %d, want 304", resp.StatusCode)
		}
		if got := resp.Header.Get("Content-Security-Policy"); !strings.Contains(got, "frame-ancestors 'none'") {
			t.Errorf("the 304 carries CSP %q", got)
		}
	})
}
