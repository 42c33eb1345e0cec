package course

import (
	"net/http"

	"wirebook/server/respond"
)

// SecureHello greets a user who proves who they are with HTTP Basic
// authentication (RFC 7617), like the course's Flask-HTTPAuth app. Anything
// else, a wrong password, an unknown name or an Authorization header that is
// not Basic at all, gets the same 401 and the challenge that makes a client
// ask for a login. Flask-HTTPAuth names its realm "Authentication Required".
// Checking a password is slow on purpose (bcrypt), so only a few run at
// once, and only a share of them for one client; when they are all busy the
// answer is a 503 (429 for the share) with Retry-After.
//
//wirebook:snippet /secure
func (c *Course) SecureHello() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, password, ok := r.BasicAuth() // false if absent or not Basic
		if ok {
			var err error
			if ok, err = c.checkPassword(r.Context(), clientOf(r), name, password); err != nil {
				c.refuseLogin(w, err) // 429 or 503, with Retry-After
				return
			}
		}
		if !ok {
			w.Header()["WWW-Authenticate"] = []string{`Basic realm="Authentication Required"`} // RFC spelling; Set would send Www-Authenticate
			respond.Text(w, http.StatusUnauthorized, "Unauthorized Access")
			return
		}
		respond.Text(w, http.StatusOK, "Hello, "+name+"!")
	})
}
