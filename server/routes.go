package main

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"wirebook/server/accesslog"
	"wirebook/server/course"
	"wirebook/server/headers"
	"wirebook/server/proxy"
	"wirebook/server/respond"
)

// bodyReadLimit bounds how long a client may take to send a request body,
// so a slow sender cannot hold a connection open forever. WebSocket upgrades
// are exempt: their connection lives as long as the conversation.
const bodyReadLimit = 30 * time.Second

// routes is every route on -addr, one per line, so a reader sees the whole
// surface in one place.
func (a *app) routes() http.Handler {
	r := chi.NewRouter()
	// wirebook's own answers carry the security headers; the course's keep
	// exactly the headers the course defines (see package headers).
	secure := r.With(headers.Secure)
	r.NotFound(headers.Secure(http.HandlerFunc(notFound)).ServeHTTP)
	r.MethodNotAllowed(headers.Secure(http.HandlerFunc(methodNotAllowed)).ServeHTTP)

	secure.Handle("/", a.page)
	secure.Handle("/static/*", a.page.Static())
	r.Handle("/files", http.RedirectHandler("/files/", http.StatusMovedPermanently))
	r.Mount("/files/", http.StripPrefix("/files", a.files))
	r.Handle("/echo", course.Echo())
	r.Handle("/echo/*", course.Echo())

	a.course.Mount(r) // /hello /greeting /stream /redirect /notfound /json /secure

	secure.Get("/ws/relay", a.relay.ServeHTTP)
	secure.Get("/ws/stream", a.wsStream.ServeHTTP)

	return a.middleware("main", r)
}

// middleware wraps every listener's handler in the same order: the access
// log outside Recover so it records the 500 a recovered panic becomes, and
// RealIP outside both so the log names the client behind a trusted proxy.
func (a *app) middleware(name string, h http.Handler) http.Handler {
	h = limitBodyTime(h)
	h = accesslog.Recover(a.log)(h)
	h = accesslog.Log(a.log, name)(h)
	h = proxy.RealIP(a.cfg.trustProxy)(h)
	return a.counted(h)
}

// counted keeps a.handlers, so shutdown can wait for handlers on hijacked
// connections too.
func (a *app) counted(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a.handlers.Add(1)
		defer a.handlers.Done()
		next.ServeHTTP(w, r)
	})
}

func limitBodyTime(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Upgrade") == "" {
			// Not every ResponseWriter supports deadlines (httptest's doesn't); then there is nothing to bound.
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(bodyReadLimit))
		}
		next.ServeHTTP(w, r)
	})
}

func notFound(w http.ResponseWriter, r *http.Request) {
	respond.Error(w, r, http.StatusNotFound, "Nothing is served at "+r.URL.Path+".")
}

func methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	respond.Error(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed on "+r.URL.Path+".")
}
