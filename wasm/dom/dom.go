//go:build js && wasm

// Package dom is the client's whole contact with the browser's DOM: building
// elements, listening for events, awaiting promises. It is kept thin so the
// rest of the client is plain Go that tests run on the host.
//
// Every js.FuncOf made here has an owner that releases it: On returns the
// remover, Await releases both of its callbacks once the promise settles.
//
// The small helpers are marked go:noinline: each wraps a js.Value.Call,
// which builds its []any of arguments in place, and inlined at every call
// of the client they cost the download kilobytes for no speed that shows.
package dom

import "syscall/js"

// Doc is the page's document. It is looked up on each call so tests can
// install a document of their own.
func Doc() js.Value { return js.Global().Get("document") }

// El makes an element with attributes given as name, value pairs and
// appends kids to it.
func El(tag string, attrs []string, kids ...js.Value) js.Value {
	el := Doc().Call("createElement", tag)
	for i := 0; i+1 < len(attrs); i += 2 {
		el.Call("setAttribute", attrs[i], attrs[i+1])
	}
	for _, k := range kids {
		el.Call("appendChild", k)
	}
	return el
}

// Text makes a text node. Text is never parsed as HTML, which is why the
// client builds everything it shows from elements and text nodes.
//
//go:noinline
func Text(s string) js.Value { return Doc().Call("createTextNode", s) }

// SetText replaces everything in el with the text s.
//
//go:noinline
func SetText(el js.Value, s string) { el.Set("textContent", s) }

// AppendText adds s at the end of el.
//
//go:noinline
func AppendText(el js.Value, s string) { el.Call("appendChild", Text(s)) }

// Replace makes kids the only children of el.
//
//go:noinline
func Replace(el js.Value, kids ...js.Value) {
	args := make([]any, len(kids))
	for i, k := range kids {
		args[i] = k
	}
	el.Call("replaceChildren", args...)
}

// SetAttr sets an attribute; RemoveAttr removes it.
//
//go:noinline
func SetAttr(el js.Value, name, value string) { el.Call("setAttribute", name, value) }

// SetStyle sets one CSS property of el through the CSSOM
// (style.setProperty), which a Content-Security-Policy without
// 'unsafe-inline' allows where a style attribute would be refused.
//
//go:noinline
func SetStyle(el js.Value, prop, value string) { el.Get("style").Call("setProperty", prop, value) }

// RemoveAttr removes an attribute.
//
//go:noinline
func RemoveAttr(el js.Value, name string) { el.Call("removeAttribute", name) }

// HasAttr reports whether el has the attribute.
//
//go:noinline
func HasAttr(el js.Value, name string) bool { return el.Call("hasAttribute", name).Bool() }

// Attr returns an attribute's value, or "" if it is not set.
//
//go:noinline
func Attr(el js.Value, name string) string {
	v := el.Call("getAttribute", name)
	if v.IsNull() {
		return ""
	}
	return v.String()
}

// Query returns the first element under root matching sel, and false if none does.
//
//go:noinline
func Query(root js.Value, sel string) (js.Value, bool) {
	v := root.Call("querySelector", sel)
	return v, !v.IsNull()
}

// QueryAll returns every element under root matching sel, in document order.
func QueryAll(root js.Value, sel string) []js.Value {
	list := root.Call("querySelectorAll", sel)
	out := make([]js.Value, list.Length())
	for i := range out {
		out[i] = list.Index(i)
	}
	return out
}

// On calls fn for each event of type event on el, and returns the function
// that stops it and releases the callback. fn runs inside the browser's
// event dispatch: it may call preventDefault, but must not block (start a
// goroutine for anything that waits).
func On(el js.Value, event string, fn func(ev js.Value)) (remove func()) {
	f := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ev := js.Undefined()
		if len(args) > 0 {
			ev = args[0]
		}
		fn(ev)
		return nil
	})
	el.Call("addEventListener", event, f)
	removed := false
	return func() {
		if removed {
			return
		}
		removed = true
		el.Call("removeEventListener", event, f)
		f.Release()
	}
}

// Error is a JavaScript exception or promise rejection, by its name and message.
type Error struct {
	Name, Message string
}

func (e *Error) Error() string {
	if e.Name == "" {
		return e.Message
	}
	return e.Name + ": " + e.Message
}

// errorOf turns a thrown or rejected JavaScript value into an error.
func errorOf(v js.Value) error {
	if v.Type() == js.TypeObject && v.Get("message").Type() == js.TypeString {
		e := &Error{Message: v.Get("message").String()}
		if n := v.Get("name"); n.Type() == js.TypeString {
			e.Name = n.String()
		}
		return e
	}
	if v.Type() == js.TypeString {
		return &Error{Message: v.String()}
	}
	return &Error{Message: "a JavaScript error without a message"}
}

// Await blocks the calling goroutine until the promise p settles, and
// returns its value or its rejection as an *Error. Never call it from inside
// a JavaScript callback: the callback would wait for an event loop it holds.
// A caller that wants to stop waiting aborts the work behind p (an
// AbortController), which settles it.
func Await(p js.Value) (js.Value, error) {
	type result struct {
		v   js.Value
		err error
	}
	ch := make(chan result, 1)
	then := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{v: v}
		return nil
	})
	catch := js.FuncOf(func(_ js.Value, args []js.Value) any {
		v := js.Undefined()
		if len(args) > 0 {
			v = args[0]
		}
		ch <- result{err: errorOf(v)}
		return nil
	})
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	r := <-ch
	return r.v, r.err
}

// Catch runs f and returns the JavaScript exception it threw, if any.
// syscall/js turns a throw into a panic of js.Error; anything else panics on.
func Catch(f func()) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		// A type assertion, not errors.As: As links reflection into the client.
		jsErr, ok := r.(js.Error)
		if !ok {
			panic(r)
		}
		err = errorOf(jsErr.Value)
	}()
	f()
	return nil
}

// Bytes copies a Uint8Array into Go.
func Bytes(u8 js.Value) []byte {
	b := make([]byte, u8.Get("byteLength").Int())
	js.CopyBytesToGo(b, u8)
	return b
}

// Uint8Array copies b into a new JavaScript Uint8Array.
func Uint8Array(b []byte) js.Value {
	u8 := js.Global().Get("Uint8Array").New(len(b))
	js.CopyBytesToJS(u8, b)
	return u8
}

// Object is a new empty JavaScript object, for options arguments.
func Object() js.Value { return js.Global().Get("Object").New() }

// Now is performance.now(): milliseconds since the page loaded, on a
// monotonic clock. It is a float, not a time.Duration, because importing
// package time costs the client about 35 KB brotli (its init pulls in
// internal/godebug); callers subtract two readings.
func Now() float64 {
	return js.Global().Get("performance").Call("now").Float()
}

// After calls fn once, ms milliseconds from now, from the browser's event
// loop (setTimeout); fn must not block. The callback is released when it
// has run.
func After(ms int, fn func()) {
	var f js.Func
	f = js.FuncOf(func(js.Value, []js.Value) any {
		f.Release()
		fn()
		return nil
	})
	js.Global().Call("setTimeout", f, ms)
}
