package main

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"wirebook/server/accesslog"
	"wirebook/server/course"
	"wirebook/server/export"
	"wirebook/server/guard"
	"wirebook/server/headers"
	"wirebook/server/proxy"
	"wirebook/server/respond"
)

// The methods a route admits. Flask adds HEAD to every GET, and so do we.
var (
	getHead   = []string{http.MethodGet, http.MethodHead}
	jsonVerbs = []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut}
)

// mainRoutes is every route on -addr, one per line. Nothing else in
// wirebook registers a route: the course ports below serve subsets of
// these, and every route names the methods it admits (respond.Allow
// answers the rest with 405 and Allow).
func (a *app) mainRoutes() http.Handler {
	r := chi.NewRouter()
	r.NotFound(headers.Secure(http.HandlerFunc(notFound)).ServeHTTP)
	// wirebook's own answers carry the security headers; the course's keep
	// exactly the headers the course defines (see package headers).
	own := r.With(headers.Secure)

	own.Handle("/", respond.Allow(a.page.Index(), getHead...))
	own.Handle("/lessons/{slug}", respond.Allow(a.page.Lessons(), getHead...))
	own.Handle("/lessons/{slug}/*", respond.Allow(a.page.Lessons(), getHead...)) // files beside the lesson
	own.Handle("/static/*", respond.Allow(a.page.Static(), getHead...))
	own.Handle("/favicon.ico", respond.Allow(a.page.Favicon(), getHead...))
	own.Handle("/ws/relay", respond.Allow(guard.RequireOrigin(a.relay), http.MethodGet))
	own.Handle("/ws/stream", respond.Allow(guard.RequireOrigin(a.wsStream), http.MethodGet))
	own.Handle("/events/lesson", respond.Allow(a.live, http.MethodGet)) // live reload (-watch)
	own.Handle("/export/{slug}", respond.Allow(export.Handler(a.page.Course), http.MethodGet, http.MethodHead, http.MethodPost))

	r.Handle("/files", http.RedirectHandler("/files/", http.StatusMovedPermanently))
	r.Handle("/files/*", respond.Allow(http.StripPrefix("/files", a.files), getHead...))
	r.Handle("/echo", course.Echo()) // every method, as http.server's handler
	r.Handle("/echo/*", course.Echo())
	a.appRoutes(r)
	a.authRoutes(r)
	return a.middleware("main", r)
}

// appRoutes is the course's Flask app (port 2505), also served on -addr.
// Each route admits the methods its Flask route did.
func (a *app) appRoutes(r chi.Router) {
	r.Handle("/hello", respond.Allow(course.Hello(), getHead...))
	r.Handle("/greeting", respond.Allow(course.Greeting(), getHead...))
	r.Handle("/stream", respond.Allow(a.course.Stream(), getHead...))
	r.Handle("/redirect", respond.Allow(a.course.Redirect(), getHead...))
	r.Handle("/notfound", respond.Allow(course.NotFound(), getHead...))
	r.Handle("/json", respond.Allow(a.course.JSON(), jsonVerbs...))
}

// authRoutes is the course's Basic-auth app (port 2502), also on -addr.
func (a *app) authRoutes(r chi.Router) {
	r.Handle("/secure", respond.Allow(a.course.SecureHello(), getHead...))
}

// The course ports, each the whole surface of one of the course's Python
// servers; any path they do not serve is the course's own 404.
func (a *app) appPort() http.Handler  { return a.coursePort("app", a.appRoutes) }
func (a *app) authPort() http.Handler { return a.coursePort("auth", a.authRoutes) }
func (a *app) filesPort() http.Handler {
	return a.coursePort("files", func(r chi.Router) { r.Handle("/*", respond.Allow(a.files, getHead...)) })
}
func (a *app) echoPort() http.Handler {
	return a.coursePort("echo", func(r chi.Router) { r.Handle("/*", course.Echo()) })
}

func (a *app) coursePort(name string, routes func(chi.Router)) http.Handler {
	r := chi.NewRouter()
	r.NotFound(course.NotFound().ServeHTTP)
	routes(r)
	return a.middleware(name, r)
}

// middleware wraps every listener's handler in the same order, outermost
// first: RealIP so the log names the client behind a trusted proxy; the
// access log outside Recover so it records the 500 a recovered panic
// becomes; then the guards, so a refused request is logged too.
func (a *app) middleware(name string, h http.Handler) http.Handler {
	h = guard.Deadlines(bodyReadLimit, writeLimit)(h)
	h = guard.CloseAfterChunked(h)
	h = a.hosts.Check(h)
	h = accesslog.Recover(a.log)(h)
	h = accesslog.Log(a.logs, name)(h)
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

func notFound(w http.ResponseWriter, r *http.Request) {
	respond.Error(w, r, http.StatusNotFound, "Nothing is served at "+r.URL.Path+".")
}
