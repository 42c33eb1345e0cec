//go:build js && wasm

package main

import (
	"sync"
	"syscall/js"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
	"wirebook/wasm/saved"
)

// socketEvent is one event of a WebSocket cell's connection, queued by a
// listener for the goroutine that runs the cell.
type socketEvent struct {
	ev js.Value           // the browser's event; its fields are read off the queue
	at wireproto.Duration // when it came, since the socket was asked for
}

// socketEvents is the queue the listeners append to without blocking.
type socketEvents struct {
	mu     sync.Mutex
	events []socketEvent
	wake   chan struct{}
}

func (q *socketEvents) push(ev js.Value, at wireproto.Duration) {
	q.mu.Lock()
	q.events = append(q.events, socketEvent{ev, at})
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *socketEvents) take() []socketEvent {
	q.mu.Lock()
	defer q.mu.Unlock()
	es := q.events
	q.events = nil
	return es
}

// openSocket runs a WebSocket cell (render.IsWebSocket): it opens the
// browser's WebSocket to url, lists each message as it arrives, and ends
// with the close code and reason. It returns the cell's final state: done
// once the connection closed with a close frame, error if it never opened,
// broke off (1006) or was stopped.
// The output returned is the connection as saved.
func (c *cell) openSocket(r *run, req wireproto.Request, url string, into js.Value) (string, *saved.Output) {
	if msg := handshakeError(req); msg != "" {
		return "error", c.failed(msg)[0]
	}
	v := &socketView{c: c, into: into, url: render.WebSocketURL(url), s: render.NewSocket(), tape: saved.Recording("socket", false)}
	for _, h := range req.Headers {
		v.dropped = append(v.dropped, h.Name)
	}
	v.tape.Dropped = v.dropped
	q := &socketEvents{wake: make(chan struct{}, 1)}
	ws, unlisten, err := dialSocket(v.url, q)
	if err != nil {
		msg := "cannot open a WebSocket to " + v.url + ": " + err.Error()
		v.tape.Error = msg
		c.fail(into, js.Undefined(), msg)
		return "error", v.tape
	}
	defer unlisten()
	for {
		select {
		case <-q.wake:
		case <-r.stop:
			return v.stop(ws, r.why), v.tape
		}
		for _, e := range q.take() {
			if state, ended := v.handle(ws, e); ended {
				return state, v.tape
			}
		}
	}
}

// handshakeError says why req cannot open a WebSocket, or "" if it can.
func handshakeError(req wireproto.Request) string {
	if req.Method != "GET" {
		return "A WebSocket is opened with GET; this cell says " + req.Method + "."
	}
	if req.Body != "" {
		return "A WebSocket handshake has no body: remove the lines after the blank line, or send messages once the socket is open."
	}
	return ""
}

// dialSocket asks the browser for a WebSocket to url whose open, message
// and close events go to q, stamped with the time since this call. unlisten
// removes the listeners and releases their callbacks.
func dialSocket(url string, q *socketEvents) (ws js.Value, unlisten func(), err error) {
	start := dom.Now()
	if err := dom.Catch(func() { ws = js.Global().Get("WebSocket").New(url) }); err != nil {
		return js.Undefined(), nil, err
	}
	ws.Set("binaryType", "arraybuffer")
	var offs []func()
	for _, typ := range []string{"open", "message", "close"} {
		offs = append(offs, dom.On(ws, typ, func(ev js.Value) { q.push(ev, since(start)) }))
	}
	return ws, func() {
		for _, off := range offs {
			off()
		}
	}, nil
}

// socketView shows one WebSocket cell's connection as its events come.
type socketView struct {
	c         *cell
	into      js.Value // where the output goes
	url       string   // the ws: or wss: URL asked for
	dropped   []string // header names the browser's WebSocket cannot send
	s         *render.Socket
	out, list js.Value // [data-output] and its [data-messages]; undefined until open
	arr       *arrivalsView
	tape      *saved.Output // the connection written down as it goes, to save
}

// handle shows one event; ended is true once the connection is over, with
// the cell's final state.
func (v *socketView) handle(ws js.Value, e socketEvent) (state string, ended bool) {
	switch e.ev.Get("type").String() {
	case "open":
		// The handshake's answer, as the output's status line says it.
		v.tape.HasHead, v.tape.Head.Status, v.tape.Head.StatusText = true, 101, "Switching Protocols"
		v.tape.Protocol, v.tape.Extensions = ws.Get("protocol").String(), ws.Get("extensions").String()
		v.out = build(v.s.Open(v.tape.Protocol, v.tape.Extensions, v.dropped))
		dom.Replace(v.into, v.out)
		v.list, _ = dom.Query(v.out, "[data-messages]")
		v.arr = newArrivalsView(v.out, v.s.Arrivals)
	case "message":
		var data []byte
		d := e.ev.Get("data")
		binary := d.Type() != js.TypeString
		if binary {
			data = dom.Bytes(js.Global().Get("Uint8Array").New(d))
		} else {
			data = []byte(d.String())
		}
		v.tape.AddMessage(data, binary, e.at)
		li, a := v.s.Message(data, binary, e.at)
		if li != nil {
			v.list.Call("appendChild", build(li))
		}
		v.arr.apply(a)
	case "close":
		return v.closed(e), true
	}
	return "", false
}

// closed shows how the connection ended and returns the cell's state.
func (v *socketView) closed(e socketEvent) string {
	code := e.ev.Get("code").Int()
	if !v.out.Truthy() {
		v.tape.Error = "The WebSocket to " + v.url + " did not open (code " + itoa(code) +
			"). A page is never told why a handshake failed: a server that is down, a refused Origin " +
			"and an answer other than 101 Switching Protocols all look the same from here."
		v.c.fail(v.into, js.Undefined(), v.tape.Error)
		return "error"
	}
	reason := e.ev.Get("reason").String()
	v.tape.Close = &saved.Close{Code: code, Reason: reason, At: e.at}
	nodes, f := v.s.Close(code, reason, e.at)
	for _, n := range nodes {
		v.out.Call("appendChild", build(n))
	}
	setFinal(v.out, f)
	if code == 1006 {
		return "error"
	}
	return "done"
}

// stop closes the socket for a stopped run and says so in the cell.
func (v *socketView) stop(ws js.Value, why string) string {
	// The server gets a close frame and can stop sending; the page does not
	// wait for its answer.
	_ = dom.Catch(func() { ws.Call("close", 1000, "the page stopped the cell") })
	msg := "stopped: " + why
	if v.out.Truthy() {
		msg += " after " + plural(v.s.Arrivals.Count(), "message")
	}
	v.tape.Error = msg
	v.c.fail(v.into, v.out, msg)
	return "error"
}

// arrivalsView keeps the DOM of a render.Timeline up to date.
type arrivalsView struct {
	count, noun, line, end js.Value
	tl                     *render.Timeline
	marks                  []js.Value
}

func newArrivalsView(out js.Value, tl *render.Timeline) *arrivalsView {
	a := &arrivalsView{tl: tl}
	a.count, _ = dom.Query(out, "[data-chunks]")
	a.noun, _ = dom.Query(out, "[data-chunks-noun]")
	a.line, _ = dom.Query(out, "[data-timeline]")
	a.end, _ = dom.Query(out, "[data-span-label]")
	return a
}

// apply shows one arrival: the count, a new mark, and every mark moved
// when the line grew.
func (a *arrivalsView) apply(arr render.Arrival) {
	dom.SetText(a.count, arr.Count)
	dom.SetText(a.noun, arr.Noun)
	if arr.Rescaled {
		dom.SetText(a.end, arr.SpanText)
		dom.SetAttr(a.line, "data-span", arr.SpanAttr)
		for i, m := range a.marks {
			dom.SetStyle(m, "left", a.tl.Left(i))
		}
	}
	if arr.Mark != nil {
		m := build(arr.Mark)
		a.line.Call("appendChild", m)
		a.marks = append(a.marks, m)
	}
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}
