//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// answer is a Transport that always gives one response, or fails.
type answer struct {
	head render.Head
	body string
	err  error
}

func (a answer) Send(_ <-chan struct{}, _ wireproto.Request, _ string, recv Receiver) error {
	if a.head.Status == 0 {
		return a.err
	}
	recv.Head(a.head)
	recv.Chunk([]byte(a.body), wireproto.Millisecond)
	return nil
}

// comparePage runs Compare on a one-cell page and returns the cell once it has settled.
func comparePage(t *testing.T, wire, browser Transport, request string) js.Value {
	t.Helper()
	doc := page(t, request)
	nb := newNotebook(dom.Doc(), map[string]Transport{"wire": wire, "browser": browser})
	nb.ready()
	t.Cleanup(nb.close)
	cell := q(t, doc, "#cell-1")
	q(t, cell, "[data-compare]").Call("dispatch", "click")
	waitFor(t, "the compare to finish", state(cell))
	return cell
}

func TestCompareShowsBothAnswersAndWhatDiffers(t *testing.T) {
	wire := answer{head: render.Head{Via: "wire", Status: 301, StatusText: "Moved Permanently", Headers: []wireproto.Header{
		{Name: "Location", Value: "/hello"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "Content-Type", Value: "text/plain"}}}, body: "moved"}
	browser := answer{head: render.Head{Via: "browser", Status: 200, StatusText: "OK", Redirected: true, URL: "http://127.0.0.1:2500/hello",
		Headers: []wireproto.Header{{Name: "content-type", Value: "text/plain"}}}, body: "Hello"}
	c := comparePage(t, wire, browser, "GET /redirect")

	if got := dom.Attr(c, "data-state"); got != "done" {
		t.Errorf("data-state = %q", got)
	}
	if got := text(q(t, c, `[data-output][data-via="wire"] [data-status]`)); got != "301 Moved Permanently" {
		t.Errorf("wire status = %q", got)
	}
	if got := text(q(t, c, `[data-output][data-via="browser"] [data-status]`)); got != "200 OK" {
		t.Errorf("browser status = %q", got)
	}
	var lines []string
	for _, li := range dom.QueryAll(c, "[data-diff] li") {
		lines = append(lines, text(li))
	}
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "Status: 301 Moved Permanently on the wire, 200 OK in the browser, which followed the redirect") {
		t.Errorf("diff = %q, want the status first", lines)
	}
}

func TestCompareWhenTheBrowserGetsNothing(t *testing.T) {
	wire := answer{head: render.Head{Via: "wire", Status: 200, Headers: []wireproto.Header{{Name: "Content-Type", Value: "text/plain"}}}, body: "hi"}
	browser := answer{err: &dom.Error{Name: "TypeError", Message: "Failed to fetch"}}
	c := comparePage(t, wire, browser, "GET http://127.0.0.1:2505/hello")

	if got := dom.Attr(c, "data-state"); got != "error" {
		t.Errorf("data-state = %q, want error since one side failed", got)
	}
	if got := text(q(t, c, `[data-side="browser"] [data-error]`)); !strings.Contains(got, "another origin") {
		t.Errorf("browser side error = %q", got)
	}
	if _, ok := dom.Query(c, `[data-side="wire"] [data-output]`); !ok {
		t.Error("the wire's answer is missing")
	}
	if got := text(q(t, c, "[data-diff]")); !strings.Contains(got, "Only one side got an answer") {
		t.Errorf("diff = %q", got)
	}
}

func TestCompareRefusesAWebSocketCell(t *testing.T) {
	c := comparePage(t, answer{}, answer{}, "GET /ws/stream")
	if got := text(q(t, c, "[data-error]")); !strings.Contains(got, "nothing to compare") {
		t.Errorf("error = %q", got)
	}
}
