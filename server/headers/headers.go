// Package headers sets the security headers on the responses wirebook
// writes for itself: the lesson page, the static files it loads, its
// WebSocket endpoints and its own error pages.
//
// The course's endpoints (/hello … /secure, /echo, /files, and every course
// port) are deliberately left alone. What they answer is the lesson: every
// header they send is shown in the cell that calls them and compared with
// what the course's Python servers sent, so a CSP or an X-Frame-Options there
// would be noise in every answer a student reads. Nor do they need them:
// every course answer that has a body declares its Content-Type (the
// hostile-input tests check it), no browser sniffs text/plain or JSON into
// HTML, and every HTML course answer escapes what it reflects.
package headers

import "net/http"

// ContentSecurityPolicy is what the lesson page may load and do. Directive
// by directive:
//
//   - default-src 'none': anything not named below is refused (objects,
//     workers, manifests, media from elsewhere…).
//   - script-src 'self' 'wasm-unsafe-eval': wasm_exec.js and boot.js, files
//     on this origin (content-hashed names included), and compiling app.wasm.
//     No inline script, no eval.
//   - connect-src 'self': boot.js's fetch of app.wasm, the browser
//     transport's fetch, and the wire transport's WebSocket (CSP 3 lets
//     'self' match ws: and wss: on the page's own host and port).
//   - frame-src 'self': the output frames. Each is a srcdoc document inside
//     <iframe sandbox="">, which gives it an opaque origin, so nothing in it
//     can reach the page; a link followed inside it stays on this origin.
//   - img-src, style-src, font-src, media-src: the output frames render
//     response HTML, and a srcdoc document inherits this policy. The course
//     promises that "the Jupyter widget properly renders pages, including
//     referenced resources": hello.html styles itself with an inline
//     <style>, and a page fetched from a course port or a -relay-allow host
//     loads its images from there, another origin than the page's. These
//     are passive content and cannot run code, so they are allowed from
//     http and https; images may also be blob: (how the client shows an
//     image body) and data:.
//   - form-action 'self': the lesson's Download form posts to this
//     server's /export; a form in an output frame is inert anyway (its
//     sandbox lacks allow-forms), and none may post elsewhere.
//   - frame-ancestors 'none': no other site may frame the lesson and
//     click its buttons for the student (X-Frame-Options says the same to
//     older browsers).
//
// There is no base-uri: the client sets a <base> in each output frame to
// the URL the answer came from, so that its relative links resolve there,
// and the frames inherit this policy. A <base> cannot redirect the page's
// own scripts anywhere script-src would allow.
const ContentSecurityPolicy = "default-src 'none'; " +
	"script-src 'self' 'wasm-unsafe-eval'; " +
	"connect-src 'self'; " +
	"frame-src 'self'; " +
	"img-src 'self' blob: data: http: https:; " +
	"style-src 'self' 'unsafe-inline' http: https:; " +
	"font-src 'self' data: http: https:; " +
	"media-src 'self' blob: data: http: https:; " +
	"form-action 'self'; " +
	"frame-ancestors 'none'"

// Secure sets, before next writes anything:
//
//   - Content-Security-Policy: ContentSecurityPolicy;
//   - X-Frame-Options: DENY, frame-ancestors for browsers without CSP 2;
//   - X-Content-Type-Options: nosniff, so a static file is only ever the
//     type it is served as;
//   - Referrer-Policy: no-referrer: a request a cell sends through the
//     browser, or an image in an output frame, tells no one which lesson
//     page (and host) it came from.
//
// next may still change any of them for its own response.
func Secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Frame-Options", "DENY")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		next.ServeHTTP(w, r)
	})
}
