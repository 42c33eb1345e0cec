package main

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
)

// TestARunBeforeTheClientIsReadyIsNotLost: the client (app.wasm) is held
// back, as a slow network would, while the student presses Run on one
// cell and Shift+Enter in another. Each cell says it is starting; once the
// client arrives both run.
func TestARunBeforeTheClientIsReadyIsNotLost(t *testing.T) {
	t.Parallel()
	in := start(t, "-stream-count=2", "-stream-max-delay=1ms")
	ctx := browser(t)
	var mu sync.Mutex
	var held []fetch.RequestID
	if _, err := chromedp.Call(ctx, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*.wasm*"}}}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			mu.Lock()
			held = append(held, e.RequestID)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/app"),
		// boot.js has run: Run is enabled though the client is not there.
		chromedp.Poll[chromedp.Void](`!document.querySelector('[data-run]').disabled && !document.documentElement.dataset.ready`, chromedp.WithPollingTimeout(time.Minute)),
		chromedp.Evaluate[chromedp.Void](`(() => {
		  const cells = Array.from(document.querySelectorAll('[data-cell]'));
		  const json = cells.find(c => c.querySelector('[data-request]').value.startsWith('GET /json'));
		  const hello = cells.find(c => c.querySelector('[data-request]').value.startsWith('GET /hello'));
		  json.querySelector('[data-run]').click();
		  hello.querySelector('[data-request]').dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', shiftKey: true, bubbles: true, cancelable: true}));
		})()`),
	); err != nil {
		t.Fatal(err)
	}
	starting, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-cell][data-state="starting"]')).map(c =>
	  c.querySelector('[data-request]').value.split('\n')[0] + ' | ' + c.querySelector('[data-starting]').textContent)`))
	if err != nil {
		t.Fatal(err)
	}
	if len(starting) != 2 || !documentStillWaiting(t, ctx) {
		t.Fatalf("before the client: starting cells %q", starting)
	}
	mu.Lock()
	ids := held
	mu.Unlock()
	if len(ids) == 0 {
		t.Fatal("app.wasm was never requested, so never held back")
	}
	for _, id := range ids {
		if _, err := chromedp.Call(ctx, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id}); err != nil {
			t.Fatal(err)
		}
	}
	// Requests for app.wasm made after the first (none expected) go on too.
	_, _ = chromedp.Call(ctx, fetch.Disable, cdp.Empty{})
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`(() => {
	  const done = Array.from(document.querySelectorAll('[data-cell]')).filter(c => c.dataset.state === 'done')
	    .map(c => c.querySelector('[data-request]').value.split('\n')[0]);
	  return done.length === 2 && done.some(r => r.startsWith('GET /json')) && done.some(r => r.startsWith('GET /hello'))
	    && !document.querySelector('[data-starting]'); })()`, chromedp.WithPollingTimeout(time.Minute))); err != nil {
		t.Fatalf("the remembered runs did not run once the client was ready: %v", err)
	}
}

// documentStillWaiting reports that the client has not started.
func documentStillWaiting(t *testing.T, ctx context.Context) bool {
	t.Helper()
	ready, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.dataset.ready === 'true'`))
	if err != nil {
		t.Fatal(err)
	}
	return !ready
}
