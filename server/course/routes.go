// Package course serves the endpoints of the "Introduction to HTTP using
// Python" course: the Flask app of port 2505 (/hello, /greeting, /stream,
// /redirect, /notfound, /json), the Basic-auth app of port 2502 (/secure) and
// the http.server request echo of port 2504.
//
// Each endpoint lives in its own file, and each handler is short on purpose:
// the lesson page cuts each handler marked with a wirebook:snippet
// directive out of the source and shows it to students beside the cell that
// calls it.
package course

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"wirebook/server/respond"
)

// App is the course's Flask app of port 2505. Any other path is a 404.
func (c *Course) App() http.Handler {
	r := newRouter()
	c.appRoutes(r)
	return r
}

// Secure is the course's Basic-auth app of port 2502: /secure, and a 404
// for any other path.
func (c *Course) Secure() http.Handler {
	r := newRouter()
	c.secureRoutes(r)
	return r
}

// Mount adds every route of App and Secure to r, for wirebook's main
// address. It leaves r's 404 alone; the request echo (Echo) is mounted by
// the caller, at a prefix of its choosing.
func (c *Course) Mount(r chi.Router) {
	c.appRoutes(r)
	c.secureRoutes(r)
}

// appRoutes is the whole surface of port 2505. Each route admits the methods
// its Flask route did; Flask adds HEAD to every GET, and so do we.
func (c *Course) appRoutes(r chi.Router) {
	r.Handle("/hello", allow(Hello(), http.MethodGet, http.MethodHead))
	r.Handle("/greeting", allow(Greeting(), http.MethodGet, http.MethodHead))
	r.Handle("/stream", allow(c.Stream(), http.MethodGet, http.MethodHead))
	r.Handle("/redirect", allow(c.Redirect(), http.MethodGet, http.MethodHead))
	r.Handle("/notfound", allow(NotFound(), http.MethodGet, http.MethodHead))
	r.Handle("/json", allow(c.JSON(), http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut))
}

// secureRoutes is the whole surface of port 2502.
func (c *Course) secureRoutes(r chi.Router) {
	r.Handle("/secure", allow(c.SecureHello(), http.MethodGet, http.MethodHead))
}

func newRouter() *chi.Mux {
	r := chi.NewRouter()
	r.NotFound(NotFound().ServeHTTP)
	return r
}

// allow passes the listed methods to h and answers any other with 405 and
// an Allow header naming them (RFC 9110 §15.5.6 requires it). chi's own 405
// would list them on separate Allow lines with an empty body; this one has
// the error page every other error has.
func allow(h http.Handler, methods ...string) http.Handler {
	allowed := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range methods {
			if r.Method == m {
				h.ServeHTTP(w, r)
				return
			}
		}
		w.Header().Set("Allow", allowed)
		respond.Error(w, r, http.StatusMethodNotAllowed,
			"The method "+r.Method+" is not allowed for this URL; use "+allowed+".")
	})
}
