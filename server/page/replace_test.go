package page

import (
	"net/http"
	"strings"
	"sync"
	"testing"
)

func TestReplaceSwapsThePageAndItsVersion(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	before := document(t, h)
	v1 := h.Version()
	if got, _ := before.Find("html").Attr("data-version"); got != v1 || v1 == "" {
		t.Fatalf("html[data-version] = %q, Version() = %q", got, v1)
	}
	etag := get(t, h, "/").Header.Get("ETag")

	if err := h.Replace(parseLesson(t, strings.Replace(testLesson, "# ", "# Renamed ", 1))); err != nil {
		t.Fatal(err)
	}
	after := document(t, h)
	if h.Version() == v1 {
		t.Fatal("a changed lesson kept its version")
	}
	if got, _ := after.Find("html").Attr("data-version"); got != h.Version() {
		t.Fatalf("html[data-version] = %q, Version() = %q", got, h.Version())
	}
	if !strings.Contains(after.Find("title").Text(), "Renamed") {
		t.Fatalf("title %q: the new lesson is not served", after.Find("title").Text())
	}
	// A browser's reload revalidates: the old ETag must not match.
	if r := get(t, h, "/", "If-None-Match", etag); r.StatusCode != http.StatusOK {
		t.Fatalf("old ETag after Replace: %d, want 200", r.StatusCode)
	}

	if err := h.Replace(parseLesson(t, testLesson)); err != nil {
		t.Fatal(err)
	}
	if h.Version() != v1 {
		t.Fatal("the same lesson rendered to another version")
	}
	if err := h.Replace(nil); err == nil || h.Version() != v1 {
		t.Fatalf("Replace(nil) = %v, version %q; want an error and the page kept", err, h.Version())
	}
}

func TestLiveReloadOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	if _, ok := document(t, newHandler(t, true)).Find("html").Attr("data-live"); ok {
		t.Fatal("a page without WithLiveReload subscribes")
	}
	doc := document(t, newHandler(t, true, WithLiveReload("/events/lesson?lesson=")))
	if got, _ := doc.Find("html").Attr("data-live"); got != "/events/lesson?lesson=" {
		t.Fatalf("html[data-live] = %q", got)
	}
}

// Run with -race: serving while Replace swaps is safe.
func TestReplaceWhileServing(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	other := parseLesson(t, strings.Replace(testLesson, "# ", "# Other ", 1))
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if r := get(t, h, "/"); r.StatusCode != http.StatusOK {
					t.Errorf("GET / = %d", r.StatusCode)
				}
			}
		})
	}
	for range 10 {
		if err := h.Replace(other); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
}
