//go:build js && wasm

// Command wasm is wirebook's client, compiled to WebAssembly: it makes the
// lesson page's request cells run. boot.js starts it; it finds the cells,
// wires their buttons and keys, and sets html[data-ready="true"].
//
// It is built with GOOS=js GOARCH=wasm and must stay small (DESIGN.md's
// budget is 600 KiB brotli): no fmt, net/http, encoding/json or regexp;
// the browser's fetch and DOM are called through syscall/js.
package main

import (
	"syscall/js"

	"wirebook/wasm/dom"
)

func main() {
	if _, ok := dom.Query(dom.Doc(), "[data-course]"); ok {
		// The course index: its progress slots from the saved work, and no
		// cells. A lesson open in another tab saves as the student works;
		// the storage event brings that here too.
		fillProgress(dom.Doc())
		dom.On(js.Global(), "storage", func(js.Value) { fillProgress(dom.Doc()) })
		dom.SetAttr(dom.Doc().Get("documentElement"), "data-ready", "true")
		select {}
	}
	// The cell's data-transport (the switch, or the lesson's transport=)
	// picks one; the output's data-via says which one sent it.
	transports := map[string]Transport{
		"browser": fetchTransport{},
		"wire":    &wireTransport{},
	}
	nb := newNotebook(dom.Doc(), transports)
	nb.restore()
	nb.ready()
	nb.runPending()
	nb.follow()
	// The client lives as long as the page; its listeners (owned by nb)
	// go with it.
	select {}
}
