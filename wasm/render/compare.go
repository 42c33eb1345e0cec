package render

import "wirebook/server/wireproto"

// Side is what one transport showed for a cell sent both ways.
type Side struct {
	Head Head   // valid when Got
	Got  bool   // a response head arrived
	Size int    // body bytes received
	Err  string // why the run failed, "" if it did not
}

// Diff says in a few plain sentences how the browser's view of a response
// differs from the wire's: the status (fetch follows redirects), the
// headers the browser hides from the page or spells differently, and the
// body's size. It compares what came back, nothing more: the two requests
// were sent separately, so a server that answers each one differently
// differs here too. When a side got no answer, its error in its own output
// says why, and there is nothing to compare. pageOrigin is the lesson
// page's ("http://127.0.0.1:2500"): where the page's fetch may go.
func Diff(wire, browser Side, pageOrigin string) []string {
	w, b := wire.Head, browser.Head
	if loc := w.Header("Location"); wire.Got && !browser.Got && w.Status/100 == 3 && loc != "" && SameOrigin(w.URL, pageOrigin) {
		line := "Status: " + StatusLine(w.Status, w.StatusText) + " on the wire. fetch follows a redirect by itself, " +
			"so the browser went on to " + loc
		if SameOrigin(loc, pageOrigin) {
			return []string{line + " and got no answer there."}
		}
		return []string{line + ", and stopped there: " + csp + "."}
	}
	if !wire.Got || !browser.Got {
		return []string{"Only one side got an answer, or neither did: each side above says why."}
	}
	var out []string
	if w.Status != b.Status || b.Redirected {
		line := "Status: " + StatusLine(w.Status, w.StatusText) + " on the wire, " + StatusLine(b.Status, b.StatusText) + " in the browser"
		if b.Redirected {
			line += ", which followed the redirect to " + b.URL + " (so the headers below are another response's)"
		}
		out = append(out, line+".")
	}
	hidden, recased := "", ""
	for i, h := range w.Headers {
		j := first(b.Headers, h.Name)
		switch {
		case first(w.Headers[:i], h.Name) >= 0: // a repeat of a name already seen
		case j < 0:
			hidden += ", " + h.Name
		case recased == "" && b.Headers[j].Name != h.Name:
			recased = h.Name + " became " + b.Headers[j].Name
		}
	}
	extra := ""
	for i, h := range b.Headers {
		if first(w.Headers, h.Name) < 0 && first(b.Headers[:i], h.Name) < 0 {
			extra += ", " + h.Name
		}
	}
	if hidden != "" {
		line := "Only in the wire's answer: " + hidden[2:] + "."
		if first(w.Headers, "Set-Cookie") >= 0 && first(b.Headers, "Set-Cookie") < 0 {
			line += " A page may never read Set-Cookie: the browser keeps it to itself."
		}
		if first(w.Headers, "Connection") >= 0 && first(b.Headers, "Connection") < 0 {
			line += " Connection is about the connection, not the answer: the relay asks for a new one per request, " +
				"so the server says it will close it."
		}
		out = append(out, line)
	}
	if extra != "" {
		out = append(out, "Only in the browser: "+extra[2:]+".")
	}
	if recased != "" {
		out = append(out, "The browser lower-cases header names ("+recased+"); the wire shows them as the server sent them.")
	}
	if wire.Size != browser.Size && wire.Err == "" && browser.Err == "" {
		out = append(out, "Body: "+itoa(wire.Size)+" bytes on the wire, "+itoa(browser.Size)+" in the browser.")
	}
	if len(out) == 0 {
		out = append(out, "No difference in status, header names or body size.")
	}
	return out
}

// first is the index of the first header called name (in any case), or -1.
//
//go:noinline
func first(hs []wireproto.Header, name string) int {
	for i, h := range hs {
		if wireproto.EqualFold(h.Name, name) {
			return i
		}
	}
	return -1
}

// CompareNode is the frame of a compare: a side for each transport, where
// its output goes, and a box for DiffNode once both have ended.
func CompareNode() *Node {
	return Markup(`<div class=compare data-compare-view><div class=compare-sides>` +
		`<div class=compare-side data-side=wire><p class=out-empty>sending over the wire…</p></div>` +
		`<div class=compare-side data-side=browser><p class=out-empty>sending with the browser's fetch…</p></div>` +
		`</div><div class=compare-diff data-diff-box></div></div>`)
}

// DiffNode is the list Diff made:
//
//	<div class="out-diff"><p>What differs</p><ul data-diff><li>…</li></ul></div>
func DiffNode(lines []string) *Node {
	n := Markup(`<div class=out-diff><p class=out-diff-title>What differs</p><ul data-diff></ul></div>`)
	ul := n.Kids[1]
	for _, l := range lines {
		ul.Kids = append(ul.Kids, Markup(`<li>$0</li>`, l))
	}
	return n
}
