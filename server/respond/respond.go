// Package respond writes wirebook's answers one way: every HTML body goes
// through a templ component, every error through templates.ErrorPage.
package respond

import (
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"wirebook/templates"
)

// HTML renders c as a text/html page with the given status.
func HTML(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := c.Render(r.Context(), w); err != nil {
		// The status line is already sent; all that is left is to say so in the log.
		slog.Warn("render failed", "path", r.URL.Path, "err", err)
	}
}

// Error answers with the shared error page. message is shown to the client
// (escaped) so it must say what went wrong in the client's terms.
func Error(w http.ResponseWriter, r *http.Request, status int, message string) {
	HTML(w, r, status, templates.ErrorPage(status, http.StatusText(status), message))
}

// Text answers with a plain-text body and an exact Content-Length.
func Text(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// Allow passes the listed methods to h and answers any other with 405, an
// Allow header naming them (RFC 9110 §15.5.6 requires it) and the error
// page. It is the one method guard: routes.go wraps every route in it, so no
// router's own 405 (chi's lists methods on separate Allow lines, or none once
// its handler is replaced) is ever seen.
func Allow(h http.Handler, methods ...string) http.Handler {
	allowed := strings.Join(methods, ", ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if slices.Contains(methods, r.Method) {
			h.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Allow", allowed)
		Error(w, r, http.StatusMethodNotAllowed,
			"The method "+r.Method+" is not allowed for "+r.URL.Path+"; use "+allowed+".")
	})
}
