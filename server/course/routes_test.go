package course

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"wirebook/server/internal/testkit"
)

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	c := New()
	appURL, appClient := serve(t, c.App())
	secureURL, secureClient := serve(t, c.Secure())

	tests := []struct {
		name      string
		client    *http.Client
		method    string
		url       string
		wantAllow string
	}{
		{"POST /hello", appClient, http.MethodPost, appURL + "/hello", "GET, HEAD"},
		{"PUT /greeting", appClient, http.MethodPut, appURL + "/greeting", "GET, HEAD"},
		{"DELETE /stream", appClient, http.MethodDelete, appURL + "/stream", "GET, HEAD"},
		{"POST /redirect", appClient, http.MethodPost, appURL + "/redirect", "GET, HEAD"},
		{"POST /notfound is still a 405, as in Flask", appClient, http.MethodPost, appURL + "/notfound", "GET, HEAD"},
		{"DELETE /json", appClient, http.MethodDelete, appURL + "/json", "GET, HEAD, POST, PUT"},
		{"PATCH /json", appClient, http.MethodPatch, appURL + "/json", "GET, HEAD, POST, PUT"},
		{"OPTIONS /json", appClient, http.MethodOptions, appURL + "/json", "GET, HEAD, POST, PUT"},
		{"POST /secure", secureClient, http.MethodPost, secureURL + "/secure", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is a 405", func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, tt.client, tt.method, tt.url, nil, strings.NewReader("name=David"))
			testkit.WantStatus(t, resp, http.StatusMethodNotAllowed)
			testkit.WantHeader(t, resp, "Allow", tt.wantAllow)
			testkit.WantHeader(t, resp, "Content-Type", "text/html; charset=utf-8")
			wantContains(t, body, "<title>405 Method Not Allowed</title>", tt.wantAllow)
		})
	}
}

func TestHEADAnswersLikeGETWithoutBody(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(WithStreamCount(2), WithStreamMaxDelay(0)).App())

	tests := []struct {
		path string
		want int
	}{
		{"/hello", http.StatusOK},
		{"/greeting", http.StatusOK},
		{"/stream", http.StatusOK},
		{"/redirect", http.StatusMovedPermanently},
		{"/notfound", http.StatusNotFound},
		{"/json?a=1", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run("HEAD "+tt.path, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodHead, url+tt.path, nil, nil)
			testkit.WantStatus(t, resp, tt.want)
			if body != "" {
				t.Errorf("HEAD body = %q, want none", body)
			}
		})
	}
}

// Mount puts the whole surface of both course apps on one router, as
// wirebook's main address needs, and leaves the router's 404 to its owner.
func TestMount(t *testing.T) {
	t.Parallel()
	r := chi.NewRouter()
	r.NotFound(func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "owner's 404", http.StatusNotFound) })
	New(WithStreamCount(1), WithStreamMaxDelay(0)).Mount(r)
	url, c := serve(t, r)

	for path, want := range map[string]int{
		"/hello":    http.StatusOK,
		"/greeting": http.StatusOK,
		"/stream":   http.StatusOK,
		"/redirect": http.StatusMovedPermanently,
		"/notfound": http.StatusNotFound,
		"/json":     http.StatusOK,
		"/secure":   http.StatusUnauthorized,
	} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			resp, _ := testkit.Get(t, c, url+path)
			testkit.WantStatus(t, resp, want)
		})
	}
	t.Run("other paths keep the owner's 404", func(t *testing.T) {
		t.Parallel()
		resp, body := testkit.Get(t, c, url+"/elsewhere")
		testkit.WantStatus(t, resp, http.StatusNotFound)
		if body != "owner's 404\n" {
			t.Errorf("body = %q", body)
		}
	})
}

func TestOptionsClamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opt   Option
		check func(*Course) bool
	}{
		{"stream count below 1 is 1", WithStreamCount(-5), func(c *Course) bool { return c.streamCount == 1 }},
		{"stream count above the cap is the cap", WithStreamCount(1 << 30), func(c *Course) bool { return c.streamCount == MaxStreamCount }},
		{"negative delay is none", WithStreamMaxDelay(-time.Second), func(c *Course) bool { return c.streamMaxDelay == 0 }},
		{"delay above the cap is the cap", WithStreamMaxDelay(24 * time.Hour), func(c *Course) bool { return c.streamMaxDelay == MaxStreamMaxDelay }},
		{"body cap below 1 is 1", WithMaxBodyBytes(0), func(c *Course) bool { return c.maxBodyBytes == 1 }},
		{"body cap above the cap is the cap", WithMaxBodyBytes(1 << 40), func(c *Course) bool { return c.maxBodyBytes == MaxMaxBodyBytes }},
		{"greetings are trimmed and blank lines dropped", WithGreetings([]string{"", " Hi \r", "\t", "Yo"}),
			func(c *Course) bool {
				return len(c.greetings) == 2 && string(c.greetings[0]) == "Hi\n" && string(c.greetings[1]) == "Yo\n"
			}},
		{"no greetings left means Hello", WithGreetings([]string{"", "  "}),
			func(c *Course) bool { return len(c.greetings) == 1 && string(c.greetings[0]) == "Hello\n" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if c := New(tt.opt); !tt.check(c) {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	t.Parallel()
	c := New()
	if c.redirectTo != "http://kdm.training" || c.streamCount != 10 || c.streamMaxDelay != 3*time.Second ||
		c.maxBodyBytes != 1<<20 || len(c.users) != 1 || c.users["David"] == nil {
		t.Errorf("defaults = %+v", c)
	}
}

// The caller's map is copied, so changing it later changes nothing here.
func TestWithUsersCopies(t *testing.T) {
	t.Parallel()
	u := DemoUsers()
	c := New(WithUsers(u))
	delete(u, "David")
	if c.users["David"] == nil {
		t.Error("deleting from the caller's map removed the user from the Course")
	}
}
