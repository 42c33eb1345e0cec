package course

import (
	"cmp"
	"maps"
	"net/http"
	"slices"
	"strings"

	"wirebook/server/rawhead"
	"wirebook/server/respond"
	"wirebook/templates"
)

// Echo answers every path and every method with a page that shows the
// request as the server received it: the course's http.server subclass on
// port 2504. Behind rawhead.Record, as wirebook serves it, the head is the
// one that arrived, in the order and case sent, repeats kept (lines end in
// "\n" for CRLF; an obs-fold becomes one space, as RFC 9112 §5.2 asks). It
// never looks at the path, so it can be mounted anywhere (wirebook mounts it
// at /echo/ without stripping the prefix, so the page shows the path the
// client really asked for).
//
//wirebook:snippet /echo/
func Echo() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := cmp.Or(r.RequestURI, r.URL.RequestURI())         // as sent: path and query
		w.Header()["X-INE-Course"] = []string{"HTTP using Python"} // as the course spells it; Set would send X-Ine-Course
		head, ok := rawhead.Of(r)
		if !ok {
			head = requestHead(r, target) // rebuilt: canonical names, sorted (see requestHead)
		}
		respond.HTML(w, r, http.StatusOK, templates.CourseEcho(target, head))
	})
}

// requestHead rebuilds the head of r as text: the request line, then one
// "Name: value" line per header value, like Python's
// f"{self.requestline}\n{self.headers}". It is the fallback when the raw
// head is not at hand: a listener not wrapped by rawhead.Record, a head
// longer than the server's MaxHeaderBytes, framing rawhead could not follow.
//
// Go parses headers into a map, so their order on the wire is lost: Host
// comes first (clients send it first, and Go keeps it apart in r.Host), then
// the rest sorted by name (in Go's canonical case: x-ine-student arrives as
// X-Ine-Student), each name's values in the order received. Go also
// takes Transfer-Encoding out of the header map; it is put back in its place.
func requestHead(r *http.Request, target string) string {
	header := r.Header
	if len(r.TransferEncoding) > 0 && header.Get("Transfer-Encoding") == "" {
		header = header.Clone()
		header["Transfer-Encoding"] = []string{strings.Join(r.TransferEncoding, ", ")}
	}
	var b strings.Builder
	b.WriteString(r.Method + " " + target + " " + r.Proto + "\n")
	if r.Host != "" {
		b.WriteString("Host: " + r.Host + "\n")
	}
	for _, name := range slices.Sorted(maps.Keys(header)) {
		for _, v := range header[name] {
			b.WriteString(name + ": " + v + "\n")
		}
	}
	return b.String()
}
