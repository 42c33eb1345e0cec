package course

import (
	"net/http"
	"time"
)

// Stream writes greetings picked at random, one per line, with a random
// pause after each: the course's generator endpoint. Each line is flushed as
// soon as it is written, so a client sees it arrive while the rest is still
// to come. The pause watches the request's context, so a client hanging up
// (or the server shutting down) ends the stream at once, not after the pause.
//
//wirebook:snippet /stream
func (c *Course) Stream() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rc := http.NewResponseController(w)
		rc.SetWriteDeadline(time.Time{}) // a stream may outlast the server's WriteTimeout
		for range c.streamCount {
			if _, err := w.Write(c.greeting()); err != nil {
				return // the connection is gone
			}
			if err := rc.Flush(); err != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(c.pause()):
			}
		}
	})
}
