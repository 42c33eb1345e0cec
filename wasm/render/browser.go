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
		name := strings.ToLower(h.Name)
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

// FetchFailed explains a fetch that rejected. The browser gives pages one
// message for every cause (TypeError: Failed to fetch) so that a page cannot
// probe the network; the likely causes are worth naming.
func FetchFailed(err error, url, pageOrigin string) string {
	msg := "fetch failed: " + err.Error() + ". "
	if pageOrigin != "" && !strings.HasPrefix(url, pageOrigin+"/") && url != pageOrigin {
		return msg + "The request goes to another origin than this page (" + url + "): the browser hides the answer " +
			"unless it carries CORS headers, and the server may also be down. The wire transport shows what came back."
	}
	return msg + "The server may be down, or the browser refused the request (a redirect to another site " +
		"needs CORS too). The wire transport shows what came back."
}
