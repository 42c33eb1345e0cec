package page

import (
	"net/http"
	"strings"
	"testing"

	"wirebook/server/syllabus"
)

func TestReplaceSwapsThePageAndItsVersion(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	before := document(t, h)
	v1 := h.Version("test")
	if got, _ := before.Find("html").Attr("data-version"); got != v1 || v1 == "" {
		t.Fatalf("html[data-version] = %q, Version = %q", got, v1)
	}
	etag := get(t, h.Lessons(), "/lessons/test").Header.Get("ETag")

	if err := h.Replace(syllabus.Of("test.md", parseLesson(t, strings.Replace(testLesson, "# ", "# Renamed ", 1)))); err != nil {
		t.Fatal(err)
	}
	after := document(t, h)
	if h.Version("test") == v1 {
		t.Fatal("a changed lesson kept its version")
	}
	if got, _ := after.Find("html").Attr("data-version"); got != h.Version("test") {
		t.Fatalf("html[data-version] = %q, Version = %q", got, h.Version("test"))
	}
	// A browser's reload revalidates: the old ETag must not match.
	if r := get(t, h.Lessons(), "/lessons/test", "If-None-Match", etag); r.StatusCode != http.StatusOK {
		t.Fatalf("old ETag after Replace: %d, want 200", r.StatusCode)
	}
	if err := h.Replace(syllabus.Of("test.md", parseLesson(t, testLesson))); err != nil {
		t.Fatal(err)
	}
	if h.Version("test") != v1 {
		t.Fatal("the same lesson rendered to another version")
	}
	if err := h.Replace(nil); err == nil || h.Version("test") != v1 {
		t.Fatalf("Replace(nil) = %v, version %q; want an error and the page kept", err, h.Version("test"))
	}
}

func TestLiveReloadOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	if _, ok := document(t, newHandler(t, true)).Find("html").Attr("data-live"); ok {
		t.Fatal("a page without WithLiveReload subscribes")
	}
	doc := document(t, newHandler(t, true, WithLiveReload("/events/lesson?lesson=")))
	if got, _ := doc.Find("html").Attr("data-live"); got != "/events/lesson?lesson=test" {
		t.Fatalf("html[data-live] = %q, want the stream of lesson test", got)
	}
}
