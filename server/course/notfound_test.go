package course

import (
	"net/http"
	"testing"

	"wirebook/server/internal/testkit"
)

func TestNotFound(t *testing.T) {
	t.Parallel()
	c := New()
	appURL, appClient := serve(t, c.App())
	secureURL, secureClient := serve(t, c.Secure())

	tests := []struct {
		name   string
		client *http.Client
		url    string
	}{
		{"/notfound is a 404 on purpose", appClient, appURL + "/notfound"},
		{"an unknown path of the app is the same 404", appClient, appURL + "/no-such-page"},
		{"a known path with a trailing slash is not the route", appClient, appURL + "/hello/"},
		{"the app has no /secure", appClient, appURL + "/secure"},
		{"the secure app has no /hello", secureClient, secureURL + "/hello"},
		{"the secure app's root is a 404", secureClient, secureURL + "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Get(t, tt.client, tt.url)
			testkit.WantStatus(t, resp, http.StatusNotFound)
			testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")
			// Werkzeug's page, as the course notebook prints it.
			wantContains(t, body,
				"<title>404 Not Found</title>",
				"<h1>Not Found</h1>",
				"<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>")
		})
	}
}
