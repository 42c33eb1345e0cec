package main

import (
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// cellSnapshot is what a student sees of a cell, as the page shows it.
type cellSnapshot struct {
	ID       string `json:"id"`
	Request  string `json:"request"`
	Count    string `json:"count"`
	State    string `json:"state"`
	Outputs  string `json:"outputs"`
	Frames   string `json:"frames"` // the srcdoc of each HTML frame: not part of textContent
	Restored string `json:"restored"`
}

const snapshotJS = `Array.from(document.querySelectorAll('[data-cell]')).map(c => ({
  id: c.id, request: c.querySelector('[data-request]').value, count: c.querySelector('[data-count]').textContent,
  state: c.dataset.state || '', outputs: c.querySelector('[data-outputs]').textContent,
  frames: Array.from(c.querySelectorAll('[data-outputs] iframe')).map(f => f.getAttribute('srcdoc')).join('|'),
  restored: c.dataset.restored || '' }))`

// savedChars is how much of localStorage the lesson at path holds, in the
// characters browsers count it in.
func savedChars(path string) string {
	return `Object.keys(localStorage).filter(k => k === 'wirebook:` + path + `' || k.startsWith('wirebook:` + path + `#'))
  .reduce((n, k) => n + k.length + localStorage.getItem(k).length, 0)`
}

// TestWorkComesBackAfterAReload is the first promise in a real
// browser: edit a cell, Run all, reload, and every request, output,
// prompt and state is back as it was, marked restored.
func TestWorkComesBackAfterAReload(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=3", "-stream-max-delay=20ms")
	ctx := browser(t)
	poll := func(cond string) chromedp.Action[chromedp.Void] {
		return chromedp.Poll[chromedp.Void](cond, chromedp.WithPollingTimeout(2*time.Minute))
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/app"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
		chromedp.Evaluate[chromedp.Void](`(() => { const ta = Array.from(document.querySelectorAll('[data-request]')).find(t => t.value.startsWith('GET /greeting'));
		  ta.value = 'GET /greeting?lang=es&name=Zoë'; ta.dispatchEvent(new Event('input', {bubbles: true})); })()`),
		chromedp.Click(`[data-run-all]`),
		poll(`document.querySelector('[data-run-all]').dataset.state === 'done'`),
	); err != nil {
		t.Fatalf("Run all: %v", err)
	}
	before, err := chromedp.Run(ctx, chromedp.Evaluate[[]cellSnapshot](snapshotJS))
	if err != nil {
		t.Fatal(err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[int](savedChars("/lessons/app")))
	if err != nil {
		t.Fatal(err)
	}
	costs, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`performance.getEntriesByName('wirebook-save').map(e => e.duration)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(costs) < len(before) {
		t.Errorf("%d saves measured for %d cells run", len(costs), len(before))
	}
	slices.Sort(costs)
	t.Logf("the lesson's saved work after Run all: %d characters; %d saves, median %.2f ms, max %.2f ms",
		size, len(costs), costs[len(costs)/2], costs[len(costs)-1])

	if err := chromedp.Do(ctx,
		chromedp.Reload(),
		chromedp.WaitVisible(`html[data-ready="true"]`),
	); err != nil {
		t.Fatal(err)
	}
	after, err := chromedp.Run(ctx, chromedp.Evaluate[[]cellSnapshot](snapshotJS))
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(before) {
		t.Fatalf("%d cells after the reload, %d before", len(after), len(before))
	}
	edited := false
	for i, b := range before {
		a := after[i]
		if a.Restored != "true" {
			t.Errorf("%s is not marked restored", a.ID)
		}
		a.Restored = b.Restored
		if a != b {
			t.Errorf("%s after the reload:\n%+v\nbefore:\n%+v", a.ID, a, b)
		}
		edited = edited || a.Request == "GET /greeting?lang=es&name=Zoë"
	}
	if !edited {
		t.Error("the edited request did not come back")
	}
}
