package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/chromedp/cdproto/storage"
	"github.com/chromedp/chromedp"
)

// savedResult is row 8: what saving a student's work in localStorage
// costs the page, read from the performance entries the client measures
// around each save and around the restore at page start.
type savedResult struct {
	Method     string         `json:"method"`
	CellsRun   int            `json:"cells_run"`
	Saves      int            `json:"saves"`
	SaveMs     []float64      `json:"save_ms"`
	SaveMedian float64        `json:"save_median_ms"`
	SaveP90    float64        `json:"save_p90_ms"`
	SaveMax    float64        `json:"save_max_ms"`
	Keys       int            `json:"lesson_keys"`
	Chars      int            `json:"lesson_saved_chars"` // key.length + value.length: UTF-16 code units, as localStorage counts
	KeyChars   map[string]int `json:"lesson_saved_chars_by_key"`
	WithOutput int            `json:"cells_with_output"`
	Restored   int            `json:"cells_with_output_restored"`
	RestoreMs  float64        `json:"restore_ms"`
}

// setSaves records the save durations and their median, p90 and max.
func (s *savedResult) setSaves(ms []float64) {
	s.SaveMs, s.Saves = ms, len(ms)
	if len(ms) > 0 { // JSON has no NaN
		s.SaveMedian, s.SaveP90, s.SaveMax = percentile(ms, 50), percentile(ms, 90), percentile(ms, 100)
	}
}

// notRestored lists the cells that had an output before the reload and
// are not marked restored after it, in the order they had.
func notRestored(had, restored []string) []string {
	var missing []string
	for _, id := range had {
		if !slices.Contains(restored, id) {
			missing = append(missing, id)
		}
	}
	return missing
}

// How long Run all may take: the /stream cell alone is up to
// -stream-count greetings at -stream-max-delay.
const runAllTimeout = 2 * time.Minute

// measureSaved is row 8: on a lesson page whose origin's localStorage was
// cleared first, it clicks Run all and waits for it to be done, reads the
// durations of the "wirebook-save" entries and what the lesson's keys
// hold, then reloads and reads the "wirebook-restore" entry and checks
// that every cell that had an output came back restored.
func measureSaved(tab context.Context, pageURL string) (savedResult, error) {
	res := savedResult{Method: `Run all on a page whose origin's localStorage was cleared; each save is a performance.measure("wirebook-save") the client takes around one cell's save after its run (encoding its records, the synchronous localStorage writes, the lesson's summary), ` +
		`the restore is its "wirebook-restore" at page start after a reload; saved characters are key.length + value.length over the lesson's keys`}
	u, err := url.Parse(pageURL)
	if err != nil {
		return res, err
	}
	// Open the tab first: it clears the origin's storage before it visits.
	if err := chromedp.Do(tab); err != nil {
		return res, err
	}
	ctx, cancel := context.WithTimeout(tab, 2*readyTimeout+runAllTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, storage.ClearDataForOrigin, storage.ClearDataForOriginParams{
		Origin: u.Scheme + "://" + u.Host, StorageTypes: "local_storage",
	}); err != nil {
		return res, fmt.Errorf("clearing localStorage: %w", err)
	}
	ready := chromedp.Poll[chromedp.Void](`document.documentElement.dataset.ready === "true"`, chromedp.WithPollingTimeout(readyTimeout))
	if err := chromedp.Do(ctx, chromedp.Navigate(pageURL), ready); err != nil {
		return res, fmt.Errorf("%s never set data-ready: %w", pageURL, err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](lessonKeysJS+`lessonKeys().length`)); err != nil || n != 0 {
		return res, fmt.Errorf("the lesson's localStorage is not empty after clearing it: %d keys (%v)", n, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Evaluate[chromedp.Void](`performance.clearMeasures("wirebook-save"); document.querySelector("[data-run-all]").click()`),
		chromedp.Poll[chromedp.Void](`document.querySelector("[data-run-all]").dataset.state === "done"`, chromedp.WithPollingTimeout(runAllTimeout)),
	); err != nil {
		state, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("[data-run-all]").dataset.state || ""`))
		return res, fmt.Errorf("Run all never got to data-state \"done\" (it is %q): %w", state, err)
	}
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](afterRunAllJS))
	if err != nil {
		return res, fmt.Errorf("reading the saves: %w", err)
	}
	var got struct {
		SaveMs []float64      `json:"save_ms"`
		Keys   int            `json:"keys"`
		Chars  int            `json:"chars"`
		ByKey  map[string]int `json:"by_key"`
		Ran    int            `json:"ran"`
		Had    []string       `json:"had"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return res, err
	}
	res.setSaves(got.SaveMs)
	res.CellsRun, res.Keys, res.Chars, res.KeyChars, res.WithOutput = got.Ran, got.Keys, got.Chars, got.ByKey, len(got.Had)
	switch {
	case res.CellsRun == 0:
		return res, errors.New("Run all ran no cell")
	case res.Saves == 0:
		return res, errors.New(`Run all made no "wirebook-save" performance entry`)
	case res.Chars == 0:
		return res, errors.New("Run all saved nothing in localStorage")
	}

	if err := chromedp.Do(ctx, chromedp.Reload(), ready); err != nil {
		return res, fmt.Errorf("the reloaded page never set data-ready: %w", err)
	}
	raw, err = chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](afterReloadJS))
	if err != nil {
		return res, fmt.Errorf("reading the restore: %w", err)
	}
	var back struct {
		RestoreMs []float64 `json:"restore_ms"`
		Restored  []string  `json:"restored"`
	}
	if err := json.Unmarshal(raw, &back); err != nil {
		return res, err
	}
	if len(back.RestoreMs) != 1 {
		return res, fmt.Errorf(`the reloaded page made %d "wirebook-restore" performance entries, want 1`, len(back.RestoreMs))
	}
	res.RestoreMs = back.RestoreMs[0]
	missing := notRestored(got.Had, back.Restored)
	res.Restored = res.WithOutput - len(missing)
	if len(missing) > 0 {
		return res, fmt.Errorf("%d of the %d cells with an output came back without data-restored=\"true\": %s",
			len(missing), res.WithOutput, strings.Join(missing, ", "))
	}
	return res, nil
}

// lessonKeysJS defines lessonKeys: the localStorage keys of the page's
// lesson, as the client names them (wasm/store.go).
const lessonKeysJS = `var lessonKeys = () => {
  const p = "wirebook:" + location.pathname;
  const ks = [];
  for (let i = 0; i < localStorage.length; i++) {
    const k = localStorage.key(i);
    if (k === p || k.startsWith(p + "#") || k.startsWith(p + "~")) ks.push(k);
  }
  return ks;
};
`

// afterRunAllJS reads what Run all left: the saves' durations, the
// lesson's keys and their characters, the cells it ran (a prompt with a
// count) and the ids of those with an output.
const afterRunAllJS = `(() => {
` + lessonKeysJS + `
  const keys = lessonKeys();
  let chars = 0;
  const by_key = {};
  for (const k of keys) { by_key[k] = k.length + (localStorage.getItem(k) || "").length; chars += by_key[k]; }
  const cells = Array.from(document.querySelectorAll("[data-cell]"));
  const ran = cells.filter(c => { const n = c.querySelector("[data-count]"); return n && (n.getAttribute("data-count") || "") !== ""; }).length;
  const had = cells.filter(c => { const o = c.querySelector("[data-outputs]"); return o && o.childElementCount > 0; }).map(c => c.id);
  return {
    save_ms: performance.getEntriesByName("wirebook-save", "measure").map(e => e.duration),
    keys: keys.length, chars, by_key, ran, had,
  };
})()`

const afterReloadJS = `({
  restore_ms: performance.getEntriesByName("wirebook-restore", "measure").map(e => e.duration),
  restored: Array.from(document.querySelectorAll('[data-cell][data-restored="true"]')).map(c => c.id),
})`
