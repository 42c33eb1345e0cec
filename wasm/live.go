//go:build js && wasm

package main

import (
	"syscall/js"

	"wirebook/wasm/dom"
)

// follow subscribes the page to its lesson's live-reload stream, when the
// server watches the lesson (html[data-live]; see server/livereload). On
// "reloaded" with another version the page reloads; on "failed" it shows
// the reason (file:line: reason) in a banner at the top until the lesson
// parses again. The browser's EventSource reconnects by itself, and sends
// the version again each time, so a page that missed an edit while the
// server restarted still catches up.
func (nb *notebook) follow() {
	root := nb.doc.Get("documentElement")
	url := dom.Attr(root, "data-live")
	if url == "" {
		return
	}
	version := dom.Attr(root, "data-version")
	es := js.Global().Get("EventSource").New(url + "&v=" + version)
	var banner js.Value
	nb.on(es, "reloaded", func(ev js.Value) {
		if ev.Get("data").String() != version {
			js.Global().Get("location").Call("reload")
			return
		}
		// Fixed back to the version shown: nothing to reload.
		if banner.Truthy() {
			banner.Call("remove")
			banner = js.Value{}
		}
	})
	// Not "error": EventSource fires its own error event when the
	// connection drops.
	nb.on(es, "failed", func(ev js.Value) {
		msg := ev.Get("data").String()
		if !banner.Truthy() {
			banner = dom.El("div", []string{"class", "lesson-error", "data-lesson-error", "", "role", "alert"})
			nb.doc.Get("body").Call("prepend", banner)
		}
		dom.SetText(banner, msg)
	})
	nb.removers = append(nb.removers, func() { es.Call("close") })
}
