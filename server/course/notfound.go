package course

import (
	"net/http"

	"wirebook/server/respond"
)

// notFoundMessage is Werkzeug's text for abort(404), word for word.
const notFoundMessage = "The requested URL was not found on the server. " +
	"If you entered the URL manually please check your spelling and try again."

// NotFound answers 404 Not Found on purpose, like the course's abort(404).
// The routers also use it for every path they do not know.
//
//wirebook:snippet /notfound
func NotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		respond.Error(w, r, http.StatusNotFound, notFoundMessage)
	})
}
