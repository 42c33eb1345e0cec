//go:build js && wasm

package main

import (
	"sync"
	"syscall/js"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// relayPath is where the server listens for the wire transport.
const relayPath = "/ws/relay"

// wireTransport sends each request through the server's relay, so the page
// shows what came over the wire: a 301 with its Location, a 401 without the
// browser's login box, every header as the server spelled it, each chunk
// as it came. One WebSocket carries every cell of the page; it is opened on
// the first Send and again on the next Send after it closed. Frames are
// wireproto.Frame, one per binary message, and the relay ID tells the
// responses of concurrent cells apart.
type wireTransport struct {
	mu   sync.Mutex
	conn *wireConn // nil until the first Send, and again once it closed
	// id is the last relay ID given out. IDs are never reused, so a frame
	// still on its way for a cancelled relay cannot reach a newer one.
	id uint32
}

// wireError is a failure the relay or its connection reported. Its text is
// for the student as it is; a fetch failure needs explaining instead.
type wireError struct{ msg string }

func (e *wireError) Error() string { return e.msg }

func (t *wireTransport) Send(stop <-chan struct{}, req wireproto.Request, url string, recv Receiver) error {
	c, err := t.connect()
	if err != nil {
		return err
	}
	id := t.nextID()
	checked, _ := recv.(checkedReceiver)
	call := &wireCall{wake: make(chan struct{}, 1), recv: recv, checked: checked, url: url}
	c.add(id, call)
	defer c.remove(id)

	if err := c.waitOpen(stop); err != nil {
		return err
	}
	if err := c.sendRequest(id, req, url, recv); err != nil {
		return err
	}
	return c.await(stop, id, call)
}

func (t *wireTransport) nextID() uint32 {
	t.mu.Lock()
	t.id++
	id := t.id
	t.mu.Unlock()
	return id
}

// waitOpen returns nil once the handshake is done, or why it never will be.
func (c *wireConn) waitOpen(stop <-chan struct{}) error {
	select {
	case <-c.opened:
		return nil
	case <-c.closed:
		return c.failure()
	case <-stop:
		return errStopped
	}
}

// sendRequest starts relay id, carrying the cell's expectations if its
// receiver wants the server's verdicts, and its client= option.
func (c *wireConn) sendRequest(id uint32, req wireproto.Request, url string, recv Receiver) error {
	f := wireproto.Frame{Type: wireproto.FrameSend, ID: id, Request: req, URL: url}
	if checked, ok := recv.(checkedReceiver); ok {
		f.Expect = checked.Expect()
	}
	if wr, ok := recv.(wireReceiver); ok {
		f.Client = wr.Client()
	}
	msg, err := f.AppendBinary(nil)
	if err != nil {
		return err
	}
	return c.send(msg)
}

// await hands relay id's frames on until one ends the relay, the socket
// closes or stop is closed.
func (c *wireConn) await(stop <-chan struct{}, id uint32, call *wireCall) error {
	for {
		select {
		case <-call.wake:
		case <-c.closed: // frames that came before the close are handled first
		case <-stop:
			c.cancel(id)
			return errStopped
		}
		fs := call.take()
		for i := range fs {
			if done, err := call.deliver(&fs[i]); done {
				return err
			}
		}
		select {
		case <-c.closed:
			return c.failure()
		default:
		}
	}
}

func (c *wireConn) cancel(id uint32) {
	f := wireproto.Frame{Type: wireproto.FrameCancel, ID: id}
	msg, _ := f.AppendBinary(nil) // a cancel frame always encodes
	_ = c.send(msg)               // if the socket is gone, so is the relay
}

// deliver passes f on to the cell, refusing an order the protocol does not
// allow. done means f ended the relay, and err is then what Send returns:
// nil after an End frame.
func (w *wireCall) deliver(f *wireproto.Frame) (done bool, err error) {
	wr, _ := w.recv.(wireReceiver)
	switch f.Type {
	case wireproto.FrameSent:
		if wr != nil {
			wr.Sent(f.Data, f.Added, f.Truncated)
		}
	case wireproto.FrameHead:
		if w.headed {
			return true, &wireError{"the relay sent a second head for one request"}
		}
		w.headed = true
		w.recv.Head(render.Head{Proto: f.Proto, Status: f.Status, StatusText: f.Reason,
			Headers: f.Headers, URL: w.url, Via: "wire", Raw: f.Raw})
	case wireproto.FrameChunk:
		if !w.headed {
			return true, &wireError{"the relay sent body bytes before the head"}
		}
		if f.SizeLine != "" && wr != nil {
			wr.SizeLine(f.SizeLine, f.Data, f.At)
		}
		if len(f.Data) > 0 { // the last chunk ("0") is a size line, no arrival
			w.recv.Chunk(f.Data, f.At)
		}
	case wireproto.FrameEnd:
		if !w.headed {
			return true, &wireError{"the relay ended a response it never began"}
		}
		w.recv.End(render.Timings{Connect: f.Connect, FirstByte: f.FirstByte, Total: f.Total,
			Bytes: f.Bytes, Truncated: f.Truncated})
		return true, nil
	case wireproto.FrameCheck:
		if w.checked != nil {
			w.checked.Checks(f.Checks)
		}
	case wireproto.FrameError:
		return true, &wireError{"the server could not relay the request: " + f.Message}
	case wireproto.FrameQueued:
		if q, ok := w.recv.(queuedReceiver); ok && !w.headed {
			q.Queued(f.Ahead)
		}
	}
	return false, nil
}

// connect returns the page's relay connection, opening it if there is none.
// It does not wait for the handshake: the caller waits on opened or closed.
func (t *wireTransport) connect() (*wireConn, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.conn != nil {
		return t.conn, nil
	}
	// The relay is on the page's own host, so the page's own origin rules
	// (same-origin WebSocket, connect-src 'self') let it in.
	loc := js.Global().Get("location")
	url := render.WebSocketURL(loc.Get("protocol").String()+"//"+loc.Get("host").String()) + relayPath
	var ws js.Value
	if err := dom.Catch(func() { ws = js.Global().Get("WebSocket").New(url) }); err != nil {
		return nil, &wireError{"cannot open the server's relay at " + url + ": " + err.Error()}
	}
	ws.Set("binaryType", "arraybuffer")
	c := &wireConn{t: t, ws: ws, url: url, opened: make(chan struct{}), closed: make(chan struct{}),
		calls: map[uint32]*wireCall{}}
	c.off = []func(){
		dom.On(ws, "open", func(js.Value) { close(c.opened) }),
		dom.On(ws, "message", c.message),
		dom.On(ws, "close", c.close),
	}
	t.conn = c
	return c, nil
}

// wireConn is one WebSocket to the relay and the relays in flight on it.
// Its listeners only decode and queue: they run inside the browser's event
// dispatch, where nothing may wait.
type wireConn struct {
	t      *wireTransport
	ws     js.Value
	url    string
	opened chan struct{} // closed by the open event
	closed chan struct{} // closed by the close event, after err is set
	off    []func()      // remove the socket's listeners; used by close only

	mu    sync.Mutex
	calls map[uint32]*wireCall
	err   error // why the connection ended, or the first broken frame
}

func (c *wireConn) add(id uint32, call *wireCall) {
	c.mu.Lock()
	c.calls[id] = call
	c.mu.Unlock()
}

func (c *wireConn) remove(id uint32) {
	c.mu.Lock()
	delete(c.calls, id)
	c.mu.Unlock()
}

func (c *wireConn) failure() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// send writes one frame. WebSocket.send queues and returns; on a socket
// that is closing it drops the message, and the close event tells the
// waiting Send.
func (c *wireConn) send(msg []byte) error {
	return dom.Catch(func() { c.ws.Call("send", dom.Uint8Array(msg)) })
}

// message is the socket's message listener.
func (c *wireConn) message(ev js.Value) {
	data := ev.Get("data")
	if data.Type() == js.TypeString {
		c.broken("the relay sent a text message; its frames are binary")
		return
	}
	f, err := wireproto.DecodeFrame(dom.Bytes(js.Global().Get("Uint8Array").New(data)))
	if err != nil {
		c.broken("the relay sent a frame this page cannot read: " + err.Error())
		return
	}
	if f.Type == wireproto.FrameSend || f.Type == wireproto.FrameCancel {
		c.broken("the relay sent a " + f.Type.String() + " frame, which only a page sends")
		return
	}
	c.mu.Lock()
	call := c.calls[f.ID]
	c.mu.Unlock()
	if call != nil { // else the relay was cancelled, and its last frames are of no use
		call.push(f)
	}
}

// broken ends a connection whose server does not speak the protocol: every
// request on it fails with msg.
func (c *wireConn) broken(msg string) {
	c.mu.Lock()
	if c.err == nil {
		c.err = &wireError{msg}
	}
	c.mu.Unlock()
	// A page may close with 1000 or 3000-4999 only; 4000 is ours to define.
	_ = dom.Catch(func() { c.ws.Call("close", 4000, "unreadable frame") })
}

// close is the socket's close listener: every request in flight fails, the
// listeners are released, and the next Send opens a new socket.
func (c *wireConn) close(ev js.Value) {
	code, reason := ev.Get("code").Int(), ev.Get("reason").String()
	c.mu.Lock()
	if c.err == nil {
		select {
		case <-c.opened:
			c.err = &wireError{"the connection to the server's relay closed: " + render.CloseText(code, reason)}
		default:
			// A page is never told why a handshake failed (code 1006 only).
			c.err = &wireError{"cannot reach the server's relay at " + c.url + " (the WebSocket closed with code " +
				itoa(code) + " before it opened). Is this page served by wirebook? " +
				"Choose \"browser\" to send the cell with fetch instead."}
		}
	}
	c.mu.Unlock()
	c.t.mu.Lock()
	if c.t.conn == c {
		c.t.conn = nil
	}
	c.t.mu.Unlock()
	for _, off := range c.off {
		off()
	}
	close(c.closed)
}

// wireCall is one relay in flight: the queue of frames, and the cell they
// go to. The listener appends without ever blocking; Send takes them all
// each time it is woken, and only Send touches the rest.
type wireCall struct {
	mu     sync.Mutex
	frames []wireproto.Frame
	wake   chan struct{} // capacity 1: one pending wake-up covers any number of frames

	recv    Receiver
	checked checkedReceiver // nil if recv wants no verdicts
	url     string
	headed  bool
}

func (w *wireCall) push(f wireproto.Frame) {
	w.mu.Lock()
	w.frames = append(w.frames, f)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *wireCall) take() []wireproto.Frame {
	w.mu.Lock()
	defer w.mu.Unlock()
	fs := w.frames
	w.frames = nil
	return fs
}
