package course

import "net/http"

// The answer of /hello never changes, so its bytes and header values are
// built once; a request then costs no allocation in the handler.
var (
	helloBody   = []byte("Hello")
	helloType   = []string{"text/plain; charset=utf-8"}
	helloLength = []string{"5"}
)

// Hello answers "Hello", the course's simplest Flask app. Flask labels it
// text/html; it is plain text, so we say so.
//
//wirebook:snippet /hello
func Hello() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		// Assigning the shared slices skips Set's copy; nothing edits them later.
		h["Content-Type"] = helloType
		h["Content-Length"] = helloLength
		w.Write(helloBody)
	})
}
