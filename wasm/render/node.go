// Package render decides what a cell's output looks like: the status line,
// the header table, the body view for each kind of content, timing and size.
// It is plain Go with no syscall/js so every decision is tested on the host;
// the client turns the Nodes it returns into DOM.
package render

// Node is one element or text of an output, before it becomes DOM.
type Node struct {
	Tag   string // "" for a text node
	Text  string // the text of a text node
	Attrs []Attr
	// Style is CSS properties the client sets through the CSSOM
	// (style.setProperty), which a Content-Security-Policy without
	// 'unsafe-inline' still allows, unlike a style attribute.
	Style []Attr
	Kids  []*Node
}

// Attr is one attribute; an empty Value is written as a bare attribute.
type Attr struct{ Name, Value string }

// El is an element with attributes given as name, value pairs.
//
// El and Text are kept out of line (go:noinline): the outputs call them
// hundreds of times, and inlined at each call they cost the client's
// download about 10 KiB (brotli).
//
//go:noinline
func El(tag string, attrs []string, kids ...*Node) *Node {
	n := &Node{Tag: tag, Kids: kids}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attrs = append(n.Attrs, Attr{attrs[i], attrs[i+1]})
	}
	return n
}

// Text is a text node. The client sets it as text, never as HTML, so a
// response body can never become markup on the page.
//
//go:noinline
func Text(s string) *Node { return &Node{Text: s} }

// A lists attributes as name, value pairs, to keep El calls short.
func A(pairs ...string) []string { return pairs }

// Attr returns the value of the named attribute and whether it is set.
func (n *Node) Attr(name string) (string, bool) {
	for _, a := range n.Attrs {
		if a.Name == name {
			return a.Value, true
		}
	}
	return "", false
}

// Find returns the first node, n itself included, that has the attribute
// name, in document order.
func (n *Node) Find(name string) *Node {
	if _, ok := n.Attr(name); ok {
		return n
	}
	for _, k := range n.Kids {
		if f := k.Find(name); f != nil {
			return f
		}
	}
	return nil
}

// TextContent is the text of n and everything under it, as the DOM's
// textContent would read it.
func (n *Node) TextContent() string {
	if n.Tag == "" {
		return n.Text
	}
	var b []byte
	var walk func(*Node)
	walk = func(n *Node) {
		if n.Tag == "" {
			b = append(b, n.Text...)
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(n)
	return string(b)
}
