package course

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// Everything the echo and greeting pages show comes from the client. These
// rows try to break out of the text into markup; each must come back as
// text: no element or event handler created, and the payload itself shown
// (escaped, not dropped). The requests are built directly rather than sent,
// so bytes a client library would percent-encode reach the handler as is.
func TestPagesEscapeClientInput(t *testing.T) {
	t.Parallel()
	app := New().App()

	tests := []struct {
		name    string
		handler http.Handler
		prepare func(r *http.Request, payload string)
		path    string
		payload string
	}{
		{"echo path with a script", Echo(), setRequestURI, "/", "/<script>alert(1)</script>"},
		{"echo path closing the title", Echo(), setRequestURI, "/", "/</title><script>alert(1)</script>"},
		{"echo query with an img onerror", Echo(), setRequestURI, "/", "/?q=<img src=x onerror=alert(1)>"},
		{"echo header leaving the pre", Echo(), setHeader("X-Note"), "/", "</pre></blockquote><script>alert(1)</script>"},
		{"echo header closing an attribute", Echo(), setHeader("User-Agent"), "/", `"><svg onload=alert(1)>`},
		{"echo header with an iframe", Echo(), setHeader("Referer"), "/", "<iframe src=javascript:alert(1)></iframe>"},
		{"echo Host with a script", Echo(), setHost, "/", "<script>alert(document.domain)</script>"},
		{"echo header already escaped stays literal", Echo(), setHeader("X-Note"), "/", "&lt;script&gt;alert(1)&lt;/script&gt;"},
		{"greeting student with a script", app, setHeader("X-INE-Student"), "/greeting", "<script>alert(1)</script>"},
		{"greeting student with an img onerror", app, setHeader("X-INE-Student"), "/greeting?lang=fr", "<img src=x onerror=alert(1)>"},
		{"greeting student closing the paragraph", app, setHeader("X-INE-Student"), "/greeting?lang=zh", `</p><body onload="alert(1)">`},
		{"greeting student with a style tag", app, setHeader("X-INE-Student"), "/greeting", "<style>*{display:none}</style>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, tt.path, nil)
			tt.prepare(r, tt.payload)
			w := httptest.NewRecorder()
			tt.handler.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d, want 200", w.Code)
			}
			body := w.Body.String()

			lower := strings.ToLower(body)
			for _, bad := range []string{"<script", "<img", "<svg", "<iframe", "<style", "<body onload"} {
				if strings.Contains(lower, bad) {
					t.Errorf("unescaped %q in:\n%s", bad, body)
				}
			}
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if n := doc.Find("script, img, svg, iframe, style").Length(); n != 0 {
				t.Errorf("payload made %d elements:\n%s", n, body)
			}
			doc.Find("*").Each(func(_ int, s *goquery.Selection) {
				for _, a := range s.Nodes[0].Attr {
					if strings.HasPrefix(strings.ToLower(a.Key), "on") {
						t.Errorf("payload made an event handler %s=%q", a.Key, a.Val)
					}
				}
			})
			if !strings.Contains(doc.Text(), tt.payload) {
				t.Errorf("page text does not show the payload %q:\n%s", tt.payload, body)
			}
		})
	}
}

func setRequestURI(r *http.Request, payload string) { r.RequestURI = payload }

func setHost(r *http.Request, payload string) { r.Host = payload }

func setHeader(name string) func(*http.Request, string) {
	return func(r *http.Request, payload string) { r.Header.Set(name, payload) }
}

// An unknown language is echoed in the 400 page's message; it is text there.
func TestGreetingErrorEscapesLanguage(t *testing.T) {
	t.Parallel()
	r := httptest.NewRequest(http.MethodGet, "/greeting?lang=%3Cscript%3Ealert(1)%3C/script%3E", nil)
	w := httptest.NewRecorder()
	Greeting().ServeHTTP(w, r)
	if w.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", w.Code)
	}
	if strings.Contains(strings.ToLower(w.Body.String()), "<script") {
		t.Errorf("unescaped script in:\n%s", w.Body)
	}
}
