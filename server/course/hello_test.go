package course

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"wirebook/server/internal/testkit"
)

func TestHello(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New().App())

	resp, body := testkit.Get(t, c, url+"/hello")
	testkit.WantStatus(t, resp, http.StatusOK)
	if body != "Hello" {
		t.Errorf("body = %q, want %q", body, "Hello")
	}
	testkit.WantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
	testkit.WantHeader(t, resp, "Content-Length", "5")
}

// discard is a ResponseWriter that keeps nothing, so AllocsPerRun counts
// the handler's allocations and no recorder's.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(p []byte) (int, error) { return len(p), nil }
func (d discard) WriteHeader(int)             {}

// Not parallel: AllocsPerRun refuses to run beside parallel tests.
func TestHelloDoesNotAllocate(t *testing.T) {
	h := Hello()
	w := discard{h: http.Header{}}
	r := httptest.NewRequest(http.MethodGet, "/hello", nil)
	allocs := testing.AllocsPerRun(100, func() {
		clear(w.h)
		h.ServeHTTP(w, r)
	})
	if allocs != 0 {
		t.Errorf("Hello allocates %v times per request, want 0", allocs)
	}
}
