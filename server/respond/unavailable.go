package respond

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Unavailable answers 503 with a Retry-After header and a plain-text reason:
// the one answer to "a limit of this server is reached, come back later"
// (RFC 9110 §15.6.4, §10.2.3). A client such as a student's script reads the
// reason; a careful one waits retryAfter, which is rounded up to whole
// seconds, at least 1, because Retry-After counts seconds.
func Unavailable(w http.ResponseWriter, retryAfter time.Duration, reason string) {
	retryLater(w, http.StatusServiceUnavailable, retryAfter, reason)
}

// TooManyRequests is Unavailable for a limit on one client rather than on
// the server: 429 (RFC 6585 §4), with Retry-After and a plain-text reason.
func TooManyRequests(w http.ResponseWriter, retryAfter time.Duration, reason string) {
	retryLater(w, http.StatusTooManyRequests, retryAfter, reason)
}

func retryLater(w http.ResponseWriter, status int, retryAfter time.Duration, reason string) {
	secs := max(1, int(math.Ceil(retryAfter.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	Text(w, status, reason)
}
