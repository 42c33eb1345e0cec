//go:build js && wasm

package main

import (
	"sync"
	"syscall/js"
	"time"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// socketEvent is one event of a WebSocket cell's connection, queued by a
// listener for the goroutine that runs the cell.
type socketEvent struct {
	ev js.Value      // the browser's event; its fields are read off the queue
	at time.Duration // when it came, since the socket was asked for
}

// socketEvents is the queue the listeners append to without blocking.
type socketEvents struct {
	mu     sync.Mutex
	events []socketEvent
	wake   chan struct{}
}

func (q *socketEvents) push(ev js.Value, at time.Duration) {
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
func (c *cell) openSocket(r *run, req wireproto.Request, url string, into js.Value) string {
	if req.Method != "GET" {
		c.fail(into, js.Undefined(), "A WebSocket is opened with GET; this cell says "+req.Method+".")
		return "error"
	}
	if req.Body != "" {
		c.fail(into, js.Undefined(), "A WebSocket handshake has no body: remove the lines after the blank line, or send messages once the socket is open.")
		return "error"
	}
	var dropped []string
	for _, h := range req.Headers {
		dropped = append(dropped, h.Name)
	}
	wsURL := render.WebSocketURL(url)

	q := &socketEvents{wake: make(chan struct{}, 1)}
	start := dom.Now()
	var ws js.Value
	if err := dom.Catch(func() { ws = js.Global().Get("WebSocket").New(wsURL) }); err != nil {
		c.fail(into, js.Undefined(), "cannot open a WebSocket to "+wsURL+": "+err.Error())
		return "error"
	}
	ws.Set("binaryType", "arraybuffer")
	var offs []func()
	for _, typ := range []string{"open", "message", "close"} {
		offs = append(offs, dom.On(ws, typ, func(ev js.Value) { q.push(ev, dom.Now()-start) }))
	}
	defer func() {
		for _, off := range offs {
			off()
		}
	}()

	s := render.NewSocket()
	var out, list js.Value
	var arr *arrivalsView
	for {
		select {
		case <-q.wake:
		case <-r.stop:
			// The server gets a close frame and can stop sending; the page
			// does not wait for its answer.
			_ = dom.Catch(func() { ws.Call("close", 1000, "the page stopped the cell") })
			msg := "stopped: " + r.why
			if out.Truthy() {
				msg += " after " + plural(s.Arrivals.Count(), "message")
			}
			c.fail(into, out, msg)
			return "error"
		}
		for _, e := range q.take() {
			switch e.ev.Get("type").String() {
			case "open":
				out = build(s.Open(ws.Get("protocol").String(), ws.Get("extensions").String(), dropped))
				dom.Replace(into, out)
				list, _ = dom.Query(out, "[data-messages]")
				arr = newArrivalsView(out, s.Arrivals)
			case "message":
				var data []byte
				d := e.ev.Get("data")
				binary := d.Type() != js.TypeString
				if binary {
					data = dom.Bytes(js.Global().Get("Uint8Array").New(d))
				} else {
					data = []byte(d.String())
				}
				li, a := s.Message(data, binary, e.at)
				if li != nil {
					list.Call("appendChild", build(li))
				}
				arr.apply(a)
			case "close":
				code := e.ev.Get("code").Int()
				if !out.Truthy() {
					c.fail(into, js.Undefined(), "The WebSocket to "+wsURL+" did not open (code "+itoa(code)+
						"). A page is never told why a handshake failed: a server that is down, a refused Origin "+
						"and an answer other than 101 Switching Protocols all look the same from here.")
					return "error"
				}
				nodes, f := s.Close(code, e.ev.Get("reason").String(), e.at)
				for _, n := range nodes {
					out.Call("appendChild", build(n))
				}
				setFinal(out, f)
				if code == 1006 {
					return "error"
				}
				return "done"
			}
		}
	}
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
