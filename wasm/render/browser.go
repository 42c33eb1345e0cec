package render

import (
	"strings"

	"wirebook/server/wireproto"
)

// forbidden are the request headers a page may not set (Fetch standard,
// "forbidden request-header"): fetch drops them without a word, so the
// output says which of the cell's headers never left the browser.
var forbidden = []string{
	"accept-charset", "accept-encoding", "access-control-request-headers",
	"access-control-request-method", "connection", "content-length", "cookie",
	"cookie2", "date", "dnt", "expect", "host", "keep-alive", "origin",
	"referer", "set-cookie", "te", "trailer", "transfer-encoding", "upgrade", "via",
}

// ForbiddenHeaders returns the names of hs that a browser will not send.
func ForbiddenHeaders(hs []wireproto.Header) []string {
	var out []string
	for _, h := range hs {
		name := wireproto.ToLower(h.Name)
		bad := strings.HasPrefix(name, "proxy-") || strings.HasPrefix(name, "sec-")
		for _, f := range forbidden {
			bad = bad || name == f
		}
		if bad {
			out = append(out, h.Name)
		}
	}
	return out
}

// csp names the rule behind most fetch failures on the lesson page: its
// Content-Security-Policy (server/headers) says connect-src 'self', so the
// browser refuses, before anything is sent, a fetch to another origin and a
// redirect that leads to one. CORS never comes into it.
const csp = "this page's Content-Security-Policy (connect-src 'self') lets its fetch reach only the server that sent the page"

// FetchFailed explains a fetch that rejected. The browser gives pages one
// message for every cause (TypeError: Failed to fetch) so that a page cannot
// probe the network; the likely causes are worth naming.
func FetchFailed(err error, url, pageOrigin string) string {
	msg := "fetch failed: " + err.Error() + ". "
	if pageOrigin != "" && !SameOrigin(url, pageOrigin) {
		return msg + "The request goes to another origin than this page (" + url + "), and " + csp +
			", so the browser did not send it. The wire transport sends it."
	}
	return msg + "The server may be down, or it redirected to another origin, which the browser may not follow: " + csp +
		". The wire transport shows what came back."
}

// SameOrigin reports whether url, absolute or relative to the page, is on
// the page's origin ("http://127.0.0.1:2500").
func SameOrigin(url, pageOrigin string) bool {
	if !strings.Contains(url, "://") && !strings.HasPrefix(url, "//") {
		return true // a path: the page's own origin
	}
	url, pageOrigin = wireproto.ToLower(url), wireproto.ToLower(pageOrigin)
	return url == pageOrigin || strings.HasPrefix(url, pageOrigin+"/") ||
		strings.HasPrefix(url, pageOrigin+"?") || strings.HasPrefix(url, pageOrigin+"#")
}
