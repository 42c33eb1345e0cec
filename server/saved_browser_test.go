package main

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"wirebook/server/expect"
	"wirebook/server/internal/testkit"
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

	// The course index reads each lesson's progress from the same storage.
	if err := chromedp.Do(ctx, chromedp.Navigate(in.urls["main"]+"/"), chromedp.WaitVisible(`html[data-ready="true"]`)); err != nil {
		t.Fatal(err)
	}
	progress, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-lesson="app"] [data-lesson-progress]').textContent`))
	if err != nil {
		t.Fatal(err)
	}
	want, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const s = JSON.parse(localStorage.getItem('wirebook:/lessons/app'));
	  return s.passed + ' of ' + s.total + ' checks pass'; })()`))
	if err != nil || progress != want || strings.HasPrefix(progress, "0 of") {
		t.Errorf("the index says %q of the app lesson, want %q (%v)", progress, want, err)
	}
}

// downloader collects the files a tab downloads, named by Chromium's GUIDs
// in dir, from its download events.
type downloader struct {
	dir   string
	names chan string
	done  chan string
}

func newDownloader(t *testing.T, ctx context.Context) *downloader {
	t.Helper()
	d := &downloader{dir: t.TempDir(), names: make(chan string, 4), done: make(chan string, 4)}
	if _, err := chromedp.CallBrowser(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: d.dir, EventsEnabled: new(true),
	}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.ListenBrowser(ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdpbrowser.EventDownloadWillBegin:
			d.names <- e.SuggestedFilename
		case *cdpbrowser.EventDownloadProgress:
			if e.State == cdpbrowser.DownloadProgressStateCompleted || e.State == cdpbrowser.DownloadProgressStateCanceled {
				d.done <- e.GUID + " " + string(e.State)
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	return d
}

// click presses the Download menu's button for format and returns the
// file's suggested name and its bytes.
func (d *downloader) click(t *testing.T, ctx context.Context, format string) (string, []byte) {
	t.Helper()
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('.page-actions details.download').open = true`),
		chromedp.WaitVisible(`[data-export="`+format+`"]`),
		chromedp.Click(`[data-export="`+format+`"]`),
	); err != nil {
		t.Fatal(err)
	}
	var name, result string
	for name == "" || result == "" {
		select {
		case name = <-d.names:
		case result = <-d.done:
		case <-time.After(time.Minute): // a bound, not a wait: the events end it
			t.Fatalf("the %s download did not finish within a minute", format)
		}
	}
	guid, state, _ := strings.Cut(result, " ")
	if state != string(cdpbrowser.DownloadProgressStateCompleted) {
		t.Fatalf("the %s download ended %s", format, state)
	}
	b, err := os.ReadFile(filepath.Join(d.dir, guid))
	if err != nil {
		t.Fatal(err)
	}
	return name, b
}

// TestExportsOfTheStudentsWork is the second promise, end to end:
// after an edit and Run all, each of the page's three downloads holds the
// student's work and opens in its own tool — the HTML in Chromium with
// JavaScript off, the notebook in nbformat and Jupyter, the Hurl file in
// wirebook's own expectation parser.
func TestExportsOfTheStudentsWork(t *testing.T) {
	t.Parallel()
	in := startForJupyter(t, "-stream-count=3", "-stream-max-delay=1ms")
	ctx := browser(t)
	d := newDownloader(t, ctx)
	const edit = "GET /greeting?lang=es&name=Zoe"
	if err := chromedp.Do(ctx,
		chromedp.Navigate(in.urls["main"]+"/lessons/app"),
		chromedp.WaitVisible(`html[data-ready="true"]`),
		chromedp.Evaluate[chromedp.Void](`(() => { const ta = Array.from(document.querySelectorAll('[data-request]')).find(t => t.value.startsWith('GET /greeting'));
		  ta.value = '`+edit+`'; ta.dispatchEvent(new Event('input', {bubbles: true})); })()`),
		chromedp.Click(`[data-run-all]`),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-run-all]').dataset.state === 'done'`, chromedp.WithPollingTimeout(2*time.Minute)),
	); err != nil {
		t.Fatalf("Run all: %v", err)
	}
	statuses, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-cell]')).map(c =>
	  (c.querySelector('[data-outputs] [data-status]') || {textContent: ''}).textContent)`))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("html", func(t *testing.T) {
		name, page := d.click(t, ctx, "html")
		if name != "app.html" {
			t.Errorf("named %q", name)
		}
		file := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(file, page, 0o644); err != nil {
			t.Fatal(err)
		}
		off, cancel := chromedp.NewContext(ctx)
		defer cancel()
		if _, err := chromedp.Call(off, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(off, chromedp.Navigate("file://"+file), chromedp.WaitVisible(`[data-cell] [data-output]`)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(off, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-cell]')).map(c =>
		  (c.querySelector('[data-output] [data-status]') || {textContent: ''}).textContent)`))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, statuses) {
			t.Errorf("the export's statuses\n%q\nwant the page's\n%q", got, statuses)
		}
		if !bytes.Contains(page, []byte(html.EscapeString(edit))) {
			t.Errorf("the HTML lacks the edit %q", edit)
		}
		if bytes.Contains(page, []byte("<script")) {
			t.Error("the HTML holds a script")
		}
	})

	t.Run("ipynb", func(t *testing.T) {
		name, raw := d.click(t, ctx, "ipynb")
		dir := t.TempDir()
		nb := filepath.Join(dir, name)
		if err := os.WriteFile(nb, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		testkit.ValidNotebook(t, nb)
		var saved struct {
			Cells []executedCell `json:"cells"`
		}
		if err := json.Unmarshal(raw, &saved); err != nil {
			t.Fatal(err)
		}
		// Every cell but the WebSocket's, which requests cannot open, is code
		// that carries its saved output and In [n].
		want := 0
		for _, s := range statuses {
			if s != "101 Switching Protocols" {
				want++
			}
		}
		withOutput := 0
		for _, c := range saved.Cells {
			if c.CellType == "code" && len(c.Outputs) > 0 && c.ExecutionCount != nil {
				withOutput++
			}
		}
		if withOutput != want {
			t.Errorf("%d code cells carry their saved output and count, want %d", withOutput, want)
		}
		// executeNotebook fails the test on any cell that raises.
		if code, ok := executeNotebook(t, dir, nb); code != want || ok == 0 {
			t.Errorf("Jupyter ran %d code cells, %d of them answered 200 OK; want %d cells", code, ok, want)
		}
	})

	t.Run("hurl", func(t *testing.T) {
		name, raw := d.click(t, ctx, "hurl")
		if name != "app.hurl" {
			t.Errorf("named %q", name)
		}
		file := string(raw)
		if !strings.Contains(file, "\nGET "+in.urls["main"]+"/greeting?lang=es&name=Zoe\n") {
			t.Errorf("the Hurl file lacks the student's edit:\n%s", file)
		}
		// Each entry's expectations, from its status line to the next blank
		// line, read back with wirebook's own parser.
		entries := 0
		for _, block := range strings.Split(file, "\n\n") {
			i := strings.Index(block, "\nHTTP ")
			if i < 0 {
				continue
			}
			entries++
			if _, err := expect.Parse(strings.TrimSpace(block[i+1:])); err != nil {
				t.Errorf("an entry's expectations do not parse: %v\n%s", err, block)
			}
		}
		if entries == 0 {
			t.Errorf("no entry with expectations in\n%s", file)
		}
	})
}
