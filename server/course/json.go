package course

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"wirebook/server/respond"
)

// JSON echoes the fields it was sent as a JSON object, plus "Server":
// "Test Server": the query of a GET, the form in the body of a POST or PUT
// (url-encoded or multipart). Byte for byte it is what the course's Flask
// jsonify sends for ASCII input: keys sorted, no spaces, a final newline.
// Go escapes <, > and & where Flask escapes every non-ASCII character, so
// other input can differ in its escapes, never in its meaning. A query or
// body that does not parse is a 400 and a body over the limit a 413, where
// Flask would skip the bad pair or read on.
//
//wirebook:snippet /json
func (c *Course) JSON() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var fields url.Values
		var err error
		switch r.Method {
		case http.MethodPost, http.MethodPut:
			fields, err = c.readForm(w, r)
		default: // GET or HEAD: the router lets no other method in
			fields, err = url.ParseQuery(r.URL.RawQuery)
		}
		if err != nil {
			formError(w, r, err)
			return
		}
		answer := make(map[string]string, len(fields)+1)
		for name := range fields {
			answer[name] = fields.Get(name) // a repeated name keeps its first value, as in Flask
		}
		answer["Server"] = "Test Server" // set last, as the course does: it wins over a field named Server
		body, _ := json.Marshal(answer)  // a map[string]string cannot fail; its keys come out sorted
		body = append(body, '\n')
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
}

// readForm returns the fields of a url-encoded or multipart body of at most
// maxBodyBytes. Any other body has no fields, as in Flask's request.form.
// File parts are dropped too: Flask keeps them in request.files, so the
// course's JSON never showed them.
//
// net/http's parser also reads the query string and reports a malformed one,
// so a POST with a broken query is a 400 like a GET with one.
func (c *Course) readForm(w http.ResponseWriter, r *http.Request) (url.Values, error) {
	if r.ContentLength > c.maxBodyBytes {
		// Refused unread: a client that announces more than the limit and
		// then sends it slowly, or never, would otherwise hold the handler
		// until the server's body timeout.
		return nil, &http.MaxBytesError{Limit: c.maxBodyBytes}
	}
	r.Body = http.MaxBytesReader(w, r.Body, c.maxBodyBytes)
	if err := r.ParseForm(); err != nil {
		return nil, err
	}
	// maxMemory equals the body cap, so every part fits in memory and no file
	// part is ever spooled to disk; RemoveAll is there in case that changes.
	err := r.ParseMultipartForm(c.maxBodyBytes)
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return nil, err
	}
	return r.PostForm, nil
}

// formError answers a form that could not be read: 413 when it was too big,
// 400 when it did not parse. Neither is the server's fault, so never a 500.
func formError(w http.ResponseWriter, r *http.Request, err error) {
	if tooBig, ok := errors.AsType[*http.MaxBytesError](err); ok {
		respond.Error(w, r, http.StatusRequestEntityTooLarge,
			fmt.Sprintf("The request body is larger than the limit of %d bytes.", tooBig.Limit))
		return
	}
	respond.Error(w, r, http.StatusBadRequest, "The form data is malformed: "+err.Error())
}
