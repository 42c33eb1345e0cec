package web

import (
	"strings"
	"testing"
)

func TestSnippetFor(t *testing.T) {
	t.Parallel()
	list := []Snippet{
		{Route: "/echo/"},
		{Route: "/files/"},
		{Route: "/files/deep/"},
		{Route: "/hello"},
		{Route: "/ws/"},
		{Route: "/ws/stream"},
	}
	tests := []struct {
		name, path, want string // want "" means no snippet
	}{
		{"an exact route matches", "/hello", "/hello"},
		{"the query is ignored", "/hello?x=1", "/hello"},
		{"a fragment is ignored", "/hello#top", "/hello"},
		{"a route without slash is not a prefix", "/hello/world", ""},
		{"a route without slash does not match a longer name", "/hellothere", ""},
		{"a slash route matches itself", "/files/", "/files/"},
		{"a slash route matches what is under it", "/files/greetings.txt", "/files/"},
		{"a slash route with a query", "/echo/some-file.txt?a=b", "/echo/"},
		{"the longest prefix wins", "/files/deep/x.txt", "/files/deep/"},
		{"an exact route beats a prefix beside it", "/ws/stream", "/ws/stream"},
		{"the prefix takes the rest", "/ws/other", "/ws/"},
		{"a slash route does not match its name without the slash", "/files", ""},
		{"an unknown path has no snippet", "/nope", ""},
		{"the empty path has no snippet", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := snippetFor(list, tt.path)
			if ok != (tt.want != "") || got.Route != tt.want {
				t.Errorf("snippetFor(%q) = %q, %v; want %q", tt.path, got.Route, ok, tt.want)
			}
		})
	}
}

// TestGeneratedSnippets checks the committed data, whatever routes it holds:
// each is found by its own route, and is complete.
func TestGeneratedSnippets(t *testing.T) {
	t.Parallel()
	if len(snippets) == 0 {
		t.Fatal("snippets_gen.go holds no snippets")
	}
	for i, s := range snippets {
		if i > 0 && snippets[i-1].Route >= s.Route {
			t.Errorf("snippets not sorted by route: %q before %q", snippets[i-1].Route, s.Route)
		}
		got, ok := SnippetFor(s.Route)
		if !ok || got.Route != s.Route {
			t.Errorf("SnippetFor(%q) = %q, %v", s.Route, got.Route, ok)
		}
		if !strings.HasSuffix(s.File, ".go") || s.Line < 1 || !strings.Contains(s.HTML, `class="chroma"`) {
			t.Errorf("snippet %s is incomplete: %s:%d, %d bytes of HTML", s.Route, s.File, s.Line, len(s.HTML))
		}
	}
}
