package course

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"wirebook/server/respond"
)

// App and Secure put the course's handlers at their paths for this
// package's tests, as server/routes.go does for wirebook.
func (c *Course) App() http.Handler {
	r := chi.NewRouter()
	r.NotFound(NotFound().ServeHTTP)
	get := []string{http.MethodGet, http.MethodHead}
	r.Handle("/hello", respond.Allow(Hello(), get...))
	r.Handle("/greeting", respond.Allow(Greeting(), get...))
	r.Handle("/stream", respond.Allow(c.Stream(), get...))
	r.Handle("/redirect", respond.Allow(c.Redirect(), get...))
	r.Handle("/notfound", respond.Allow(NotFound(), get...))
	r.Handle("/json", respond.Allow(c.JSON(), append(get, http.MethodPost, http.MethodPut)...))
	return r
}

func (c *Course) Secure() http.Handler {
	r := chi.NewRouter()
	r.NotFound(NotFound().ServeHTTP)
	r.Handle("/secure", respond.Allow(c.SecureHello(), http.MethodGet, http.MethodHead))
	return r
}
