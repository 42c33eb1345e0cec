package headers

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSecureSetsEveryHeader(t *testing.T) {
	t.Parallel()
	want := map[string]string{
		"Content-Security-Policy": ContentSecurityPolicy,
		"X-Frame-Options":         "DENY",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
	}
	tests := []struct {
		name string
		next http.HandlerFunc
	}{
		{"a page written with an implicit 200", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<!DOCTYPE html><p>page</p>"))
		}},
		{"an error page", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no such file", http.StatusNotFound)
		}},
		{"a 304 from ServeContent", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"x"`)
			http.ServeContent(w, r, "", time.Time{}, strings.NewReader("body"))
		}},
		{"a handler that writes nothing", func(w http.ResponseWriter, r *http.Request) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			req.Header.Set("If-None-Match", `"x"`)
			rec := httptest.NewRecorder()
			Secure(tt.next).ServeHTTP(rec, req)
			for name, v := range want {
				if got := rec.Header().Values(name); !slices.Equal(got, []string{v}) {
					t.Errorf("%s = %q, want exactly %q", name, got, v)
				}
			}
		})
	}
}

func TestSecureLetsTheHandlerOverride(t *testing.T) {
	t.Parallel()
	// A handler that knows better (say, a future page that must be framed by
	// its own origin) replaces a header rather than sending two.
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Frame-Options", "SAMEORIGIN")
	})
	rec := httptest.NewRecorder()
	Secure(next).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Values("X-Frame-Options"); !slices.Equal(got, []string{"SAMEORIGIN"}) {
		t.Errorf("X-Frame-Options = %q, want the handler's own", got)
	}
}

// TestPolicyStaysStrict pins the properties the policy exists for, so that
// loosening one of them for convenience fails here first.
func TestPolicyStaysStrict(t *testing.T) {
	t.Parallel()
	directives := map[string][]string{}
	for d := range strings.SplitSeq(ContentSecurityPolicy, ";") {
		fields := strings.Fields(d)
		if len(fields) == 0 {
			t.Fatalf("empty directive in %q", ContentSecurityPolicy)
		}
		if _, dup := directives[fields[0]]; dup {
			t.Fatalf("directive %s given twice: browsers ignore the second", fields[0])
		}
		directives[fields[0]] = fields[1:]
	}
	tests := []struct {
		name      string
		directive string
		want      []string // exactly these sources
	}{
		{"anything unnamed is refused", "default-src", []string{"'none'"}},
		{"only our own script files and wasm compilation", "script-src", []string{"'self'", "'wasm-unsafe-eval'"}},
		{"the page talks only to its own server", "connect-src", []string{"'self'"}},
		{"no site may frame the page", "frame-ancestors", []string{"'none'"}},
		{"frames hold only our own origin", "frame-src", []string{"'self'"}},
		{"a form posts only to this server (the lesson's Download)", "form-action", []string{"'self'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := directives[tt.directive]; !slices.Equal(got, tt.want) {
				t.Errorf("%s = %q, want %q", tt.directive, got, tt.want)
			}
		})
	}
	t.Run("no directive allows eval, inline script or any host's script", func(t *testing.T) {
		t.Parallel()
		for name, sources := range directives {
			for _, s := range sources {
				if s == "'unsafe-eval'" || s == "*" || (s == "'unsafe-inline'" && name != "style-src") {
					t.Errorf("%s allows %s", name, s)
				}
			}
		}
		if _, ok := directives["script-src-attr"]; ok {
			t.Error("script-src-attr would loosen event handler attributes")
		}
	})
}
