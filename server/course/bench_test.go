package course

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// The hot handlers, measured in-process without the network so allocation
// counts stand out (`go tool task bench`).
func BenchmarkHandlers(b *testing.B) {
	c := New()
	form := url.Values{"name": {"David"}, "title": {"Data Scientist"}}.Encode()
	cases := []struct {
		name   string
		h      http.Handler
		newReq func() *http.Request
	}{
		{"hello", Hello(), func() *http.Request { return httptest.NewRequest("GET", "/hello", nil) }},
		{"greeting", Greeting(), func() *http.Request {
			r := httptest.NewRequest("GET", "/greeting?lang=fr", nil)
			r.Header.Set("X-INE-Student", "Ana")
			return r
		}},
		{"json-get", c.JSON(), func() *http.Request {
			return httptest.NewRequest("GET", "/json?name=David&title=Instructor", nil)
		}},
		{"json-post", c.JSON(), func() *http.Request {
			r := httptest.NewRequest("POST", "/json", strings.NewReader(form))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}},
		{"echo", Echo(), func() *http.Request { return httptest.NewRequest("GET", "/some-file.txt", nil) }},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				bc.h.ServeHTTP(w, bc.newReq())
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
	}
}
