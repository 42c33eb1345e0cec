package web

import "strings"

// Snippet is the Go function that answers a route, highlighted for the
// lesson page: the one type for it, from the generator that cuts it out of
// the source (package server/snippets) through the page (server/page) to
// the template that shows it. The data is in snippets_gen.go, written by
// `go run ./server/tools/gensnippets` (the generate task) so that the
// highlighter is not part of the server. It lives here, beside that data,
// because package web imports nothing of wirebook's: everything else can
// import it.
type Snippet struct {
	Route string // "/hello"; a route ending in / ("/files/") covers every path under it
	File  string // source file, slash path from the module root
	Line  int    // line of the func keyword in File
	HTML  string // highlighted source, styled by static/highlight.css under .snippet
	// Source is the func and its doc comment, marker lines left out: what
	// the generator highlights into HTML. Only the generator fills it; the
	// generated data leaves it out.
	Source string
}

// SnippetFor returns the snippet of the handler answering path, a request
// path with or without its query ("/greeting?lang=fr"): the route equal to
// the path, or else the longest route ending in / that the path starts with.
func SnippetFor(path string) (Snippet, bool) { return snippetFor(snippets, path) }

func snippetFor(list []Snippet, path string) (Snippet, bool) {
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	var best Snippet
	found := false
	for _, s := range list {
		// An exact match is at least as long as any prefix, so "longest
		// wins" also makes /ws/stream beat a /ws/ beside it.
		match := s.Route == path || strings.HasSuffix(s.Route, "/") && strings.HasPrefix(path, s.Route)
		if match && len(s.Route) > len(best.Route) {
			best, found = s, true
		}
	}
	return best, found
}
