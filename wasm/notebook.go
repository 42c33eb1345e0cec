//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"wirebook/server/exchange"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// notebook is the page's cells and what they share: the execution counter
// (Jupyter's In [n]) and the transports. It owns every listener it adds.
type notebook struct {
	doc        js.Value
	cells      []*cell
	transports map[string]Transport
	runAll     js.Value

	mu       sync.Mutex
	count    int
	running  bool // Run all is going through the cells
	removers []func()
}

// newNotebook finds the cells under doc and wires their controls. Nothing
// runs until the student clicks.
func newNotebook(doc js.Value, transports map[string]Transport) *notebook {
	nb := &notebook{doc: doc, transports: transports}
	for i, el := range dom.QueryAll(doc, "[data-cell]") {
		nb.cells = append(nb.cells, newCell(nb, i, el))
	}
	if b, ok := dom.Query(doc, "[data-run-all]"); ok {
		nb.runAll = b
		nb.on(b, "click", func(js.Value) { go nb.runAllCells() })
	}
	return nb
}

// ready enables the controls and tells the page (and its tests) the client runs.
func (nb *notebook) ready() {
	for _, b := range dom.QueryAll(nb.doc, "[data-run], [data-copy], [data-run-all]") {
		dom.RemoveAttr(b, "disabled")
	}
	dom.SetAttr(nb.doc.Get("documentElement"), "data-ready", "true")
	// The ready budget (DESIGN.md) is measured from navigation start to this mark.
	if perf := js.Global().Get("performance"); perf.Truthy() && perf.Get("mark").Truthy() {
		perf.Call("mark", "wirebook-ready")
	}
}

// on adds a listener that lives as long as the notebook.
func (nb *notebook) on(el js.Value, event string, fn func(js.Value)) {
	nb.removers = append(nb.removers, dom.On(el, event, fn))
}

// close removes every listener and releases its callback.
func (nb *notebook) close() {
	for _, r := range nb.removers {
		r()
	}
	nb.removers = nil
}

// next is the next execution count, as Jupyter numbers runs across the page.
func (nb *notebook) next() int {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	nb.count++
	return nb.count
}

// runAllCells runs every cell in order, each after the one before has
// finished, as Jupyter's Run All does. A failed cell does not stop the
// rest: in a lesson, a 404 or a refused request is the point of a cell.
func (nb *notebook) runAllCells() {
	nb.mu.Lock()
	if nb.running {
		nb.mu.Unlock()
		return
	}
	nb.running = true
	nb.mu.Unlock()
	dom.SetAttr(nb.runAll, "data-state", "running")
	dom.SetAttr(nb.runAll, "disabled", "")
	for _, c := range nb.cells {
		c.run()
	}
	dom.RemoveAttr(nb.runAll, "disabled")
	dom.SetAttr(nb.runAll, "data-state", "done")
	nb.mu.Lock()
	nb.running = false
	nb.mu.Unlock()
}

// cell is one request cell. A cell runs one request at a time: running it
// again stops the run in flight first.
type cell struct {
	nb                                  *notebook
	index                               int
	el, request, count, outputs, status js.Value

	mu    sync.Mutex
	stop  chan struct{} // closed to stop the run in flight
	done  chan struct{} // closed when that run has finished
	blobs []string      // blob: URLs of the output shown, revoked when it goes
}

func newCell(nb *notebook, index int, el js.Value) *cell {
	c := &cell{nb: nb, index: index, el: el}
	c.request, _ = dom.Query(el, "[data-request]")
	c.count, _ = dom.Query(el, "[data-count]")
	c.outputs, _ = dom.Query(el, "[data-outputs]")
	c.status, _ = dom.Query(el, "[data-copy-status]")

	if b, ok := dom.Query(el, "[data-run]"); ok {
		nb.on(b, "click", func(js.Value) { go c.run() })
	}
	nb.on(c.request, "keydown", func(ev js.Value) {
		if ev.Get("key").String() != "Enter" {
			return
		}
		shift := ev.Get("shiftKey").Truthy()
		if !shift && !ev.Get("ctrlKey").Truthy() && !ev.Get("metaKey").Truthy() {
			return
		}
		// Shift+Enter runs and moves on, Ctrl+Enter runs in place: Jupyter's keys.
		ev.Call("preventDefault")
		go c.run()
		if shift && index+1 < len(nb.cells) {
			nb.cells[index+1].request.Call("focus")
		}
	})
	nb.on(c.request, "input", func(js.Value) { c.fit() })
	for _, radio := range dom.QueryAll(el, "[data-transport-choice]") {
		nb.on(radio, "change", func(ev js.Value) {
			dom.SetAttr(c.el, "data-transport", ev.Get("target").Get("value").String())
		})
	}
	for _, b := range dom.QueryAll(el, "[data-copy]") {
		kind := dom.Attr(b, "data-copy")
		nb.on(b, "click", func(js.Value) { c.copy(kind) })
	}
	return c
}

// fit grows or shrinks the request box to its lines as the student types.
func (c *cell) fit() {
	text := c.request.Get("value").String()
	c.request.Set("rows", strings.Count(text, "\n")+1)
}

// run sends the cell's request and shows the answer. It blocks until the
// response ends; call it on its own goroutine from an event.
func (c *cell) run() {
	c.mu.Lock()
	if c.stop != nil {
		close(c.stop)
		<-c.done
	}
	stop, done := make(chan struct{}), make(chan struct{})
	c.stop, c.done = stop, done
	c.mu.Unlock()
	defer func() {
		// done first: a run that is replacing this one holds c.mu while it waits.
		close(done)
		c.mu.Lock()
		if c.stop == stop {
			c.stop = nil // finished, so the next run has nothing to stop
		}
		c.mu.Unlock()
	}()

	n := c.nb.next()
	c.clear()
	dom.SetAttr(c.el, "data-state", "running")
	dom.SetText(c.count, "In [*]:")
	state := c.send(stop)
	dom.SetText(c.count, "In ["+strconv.Itoa(n)+"]:")
	dom.SetAttr(c.count, "data-count", strconv.Itoa(n))
	dom.SetAttr(c.el, "data-state", state)
}

// send runs one request through its transport into a fresh output and
// returns the cell's final state, "done" or "error".
func (c *cell) send(stop <-chan struct{}) string {
	req, err := exchange.ParseRequest(c.request.Get("value").String())
	if err != nil {
		c.fail(nil, err.Error())
		return "error"
	}
	loc := js.Global().Get("location")
	url, err := req.URL(loc.Get("href").String())
	if err != nil {
		c.fail(nil, err.Error())
		return "error"
	}
	t, ok := c.nb.transports[dom.Attr(c.el, "data-transport")]
	if !ok {
		t = c.nb.transports["browser"]
	}

	v := &view{c: c, out: render.NewOutput(dom.HasAttr(c.el, "data-stream"))}
	v.out.BlobURL = c.blobURL
	start := dom.Now()
	err = t.Send(stop, req, url, v)
	if v.el.Truthy() {
		v.end(v.out.End(dom.Now() - start))
	}
	switch {
	case err == nil:
		return "done"
	case err == errStopped:
		c.fail(v, "stopped: the cell was run again")
	case !v.el.Truthy():
		c.fail(v, render.FetchFailed(err, url, loc.Get("origin").String()))
	default:
		c.fail(v, "the body was cut short: "+err.Error())
	}
	return "error"
}

// clear removes the last output and frees its images.
func (c *cell) clear() {
	dom.Replace(c.outputs)
	url := js.Global().Get("URL")
	for _, b := range c.blobs {
		url.Call("revokeObjectURL", b)
	}
	c.blobs = nil
}

func (c *cell) blobURL(contentType string, body []byte) string {
	opts := dom.Object()
	opts.Set("type", contentType)
	blob := js.Global().Get("Blob").New([]any{dom.Uint8Array(body)}, opts)
	u := js.Global().Get("URL").Call("createObjectURL", blob).String()
	c.blobs = append(c.blobs, u)
	return u
}

// fail shows msg as the cell's [data-error]: inside the output when a
// response had begun, in its place when none came.
func (c *cell) fail(v *view, msg string) {
	p := build(render.El("p", render.A("data-error", "", "role", "alert", "class", "out-error"), render.Text(msg)))
	if v != nil && v.el.Truthy() {
		v.el.Call("appendChild", p)
		return
	}
	dom.Replace(c.outputs, p)
}

// copy puts the cell's request on the clipboard as a curl command or
// Python requests code. It runs inside the click, where the browser still
// allows the old execCommand copy when the Clipboard API is missing (it is
// only offered to https and localhost pages).
func (c *cell) copy(kind string) {
	req, err := exchange.ParseRequest(c.request.Get("value").String())
	if err != nil {
		c.say("Cannot copy: " + err.Error())
		return
	}
	base := js.Global().Get("location").Get("href").String()
	text, what := exchange.Curl(req, base), "curl command"
	if kind == "python" {
		text, what = exchange.Python(req, base), "Python code"
	}
	clip := js.Global().Get("navigator").Get("clipboard")
	if !clip.Truthy() {
		c.sayCopied(what, copyBySelection(text))
		return
	}
	go func() {
		_, err := dom.Await(clip.Call("writeText", text))
		c.sayCopied(what, err == nil)
	}()
}

func (c *cell) sayCopied(what string, ok bool) {
	if ok {
		c.say("Copied the " + what + ".")
	} else {
		c.say("The browser refused to copy the " + what + ".")
	}
}

// say shows a short status beside the copy buttons, for a few seconds.
func (c *cell) say(msg string) {
	dom.SetText(c.status, msg)
	dom.After(4000, func() {
		if c.status.Get("textContent").String() == msg {
			dom.SetText(c.status, "")
		}
	})
}

// copyBySelection is the copy of browsers without the Clipboard API:
// select the text in a textarea off screen and ask for a copy.
func copyBySelection(text string) bool {
	doc := dom.Doc()
	active := doc.Get("activeElement")
	ta := dom.El("textarea", []string{"class", "offscreen", "readonly", "", "aria-hidden", "true"})
	ta.Set("value", text)
	doc.Get("body").Call("appendChild", ta)
	ta.Call("select")
	var ok bool
	_ = dom.Catch(func() { ok = doc.Call("execCommand", "copy").Bool() })
	ta.Call("remove")
	if active.Truthy() {
		active.Call("focus")
	}
	return ok
}

// view is a Receiver that puts one response into a cell as it arrives.
type view struct {
	c        *cell
	out      *render.Output
	el, body js.Value // [data-output] and its [data-body]; undefined until Head
	pre      js.Value // the live text, when the body is shown live
}

func (v *view) Head(h render.Head) {
	v.el = build(v.out.Head(h))
	dom.Replace(v.c.outputs, v.el)
	v.body, _ = dom.Query(v.el, "[data-body]")
	if pre, ok := dom.Query(v.body, "pre"); ok {
		v.pre = pre
	}
}

func (v *view) Chunk(p []byte) {
	if s := v.out.Chunk(p); s != "" && v.pre.Truthy() {
		dom.AppendText(v.pre, s)
	}
}

// end fills in what is known once the body is complete.
func (v *view) end(f render.Final) {
	if t, ok := dom.Query(v.el, "[data-time]"); ok {
		dom.SetAttr(t, "data-time", f.TimeAttr)
		dom.SetText(t, f.TimeText)
	}
	if s, ok := dom.Query(v.el, "[data-size]"); ok {
		dom.SetAttr(s, "data-size", f.SizeAttr)
		dom.SetText(s, f.SizeText)
	}
	if f.Kind != "" {
		dom.SetAttr(v.el, "data-kind", f.Kind)
		dom.SetAttr(v.body, "data-kind", f.Kind)
	}
	if f.Tail != "" && v.pre.Truthy() {
		dom.AppendText(v.pre, f.Tail)
	}
	if f.Body != nil {
		dom.Replace(v.body, build(f.Body))
	}
}
