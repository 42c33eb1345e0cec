//go:build js && wasm

package main

import (
	"syscall/js"
	"testing"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
)

// fakeWebSocket is the browser's WebSocket as far as the client uses it,
// for Node, which has none: the test plays the server by calling open,
// receive and serverClose on an instance, and reads what the page sent
// from its sent array. Events fire synchronously, so the client's
// listeners run inside the test's call, as they run inside the browser's
// event dispatch.
const fakeWebSocket = `(() => {
  class FakeWebSocket {
    constructor(url) {
      if (!/^wss?:\/\//.test(url)) throw new SyntaxError("The URL's scheme must be either 'ws' or 'wss'.");
      this.url = url; this.readyState = 0; this.binaryType = "blob";
      this.protocol = ""; this.extensions = "";
      this.sent = []; this.closeCalls = []; this.listeners = new Map();
      FakeWebSocket.instances.push(this);
    }
    addEventListener(t, f) { if (!this.listeners.has(t)) this.listeners.set(t, new Set()); this.listeners.get(t).add(f); }
    removeEventListener(t, f) { this.listeners.get(t)?.delete(f); }
    listenerCount() { let n = 0; for (const s of this.listeners.values()) n += s.size; return n; }
    send(data) {
      if (this.readyState === 0) throw new DOMException("Still in CONNECTING state.", "InvalidStateError");
      if (this.readyState !== 1) return; // a closing socket drops the message, as browsers do
      this.sent.push(typeof data === "string" ? data : new Uint8Array(data));
    }
    close(code, reason) {
      this.closeCalls.push({ code, reason });
      if (this.readyState < 2) this.readyState = 2;
    }
    // The server's side.
    open(protocol, extensions) {
      this.readyState = 1; this.protocol = protocol || ""; this.extensions = extensions || "";
      this.fire("open", {});
    }
    receive(data) {
      if (typeof data !== "string") data = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
      this.fire("message", { data });
    }
    serverClose(code, reason) { this.readyState = 3; this.fire("close", { code, reason, wasClean: code !== 1006 }); }
    fire(type, fields) {
      const ev = Object.assign({ type, target: this }, fields);
      for (const f of [...(this.listeners.get(type) ?? [])]) f(ev);
    }
  }
  FakeWebSocket.instances = [];
  return FakeWebSocket;
})()`

// fakeSockets is the installed fake WebSocket class.
type fakeSockets struct{ class js.Value }

// installWebSocket sets globalThis.WebSocket to a fresh fake for one test.
func installWebSocket(t *testing.T) *fakeSockets {
	t.Helper()
	class := js.Global().Call("eval", fakeWebSocket)
	js.Global().Set("WebSocket", class)
	t.Cleanup(func() { js.Global().Delete("WebSocket") })
	return &fakeSockets{class: class}
}

func (f *fakeSockets) count() int { return f.class.Get("instances").Length() }

// socket waits for the page to have made n+1 sockets and returns the last.
func (f *fakeSockets) socket(t *testing.T, n int) js.Value {
	t.Helper()
	waitFor(t, "WebSocket number "+itoa(n+1), func() bool { return f.count() > n })
	return f.class.Get("instances").Index(n)
}

// sentFrames decodes what the page sent on ws.
func sentFrames(t *testing.T, ws js.Value) []wireproto.Frame {
	t.Helper()
	sent := ws.Get("sent")
	out := make([]wireproto.Frame, sent.Length())
	for i := range out {
		f, err := wireproto.DecodeFrame(dom.Bytes(sent.Index(i)))
		if err != nil {
			t.Fatalf("message %d the page sent is not a frame: %v", i, err)
		}
		out[i] = f
	}
	return out
}

// waitSent waits until the page has sent n frames on ws and returns them.
func waitSent(t *testing.T, ws js.Value, n int) []wireproto.Frame {
	t.Helper()
	waitFor(t, itoa(n)+" frames from the page", func() bool { return ws.Get("sent").Length() >= n })
	return sentFrames(t, ws)
}

// serve sends frames to the page as the relay would, each in one message.
func serve(t *testing.T, ws js.Value, frames ...wireproto.Frame) {
	t.Helper()
	for _, f := range frames {
		b, err := f.AppendBinary(nil)
		if err != nil {
			t.Fatalf("encode %v frame: %v", f.Type, err)
		}
		ws.Call("receive", dom.Uint8Array(b))
	}
}
