package course

import (
	"net/http"
	"testing"
	"time"
	"wirebook/server/internal/testkit"
)

func TestHEADAnswersLikeGETWithoutBody(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(greet(nil, 2, 0)).App())

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

func TestOptionsClamp(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opt   Option
		check func(*Course) bool
	}{
		{"write timeout below 1ms is 1ms", WithStreamWriteTimeout(0), func(c *Course) bool { return c.streamWriteTimeout == time.Millisecond }},
		{"write timeout above the cap is the cap", WithStreamWriteTimeout(time.Hour), func(c *Course) bool { return c.streamWriteTimeout == MaxStreamWriteTimeout }},
		{"body cap below 1 is 1", WithMaxBodyBytes(0), func(c *Course) bool { return c.maxBodyBytes == 1 }},
		{"body cap above the cap is the cap", WithMaxBodyBytes(1 << 40), func(c *Course) bool { return c.maxBodyBytes == MaxMaxBodyBytes }},
		{"no greetings is Hello", WithGreetings(nil), func(c *Course) bool { return c.greetings.Pick() == "Hello" }},
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
	if c.redirectTo != "http://kdm.training" || c.greetings.Count() != 10 || c.streamWriteTimeout != 10*time.Second ||
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
