package course

import (
	"net/http"

	"wirebook/server/respond"
	"wirebook/templates"
)

// Redirect answers 301 Moved Permanently to the configured URL, like the
// course's redirect("http://kdm.training", code=301). The status and the
// Location header are the redirect; the small page is for clients that do
// not follow it.
//
//wirebook:snippet /redirect
func (c *Course) Redirect() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", c.redirectTo)
		respond.HTML(w, r, http.StatusMovedPermanently, templates.CourseRedirect(c.redirectTo))
	})
}
