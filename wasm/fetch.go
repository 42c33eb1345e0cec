//go:build js && wasm

package main

import (
	"syscall/js"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// fetchTransport sends with the browser's fetch and shows what a page is
// allowed to see: redirects already followed, forbidden request headers
// dropped, cross-origin answers hidden without CORS.
type fetchTransport struct{}

func (fetchTransport) Send(stop <-chan struct{}, req wireproto.Request, url string, recv Receiver) error {
	opts, err := fetchOptions(req)
	if err != nil {
		return err
	}
	abort := js.Global().Get("AbortController").New()
	opts.Set("signal", abort.Get("signal"))
	sent := make(chan struct{})
	defer close(sent)
	go func() {
		select {
		case <-stop:
			abort.Call("abort")
		case <-sent:
		}
	}()

	start := dom.Now()
	var pending js.Value
	if err := dom.Catch(func() { pending = js.Global().Call("fetch", url, opts) }); err != nil {
		return err
	}
	resp, err := dom.Await(pending)
	if err != nil {
		return orStopped(stop, err)
	}
	recv.Head(responseHead(resp, req.Headers))
	return readBody(stop, resp, start, recv)
}

// fetchOptions is the RequestInit that sends req.
func fetchOptions(req wireproto.Request) (js.Value, error) {
	opts := dom.Object()
	opts.Set("method", req.Method)
	// The student's own Authorization header is sent as written; "omit"
	// keeps the browser's cookies and remembered logins out of the cell and
	// stops it from answering a 401 with its login prompt.
	opts.Set("credentials", "omit")
	// A cell sends a request each time it runs: never a cached answer, and
	// never a remembered 301.
	opts.Set("cache", "no-store")

	headers := js.Global().Get("Headers").New()
	if err := dom.Catch(func() {
		for _, h := range req.Headers {
			headers.Call("append", h.Name, h.Value)
		}
	}); err != nil {
		return js.Value{}, err
	}
	opts.Set("headers", headers)
	if req.Body != "" {
		opts.Set("body", req.Body)
	}
	return opts, nil
}

// responseHead is the head as fetch shows it, sent being the headers the
// cell asked for.
func responseHead(resp js.Value, sent []wireproto.Header) render.Head {
	head := render.Head{
		Status:     resp.Get("status").Int(),
		StatusText: resp.Get("statusText").String(),
		URL:        resp.Get("url").String(),
		Redirected: resp.Get("redirected").Bool(),
		Via:        "browser",
		Dropped:    render.ForbiddenHeaders(sent),
	}
	pairs := js.Global().Get("Array").Call("from", resp.Get("headers"))
	for i := range pairs.Length() {
		p := pairs.Index(i)
		head.Headers = append(head.Headers, wireproto.Header{Name: p.Index(0).String(), Value: p.Index(1).String()})
	}
	return head
}

// readBody passes resp's body on as it streams in, each chunk timed from
// start.
func readBody(stop <-chan struct{}, resp js.Value, start float64, recv Receiver) error {
	body := resp.Get("body")
	if body.IsNull() || body.IsUndefined() {
		return nil
	}
	reader := body.Call("getReader")
	for {
		r, err := dom.Await(reader.Call("read"))
		if err != nil {
			return orStopped(stop, err)
		}
		if r.Get("done").Bool() {
			return nil
		}
		recv.Chunk(dom.Bytes(r.Get("value")), since(start))
	}
}

// orStopped prefers errStopped to the AbortError that stopping caused.
func orStopped(stop <-chan struct{}, err error) error {
	select {
	case <-stop:
		return errStopped
	default:
		return err
	}
}
