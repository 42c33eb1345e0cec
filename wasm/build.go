//go:build js && wasm

package main

import (
	"syscall/js"

	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// build makes the DOM for a render.Node: elements and text nodes only,
// never HTML parsed from a string, so no response can add markup to the page.
func build(n *render.Node) js.Value {
	if n.Tag == "" {
		return dom.Text(n.Text)
	}
	attrs := make([]string, 0, 2*len(n.Attrs))
	for _, a := range n.Attrs {
		attrs = append(attrs, a.Name, a.Value)
	}
	kids := make([]js.Value, len(n.Kids))
	for i, k := range n.Kids {
		kids[i] = build(k)
	}
	el := dom.El(n.Tag, attrs, kids...)
	for _, st := range n.Style {
		dom.SetStyle(el, st.Name, st.Value)
	}
	return el
}
