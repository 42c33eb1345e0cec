package course

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine behind: a stream
// that outlives its request would show up here.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// serve starts h on a loopback test server and returns its URL and a client
// that reports redirects instead of following them.
func serve(t *testing.T, h http.Handler) (string, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv.URL, &c
}

func wantContains(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("body lacks %q:\n%s", p, body)
		}
	}
}

// TestHeaderNamesKeepTheCourseSpelling: the wire view shows header names as
// sent, so they must leave the server spelled as the course spells them,
// not in Go's canonical form (X-Ine-Course, Www-Authenticate).
func TestHeaderNamesKeepTheCourseSpelling(t *testing.T) {
	t.Parallel()
	c := New(WithUsers(Users{}))
	for _, tc := range []struct {
		name   string
		h      http.Handler
		target string
		onWire string
	}{
		{"echo", Echo(), "/x", "\r\nX-INE-Course: HTTP using Python\r\n"},
		{"greeting", Greeting(), "/greeting", "\r\nX-INE-Course: HTTP using Python\r\n"},
		{"secure", c.SecureHello(), "/secure", "\r\nWWW-Authenticate: Basic realm=\"Authentication Required\"\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_, _ = io.WriteString(conn, "GET "+tc.target+" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
			raw, _ := io.ReadAll(conn)
			if !strings.Contains(string(raw), tc.onWire) {
				t.Errorf("response lacks %q:\n%s", tc.onWire, raw)
			}
		})
	}
}
