package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestClearAndResetInThePage: Clear output takes a run back out of the
// cell and the progress, Reset cell puts back the lesson's request, and
// Reset lesson acts only on its second click (asked in the button: a
// dialog would fail the test).
func TestClearAndResetInThePage(t *testing.T) {
	t.Parallel()
	in := start(t, "-lesson", verdictLesson)
	ctx := browser(t)
	const first = `document.querySelector('[data-cell]')`
	const ta = first + `.querySelector('[data-request]')`
	const edit = `(() => { const ta = ` + ta + `; ta.value = 'GET /edited'; ta.dispatchEvent(new Event('input')); })()`
	const lessonText = ta + `.value.startsWith('GET /hello')`
	poll := func(cond string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(time.Minute))
	}
	steps := []struct {
		what    string
		actions []chromedp.Action[chromedp.Void]
	}{
		{"the page to be ready", []chromedp.Action[chromedp.Void]{
			chromedp.Navigate(in.urls["main"] + "/lessons/verdict-lesson"),
			chromedp.WaitVisible(`html[data-ready="true"]`),
		}},
		{"the first cell to run and pass its two checks", []chromedp.Action[chromedp.Void]{
			chromedp.Click(`[data-cell] [data-run]`),
			poll(`(() => { const c = ` + first + `; return c.dataset.state === 'done' && !!c.querySelector('[data-output]')
			  && document.querySelector('[data-progress]').textContent === '2 of 9 checks pass'; })()`),
		}},
		{"Clear output to empty the cell and take its check back", []chromedp.Action[chromedp.Void]{
			chromedp.Click(`[data-cell] [data-clear]`),
			poll(`(() => { const c = ` + first + `; return !c.dataset.state && !c.querySelector('[data-output], [data-error]')
			  && c.querySelector('[data-count]').textContent === 'In [ ]:'
			  && document.querySelector('[data-progress]').textContent === '0 of 9 checks pass'; })()`),
		}},
		{"Reset cell to put the lesson's request back", []chromedp.Action[chromedp.Void]{
			chromedp.Evaluate[chromedp.Void](edit),
			chromedp.Click(`[data-cell] [data-reset]`),
			poll(lessonText),
		}},
		{"the first click of Reset lesson to ask", []chromedp.Action[chromedp.Void]{
			chromedp.Evaluate[chromedp.Void](edit),
			chromedp.Click(`[data-reset-lesson]`),
			poll(`document.querySelector('[data-reset-lesson]').dataset.armed === 'true'`),
		}},
	}
	for _, s := range steps {
		if err := chromedp.Do(ctx, s.actions...); err != nil {
			seen, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const c = `+first+`; return [c.dataset.state, c.dataset.transport,
			  document.querySelector('[data-progress]').textContent, c.querySelector('[data-outputs]').textContent].join(' | '); })()`))
			t.Fatalf("waiting for %s: %v; the first cell: %s", s.what, err, seen)
		}
	}
	asked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-reset-lesson]').textContent + ' | ' + `+ta+`.value`))
	if err != nil {
		t.Fatal(err)
	}
	if asked != "Really reset? click again | GET /edited" {
		t.Errorf("after one click of Reset lesson: %q, want it asking and the edit kept", asked)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(`[data-reset-lesson]`),
		poll(lessonText+` && document.querySelector('[data-reset-lesson]').textContent === 'Reset lesson'`),
	); err != nil {
		t.Fatalf("the second click did not reset the lesson: %v", err)
	}
}

// TestStopAllInThePage: Stop ends Run all in the slow stream cell; the
// cells after it never run and nothing is left running.
func TestStopAllInThePage(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=20")
	ctx := browser(t)
	const stream = `Array.from(document.querySelectorAll('[data-cell][data-stream]')).find(c => c.querySelector('textarea').value.startsWith('GET /stream'))`
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/app"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
		chromedp.Click(`[data-run-all]`),
		chromedp.Poll[chromedp.Void](stream+`.dataset.state === 'running' && !document.querySelector('[data-stop-all]').hidden`,
			chromedp.WithPollingTimeout(time.Minute)),
		chromedp.Click(`[data-stop-all]`),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-run-all]').dataset.state === 'stopped'
		  && !document.querySelector('[data-cell][data-state="running"]')`, chromedp.WithPollingTimeout(time.Minute)),
	); err != nil {
		t.Fatalf("Run all never stopped: %v", err)
	}
	type after struct {
		Ran, Cells  int
		StreamError string
		StopHidden  bool
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[after](`(() => { const cs = document.querySelectorAll('[data-cell]');
	  return {Ran: Array.from(cs).filter(c => c.dataset.state).length, Cells: cs.length,
	    StreamError: (`+stream+`.querySelector('[data-error]') || {}).textContent || '',
	    StopHidden: document.querySelector('[data-stop-all]').hidden}; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if got.Ran >= got.Cells {
		t.Errorf("%d of %d cells ran: Stop did not end the queue", got.Ran, got.Cells)
	}
	if !strings.HasPrefix(got.StreamError, "stopped: you stopped Run all") {
		t.Errorf("the stream cell says %q, want it stopped by Run all's Stop", got.StreamError)
	}
	if !got.StopHidden {
		t.Error("Stop still shows after Run all stopped")
	}
}
