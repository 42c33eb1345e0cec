package target

import (
	"testing"

	"wirebook/server/wireproto"
)

func TestRequestURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, target, base, want, err string
	}{
		{name: "path joins the page origin", target: "/hello", base: "http://127.0.0.1:2500", want: "http://127.0.0.1:2500/hello"},
		{name: "the page's own path is dropped", target: "/json?a=1", base: "http://127.0.0.1:2500/lesson/one?x=2#top", want: "http://127.0.0.1:2500/json?a=1"},
		{name: "base scheme is lower-cased", target: "/", base: "HTTPS://localhost:8443/", want: "https://localhost:8443/"},
		{name: "absolute target ignores base", target: "http://127.0.0.1:2505/hello", base: "http://127.0.0.1:2500", want: "http://127.0.0.1:2505/hello"},
		{name: "absolute target needs no base", target: "https://example.com/", base: "", want: "https://example.com/"},
		{name: "absolute target's scheme is lower-cased", target: "HTTP://Example.COM/A", base: "", want: "http://Example.COM/A"},
		{name: "non-ASCII is percent-encoded as UTF-8", target: "/greeting?who=Zoë", base: "http://h", want: "http://h/greeting?who=Zo%C3%AB"},
		{name: "existing escapes are kept", target: "/a%20b", base: "http://h", want: "http://h/a%20b"},
		{name: "base that is not http", target: "/hello", base: "file:///tmp/x", err: `base "file:///tmp/x" is not an http(s) URL`},
		{name: "base without a host", target: "/hello", base: "http:///x", err: `base "http:///x" has no host`},
		{name: "target that is not a path", target: "hello", base: "http://h", err: `target "hello" is neither a path nor an http(s) URL`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := URL(wireproto.Request{Method: "GET", Target: tc.target}, tc.base)
			if tc.err != "" {
				if err == nil || err.Error() != tc.err {
					t.Fatalf("URL(%q) = %q, %v; want error %q", tc.base, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("URL(%q) = %q, %v; want %q", tc.base, got, err, tc.want)
			}
		})
	}
}
