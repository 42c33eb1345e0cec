//go:build js && wasm

package main

import (
	"strconv"
	"strings"
	"syscall/js"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
	"wirebook/wasm/saved"
)

// restore puts the student's saved work back on the page: each cell's
// edit and last run, played back through the renderer that drew it. It
// runs before the buttons are enabled, so the page is never seen without
// it. A cell whose lesson text changed keeps the student's work and says
// so; a request for a cell the lesson no longer has is kept and listed.
func (nb *notebook) restore() {
	defer measure("wirebook-restore", dom.Now())
	nb.store, nb.saving = openStore(js.Global().Get("location").Get("pathname").String())
	if !nb.saving {
		nb.notice("This browser gives the page no storage: your work is not saved when you leave. Download it (HTML, .ipynb, .hurl) to keep it.")
		return
	}
	cells, orphans, problems := nb.store.load()
	lesson := make([]string, len(nb.cells))
	for i, c := range nb.cells {
		lesson[i] = c.lesson()
	}
	placed, changed, lost := saved.Place(cells, lesson)
	moved := len(lost) > 0
	for i, s := range placed {
		if s == nil {
			continue
		}
		moved = moved || i >= len(cells) || cells[i] != s
		nb.cells[i].restore(s, changed[i])
	}
	for _, s := range lost {
		orphans = append(orphans, s.Text)
	}
	if moved {
		// The records are named by index: write them again where the
		// cells are now, and keep the requests of lost cells by themselves.
		for _, k := range nb.store.keys() {
			if k != nb.store.prefix {
				nb.store.remove(k)
			}
		}
		for _, c := range nb.cells {
			c.save(true)
		}
		for i, text := range orphans {
			_ = nb.store.put(nb.store.prefix+"~"+strconv.Itoa(i), saved.EditJSON("", text))
		}
	}
	if len(problems) > 0 {
		msg := "Some saved work could not be read and was discarded: "
		for i, p := range problems {
			if i > 0 {
				msg += "; "
			}
			msg += p
		}
		nb.notice(msg + ".")
	}
	if len(orphans) > 0 {
		nb.noticeOrphans(orphans)
	}
	if f, ok := dom.Query(nb.doc, "[data-export-form]"); ok {
		// The state goes with the form as it is submitted: the export is of
		// the work as it is at that moment, runs in flight aside.
		nb.on(f, "submit", func(js.Value) {
			if in, ok := dom.Query(f, `input[name="state"]`); ok {
				in.Set("value", nb.exportJSON())
			}
		})
	}
}

// exportJSON is the lesson's work as the page's export takes it.
func (nb *notebook) exportJSON() string {
	cells := make([]*saved.Cell, len(nb.cells))
	for i, c := range nb.cells {
		c.smu.Lock()
		cells[i] = &saved.Cell{Lesson: c.base, Text: c.text(), Run: c.rec}
		c.smu.Unlock()
	}
	return saved.ExportJSON(cells)
}

// notice shows msg in a banner at the top of the lesson until dismissed.
func (nb *notebook) notice(msg string, more ...js.Value) js.Value {
	main, ok := dom.Query(nb.doc, "main")
	if !ok {
		main = nb.doc.Get("body")
	}
	box := dom.El("div", []string{"class", "saved-notice", "data-saved-notice", "", "role", "status"},
		append([]js.Value{dom.El("p", nil, dom.Text(msg))}, more...)...)
	dismiss := dom.El("button", []string{"type", "button", "class", "dismiss"}, dom.Text("Dismiss"))
	box.Call("appendChild", dismiss)
	var off func()
	off = dom.On(dismiss, "click", func(js.Value) { box.Call("remove"); off() })
	main.Call("prepend", box)
	return box
}

// noticeOrphans lists the requests saved for cells the lesson lost.
func (nb *notebook) noticeOrphans(texts []string) {
	list := dom.El("ol", nil)
	for _, t := range texts {
		list.Call("appendChild", dom.El("li", nil, dom.El("pre", nil, dom.Text(t))))
	}
	forget := dom.El("button", []string{"type", "button", "data-forget-lost", ""}, dom.Text("Forget "+pick(len(texts) == 1, "it", "them")))
	box := nb.notice(plural(len(texts), "request")+" you saved "+pick(len(texts) == 1, "is", "are")+
		" for cells this lesson no longer has. "+pick(len(texts) == 1, "It is", "They are")+" kept here until you forget "+
		pick(len(texts) == 1, "it", "them")+"; copy what you need.",
		dom.El("details", nil, dom.El("summary", nil, dom.Text("Your requests")), list), forget)
	nb.on(forget, "click", func(js.Value) {
		for _, k := range nb.store.keys() {
			if strings.HasPrefix(k, nb.store.prefix+"~") {
				nb.store.remove(k)
			}
		}
		box.Call("remove")
	})
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

// lesson is the lesson's own text of the cell, as the page was rendered.
func (c *cell) lesson() string { return c.request.Get("defaultValue").String() }

func (c *cell) text() string { return c.request.Get("value").String() }

// restore shows one cell's saved work; changed says the lesson's text of
// the cell is no longer the one the work started from.
func (c *cell) restore(s *saved.Cell, changed bool) {
	c.base = s.Lesson
	if s.Edited {
		c.request.Set("value", s.Text)
		c.fit()
	}
	if s.Run != nil && len(s.Run.Outputs) > 0 {
		c.replay(s.Run)
	}
	dom.SetAttr(c.el, "data-restored", "true")
	if changed {
		c.markChanged(s.Edited)
	} else {
		c.base = c.lesson()
	}
}

// replay draws a saved run as it was drawn when it ran.
func (c *cell) replay(rec *saved.Run) {
	r := &run{stop: make(chan struct{}), done: make(chan struct{})}
	outs := rec.Outputs
	req, _ := wireproto.ParseRequest(c.text())
	switch {
	case len(outs) == 2:
		c.sendBoth(r, [2]Transport{replay{outs[0]}, replay{outs[1]}})
	case outs[0].Via == "socket":
		c.replaySocket(outs[0])
	case !outs[0].HasHead && outs[0].Via == "":
		c.fail(c.outputs, js.Undefined(), outs[0].Error)
	default:
		c.sendVia(r, replay{outs[0]}, outs[0].Via, req, "", c.outputs)
	}
	c.smu.Lock()
	c.rec = rec
	c.smu.Unlock()
	c.nb.seen(rec.N)
	dom.SetText(c.count, "In ["+itoa(rec.N)+"]:")
	dom.SetAttr(c.count, "data-count", itoa(rec.N))
	dom.SetAttr(c.el, "data-state", rec.State)
}

// markChanged says, in the cell, that the lesson rewrote it since the
// student's work was saved, shows the lesson's text now, and offers to
// take it. Nothing of the student's is replaced until they choose.
func (c *cell) markChanged(edited bool) {
	dom.SetAttr(c.el, "data-lesson-changed", "true")
	msg := "The lesson's version of this cell changed since your work was saved. Your request is kept; the lesson's is below."
	if !edited {
		msg = "The lesson's version of this cell changed since your work was saved: the request is the lesson's new one, the output is from the earlier one."
	}
	take := dom.El("button", []string{"type", "button", "data-take-lesson", ""}, dom.Text("Use the lesson's version"))
	note := dom.El("div", []string{"class", "lesson-changed", "data-lesson-change", "", "role", "note"},
		dom.El("p", nil, dom.Text(msg)),
		dom.El("details", nil, dom.El("summary", nil, dom.Text("The lesson's version")),
			dom.El("pre", nil, dom.Text(c.lesson()))))
	if edited {
		note.Call("appendChild", take)
		c.nb.on(take, "click", func(js.Value) {
			c.request.Set("value", c.lesson())
			c.fit()
			c.settle()
		})
	}
	c.changedNote = note
	c.el.Call("insertBefore", note, c.outputs)
}

// settle ends a cell's "lesson changed" state: the student took the
// lesson's version, reset the cell, or ran the lesson's new text.
func (c *cell) settle() {
	c.smu.Lock()
	c.base = c.lesson()
	c.smu.Unlock()
	if c.changedNote.Truthy() {
		c.changedNote.Call("remove")
		c.changedNote = js.Undefined()
	}
	dom.RemoveAttr(c.el, "data-lesson-changed")
	c.save(true)
}

// save writes the cell's work: its edit always, its run with run. Saving
// never fails the page: a run too big for the lesson's share is saved
// without its bodies, and a storage that refuses even that is said once.
func (c *cell) save(withRun bool) {
	nb := c.nb
	if !nb.saving {
		return
	}
	start := dom.Now()
	c.smu.Lock()
	base, rec := c.base, c.rec
	c.smu.Unlock()
	s := nb.store
	text := c.text()
	if text != c.lesson() {
		if s.put(s.cellKey(c.index, "edit"), saved.EditJSON(base, text)) != nil {
			nb.full()
		}
	} else {
		s.remove(s.cellKey(c.index, "edit"))
	}
	if withRun {
		key := s.cellKey(c.index, "run")
		switch {
		case rec == nil:
			s.remove(key)
		case s.put(key, saved.RunJSON(base, rec)) == nil:
		case s.put(key, saved.RunJSON(base, withoutBodies(rec))) == nil:
			c.say("Saved without its body: this lesson's saved work is at its limit.")
		default:
			s.remove(key)
			nb.full()
		}
		nb.saveSummary()
	}
	measure("wirebook-save", start)
}

func withoutBodies(r *saved.Run) *saved.Run {
	c := *r
	c.Outputs = nil
	for _, o := range r.Outputs {
		c.Outputs = append(c.Outputs, o.WithoutBodies())
	}
	return &c
}

// saveSummary writes the lesson's progress for the course index.
func (nb *notebook) saveSummary() {
	ran := 0
	for _, c := range nb.cells {
		c.smu.Lock()
		if c.rec != nil {
			ran++
		}
		c.smu.Unlock()
	}
	nb.mu.Lock()
	sum := 0
	for _, n := range nb.passed {
		sum += n
	}
	nb.mu.Unlock()
	if ran == 0 && sum == 0 {
		nb.store.remove(nb.store.prefix)
		return
	}
	_ = nb.store.put(nb.store.prefix, saved.SummaryJSON(saved.Summary{Passed: sum, Total: nb.total, Ran: ran}))
}

// full says once that the work is no longer being saved.
func (nb *notebook) full() {
	nb.mu.Lock()
	said := nb.saidFull
	nb.saidFull = true
	nb.mu.Unlock()
	if !said {
		nb.notice("The browser's storage for this page is full: your latest work is not saved. Download it (HTML, .ipynb, .hurl) to keep it, or clear outputs you no longer need.")
	}
}

// measure records a performance entry from start to now, so that a
// benchmark (and the browser's own profiler) sees what a save costs the
// main thread.
func measure(name string, start float64) {
	perf := js.Global().Get("performance")
	if !perf.Truthy() || !perf.Get("measure").Truthy() {
		return
	}
	_ = dom.Catch(func() {
		opts := dom.Object()
		opts.Set("start", start)
		opts.Set("end", dom.Now())
		perf.Call("measure", name, opts)
	})
}

// replay is a Transport that plays a saved output back.
type replay struct{ o *saved.Output }

// replayed is a saved run's error, shown again as it was.
type replayed string

func (e replayed) Error() string { return string(e) }

func isReplayed(err error) bool {
	_, ok := err.(replayed)
	return ok
}

func (p replay) Send(stop <-chan struct{}, req wireproto.Request, url string, recv Receiver) error {
	o := p.o
	wr, _ := recv.(wireReceiver)
	if wr != nil && o.Sent != nil {
		wr.Sent(o.Sent, o.Added, o.SentCut)
	}
	if o.HasHead {
		recv.Head(o.Head)
		for _, l := range o.SizeLines {
			if wr != nil {
				wr.SizeLine(l.Line, l.Data, l.At)
			}
		}
		body := o.Body
		for _, pc := range o.Pieces() {
			recv.Chunk(body[:pc.Len], pc.At)
			body = body[pc.Len:]
		}
		if v, ok := recv.(*view); ok && o.Size > len(o.Body) {
			v.out.Unsaved(o.Size - len(o.Body))
		}
	}
	if cr, ok := recv.(checkedReceiver); ok && o.Checks != nil && cr.Expect() != "" {
		cr.Checks(o.Checks)
	}
	if o.Timings != nil {
		recv.End(*o.Timings)
	}
	if o.Error != "" {
		return replayed(o.Error)
	}
	return nil
}

// replaySocket draws a saved WebSocket cell's connection from its events.
func (c *cell) replaySocket(o *saved.Output) {
	v := &socketView{c: c, into: c.outputs, s: render.NewSocket(), dropped: o.Dropped, tape: o}
	if !o.HasHead {
		c.fail(c.outputs, js.Undefined(), o.Error)
		return
	}
	ws := dom.Object()
	ws.Set("protocol", o.Protocol)
	ws.Set("extensions", o.Extensions)
	event := func(typ string) js.Value {
		ev := dom.Object()
		ev.Set("type", typ)
		return ev
	}
	v.handle(ws, socketEvent{ev: event("open")})
	for _, m := range o.Messages {
		ev := event("message")
		if m.Binary {
			ev.Set("data", dom.Uint8Array(m.Data).Get("buffer"))
		} else {
			ev.Set("data", string(m.Data))
		}
		v.handle(ws, socketEvent{ev: ev, at: m.At})
	}
	if cl := o.Close; cl != nil {
		ev := event("close")
		ev.Set("code", cl.Code)
		ev.Set("reason", cl.Reason)
		v.handle(ws, socketEvent{ev: ev, at: cl.At})
	}
	if o.Error != "" {
		c.fail(c.outputs, v.out, o.Error)
	}
}

// fillProgress is the course index: each lesson's progress slot says what
// the student's saved work in it has passed.
func fillProgress(doc js.Value) {
	for _, entry := range dom.QueryAll(doc, "[data-lesson]") {
		link, ok1 := dom.Query(entry, "[data-lesson-link]")
		slot, ok2 := dom.Query(entry, "[data-lesson-progress]")
		if !ok1 || !ok2 {
			continue
		}
		var path string
		if err := dom.Catch(func() { path = js.Global().Get("URL").New(link.Get("href")).Get("pathname").String() }); err != nil {
			continue
		}
		s, ok := openStore(path)
		if !ok {
			return
		}
		value, ok := s.get(s.prefix)
		if !ok {
			continue
		}
		sum, err := saved.ParseSummary(value)
		if err != nil {
			continue
		}
		text := plural(sum.Ran, "cell") + " run"
		if sum.Total > 0 {
			text = render.Progress(sum.Passed, sum.Total)
		}
		dom.SetText(slot, text)
		dom.SetAttr(slot, "data-passed", itoa(sum.Passed))
		dom.SetAttr(slot, "data-ran", itoa(sum.Ran))
	}
}
