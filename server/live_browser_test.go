package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitJS evaluates cond in the page until it is true. It polls from here,
// not with chromedp.Poll inside the page, because the page reloads while
// it waits and a reload ends any script running in it.
func waitJS(t *testing.T, ctx context.Context, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		if time.Now().After(deadline) {
			saveScreenshot(t, ctx, "live-"+strings.ReplaceAll(what, " ", "-"))
			t.Fatalf("the page did not show %s within 10s", what)
		}
		time.Sleep(10 * time.Millisecond) // a poll interval, not a wait for the outcome
	}
}

// TestAnOpenPageFollowsEdits is the author's loop: edit the lesson while
// its page is open, see the change; break it, see where; fix it, see the
// fix. It reports how long each took from the save to the page.
func TestAnOpenPageFollowsEdits(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "live.md")
	writeLesson(t, path, liveLesson)
	in := start(t, "-lesson", path, "-watch")
	ctx := browser(t)
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/live"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
	); err != nil {
		t.Fatal(err)
	}
	const heading = `[...document.querySelectorAll('h2')].some(h => h.textContent.includes(%q))`
	shows := func(text string) string { return strings.Replace(heading, "%q", "'"+text+"'", 1) }
	const ready = `document.documentElement.dataset.ready === 'true' && `

	saved := time.Now()
	writeLesson(t, path, strings.Replace(liveLesson, "First heading", "Edited heading", 1))
	waitJS(t, ctx, "the edited heading", shows("Edited heading"))
	t.Logf("edit → page shows it: %v", time.Since(saved).Round(time.Millisecond))
	waitJS(t, ctx, "the client ready again", ready+shows("Edited heading"))
	t.Logf("edit → reloaded page's client ready: %v", time.Since(saved).Round(time.Millisecond))

	saved = time.Now()
	writeLesson(t, path, strings.Replace(liveLesson, "GET /hello\n", "GET /hello\nno colon here\n", 1))
	waitJS(t, ctx, "the error banner", `(() => {
		const b = document.querySelector('[data-lesson-error]');
		return !!b && b.getAttribute('role') === 'alert' && b.textContent.includes('live.md:9:');
	})()`)
	t.Logf("break → banner shows file:line: %v", time.Since(saved).Round(time.Millisecond))
	if stillEdited, err := chromedp.Run(ctx, chromedp.Evaluate[bool](shows("Edited heading"))); err != nil || !stillEdited {
		t.Fatalf("the page lost its last good version under the banner (%v)", err)
	}

	saved = time.Now()
	writeLesson(t, path, strings.Replace(liveLesson, "First heading", "Fixed heading", 1))
	waitJS(t, ctx, "the fixed lesson without the banner",
		`!document.querySelector('[data-lesson-error]') && `+shows("Fixed heading"))
	t.Logf("fix → banner gone, fix shown: %v", time.Since(saved).Round(time.Millisecond))
	waitJS(t, ctx, "the client ready again", ready+shows("Fixed heading"))
	t.Logf("fix → reloaded page's client ready: %v", time.Since(saved).Round(time.Millisecond))
}
