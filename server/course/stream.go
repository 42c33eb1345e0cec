package course

import (
	"io"
	"net/http"
	"time"
)

// Stream writes greetings picked at random, one per line, with a random
// pause after each: the course's generator endpoint. Each line is flushed as
// soon as it is written, so a client sees it arrive while the rest is still
// to come. The pause watches the request's context, so a client hanging up
// (or the server shutting down) ends the stream at once, not after the pause.
// Each line gets its own write deadline, in place of the one the server
// gives a whole response: a stream may outlast that, but a client that
// stops reading is let go.
//
//wirebook:snippet /stream
func (c *Course) Stream() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rc := http.NewResponseController(w)
		for range c.greetings.Count() {
			rc.SetWriteDeadline(time.Now().Add(c.streamWriteTimeout))
			if !writeLine(w, rc, c.greetings.Pick()) {
				return // the connection is gone, or the client stopped reading
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(c.greetings.Pause()):
			}
		}
		rc.SetWriteDeadline(time.Now().Add(c.streamWriteTimeout)) // for the end of the body
	})
}

// writeLine writes line and a newline and flushes them.
func writeLine(w io.Writer, rc *http.ResponseController, line string) bool {
	if _, err := io.WriteString(w, line+"\n"); err != nil {
		return false
	}
	return rc.Flush() == nil
}
