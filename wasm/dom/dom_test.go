//go:build js && wasm

package dom

import (
	"errors"
	"syscall/js"
	"testing"

	"wirebook/wasm/internal/fakedom"
)

func installDocument(t *testing.T) js.Value { return fakedom.Install(t) }

func TestElBuildsAttributesAndChildren(t *testing.T) {
	installDocument(t)
	el := El("p", []string{"data-error", "", "role", "alert"}, Text("line 2: "), Text("<b>not markup</b>"))
	if got := el.Get("tagName").String(); got != "P" {
		t.Errorf("tag = %q", got)
	}
	if !HasAttr(el, "data-error") || Attr(el, "role") != "alert" {
		t.Errorf("attributes: data-error %v, role %q", HasAttr(el, "data-error"), Attr(el, "role"))
	}
	if got := el.Get("textContent").String(); got != "line 2: <b>not markup</b>" {
		t.Errorf("text = %q", got)
	}
	if Attr(el, "missing") != "" {
		t.Error("a missing attribute is not empty")
	}

	AppendText(el, "!")
	if got := el.Get("childNodes").Length(); got != 3 {
		t.Errorf("after AppendText %d children, want 3", got)
	}
	SetText(el, "replaced")
	if got := el.Get("textContent").String(); got != "replaced" {
		t.Errorf("after SetText %q", got)
	}
	Replace(el)
	if got := el.Get("childNodes").Length(); got != 0 {
		t.Errorf("Replace() left %d children", got)
	}
	RemoveAttr(el, "role")
	if HasAttr(el, "role") {
		t.Error("RemoveAttr left the attribute")
	}
}

func TestOnCallsUntilRemoved(t *testing.T) {
	installDocument(t)
	el := El("button", nil)
	var got []string
	remove := On(el, "click", func(ev js.Value) { got = append(got, ev.Get("kind").String()) })
	ev := map[string]any{"kind": "first"}
	el.Call("dispatch", "click", ev)
	if len(got) != 1 || got[0] != "first" {
		t.Fatalf("handler saw %q, want the event once", got)
	}
	remove()
	if n := el.Call("listenerCount", "click").Int(); n != 0 {
		t.Errorf("%d listeners after remove, want 0", n)
	}
	// A second remove must not touch a released callback.
	remove()
	el.Call("dispatch", "click", ev)
	if len(got) != 1 {
		t.Errorf("the handler ran after remove: %q", got)
	}
}

func TestAwait(t *testing.T) {
	promise := js.Global().Get("Promise")
	t.Run("a resolved promise gives its value", func(t *testing.T) {
		v, err := Await(promise.Call("resolve", 42))
		if err != nil || v.Int() != 42 {
			t.Errorf("Await = %v, %v", v, err)
		}
	})
	t.Run("a rejection is an Error with the JavaScript name and message", func(t *testing.T) {
		_, err := Await(promise.Call("reject", js.Global().Get("TypeError").New("Failed to fetch")))
		var e *Error
		if !errors.As(err, &e) || e.Name != "TypeError" || e.Message != "Failed to fetch" {
			t.Fatalf("Await = %v, want TypeError: Failed to fetch", err)
		}
		if err.Error() != "TypeError: Failed to fetch" {
			t.Errorf("Error() = %q", err.Error())
		}
	})
	t.Run("a rejection with a bare string keeps the string", func(t *testing.T) {
		_, err := Await(promise.Call("reject", "nope"))
		if err == nil || err.Error() != "nope" {
			t.Errorf("Await = %v", err)
		}
	})
	t.Run("a promise settled later is waited for", func(t *testing.T) {
		p := js.Global().Call("eval", `new Promise(ok => setTimeout(() => ok("late"), 20))`)
		v, err := Await(p)
		if err != nil || v.String() != "late" {
			t.Errorf("Await = %v, %v", v, err)
		}
	})
}

func TestCatchTurnsAThrowIntoAnError(t *testing.T) {
	headers := js.Global().Get("Headers").New()
	err := Catch(func() { headers.Call("append", "Bad Name", "x") })
	var e *Error
	if !errors.As(err, &e) || e.Name != "TypeError" {
		t.Errorf("Catch = %v, want the TypeError Headers.append throws", err)
	}
	if err := Catch(func() { headers.Call("append", "X-Good", "y") }); err != nil {
		t.Errorf("Catch of a call that does not throw = %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("a Go panic was swallowed")
		}
	}()
	_ = Catch(func() { panic("a Go bug") })
}

func TestBytesRoundTrip(t *testing.T) {
	in := []byte("\x89PNG\r\n\x00\xff")
	u8 := Uint8Array(in)
	if u8.Get("byteLength").Int() != len(in) {
		t.Fatalf("Uint8Array has %d bytes", u8.Get("byteLength").Int())
	}
	if out := Bytes(u8); string(out) != string(in) {
		t.Errorf("Bytes = %q, want %q", out, in)
	}
}

func TestAfterRunsOnceFromTheEventLoop(t *testing.T) {
	done := make(chan int, 2)
	After(5, func() { done <- 1 })
	start := Now()
	<-done
	if Now() < start {
		t.Error("Now went backwards")
	}
	select {
	case <-done:
		t.Error("After ran twice")
	default:
	}
}
