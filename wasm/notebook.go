//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"sync"
	"syscall/js"

	"wirebook/server/wireproto"
	"wirebook/wasm/codegen"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
	"wirebook/wasm/saved"
	"wirebook/wasm/target"
)

// notebook is the page's cells and what they share: the execution counter
// (Jupyter's In [n]) and the transports. It owns every listener it adds.
type notebook struct {
	doc        js.Value
	cells      []*cell
	transports map[string]Transport
	runAll     js.Value
	stopAll    js.Value // [data-stop-all], shown while Run all runs
	resetAll   js.Value // [data-reset-lesson]
	resetLabel string   // its label when it is not asking
	confirm    render.TwoClick
	live       js.Value // [data-announce], the page's one polite live region
	progress   js.Value // [data-progress], "N of M checks pass"; absent without checks
	total      int      // its M

	mu       sync.Mutex
	count    int
	running  bool         // Run all is going through the cells
	stopping bool         // Stop all was pressed: Run all runs no further cell
	queued   *cell        // the cell Run all is running
	target   string       // the student host the "send to" switch names; "" is wirebook
	ports    target.Ports // the course's servers' ports on that host
	passed   []int        // checks passed by each cell's latest run
	removers []func()

	store    *store // the lesson's saved work (see restore)
	saving   bool   // the browser gave the page storage
	saidFull bool   // the student was told their work no longer fits
}

// newNotebook finds the cells under doc and wires their controls. Nothing
// runs until the student clicks.
func newNotebook(doc js.Value, transports map[string]Transport) *notebook {
	nb := &notebook{doc: doc, transports: transports}
	for i, el := range dom.QueryAll(doc, "[data-cell]") {
		nb.cells = append(nb.cells, newCell(nb, i, el))
	}
	nb.live, _ = dom.Query(doc, "[data-announce]")
	nb.passed = make([]int, len(nb.cells))
	if p, ok := dom.Query(doc, "[data-progress]"); ok {
		nb.progress = p
		nb.total, _ = strconv.Atoi(dom.Attr(p, "data-total"))
	}
	if sw, ok := dom.Query(doc, "[data-target-choice]"); ok {
		nb.ports = target.ParsePorts(dom.Attr(sw, "data-ports"))
		nb.on(sw, "change", func(ev js.Value) {
			host := ev.Get("target").Get("value").String()
			nb.mu.Lock()
			nb.target = host
			nb.mu.Unlock()
		})
	}
	if b, ok := dom.Query(doc, "[data-run-all]"); ok {
		nb.runAll = b
		nb.on(b, "click", func(js.Value) { go nb.runAllCells() })
	}
	if b, ok := dom.Query(doc, "[data-stop-all]"); ok {
		nb.stopAll = b
		nb.on(b, "click", func(js.Value) { go nb.stopRunAll() })
	}
	if b, ok := dom.Query(doc, "[data-clear-all]"); ok {
		nb.on(b, "click", func(js.Value) { go nb.clearAll(false) })
	}
	if b, ok := dom.Query(doc, "[data-reset-lesson]"); ok {
		nb.resetAll, nb.resetLabel = b, b.Get("textContent").String()
		nb.on(b, "click", func(js.Value) { nb.askReset() })
	}
	return nb
}

// ready enables the controls and tells the page (and its tests) the client runs.
func (nb *notebook) ready() {
	for _, b := range dom.QueryAll(nb.doc, "[data-run], [data-copy], [data-run-all], [data-compare], [data-clear], [data-reset], [data-clear-all], [data-reset-lesson]") {
		dom.RemoveAttr(b, "disabled")
	}
	dom.SetAttr(nb.doc.Get("documentElement"), "data-ready", "true")
	// The ready budget (DESIGN.md) is measured from navigation start to this mark.
	if perf := js.Global().Get("performance"); perf.Truthy() && perf.Get("mark").Truthy() {
		perf.Call("mark", "wirebook-ready")
	}
}

// runPending runs what the student asked for before the client was ready:
// boot.js remembered each Run (a cell's id) and Run all, in order, in
// window.wirebookPending, and marked the cells "starting".
func (nb *notebook) runPending() {
	p := js.Global().Get("wirebookPending")
	if !p.Truthy() {
		return
	}
	js.Global().Delete("wirebookPending")
	for i := range p.Length() {
		e := p.Index(i)
		if e.Get("all").Truthy() {
			go nb.runAllCells()
			continue
		}
		id := e.Get("cell").String()
		for _, c := range nb.cells {
			if dom.Attr(c.el, "id") == id {
				go c.run()
			}
		}
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

// announce has the live region read msg. The same words twice in a row
// would not be read again, so a repeat differs by a no-break space.
func (nb *notebook) announce(msg string) {
	if !nb.live.Truthy() {
		return
	}
	if nb.live.Get("textContent").String() == msg {
		msg += "\u00a0"
	}
	dom.SetText(nb.live, msg)
}

// tally records how many checks a cell's latest run passed and shows the
// lesson's count: a run replaces its cell's part, so running a cell twice
// counts it once.
func (nb *notebook) tally(index, passed int) {
	nb.mu.Lock()
	nb.passed[index] = passed
	sum := 0
	for _, n := range nb.passed {
		sum += n
	}
	nb.mu.Unlock()
	if nb.progress.Truthy() {
		dom.SetText(nb.progress, render.Progress(sum, nb.total))
	}
}

// studentHost is the host the "send to" switch names, or "" for wirebook.
func (nb *notebook) studentHost() string {
	nb.mu.Lock()
	host := nb.target
	nb.mu.Unlock()
	return host
}

// seen takes a restored run's count into account: the next run is numbered
// after every run the page shows, as a notebook reopened in Jupyter would
// be were its counter kept.
func (nb *notebook) seen(n int) {
	nb.mu.Lock()
	nb.count = max(nb.count, n)
	nb.mu.Unlock()
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
	nb.running, nb.stopping = true, false
	nb.mu.Unlock()
	dom.SetAttr(nb.runAll, "data-state", "running")
	dom.SetAttr(nb.runAll, "disabled", "")
	showButton(nb.stopAll, true)
	state := "done"
	for _, c := range nb.cells {
		nb.mu.Lock()
		stop := nb.stopping
		if !stop {
			nb.queued = c
		}
		nb.mu.Unlock()
		if stop {
			state = "stopped"
			break
		}
		c.exec(c.send, true)
	}
	nb.mu.Lock()
	if nb.stopping {
		state = "stopped"
	}
	nb.running, nb.queued = false, nil
	nb.mu.Unlock()
	showButton(nb.stopAll, false)
	dom.RemoveAttr(nb.runAll, "disabled")
	dom.SetAttr(nb.runAll, "data-state", state)
}

// stopRunAll stops Run all: no further cell starts, and the one it is
// running is stopped as its own Stop would. A cell stopped before its run
// began still runs to its end; Run all stops after it.
func (nb *notebook) stopRunAll() {
	nb.mu.Lock()
	c := nb.queued
	if nb.running {
		nb.stopping = true
	}
	nb.mu.Unlock()
	if c != nil {
		c.halt("you stopped Run all")
	}
}

// stopped reports whether Stop all was pressed during this Run all.
func (nb *notebook) stopped() bool {
	nb.mu.Lock()
	defer nb.mu.Unlock()
	return nb.stopping
}

// clearAll clears every cell's output (Clear all outputs), and with reset
// puts every cell's lesson text back too (Reset lesson). Run all is stopped
// first, or it would fill the cells again.
func (nb *notebook) clearAll(reset bool) {
	nb.stopRunAll()
	for _, c := range nb.cells {
		c.clearOutput(reset)
	}
}

// askReset is a click on Reset lesson: the first asks, in the button, for a
// second click within a few seconds; the second resets.
func (nb *notebook) askReset() {
	act, gen := nb.confirm.Click()
	if act {
		nb.disarm()
		go nb.clearAll(true)
		return
	}
	dom.SetText(nb.resetAll, render.ReallyReset)
	dom.SetAttr(nb.resetAll, "data-armed", "true")
	dom.After(render.ConfirmMS, func() {
		if nb.confirm.Expire(gen) {
			nb.disarm()
		}
	})
}

func (nb *notebook) disarm() {
	dom.SetText(nb.resetAll, nb.resetLabel)
	dom.RemoveAttr(nb.resetAll, "data-armed")
}

// showButton shows and enables b, or hides and disables it.
func showButton(b js.Value, on bool) {
	if !b.Truthy() {
		return
	}
	if on {
		dom.RemoveAttr(b, "hidden")
		dom.RemoveAttr(b, "disabled")
	} else {
		dom.SetAttr(b, "hidden", "")
		dom.SetAttr(b, "disabled", "")
	}
}

// cell is one request cell. A cell runs one request at a time: running it
// again stops the run in flight first.
type cell struct {
	nb                                           *notebook
	index                                        int
	el, request, count, outputs, status, stopBtn js.Value
	expect                                       js.Value // [data-expectations]; absent when the cell checks nothing

	mu  sync.Mutex
	cur *run // the run in flight (stopped or not) until it has ended, else nil

	bmu   sync.Mutex
	blobs []string // blob: URLs of the output shown, revoked when it goes

	smu         sync.Mutex
	base        string     // the lesson's text the student's work started from (see restore)
	rec         *saved.Run // the last run, as saved; nil when there is none to show
	changedNote js.Value   // [data-lesson-change], while the lesson's text differs from base
}

// run is one run of a cell, or one compare.
type run struct {
	stop   chan struct{} // closed to stop the run
	done   chan struct{} // closed when it has finished
	why    string        // why it was stopped; written before stop is closed
	halted bool          // stop is closed; guarded by the cell's mu
}

// halt stops r unless it was stopped already. Call it with the cell's mu held.
func (r *run) halt(why string) {
	if !r.halted {
		r.halted, r.why = true, why
		close(r.stop)
	}
}

func newCell(nb *notebook, index int, el js.Value) *cell {
	c := &cell{nb: nb, index: index, el: el}
	c.request, _ = dom.Query(el, "[data-request]")
	c.base = c.lesson()
	c.count, _ = dom.Query(el, "[data-count]")
	c.outputs, _ = dom.Query(el, "[data-outputs]")
	c.status, _ = dom.Query(el, "[data-copy-status]")
	c.expect, _ = dom.Query(el, "[data-expectations]")

	if b, ok := dom.Query(el, "[data-run]"); ok {
		nb.on(b, "click", func(js.Value) { go c.run() })
	}
	if b, ok := dom.Query(el, "[data-compare]"); ok {
		nb.on(b, "click", func(js.Value) { go c.compare() })
	}
	if b, ok := dom.Query(el, "[data-stop]"); ok {
		c.stopBtn = b
		// halt may wait for the cell's lock, which a new run holds while the
		// old one winds down: not inside the click.
		nb.on(b, "click", func(js.Value) { go c.halt("you stopped it") })
	}
	if b, ok := dom.Query(el, "[data-clear]"); ok {
		nb.on(b, "click", func(js.Value) { go c.clearOutput(false) })
	}
	if b, ok := dom.Query(el, "[data-reset]"); ok {
		nb.on(b, "click", func(js.Value) { go c.clearOutput(true) })
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
	nb.on(c.request, "input", func(js.Value) {
		c.fit()
		c.save(false)
	})
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
func (c *cell) run() { c.exec(c.send, false) }

// compare sends the cell both ways and shows the answers side by side.
func (c *cell) compare() {
	c.exec(func(r *run) (string, []*saved.Output) {
		return c.sendBoth(r, [2]Transport{c.nb.transports["wire"], c.nb.transports["browser"]})
	}, false)
}

// exec runs work as the cell's one run: it stops the run in flight, numbers
// this one, and sets data-state to what work returns. A run Run all
// queued does not start once Stop all was pressed: the press may come
// between Run all's choice of this cell and this run's start, when there
// is no run yet for it to halt.
func (c *cell) exec(work func(r *run) (string, []*saved.Output), queued bool) {
	c.mu.Lock()
	if old := c.cur; old != nil {
		// Even a run already stopped is waited for: until it has ended it
		// may still write to the output this run is about to replace.
		old.halt("the cell was run again")
		<-old.done
	}
	if queued && c.nb.stopped() {
		c.mu.Unlock()
		return
	}
	r := &run{stop: make(chan struct{}), done: make(chan struct{})}
	c.cur = r
	c.mu.Unlock()
	defer func() {
		// done first: a run that is replacing this one holds c.mu while it waits.
		close(r.done)
		c.mu.Lock()
		if c.cur == r {
			c.cur = nil // finished, so the next run has nothing to stop
			c.showStop(false)
		}
		c.mu.Unlock()
	}()

	n := c.nb.next()
	c.clear()
	c.judge(nil) // until this run's verdicts come, the last run's are gone with its output
	dom.SetAttr(c.el, "data-state", "running")
	// A screen reader waits for the output to settle instead of reading
	// each piece as it is put in.
	dom.SetAttr(c.el, "aria-busy", "true")
	c.showStop(true)
	dom.SetText(c.count, "In [*]:")
	state, outs := work(r)
	dom.SetText(c.count, "In ["+itoa(n)+"]:")
	dom.SetAttr(c.count, "data-count", itoa(n))
	// Saved before data-state says the run is over, so that a cell that
	// shows its end also has it saved.
	c.nb.mu.Lock()
	passed := c.nb.passed[c.index]
	c.nb.mu.Unlock()
	c.smu.Lock()
	c.rec = &saved.Run{N: n, State: state, Passed: passed, Outputs: outs}
	c.smu.Unlock()
	dom.RemoveAttr(c.el, "data-restored")
	if c.changedNote.Truthy() && c.text() == c.lesson() {
		c.settle() // the output is now the lesson's new version's
	} else {
		c.save(true)
	}
	dom.RemoveAttr(c.el, "aria-busy")
	c.nb.announce(render.Announcement(c.index+1, state, c.shown()))
	dom.SetAttr(c.el, "data-state", state)
}

// shown reads back the status line (status, time, size) of each output the
// run left, the line around its [data-status], and the count of its checks
// ("2 of 3 checks pass"), joined by "; ".
func (c *cell) shown() string {
	lines := ""
	for _, s := range dom.QueryAll(c.outputs, "[data-status], [data-checks-sum]") {
		if lines != "" {
			lines += "; "
		}
		if !dom.HasAttr(s, "data-checks-sum") { // the verdict's count is read as it is
			s = s.Get("parentNode")
		}
		lines += s.Get("textContent").String()
	}
	return lines
}

// halt stops the run in flight, if any, without waiting for it to end.
func (c *cell) halt(why string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cur != nil {
		c.cur.halt(why)
	}
}

// showStop shows the stop button while a run is in flight.
func (c *cell) showStop(on bool) { showButton(c.stopBtn, on) }

// clearOutput is Clear output, and with reset Reset cell: it stops the run
// in flight and waits for its end (or it would write into the emptied
// cell), then empties the output, takes the prompt back to In [ ] and the
// cell's checks out of the progress. Reset puts back the request the page
// was rendered with, the textarea's defaultValue.
func (c *cell) clearOutput(reset bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r := c.cur; r != nil {
		r.halt("the output was cleared")
		<-r.done
	}
	if reset {
		c.request.Set("value", c.request.Get("defaultValue"))
		c.fit()
	}
	c.clear()
	c.judge(nil)
	dom.SetText(c.count, "In [ ]:")
	dom.SetAttr(c.count, "data-count", "")
	dom.RemoveAttr(c.el, "data-state")
	dom.RemoveAttr(c.el, "aria-busy")
	dom.RemoveAttr(c.el, "data-restored")
	c.smu.Lock()
	c.rec = nil
	c.smu.Unlock()
	if c.changedNote.Truthy() && (reset || c.text() == c.lesson()) {
		c.settle() // nothing of the earlier version is left in the cell
	} else {
		c.save(true)
	}
}

// parse reads the cell's request and the URL it goes to, or shows why it
// cannot and returns that as the run's one output.
func (c *cell) parse() (wireproto.Request, string, []*saved.Output) {
	req, err := wireproto.ParseRequest(c.text())
	if err == nil {
		var url string
		if url, err = target.URL(req, js.Global().Get("location").Get("href").String()); err == nil {
			return req, url, nil
		}
	}
	return req, "", c.failed(err.Error())
}

// failed shows msg as the whole output of a run that sent nothing, and
// returns it as the run's output to save.
func (c *cell) failed(msg string) []*saved.Output {
	c.fail(c.outputs, js.Undefined(), msg)
	return []*saved.Output{{Error: msg}}
}

// send runs one request through the cell's transport (or opens its
// WebSocket) into a fresh output and returns the cell's final state,
// "done" or "error".
func (c *cell) send(r *run) (string, []*saved.Output) {
	req, url, failed := c.parse()
	if failed != nil {
		return "error", failed
	}
	if render.IsWebSocket(url) {
		state, out := c.openSocket(r, req, url, c.outputs)
		return state, []*saved.Output{out}
	}
	via := dom.Attr(c.el, "data-transport")
	if _, ok := c.nb.transports[via]; !ok {
		via = "browser"
	}
	side, out := c.sendVia(r, c.nb.transports[via], via, req, url, c.outputs)
	if side.Err != "" {
		return "error", []*saved.Output{out}
	}
	return "done", []*saved.Output{out}
}

// sendBoth sends the cell over the wire and through the browser at once
// (trs, in that order), shows the two outputs side by side, then what
// differs between them.
func (c *cell) sendBoth(r *run, trs [2]Transport) (string, []*saved.Output) {
	req, url, failed := c.parse()
	if failed != nil {
		return "error", failed
	}
	if render.IsWebSocket(url) {
		return "error", c.failed("A WebSocket cell has one way to run, the browser's WebSocket: there is nothing to compare. Press Run.")
	}
	vias := [2]string{"wire", "browser"}
	view := build(render.CompareNode())
	dom.Replace(c.outputs, view)
	var boxes [2]js.Value
	for i, via := range vias {
		boxes[i], _ = dom.Query(view, `[data-side="`+via+`"]`)
	}
	diff, _ := dom.Query(view, "[data-diff-box]")

	var sides [2]render.Side
	outs := make([]*saved.Output, 2)
	var wg sync.WaitGroup
	for i, via := range vias {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sides[i], outs[i] = c.sendVia(r, trs[i], via, req, url, boxes[i])
		}()
	}
	wg.Wait()
	dom.Replace(diff, build(render.DiffNode(render.Diff(sides[0], sides[1], js.Global().Get("location").Get("origin").String()))))
	if sides[0].Err != "" || sides[1].Err != "" {
		return "error", outs
	}
	return "done", outs
}

// sendVia sends req through tr, the transport named via, shows the answer
// in into, and returns what it showed and the output as saved. A wire cell
// goes to the student's host when the "send to" switch names one, and
// carries the cell's expectations for the server to check. A replay
// transport plays a saved output back through the same steps.
func (c *cell) sendVia(r *run, tr Transport, via string, req wireproto.Request, url string, into js.Value) (render.Side, *saved.Output) {
	stream := dom.HasAttr(c.el, "data-stream")
	v := &view{c: c, into: into, out: render.NewOutput(stream), tape: saved.Recording(via, stream)}
	v.out.BlobURL = c.blobURL
	v.out.Label = "cell " + itoa(c.index+1) + ": " + req.Method + " " + req.Target
	if via == "wire" {
		v.expect = c.expect.Truthy()
		if host := c.nb.studentHost(); host != "" {
			url = target.Student(url, js.Global().Get("location").Get("origin").String(), host, c.nb.ports)
		}
	}
	start := dom.Now()
	err := tr.Send(r.stop, req, url, v)
	elapsed := since(start)
	if p, ok := tr.(replay); ok {
		// What was saved is the run as it came; the playback keeps it.
		v.tape, elapsed = p.o, p.o.Elapsed
	}
	v.tape.Elapsed = elapsed
	var side render.Side
	if v.el.Truthy() {
		v.end(v.out.End(elapsed))
		side.Got, side.Head, side.Size = true, v.out.Received(), v.out.Size()
	}
	defer c.verdict(v, into)
	if err == nil {
		return side, v.tape
	}
	defer func() { v.tape.Error = side.Err }()
	switch we, isWire := err.(*wireError); {
	case isReplayed(err):
		side.Err = err.Error()
	case err == errStopped:
		side.Err = "stopped: " + r.why
		if a := v.out.Arrivals; a != nil && v.el.Truthy() {
			side.Err += " after " + plural(a.Count(), "chunk")
		}
	case isWire && !v.el.Truthy():
		side.Err = we.Error()
	case !v.el.Truthy():
		side.Err = render.FetchFailed(err, url, js.Global().Get("location").Get("origin").String())
	default:
		side.Err = "the body was cut short: " + err.Error()
	}
	c.fail(into, v.el, side.Err)
	return side, v.tape
}

// verdict shows the checks of a run in its output, after everything else
// it shows, and counts them; a run of a checked cell that no server checked
// (the browser transport's) says so in one line.
func (c *cell) verdict(v *view, into js.Value) {
	if !c.expect.Truthy() {
		return
	}
	at := v.el
	if !at.Truthy() {
		at = into
	}
	switch {
	case v.checks != nil:
		at.Call("appendChild", build(render.ChecksNode(v.checks)))
		c.judge(v.checks)
	case !v.expect && v.el.Truthy() && into.Equal(c.outputs): // in a compare, the wire side shows the checks
		at.Call("appendChild", build(render.WireOnlyNode()))
	}
}

// judge marks an exercise solved when every check of its latest run
// passed, and counts the run's passes in the lesson's progress.
func (c *cell) judge(cs []wireproto.CheckResult) {
	passed, all := render.Verdict(cs)
	if dom.HasAttr(c.el, "data-exercise") {
		if all {
			dom.SetAttr(c.el, "data-solved", "true")
		} else {
			dom.RemoveAttr(c.el, "data-solved")
		}
	}
	c.nb.tally(c.index, passed)
}

// clear removes the last output and frees its images.
func (c *cell) clear() {
	dom.Replace(c.outputs)
	c.bmu.Lock()
	blobs := c.blobs
	c.blobs = nil
	c.bmu.Unlock()
	url := js.Global().Get("URL")
	for _, b := range blobs {
		url.Call("revokeObjectURL", b)
	}
}

func (c *cell) blobURL(contentType string, body []byte) string {
	opts := dom.Object()
	opts.Set("type", contentType)
	blob := js.Global().Get("Blob").New([]any{dom.Uint8Array(body)}, opts)
	u := js.Global().Get("URL").Call("createObjectURL", blob).String()
	c.bmu.Lock()
	c.blobs = append(c.blobs, u)
	c.bmu.Unlock()
	return u
}

// fail shows msg as a [data-error]: at the end of the output out when a
// response had begun, else as the only content of into.
func (c *cell) fail(into, out js.Value, msg string) {
	p := build(render.El("p", render.A("data-error", "", "role", "alert", "class", "out-error"), render.Text(msg)))
	if out.Truthy() {
		out.Call("appendChild", p)
		return
	}
	dom.Replace(into, p)
}

// copy puts the cell's request on the clipboard as a curl command or
// Python requests code. It runs inside the click, where the browser still
// allows the old execCommand copy when the Clipboard API is missing (it is
// only offered to https and localhost pages).
func (c *cell) copy(kind string) {
	req, err := wireproto.ParseRequest(c.request.Get("value").String())
	if err != nil {
		c.say("Cannot copy: " + err.Error())
		return
	}
	base := js.Global().Get("location").Get("href").String()
	body := c.bodyFor(req, base)
	text, what := codegen.Curl(req, base, body), "curl command"
	if kind == "python" {
		text, what = codegen.Python(req, base, body), "Python code"
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

// bodyFor tells the code generator how the cell's answer comes: its stream
// option, the URL, and the kind of the answer shown from its last run.
func (c *cell) bodyFor(req wireproto.Request, base string) codegen.Body {
	url, _ := target.URL(req, base)
	shown := ""
	if out, ok := dom.Query(c.outputs, "[data-output][data-kind]"); ok {
		shown = dom.Attr(out, "data-kind")
	}
	return codegen.BodyFor(dom.HasAttr(c.el, "data-stream"), url, shown)
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
	into     js.Value // where the output goes: [data-outputs], or one side of a compare
	out      *render.Output
	el, body js.Value // [data-output] and its [data-body]; undefined until Head
	pre      js.Value // the live text, when the body is shown live
	arr      *arrivalsView
	expect   bool                    // the run carries the cell's expectations (wire only)
	checks   []wireproto.CheckResult // the server's verdicts; nil until they come
	tape     *saved.Output           // the run written down as it comes, to save
	sent     js.Value                // the Request view, made before the head comes
	chunks   js.Value                // the Raw view's list of chunk-size lines
	lines    int                     // chunk-size lines listed in it
}

// Client is the cell's client= option: whose default headers the wire
// transport adds ("" for none beyond what HTTP/1.1 requires).
func (v *view) Client() string { return dom.Attr(v.c.el, "data-client") }

func (v *view) Sent(data []byte, added string, cut bool) {
	v.tape.Sent, v.tape.Added, v.tape.SentCut = append([]byte(nil), data...), added, cut
	v.sent = build(render.SentNode(data, added, v.Client(), cut))
}

func (v *view) SizeLine(line string, data []byte, at wireproto.Duration) {
	v.tape.AddSizeLine(line, data, at)
	if !v.chunks.Truthy() {
		return
	}
	switch {
	case v.lines < render.MaxSizeLines:
		v.chunks.Call("appendChild", build(render.ChunkSizeNode(line, data, at)))
	case v.lines == render.MaxSizeLines:
		v.chunks.Call("appendChild", build(render.MoreChunksNode()))
	}
	v.lines++
}

// Expect is the cell's expectations, read as the page shows them when the
// run starts; the wire transport sends them with the request.
func (v *view) Expect() string {
	if !v.expect {
		return ""
	}
	return v.c.expect.Get("textContent").String()
}

func (v *view) Checks(cs []wireproto.CheckResult) {
	if cs == nil {
		cs = []wireproto.CheckResult{} // a frame of no checks is still a verdict
	}
	v.checks = cs
	v.tape.Checks = cs
}

// Queued shows that the relay has every slot taken: the head, or an
// error, replaces it.
func (v *view) Queued(ahead int) {
	n := itoa(ahead)
	dom.Replace(v.into, build(render.El("p", render.A("class", "out-queued", "data-queued", n), render.Text("queued ("+n+" ahead)"))))
}

func (v *view) Head(h render.Head) {
	v.tape.SetHead(h)
	v.el = build(v.out.Head(h))
	dom.Replace(v.into, v.el)
	v.body, _ = dom.Query(v.el, "[data-body]")
	if pre, ok := dom.Query(v.body, "pre"); ok {
		v.pre = pre
	}
	// What went over the wire, a click away: just above the body.
	if v.sent.Truthy() {
		v.el.Call("insertBefore", v.sent, v.body)
	}
	if h.Raw != nil {
		raw := build(render.RawNode(h.Raw))
		v.el.Call("insertBefore", raw, v.body)
		v.chunks, _ = dom.Query(raw, "[data-raw-chunks]")
	}
	if v.out.Arrivals != nil {
		v.arr = newArrivalsView(v.el, v.out.Arrivals)
	}
}

func (v *view) Chunk(p []byte, at wireproto.Duration) {
	v.tape.AddChunk(p, at)
	if s := v.out.Chunk(p); s != "" && v.pre.Truthy() {
		dom.AppendText(v.pre, s)
	}
	if v.arr != nil {
		v.arr.apply(v.out.Arrivals.Add(at))
	}
}

func (v *view) End(t render.Timings) {
	v.tape.Timings = &t
	if end, ok := dom.Query(v.el, "[data-end]"); ok {
		kids := []js.Value{build(render.WaterfallNode(t))}
		for _, n := range render.TimingsNode(t) {
			kids = append(kids, build(n))
		}
		dom.Replace(end, kids...)
	}
}

// end fills in what is known once the body is complete.
func (v *view) end(f render.Final) {
	setFinal(v.el, f)
	if f.Kind != "" {
		dom.SetAttr(v.body, "data-kind", f.Kind)
	}
	if f.Tail != "" && v.pre.Truthy() {
		dom.AppendText(v.pre, f.Tail)
	}
	if f.Body != nil {
		dom.Replace(v.body, build(f.Body))
	}
}

// setFinal writes the time, size and kind of a finished output.
func setFinal(out js.Value, f render.Final) {
	if t, ok := dom.Query(out, "[data-time]"); ok {
		dom.SetAttr(t, "data-time", f.TimeAttr)
		dom.SetText(t, f.TimeText)
	}
	if s, ok := dom.Query(out, "[data-size]"); ok {
		dom.SetAttr(s, "data-size", f.SizeAttr)
		dom.SetText(s, f.SizeText)
	}
	if f.Kind != "" {
		dom.SetAttr(out, "data-kind", f.Kind)
	}
}

func itoa(n int) string { return render.Itoa(n) }
