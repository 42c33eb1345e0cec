//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
)

// checkedPage is page with what the lesson page adds for checks: each
// cell's expectations under its request (expects[i], "" for none), the
// exercise mark on the cells named, the header's progress and the "send
// to" switch, whose student hosts have the course's servers on ports 35xx.
func checkedPage(t *testing.T, requests, expects []string, exercises ...int) js.Value {
	t.Helper()
	doc := page(t, requests...)
	total := 0
	for i, e := range expects {
		if e == "" {
			continue
		}
		total += strings.Count(e, "\n") + 1
		cell := q(t, doc, "#cell-"+itoa(i+1))
		cell.Call("appendChild", dom.El("pre", []string{"data-expectations", ""}, dom.Text(e)))
	}
	for _, n := range exercises {
		dom.SetAttr(q(t, doc, "#cell-"+itoa(n)), "data-exercise", "")
	}
	body := doc.Get("body")
	body.Call("appendChild", dom.El("p", []string{"data-progress", "", "data-total", itoa(total)}, dom.Text("0 of "+itoa(total)+" checks pass")))
	sw := dom.El("select", []string{"data-target-choice", "", "data-ports", "3502,3503,3504,3505"})
	sw.Set("value", "")
	body.Call("appendChild", sw)
	return doc
}

// passIf is a server that passes every expectation line containing want
// and fails the others, as the relay's check frame would report them.
func passIf(want string) func(url, expect string) []wireproto.CheckResult {
	return func(url, expect string) []wireproto.CheckResult {
		var cs []wireproto.CheckResult
		for i, line := range strings.Split(expect, "\n") {
			ok := strings.Contains(url, want)
			cs = append(cs, wireproto.CheckResult{Line: i + 1, Pass: ok, Text: line, Got: "500", Want: "200"})
		}
		return cs
	}
}

func runCell(t *testing.T, cell js.Value) {
	t.Helper()
	q(t, cell, "[data-run]").Call("dispatch", "click")
	waitFor(t, "the run to finish", func() bool { return state(cell)() && dom.Attr(cell, "aria-busy") == "" })
}

func TestChecksAreShownAndCounted(t *testing.T) {
	doc := checkedPage(t, []string{"GET /hello", "GET /json", "GET /hello"},
		[]string{"HTTP 200\nbody == \"Hello\"", "", "HTTP 200"}, 3)
	f := &fake{verdict: passIf("/hello")}
	start(t, f)
	progress := q(t, doc, "[data-progress]")

	cell := q(t, doc, "#cell-1")
	runCell(t, cell)
	rows := dom.QueryAll(cell, "[data-output] [data-expect]")
	if len(rows) != 2 {
		t.Fatalf("%d [data-expect] rows in the output, want 2", len(rows))
	}
	for _, r := range rows {
		if got := dom.Attr(r, "data-result"); got != "pass" {
			t.Errorf("data-result = %q, want pass", got)
		}
	}
	if got := text(progress); got != "2 of 3 checks pass" {
		t.Errorf("progress = %q after cell 1, want 2 of 3", got)
	}
	if got := text(q(t, doc, "[data-announce]")); !strings.HasSuffix(got, "; 2 of 2 checks pass.") {
		t.Errorf("a screen reader hears %q, want the run's verdict at the end", got)
	}

	// Running it again replaces its part instead of adding to it.
	runCell(t, cell)
	if got := text(progress); got != "2 of 3 checks pass" {
		t.Errorf("progress = %q after running cell 1 twice, want still 2 of 3", got)
	}

	// A cell without expectations shows and counts no checks.
	other := q(t, doc, "#cell-2")
	runCell(t, other)
	if _, ok := dom.Query(other, "[data-expect], [data-expect-note]"); ok {
		t.Error("a cell without expectations shows checks")
	}

	ex := q(t, doc, "#cell-3")
	runCell(t, ex)
	if got := dom.Attr(ex, "data-solved"); got != "true" {
		t.Errorf("exercise data-solved = %q after every check passed, want true", got)
	}
	if got := text(progress); got != "3 of 3 checks pass" {
		t.Errorf("progress = %q, want 3 of 3", got)
	}

	// The student breaks it: the failure shows got and want, the mark goes.
	q(t, ex, "[data-request]").Set("value", "GET /json")
	runCell(t, ex)
	row := q(t, ex, `[data-expect][data-result="fail"]`)
	if got, want := text(q(t, row, "[data-got]")), "500"; got != want {
		t.Errorf("got = %q, want %q", got, want)
	}
	if got, want := text(q(t, row, "[data-want]")), "200"; got != want {
		t.Errorf("want = %q, want %q", got, want)
	}
	if dom.HasAttr(ex, "data-solved") {
		t.Error("the exercise is still solved after a failing run")
	}
	if got := text(progress); got != "2 of 3 checks pass" {
		t.Errorf("progress = %q, want 2 of 3", got)
	}
}

func TestBrowserRunsSayTheyAreNotChecked(t *testing.T) {
	doc := checkedPage(t, []string{"GET /hello"}, []string{"HTTP 200"})
	f := &fake{verdict: passIf("/hello")}
	start(t, f)
	cell := q(t, doc, "#cell-1")
	dom.SetAttr(cell, "data-transport", "browser")
	runCell(t, cell)
	if _, ok := dom.Query(cell, "[data-expect]"); ok {
		t.Error("a browser run shows verdicts no server gave")
	}
	note := q(t, cell, "[data-output] [data-expect-note]")
	if !strings.Contains(text(note), "wire") {
		t.Errorf("note %q does not point to the wire transport", text(note))
	}
	if got := text(q(t, doc, "[data-progress]")); got != "0 of 1 checks pass" {
		t.Errorf("progress = %q", got)
	}
}

func TestSendToMovesWireCellsToTheStudentsHost(t *testing.T) {
	doc := checkedPage(t, []string{"GET /files/greetings.txt", "GET /hello"}, nil)
	f := &fake{}
	start(t, f)
	sw := q(t, doc, "[data-target-choice]")
	sw.Set("value", "10.0.0.7")
	sw.Call("dispatch", "change")
	runCell(t, q(t, doc, "#cell-1"))

	// The browser transport has no relay to reach another host: it stays.
	second := q(t, doc, "#cell-2")
	dom.SetAttr(second, "data-transport", "browser")
	runCell(t, second)

	sw.Set("value", "")
	sw.Call("dispatch", "change")
	runCell(t, q(t, doc, "#cell-1"))
	want := []string{
		"GET http://10.0.0.7:3503/greetings.txt",
		"GET http://127.0.0.1:2500/hello",
		"GET http://127.0.0.1:2500/files/greetings.txt",
	}
	if got := f.sends(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sent\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
