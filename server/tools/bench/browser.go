package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"wirebook/server/internal/chromium"
)

// startBrowser starts headless Chromium with a fresh profile, so the first
// visit finds an empty cache, and returns the context of its first tab.
// The flags are the browser tests': without the networking ones Chromium
// tries the internet many times a second and this machine refuses.
func startBrowser(ctx context.Context, path, profile string) (context.Context, string, func(), error) {
	opts := chromium.Options(path, profile)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	stop := func() { cancelTab(); cancelAlloc() }
	// The browser lives as long as the context of its first Run, so that
	// one has no timeout; each step below sets its own.
	if err := chromedp.Do(tab); err != nil {
		stop()
		return nil, "", nil, fmt.Errorf("start chromium: %w", err)
	}
	v, err := chromedp.CallBrowser(tab, browser.GetVersion, cdp.Empty{})
	if err != nil {
		stop()
		return nil, "", nil, err
	}
	return tab, v.Product, stop, nil
}

// resource is one response the page loaded, as Chromium's Network domain
// reported it.
type resource struct {
	URL        string `json:"url"`
	Status     int64  `json:"status"`
	WireStatus int64  `json:"wire_status,omitempty"`
	Bytes      int64  `json:"encoded_bytes"` // on the wire: headers and body, compressed as sent
	FromCache  bool   `json:"from_cache"`
	Failed     string `json:"failed,omitempty"`
	inflight   bool
}

// netLog collects a tab's Network events. Listen calls it on the tab's
// reading goroutine, so it only records, under a lock.
type netLog struct {
	mu   sync.Mutex
	byID map[network.RequestID]*resource
	ids  []network.RequestID // in the order the requests began
	last time.Time
}

func (l *netLog) event(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	get := func(id network.RequestID) *resource {
		r, ok := l.byID[id]
		if !ok {
			r = &resource{}
			l.byID[id] = r
			l.ids = append(l.ids, id)
		}
		return r
	}
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		r := get(ev.RequestID)
		r.URL, r.inflight = ev.Request.URL, true
	case *network.EventResponseReceived:
		r := get(ev.RequestID)
		r.Status = ev.Response.Status
		r.FromCache = r.FromCache || ev.Response.FromDiskCache
	case *network.EventResponseReceivedExtraInfo:
		// The status on the wire: a revalidated response is a 200 above
		// and a 304 here.
		get(ev.RequestID).WireStatus = ev.StatusCode
	case *network.EventRequestServedFromCache:
		get(ev.RequestID).FromCache = true
	case *network.EventLoadingFinished:
		r := get(ev.RequestID)
		r.Bytes, r.inflight = int64(ev.EncodedDataLength), false
	case *network.EventLoadingFailed:
		r := get(ev.RequestID)
		r.Failed, r.inflight = ev.ErrorText, false
	default:
		return
	}
	l.last = now
}

// quiet reports whether no request is in flight and nothing has happened
// for d.
func (l *netLog) quiet(d time.Duration) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.byID {
		if r.inflight {
			return false
		}
	}
	return time.Since(l.last) >= d
}

func (l *netLog) resources() []resource {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]resource, 0, len(l.ids))
	for _, id := range l.ids {
		out = append(out, *l.byID[id])
	}
	return out
}

// visitResult is one page load.
type visitResult struct {
	Bytes     int64      `json:"encoded_bytes"`
	Requests  int        `json:"requests"`
	ReadyMs   float64    `json:"data_ready_ms"`
	ReadyHow  string     `json:"data_ready_source"`
	Timeline  timeline   `json:"timeline"`
	Resources []resource `json:"resources"`
}

// timeline is where a visit's time went before data-ready, from the
// Navigation and Resource Timing entries: milliseconds since navigation
// start, 0 when the page had no such moment.
type timeline struct {
	DocumentMs         float64 `json:"document_received_ms"`
	DOMContentLoadedMs float64 `json:"dom_content_loaded_ms"`
	LoadMs             float64 `json:"load_event_ms"`
	WasmRequestedMs    float64 `json:"wasm_requested_ms"`
	WasmFirstByteMs    float64 `json:"wasm_first_byte_ms"`
	WasmReceivedMs     float64 `json:"wasm_received_ms"`
}

const timelineJS = `(() => {
  const nav = performance.getEntriesByType("navigation")[0] || {};
  const wasm = performance.getEntriesByType("resource").find(e => /\.wasm([?#]|$)/.test(e.name));
  return {
    document_received_ms: nav.responseEnd || 0,
    dom_content_loaded_ms: nav.domContentLoadedEventEnd || 0,
    load_event_ms: nav.loadEventEnd || 0,
    wasm_requested_ms: wasm ? wasm.startTime : 0,
    wasm_first_byte_ms: wasm ? wasm.responseStart : 0,
    wasm_received_ms: wasm ? wasm.responseEnd : 0,
  };
})()`

// How long a page may take to become ready, and how long the network must
// be idle after that before a visit's bytes are counted.
const (
	readyTimeout = 30 * time.Second
	quietFor     = 500 * time.Millisecond
	quietTimeout = 10 * time.Second
)

// visit opens pageURL in tab, waits for html[data-ready="true"] and for
// the network to go quiet, and sums what came over the wire.
func visit(tab context.Context, pageURL string) (visitResult, error) {
	// Open the tab first: a tab opened by Listen would live only as long as
	// the listening context.
	if err := chromedp.Do(tab); err != nil {
		return visitResult{}, err
	}
	log := &netLog{byID: map[network.RequestID]*resource{}}
	lctx, stopListening := context.WithCancel(tab)
	defer stopListening()
	if err := chromedp.Listen(lctx, log.event); err != nil {
		return visitResult{}, err
	}
	ctx, cancel := context.WithTimeout(tab, readyTimeout)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(pageURL),
		chromedp.Poll[chromedp.Void](`document.documentElement.dataset.ready === "true"`,
			chromedp.WithPollingTimeout(readyTimeout)),
	); err != nil {
		return visitResult{}, fmt.Errorf("%s never set data-ready: %w", pageURL, err)
	}
	var res visitResult
	// The client marks the moment it sets data-ready; the mark's startTime
	// is milliseconds since the navigation began.
	mark, err := chromedp.Run(ctx, chromedp.Evaluate[*float64](
		`(performance.getEntriesByName("wirebook-ready")[0] || {}).startTime ?? null`))
	if err != nil {
		return visitResult{}, err
	}
	if mark != nil {
		res.ReadyMs, res.ReadyHow = *mark, `performance mark "wirebook-ready"`
	} else {
		// No mark: the poll saw data-ready within a frame of it being set.
		now, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.now()`))
		if err != nil {
			return visitResult{}, err
		}
		res.ReadyMs, res.ReadyHow = now, "poll (no wirebook-ready mark; up to a frame late)"
	}

	if res.Timeline, err = chromedp.Run(ctx, chromedp.Evaluate[timeline](timelineJS)); err != nil {
		return visitResult{}, err
	}

	deadline := time.Now().Add(quietTimeout)
	for !log.quiet(quietFor) {
		if time.Now().After(deadline) {
			return visitResult{}, fmt.Errorf("the network of %s did not go quiet within %v", pageURL, quietTimeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
	res.Resources = log.resources()
	for _, r := range res.Resources {
		res.Bytes += r.Bytes
	}
	res.Requests = len(res.Resources)
	return res, nil
}

// pageResult is row 3.
type pageResult struct {
	Browser string      `json:"browser"`
	First   visitResult `json:"first_visit"`
	Repeat  visitResult `json:"repeat_visit"`

	Clicks       int       `json:"hello_clicks"`
	ClickMs      []float64 `json:"hello_click_to_status_ms"`
	ClickMedian  float64   `json:"hello_click_to_status_median_ms"`
	ClickP90     float64   `json:"hello_click_to_status_p90_ms"`
	ClickStatus  string    `json:"hello_status"`
	ClickWhenSet string    `json:"hello_click_measured_at"`
	ClickVia     string    `json:"hello_transport"`
}

// overWire names what went over the wire on a visit, "(304 /lessons/app)":
// a repeat visit should be the page's revalidation alone, every static
// file coming from the cache.
func (v visitResult) overWire() string {
	var went []string
	for _, r := range v.Resources {
		if r.FromCache || r.Failed != "" {
			continue
		}
		status := cmp.Or(r.WireStatus, r.Status)
		path := r.URL
		if u, err := url.Parse(r.URL); err == nil {
			path = u.Path
		}
		went = append(went, strconv.FormatInt(status, 10)+" "+path)
	}
	if len(went) == 0 {
		return ", all from the cache"
	}
	return ", over the wire: " + strings.Join(went, ", ")
}

// measurePage is row 3: a first visit with an empty cache, a repeat visit
// in a new tab of the same browser (a new navigation that may use the
// cache, not a reload, which would revalidate everything), then clicks on
// the /hello cell.
func measurePage(tab context.Context, pageURL string, clicks int) (pageResult, error) {
	var res pageResult
	var err error
	if res.First, err = visit(tab, pageURL); err != nil {
		return res, fmt.Errorf("first visit: %w", err)
	}
	second, closeSecond := chromedp.NewContext(tab)
	defer closeSecond()
	if res.Repeat, err = visit(second, pageURL); err != nil {
		return res, fmt.Errorf("repeat visit: %w", err)
	}

	ctx, cancel := context.WithTimeout(second, time.Duration(clicks)*5*time.Second+10*time.Second)
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](clickScript(clicks), chromedp.EvalAwaitPromise))
	if err != nil {
		return res, fmt.Errorf("clicking the /hello cell: %w", err)
	}
	var got struct {
		Ms     []float64 `json:"ms"`
		Status string    `json:"status"`
		How    string    `json:"how"`
		Via    string    `json:"via"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return res, err
	}
	if len(got.Ms) == 0 {
		return res, errors.New("the /hello cell was clicked no time")
	}
	res.Clicks, res.ClickMs, res.ClickStatus, res.ClickWhenSet, res.ClickVia = len(got.Ms), got.Ms, got.Status, got.How, got.Via
	res.ClickMedian, res.ClickP90 = percentile(got.Ms, 50), percentile(got.Ms, 90)
	return res, nil
}

// findCellJS finds the cell whose request is exactly the given text, and
// says which transport ran a cell: its output's data-via, else the cell's
// data-transport.
const findCellJS = `const findCell = (text) => Array.from(document.querySelectorAll("[data-cell]")).find(c => {
  const r = c.querySelector("[data-request]");
  return r && r.value.trim() === text;
});
const via = (cell) => {
  const out = cell.querySelector("[data-via]");
  return (out && out.getAttribute("data-via")) || cell.getAttribute("data-transport") || "";
};
`

// clickScript clicks the /hello cell's run button n times, one run after
// the other, and times each from the click to a new [data-status] in the
// cell (a MutationObserver callback: the status is in the DOM, before the
// next paint). A client that reused the status element would never show a
// new one, so a run that goes from "running" to "done" with a status also
// ends the wait, a little late.
func clickScript(n int) string {
	return `(async () => {
` + findCellJS + `
  const cell = findCell("GET /hello");
  if (!cell) throw new Error("no cell sends GET /hello");
  const run = cell.querySelector("[data-run]");
  const settled = () => new Promise((resolve) => {
    const check = () => { const s = cell.dataset.state; return s === "done" || s === "error"; };
    if (check()) return resolve();
    const o = new MutationObserver(() => { if (check()) { o.disconnect(); resolve(); } });
    o.observe(cell, {attributes: true, attributeFilter: ["data-state"]});
  });
  const once = () => new Promise((resolve, reject) => {
    const old = cell.querySelector("[data-status]");
    let sawRunning = false, t0 = 0;
    const o = new MutationObserver(() => {
      const t1 = performance.now();
      if (cell.dataset.state === "running") sawRunning = true;
      const s = cell.querySelector("[data-status]");
      if (!s || s.textContent.trim() === "") return;
      let how = "";
      if (s !== old) how = "a new [data-status]";
      else if (sawRunning && cell.dataset.state === "done") how = "data-state running → done";
      if (!how) return;
      o.disconnect(); clearTimeout(timer);
      resolve({ms: t1 - t0, status: s.textContent.trim(), how});
    });
    const timer = setTimeout(() => { o.disconnect(); reject(new Error("no status within 5 s of a click")); }, 5000);
    o.observe(cell, {subtree: true, childList: true, characterData: true, attributes: true});
    t0 = performance.now();
    run.click();
  });
  const out = {ms: [], status: "", how: "", via: ""};
  for (let i = 0; i < ` + fmt.Sprint(n) + `; i++) {
    const r = await once();
    out.ms.push(r.ms); out.status = r.status; out.how = r.how;
    await settled();
  }
  out.via = via(cell);
  return out;
})()`
}

// streamResult is row 4.
type streamResult struct {
	Method     string    `json:"method"`
	Greetings  int       `json:"greetings"`
	WrittenN   int       `json:"greetings_read_by_proxy"`
	ShownN     int       `json:"greetings_shown_by_page"`
	LatencyMs  []float64 `json:"latency_ms"`
	Median     float64   `json:"latency_median_ms"`
	P99        float64   `json:"latency_p99_ms"`
	Max        float64   `json:"latency_max_ms"`
	ClockDrift float64   `json:"page_clock_drift_ms"`
	State      string    `json:"cell_state"`
	Via        string    `json:"transport"`
}

// measureStream is row 4: it loads the page through the stamping proxy,
// runs the /stream cell, and pairs the k-th line the proxy read from
// wirebook with the k-th line the page showed. Both clocks are this
// machine's CLOCK_REALTIME: Go's time.Now, and in the page
// performance.timeOrigin + performance.now() (monotonic, sub-millisecond)
// set against Date.now() at one of its millisecond ticks.
func measureStream(tab context.Context, proxy *stampProxy, want int) (streamResult, error) {
	res := streamResult{Method: "wirebook's /stream behind a reverse proxy in the bench that stamps each line as it reads it from wirebook (a loopback hop after the write); " +
		"the page stamps each line when a MutationObserver sees it in the cell's [data-body] pre; both on this machine's wall clock"}
	pageURL := "http://" + proxy.Addr() + "/lessons/app" // the lesson with the /stream cell
	ctx, cancel := context.WithTimeout(tab, readyTimeout+time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx,
		chromedp.Navigate(pageURL),
		chromedp.Poll[chromedp.Void](`document.documentElement.dataset.ready === "true"`, chromedp.WithPollingTimeout(readyTimeout)),
	); err != nil {
		return res, fmt.Errorf("the page behind the proxy never set data-ready: %w", err)
	}
	proxy.reset()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](streamScript, chromedp.EvalAwaitPromise))
	if err != nil {
		return res, fmt.Errorf("running the /stream cell: %w", err)
	}
	var got struct {
		Arrivals []float64 `json:"arrivals"` // performance.timeOrigin + performance.now()
		State    string    `json:"state"`
		Via      string    `json:"via"`
		Start    clockPair `json:"start"`
		End      clockPair `json:"end"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		return res, err
	}
	written := proxy.stamps()
	res.State, res.Via, res.WrittenN, res.ShownN = got.State, got.Via, len(written), len(got.Arrivals)
	res.ClockDrift = got.End.Offset - got.Start.Offset
	n := min(len(written), len(got.Arrivals))
	for k := range n {
		w := float64(written[k].UnixNano()) / 1e6
		res.LatencyMs = append(res.LatencyMs, wallClock(got.Arrivals[k], got.Start, got.End)-w)
	}
	res.Greetings = n
	if n > 0 { // JSON has no NaN
		res.Median, res.P99 = percentile(res.LatencyMs, 50), percentile(res.LatencyMs, 99)
		res.Max = percentile(res.LatencyMs, 100)
	}
	switch {
	case got.State != "done":
		return res, fmt.Errorf("the /stream cell ended %q", got.State)
	case res.WrittenN != res.ShownN:
		return res, fmt.Errorf("wirebook wrote %d greetings and the page showed %d", res.WrittenN, res.ShownN)
	case n < want:
		return res, fmt.Errorf("only %d greetings, want at least %d", n, want)
	}
	return res, nil
}

// clockPair is one reading of the page's clock against Date.now(): at
// page time HR, the system clock was HR + Offset.
type clockPair struct {
	HR     float64 `json:"hr"`
	Offset float64 `json:"offset"`
}

// wallClock converts page time hr to the system clock in unix
// milliseconds, with the offset interpolated between two readings: the
// page's monotonic clock and the system clock may drift apart while a
// time daemon slews the latter.
func wallClock(hr float64, a, b clockPair) float64 {
	if b.HR <= a.HR {
		return hr + a.Offset
	}
	f := (hr - a.HR) / (b.HR - a.HR)
	return hr + a.Offset + f*(b.Offset-a.Offset)
}

const streamScript = `(async () => {
` + findCellJS + `
  const cell = findCell("GET /stream");
  if (!cell) throw new Error("no cell sends GET /stream");
  const hr = () => performance.timeOrigin + performance.now();
  // Date.now() is the system clock to the millisecond; right after it
  // ticks, it is exact to the cost of the loop, which sets hr against it.
  const offset = () => { const d = Date.now(); let d1; while ((d1 = Date.now()) === d) {} const h = hr(); return {hr: h, offset: d1 - h}; };
  const start = offset();
  const arrivals = [];
  let seen = 0;
  const lines = new MutationObserver(() => {
    const t = hr();
    const pre = cell.querySelector("[data-body] pre");
    if (!pre) return;
    const n = (pre.textContent.match(/\n/g) || []).length;
    for (; seen < n; seen++) arrivals.push(t);
  });
  lines.observe(cell, {subtree: true, childList: true, characterData: true});
  const finished = new Promise((resolve) => {
    const o = new MutationObserver(() => {
      const s = cell.dataset.state;
      if (s === "done" || s === "error") { o.disconnect(); resolve(s); }
    });
    o.observe(cell, {attributes: true, attributeFilter: ["data-state"]});
    setTimeout(() => { o.disconnect(); resolve("timeout after 45 s"); }, 45000);
  });
  cell.querySelector("[data-run]").click();
  const state = await finished;
  lines.disconnect();
  return {arrivals, state, start, end: offset(), via: via(cell)};
})()`

// largest returns the n resources with the most bytes, largest first.
func largest(rs []resource, n int) []resource {
	s := slices.Clone(rs)
	slices.SortStableFunc(s, func(a, b resource) int { return int(b.Bytes - a.Bytes) })
	return s[:min(n, len(s))]
}
