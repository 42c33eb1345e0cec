//go:build js && wasm

package main

import (
	"syscall/js"
	"testing"

	"wirebook/wasm/dom"
)

// fakeEventSource is the browser's EventSource as the client uses it: the
// test plays the server with emit, which fires synchronously, as a
// browser's event dispatch runs the listener.
const fakeEventSource = `(() => {
  class FakeEventSource {
    constructor(url) { this.url = url; this.closed = false; this.listeners = new Map(); FakeEventSource.instances.push(this); }
    addEventListener(t, f) { if (!this.listeners.has(t)) this.listeners.set(t, new Set()); this.listeners.get(t).add(f); }
    removeEventListener(t, f) { this.listeners.get(t)?.delete(f); }
    listenerCount() { let n = 0; for (const s of this.listeners.values()) n += s.size; return n; }
    close() { this.closed = true; }
    emit(type, data) { for (const f of [...(this.listeners.get(type) ?? [])]) f({ type, data }); }
  }
  FakeEventSource.instances = [];
  return FakeEventSource;
})()`

// livePage is a page that follows its lesson at version v; reloads counts
// location.reload() calls.
func livePage(t *testing.T, live bool) (nb *notebook, es func() js.Value, reloads *int) {
	t.Helper()
	doc := page(t, "GET /hello")
	html := doc.Get("documentElement")
	dom.SetAttr(html, "data-version", "v1")
	if live {
		dom.SetAttr(html, "data-live", "/events/lesson?lesson=")
	}
	class := js.Global().Call("eval", fakeEventSource)
	js.Global().Set("EventSource", class)
	t.Cleanup(func() { js.Global().Delete("EventSource") })
	n := 0
	reload := js.FuncOf(func(js.Value, []js.Value) any { n++; return nil })
	t.Cleanup(reload.Release)
	js.Global().Get("location").Set("reload", reload)

	nb = start(t, &fake{})
	nb.follow()
	return nb, func() js.Value { return class.Get("instances").Index(0) }, &n
}

func TestFollowSubscribesWithItsVersion(t *testing.T) {
	_, es, _ := livePage(t, true)
	if got := es().Get("url").String(); got != "/events/lesson?lesson=&v=v1" {
		t.Fatalf("subscribed to %q", got)
	}
}

func TestANewVersionReloads(t *testing.T) {
	_, es, reloads := livePage(t, true)
	es().Call("emit", "reloaded", "v2")
	if *reloads != 1 {
		t.Fatalf("%d reloads, want 1", *reloads)
	}
}

func TestABrokenLessonShowsABannerUntilFixed(t *testing.T) {
	nb, es, reloads := livePage(t, true)
	es().Call("emit", "failed", "lesson.md:9: header line has no colon")
	banner := q(t, nb.doc, "[data-lesson-error]")
	if got := text(banner); got != "lesson.md:9: header line has no colon" {
		t.Fatalf("banner says %q", got)
	}
	if dom.Attr(banner, "role") != "alert" {
		t.Fatal("the banner is not role=alert")
	}
	if first := nb.doc.Get("body").Get("childNodes").Index(0); !first.Equal(banner) {
		t.Fatal("the banner is not at the top of the page")
	}
	es().Call("emit", "failed", "lesson.md:12: another reason")
	if n := len(dom.QueryAll(nb.doc, "[data-lesson-error]")); n != 1 || text(banner) != "lesson.md:12: another reason" {
		t.Fatalf("%d banners, saying %q; want one with the new reason", n, text(banner))
	}
	// Fixed back to the version the page shows: the banner goes, no reload.
	es().Call("emit", "reloaded", "v1")
	if _, ok := dom.Query(nb.doc, "[data-lesson-error]"); ok || *reloads != 0 {
		t.Fatalf("after the fix: banner still there %v, %d reloads", ok, *reloads)
	}
}

func TestNoStreamWithoutDataLive(t *testing.T) {
	livePage(t, false)
	if n := js.Global().Get("EventSource").Get("instances").Length(); n != 0 {
		t.Fatalf("%d EventSources opened for a page the server does not watch", n)
	}
}

func TestCloseEndsTheStream(t *testing.T) {
	nb, es, _ := livePage(t, true)
	nb.close()
	if !es().Get("closed").Bool() || es().Call("listenerCount").Int() != 0 {
		t.Fatal("close left the stream open or its listeners in place")
	}
}
