package course

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"wirebook/server/internal/testkit"
)

func TestRedirect(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts []Option
		want string
	}{
		{"default target is the course's", nil, "http://kdm.training"},
		{"target is configurable", []Option{WithRedirectTo("https://example.test/x?y=1&z=2")}, "https://example.test/x?y=1&z=2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			url, c := serve(t, New(tt.opts...).App())
			resp, body := testkit.Get(t, c, url+"/redirect")
			testkit.WantStatus(t, resp, http.StatusMovedPermanently)
			testkit.WantHeader(t, resp, "Location", tt.want)
			testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")
			wantContains(t, body, "<title>Redirecting...</title>", `<a href="`+html.EscapeString(tt.want)+`">`)
		})
	}
}

// A javascript: target would make the link a script; templ must refuse it
// even though it came from the operator, not a client.
func TestRedirectPageNeverLinksScript(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(WithRedirectTo("javascript:alert(1)")).App())
	_, body := testkit.Get(t, c, url+"/redirect")
	if got := `href="javascript:`; strings.Contains(body, got) {
		t.Errorf("page links %s:\n%s", got, body)
	}
}
