package harness

import (
	"slices"
	"testing"
)

// The static files a student's first visit fetches are the ones the
// lesson page names, each once, and nothing else.
func TestAssetRefFindsThePagesStaticFiles(t *testing.T) {
	t.Parallel()
	page := `<link rel="stylesheet" href="/static/app.07560b8422d2.css"/><link rel="icon" href="/static/favicon.1f76.ico" sizes="32x32"/>
<link rel="preload" href="/static/app.1ce4.wasm" as="fetch"/><script src="/static/wasm_exec.0c94.js" defer></script>
<script src="/static/boot.714d.js" data-wasm="/static/app.1ce4.wasm" defer></script><a href="/">index</a><a href="#x">x</a><img src="/static/app.1ce4.wasm"><p>="/static/ unclosed`
	got := staticRefs(page)
	want := []string{"/static/app.07560b8422d2.css", "/static/favicon.1f76.ico", "/static/app.1ce4.wasm", "/static/wasm_exec.0c94.js", "/static/boot.714d.js"}
	if !slices.Equal(got, want) {
		t.Errorf("assets %q, want %q", got, want)
	}
}
