//go:build js && wasm

package main

import (
	"testing"

	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

func TestClearOutputTakesTheRunBack(t *testing.T) {
	doc := checkedPage(t, []string{"GET /hello"}, []string{"status 200\nbody contains Hello"}, 1)
	start(t, &fake{verdict: passIf("/hello")})
	cell := q(t, doc, "#cell-1")
	runCell(t, cell)
	progress := q(t, doc, "[data-progress]")
	if text(progress) != "2 of 2 checks pass" || dom.Attr(cell, "data-solved") != "true" {
		t.Fatalf("before clearing: progress %q, solved %q", text(progress), dom.Attr(cell, "data-solved"))
	}

	q(t, cell, "[data-clear]").Call("dispatch", "click")
	waitFor(t, "the clear", func() bool { return !dom.HasAttr(cell, "data-state") })
	if _, ok := dom.Query(cell, "[data-output], [data-error]"); ok {
		t.Error("an output outlived Clear output")
	}
	count := q(t, cell, "[data-count]")
	if text(count) != "In [ ]:" || dom.Attr(count, "data-count") != "" {
		t.Errorf("prompt %q data-count %q, want In [ ]: and none", text(count), dom.Attr(count, "data-count"))
	}
	if text(progress) != "0 of 2 checks pass" || dom.HasAttr(cell, "data-solved") {
		t.Errorf("after clearing: progress %q, solved %v", text(progress), dom.HasAttr(cell, "data-solved"))
	}
}

func TestResetCellPutsTheLessonTextBack(t *testing.T) {
	doc := page(t, "GET /hello")
	start(t, &fake{})
	cell := q(t, doc, "#cell-1")
	ta := q(t, cell, "[data-request]")
	ta.Set("value", "GET /json")
	runCell(t, cell)
	q(t, cell, "[data-reset]").Call("dispatch", "click")
	waitFor(t, "the reset", func() bool { return !dom.HasAttr(cell, "data-state") })
	if got := ta.Get("value").String(); got != "GET /hello" {
		t.Errorf("request %q, want the lesson's GET /hello", got)
	}
	if _, ok := dom.Query(cell, "[data-output]"); ok {
		t.Error("Reset cell left the output")
	}
}

func TestStopAllStopsTheQueueAndTheCellInFlight(t *testing.T) {
	doc := page(t, "GET /hello", "GET /stream", "GET /json")
	f := &fake{delay: make(chan struct{})} // never closed: only a stop ends the stream
	start(t, f)
	runAll, stopAll := q(t, doc, "[data-run-all]"), q(t, doc, "[data-stop-all]")
	runAll.Call("dispatch", "click")
	stream := q(t, doc, "#cell-2")
	waitFor(t, "the stream to run", func() bool {
		return dom.Attr(stream, "data-state") == "running" && !dom.HasAttr(stopAll, "hidden")
	})
	stopAll.Call("dispatch", "click")
	waitFor(t, "Run all to stop", func() bool { return dom.Attr(runAll, "data-state") == "stopped" })

	if got := text(q(t, stream, "[data-error]")); got != "stopped: you stopped Run all after 1 chunk" {
		t.Errorf("the stream cell says %q", got)
	}
	if n := len(f.sends()); n != 2 {
		t.Errorf("%d cells sent, want 2: the queue stops with the cell in flight", n)
	}
	if dom.HasAttr(q(t, doc, "#cell-3"), "data-state") {
		t.Error("the cell after the stop ran")
	}
	if !dom.HasAttr(stopAll, "hidden") || !dom.HasAttr(stopAll, "disabled") || dom.HasAttr(runAll, "disabled") {
		t.Error("after the stop, Stop still shows or Run all stays disabled")
	}
}

func TestResetLessonAsksFirst(t *testing.T) {
	doc := page(t, "GET /hello", "GET /json")
	start(t, &fake{})
	cells := dom.QueryAll(doc, "[data-cell]")
	for _, c := range cells {
		q(t, c, "[data-request]").Set("value", "GET /down")
		runCell(t, c)
	}
	reset := q(t, doc, "[data-reset-lesson]")
	reset.Call("dispatch", "click")
	if text(reset) != render.ReallyReset || dom.Attr(reset, "data-armed") != "true" {
		t.Fatalf("after one click the button says %q", text(reset))
	}
	for _, c := range cells {
		if !dom.HasAttr(c, "data-state") {
			t.Fatal("one click reset the lesson")
		}
	}
	reset.Call("dispatch", "click")
	for i, c := range cells {
		waitFor(t, "the reset", func() bool { return !dom.HasAttr(c, "data-state") })
		ta := q(t, c, "[data-request]")
		if got, want := ta.Get("value").String(), ta.Get("defaultValue").String(); got != want {
			t.Errorf("cell %d request %q, want the lesson's %q", i+1, got, want)
		}
	}
	if text(reset) != "Reset lesson" || dom.HasAttr(reset, "data-armed") {
		t.Errorf("after the reset the button says %q", text(reset))
	}
}

func TestClearAllOutputs(t *testing.T) {
	doc := page(t, "GET /hello", "GET /json")
	start(t, &fake{})
	cells := dom.QueryAll(doc, "[data-cell]")
	for _, c := range cells {
		runCell(t, c)
	}
	q(t, doc, "[data-clear-all]").Call("dispatch", "click")
	for _, c := range cells {
		waitFor(t, "the clear", func() bool { return !dom.HasAttr(c, "data-state") })
		if _, ok := dom.Query(c, "[data-output]"); ok {
			t.Error("an output outlived Clear all outputs")
		}
	}
}

func TestClearingARunningCellStopsItFirst(t *testing.T) {
	doc := page(t, "GET /stream", "GET /hello")
	f := &fake{delay: make(chan struct{})} // never closed: only a stop ends the stream
	start(t, f)
	runAll := q(t, doc, "[data-run-all]")
	runAll.Call("dispatch", "click")
	cell := q(t, doc, "#cell-1")
	waitFor(t, "the stream to run", func() bool { return dom.Attr(cell, "data-state") == "running" })

	q(t, doc, "[data-clear-all]").Call("dispatch", "click")
	waitFor(t, "Run all to stop", func() bool { return dom.Attr(runAll, "data-state") == "stopped" })
	waitFor(t, "the clear", func() bool { return !dom.HasAttr(cell, "data-state") })
	if _, ok := dom.Query(cell, "[data-output], [data-error]"); ok {
		t.Error("the stopped run wrote into the cleared cell")
	}
	if got := text(q(t, cell, "[data-count]")); got != "In [ ]:" {
		t.Errorf("prompt %q after the clear", got)
	}
	if n := len(f.sends()); n != 1 {
		t.Errorf("%d sends, want the stream's alone: clearing all stops Run all", n)
	}
}
