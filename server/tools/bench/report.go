package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"wirebook/server/internal/harness"
)

// results is everything one run measured, as written to bench/results.json.
// Every figure's key names its unit.
type results struct {
	Schema    int              `json:"schema"`
	Machine   machine          `json:"machine"`
	Load      loadSettings     `json:"endpoint_load"`
	Endpoints []endpointResult `json:"endpoints,omitempty"`
	Wasm      *wasmSize        `json:"wasm,omitempty"`
	Page      *pageResult      `json:"page,omitempty"`
	Stream    *streamResult    `json:"stream,omitempty"`
	Memory    *memoryResult    `json:"memory,omitempty"`
	Bcrypt    *bcryptResult    `json:"bcrypt_attack,omitempty"`
	IdleWS    *idleWSResult    `json:"idle_websockets,omitempty"`
	Saved     *savedResult     `json:"saved_work,omitempty"`
	Overhead  *overheadResult  `json:"overhead,omitempty"`
	Lecture   *lectureResult   `json:"lecture,omitempty"`
	// LectureNginx is the same class on two instances behind nginx.
	LectureNginx *lectureResult `json:"lecture_behind_nginx,omitempty"`
	Targets      []target       `json:"targets"`
	Unmeasured   []string       `json:"unmeasured,omitempty"`
	Seconds      float64        `json:"bench_seconds"`
}

type loadSettings struct {
	Threads     int     `json:"wrk_threads"`
	Connections int     `json:"wrk_connections"`
	Seconds     float64 `json:"wrk_seconds"`
}

// target is one budget of the issue beside what was measured.
type target struct {
	Name   string  `json:"name"`
	Want   string  `json:"target"`
	Value  float64 `json:"value"`
	Unit   string  `json:"unit"`
	Met    bool    `json:"met"`
	Detail string  `json:"detail,omitempty"`
}

const kib = 1024

// The budgets of the issue (DESIGN.md's "Budgets").
const (
	helloMinRPS       = 30000
	wasmBrotliMaxKiB  = 600
	firstVisitMaxKiB  = 700
	repeatVisitMaxKiB = 20
	readyMaxMs        = 300
	clickMaxMs        = 10
	greetingP99MaxMs  = 10
	viewerMaxKiB      = 40
	exitMaxSeconds    = 2
	budgetViewers     = 10000
	saveMaxMs         = 5 // the "≤ 5 ms of main-thread time for a typical cell"
)

// Names of the targets, shared by the table and the JSON.
const (
	tErrors    = "endpoints under load: errors"
	tWasm      = "app.wasm brotli"
	tFirst     = "first visit"
	tRepeat    = "repeat visit"
	tReady     = "time to data-ready"
	tClick     = "click → rendered /hello, median"
	tGreeting  = "greeting written → in the page, p99"
	tViewerRSS = "10 000 /ws/stream viewers: RSS each"
	tExit      = "exit after SIGINT with the viewers connected"
	tBcrypt    = "/hello p99 under 48 bcrypt attackers"
	tIdleWS    = "idle WebSockets held"
	tSave      = "save after a run, median"
	tOverhead  = "/hello slower than a bare net/http handler"
	tLecture   = "lecture of 1 000: per cell p99"
	tLecture2  = "lecture of 1 000, two behind nginx: per cell p99"
)

// targets checks each budget that was measured.
func (r *results) targets() []target {
	return slices.Concat(r.endpointTargets(), r.pageTargets(), r.memoryTargets(), r.attackTargets(), r.savedTargets(), r.overheadTargets(), r.lectureTargets())
}

// savedTargets is row 8: the typical save, the median, against the issue's
// budget for a cell.
func (r *results) savedTargets() []target {
	s := r.Saved
	if s == nil || s.Saves == 0 {
		return nil
	}
	t := atMost(tSave, s.SaveMedian, saveMaxMs, "ms")
	t.Detail = fmt.Sprintf("%d saves, p90 %s, max %s", s.Saves, fmtMs(s.SaveP90), fmtMs(s.SaveMax))
	return []target{t}
}

// lectureTargets is row 10: every cell of every student answered, none
// refused, none wrong, and the p99 of a cell within the 250 ms.
func (r *results) lectureTargets() []target {
	var ts []target
	for _, lt := range []struct {
		l    *lectureResult
		name string
	}{{r.Lecture, tLecture}, {r.LectureNginx, tLecture2}} {
		if lt.l == nil {
			continue
		}
		t := atMost(lt.name, lt.l.P99Ms, lectureP99MaxMs, "ms")
		t.Want += ", every cell answered, 0 refused, 0 errors"
		t.Met = t.Met && lt.l.Answered == lt.l.Expected && lt.l.Refused == 0 && lt.l.Errors == 0
		t.Detail = lt.l.value()
		ts = append(ts, t)
	}
	return ts
}

// overheadTargets is row 9: wirebook's layers against a bare handler,
// with every request in the access log.
func (r *results) overheadTargets() []target {
	o := r.Overhead
	if o == nil {
		return nil
	}
	t := atMost(tOverhead, o.OverheadPct, overheadMaxPct, "%")
	t.Want += ", 0 errors, no access line lost"
	t.Met = o.met()
	t.Detail = fmt.Sprintf("%d errors, %d access lines for %d requests wrk counted", o.Bare.Errors+o.Wirebook.Errors, o.LogLines, o.Wirebook.Requests)
	if o.CleanExit != "" {
		t.Detail += "; " + o.CleanExit
	}
	return []target{t}
}

func atMost(name string, v, limit float64, unit string) target {
	return target{Name: name, Want: "≤ " + strconv.FormatFloat(limit, 'f', -1, 64) + " " + unit, Value: v, Unit: unit, Met: v <= limit}
}

func (r *results) endpointTargets() []target {
	var ts []target
	for _, e := range r.Endpoints {
		if e.MinRPS > 0 && e.Err == "" {
			ts = append(ts, target{Name: e.Endpoint + " throughput", Want: "≥ " + strconv.Itoa(int(e.MinRPS)) + " req/s",
				Value: e.RequestsPerSec, Unit: "req/s", Met: e.RequestsPerSec >= e.MinRPS})
		}
	}
	if len(r.Endpoints) == 0 {
		return ts
	}
	var errs int64
	var bad []string
	for _, e := range r.Endpoints {
		errs += e.Errors
		if e.Errors > 0 || e.Err != "" || e.ProbeStatus != e.DesignedStatus {
			bad = append(bad, e.Endpoint)
		}
	}
	return append(ts, target{Name: tErrors, Want: "0, each at its designed status", Value: float64(errs), Unit: "errors",
		Met: len(bad) == 0, Detail: strings.Join(bad, ", ")})
}

// pageTargets are rows 2 to 4: what the client weighs and how fast it is.
func (r *results) pageTargets() []target {
	var ts []target
	if w := r.Wasm; w != nil {
		ts = append(ts, atMost(tWasm, float64(w.BrotliBytes)/kib, wasmBrotliMaxKiB, "KiB"))
	}
	if p := r.Page; p != nil {
		if p.First.Requests > 0 {
			ts = append(ts, atMost(tFirst, float64(p.First.Bytes)/kib, firstVisitMaxKiB, "KiB"), atMost(tReady, p.First.ReadyMs, readyMaxMs, "ms"))
		}
		if p.Repeat.Requests > 0 {
			ts = append(ts, atMost(tRepeat, float64(p.Repeat.Bytes)/kib, repeatVisitMaxKiB, "KiB"))
		}
		if p.Clicks > 0 {
			ts = append(ts, atMost(tClick, p.ClickMedian, clickMaxMs, "ms"))
		}
	}
	if s := r.Stream; s != nil && s.Greetings > 0 {
		ts = append(ts, atMost(tGreeting, s.P99, greetingP99MaxMs, "ms"))
	}
	return ts
}

func (r *results) memoryTargets() []target {
	m := r.Memory
	if m == nil {
		return nil
	}
	var ts []target
	for _, s := range m.Steps {
		if s.Viewers == budgetViewers {
			t := atMost(tViewerRSS, s.PerViewerKiB, viewerMaxKiB, "KiB")
			lost := s.DialFailed + s.Dropped
			t.Want += ", none dropped"
			t.Met = t.Met && lost == 0
			t.Detail = strconv.Itoa(lost) + " dropped or never connected"
			ts = append(ts, t)
		}
	}
	if len(m.Steps) > 0 {
		ts = append(ts, atMost(tExit, m.StopSeconds, exitMaxSeconds, "s"))
	}
	return ts
}

// attackTargets are rows 6 and 7: what a crowd that means harm, or just
// forgets its tabs, does to everyone else.
func (r *results) attackTargets() []target {
	var ts []target
	if b := r.Bcrypt; b != nil {
		t := atMost(tBcrypt, b.Ratio, maxRatio, "× idle p99")
		t.Want += ", the demo login succeeds"
		t.Met = t.Met && b.Login.ok() && b.HelloErrors == 0
		t.Detail = fmt.Sprintf("%s; login %d after %d attempts", b.summary(), b.Login.Status, b.Login.Attempts)
		ts = append(ts, t)
	}
	if w := r.IdleWS; w != nil {
		t := target{Name: tIdleWS, Want: "≤ the cap", Value: float64(w.Held), Unit: "connections"}
		if w.Cap > 0 {
			t.Want = "≤ " + strconv.Itoa(w.Cap) + " (the cap, " + w.CapFrom + ")"
			t.Met = w.Held <= w.Cap
		} else {
			t.Detail = "no cap"
		}
		ts = append(ts, t)
	}
	return ts
}

func (r *results) target(name string) *target {
	for i := range r.Targets {
		if r.Targets[i].Name == name {
			return &r.Targets[i]
		}
	}
	return nil
}

func mark(ok bool) string {
	if ok {
		return "✓"
	}
	return "✗"
}

// print writes the tables a person reads; the JSON has every figure.
func (r *results) print(w io.Writer) {
	r.printMachine(w)
	r.printEndpoints(w)
	r.printFigures(w)
	r.printNotes(w)
	r.printUnmeasured(w)
}

// printMachine says where and when the figures were taken, and warns when
// the machine was busy before the bench began.
func (r *results) printMachine(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "wirebook bench — %s — %d CPUs (%s), %s\n", m.Date, m.CPUs, m.CPUModel, m.GoVersion)
	fmt.Fprintln(w, "wirebook "+strings.Join(nonEmpty(m.Commit, m.Wrk, m.Browser), " · "))
	fmt.Fprintf(w, "load average %s at start, %s at the end\n", m.LoadAvgStart, m.LoadAvgEnd)
	if m.busy() {
		fmt.Fprintf(w, "WARNING: before the bench began, other work kept more than %d CPUs busy; these figures do not compare with a quiet run.\n", m.CPUs)
	}
	fmt.Fprintln(w)
}

// printEndpoints is row 1's table, one line per endpoint wrk loaded.
func (r *results) printEndpoints(w io.Writer) {
	if len(r.Endpoints) == 0 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "1. Endpoints on loopback: wrk -t%d -c%d -d%gs --latency (wrk and wirebook share the %d CPUs)\n",
		r.Load.Threads, r.Load.Connections, r.Load.Seconds, r.Machine.CPUs)
	fmt.Fprintln(tw, "ENDPOINT\tSTATUS\tREQ/S\tP50\tP99\tERRORS\tTARGET\t")
	for _, e := range r.Endpoints {
		printEndpoint(tw, e)
	}
	tw.Flush()
	fmt.Fprintln(w, "   Errors are socket errors plus non-2xx/3xx answers, except where the designed status is a 4xx.")
	fmt.Fprintln(w, "   /secure with the demo login checks a bcrypt hash per request by design, so it runs with 1 thread and 2 connections.")
	fmt.Fprintln(w)
}

func printEndpoint(tw io.Writer, e endpointResult) {
	status := strconv.Itoa(e.ProbeStatus)
	if e.ProbeStatus != e.DesignedStatus {
		status += " (want " + strconv.Itoa(e.DesignedStatus) + ")"
	}
	want := "0 errors"
	if e.MinRPS > 0 {
		want = "≥ " + strconv.Itoa(int(e.MinRPS)) + " req/s, 0 errors"
	}
	if e.DesignedStatus >= 400 {
		want += " (socket errors only)"
	}
	if e.Err != "" {
		fmt.Fprintf(tw, "%s\t%s\tnot measured: %s\t\t\t\t%s\t✗\n", e.Endpoint, status, firstLine(e.Err), want)
		return
	}
	fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%d\t%s\t%s\n", e.Endpoint, status, e.RequestsPerSec,
		fmtMs(e.P50ms), fmtMs(e.P99ms), e.Errors, want, mark(e.Met))
}

// figureTable is the table of every row but 1: a figure, its value, and
// the budget it is held to, if any.
type figureTable struct {
	tw *tabwriter.Writer
	r  *results
}

func (f figureTable) row(name, value string, t *target) {
	if t == nil {
		fmt.Fprintf(f.tw, "%s\t%s\t\t\n", name, value)
		return
	}
	fmt.Fprintf(f.tw, "%s\t%s\t%s\t%s\n", name, value, t.Want, mark(t.Met))
}

func (r *results) printFigures(w io.Writer) {
	f := figureTable{tw: tabwriter.NewWriter(w, 0, 0, 2, ' ', 0), r: r}
	if r.Wasm != nil || r.Page != nil || r.Stream != nil || r.Memory != nil || r.Bcrypt != nil || r.IdleWS != nil || r.Saved != nil || r.Overhead != nil || r.Lecture != nil || r.LectureNginx != nil {
		fmt.Fprintln(f.tw, "FIGURE\tVALUE\tTARGET\t")
	}
	f.wasm()
	f.page()
	f.stream()
	f.memory()
	f.bcrypt()
	f.idleWS()
	f.saved()
	f.overhead()
	f.lecture()
	f.tw.Flush()
}

func (f figureTable) wasm() {
	s := f.r.Wasm
	if s == nil {
		return
	}
	f.row("2. app.wasm raw", fmtKiB(int64(s.RawBytes)), nil)
	f.row("   app.wasm gzip -9", fmtKiB(int64(s.GzipBytes)), nil)
	f.row("   app.wasm brotli -q 11", fmtKiB(int64(s.BrotliBytes)), f.r.target(tWasm))
}

func (f figureTable) page() {
	p := f.r.Page
	if p == nil {
		return
	}
	if p.First.Requests > 0 {
		f.row("3. first visit, bytes transferred", fmt.Sprintf("%s in %d requests", fmtKiB(p.First.Bytes), p.First.Requests), f.r.target(tFirst))
	}
	if p.Repeat.Requests > 0 {
		f.row("   repeat visit, bytes transferred", fmt.Sprintf("%s in %d requests%s", fmtKiB(p.Repeat.Bytes), p.Repeat.Requests, p.Repeat.overWire()), f.r.target(tRepeat))
	}
	if p.First.Requests > 0 {
		f.row("   navigation start → data-ready", fmtMs(p.First.ReadyMs), f.r.target(tReady))
	}
	if p.Repeat.Requests > 0 {
		f.row("   … on the repeat visit", fmtMs(p.Repeat.ReadyMs), nil)
	}
	if p.Clicks > 0 {
		f.row(fmt.Sprintf("   click → /hello status shown, median of %d", p.Clicks), fmtMs(p.ClickMedian)+" (p90 "+fmtMs(p.ClickP90)+")", f.r.target(tClick))
	}
}

func (f figureTable) stream() {
	if s := f.r.Stream; s != nil && s.Greetings > 0 {
		f.row(fmt.Sprintf("4. greeting written → in the page, %d greetings", s.Greetings), "median "+fmtMs(s.Median)+", p99 "+fmtMs(s.P99), f.r.target(tGreeting))
	}
}

func (f figureTable) memory() {
	mr := f.r.Memory
	if mr == nil {
		return
	}
	f.row("5. wirebook RSS idle (after one page load)", fmtMiB(mr.IdleRSSKiB*kib), nil)
	for _, s := range mr.Steps {
		value := fmt.Sprintf("%s, %.1f KiB per viewer, %d dropped", fmtMiB(s.RSSKiB*kib), s.PerViewerKiB, s.DialFailed+s.Dropped)
		var t *target
		if s.Viewers == budgetViewers {
			t = f.r.target(tViewerRSS)
		}
		f.row(fmt.Sprintf("   … with %d /ws/stream viewers", s.Viewers), value, t)
	}
	if len(mr.Steps) > 0 {
		value := strconv.FormatFloat(mr.StopSeconds, 'f', 2, 64) + " s"
		if mr.StopKilled {
			value += " (killed)"
		}
		f.row(fmt.Sprintf("   exit after SIGINT, %d viewers connected", mr.Steps[len(mr.Steps)-1].Viewers), value, f.r.target(tExit))
	}
}

func (f figureTable) bcrypt() {
	b := f.r.Bcrypt
	if b == nil {
		return
	}
	f.row("6. /hello p99, idle", fmtMs(b.IdleP99ms), nil)
	f.row(fmt.Sprintf("   … under %d bcrypt attackers", b.Attackers), fmt.Sprintf("%s (%.1f× idle)", fmtMs(b.AttackP99ms), b.Ratio), f.r.target(tBcrypt))
	f.row("   attackers' answers", fmt.Sprintf("%s; %d with Retry-After", b.statuses(), b.RetryAfter), nil)
	login := fmt.Sprintf("%d after %d attempts in %.1f s", b.Login.Status, b.Login.Attempts, b.Login.Seconds)
	if b.Login.Err != "" {
		login += " (" + b.Login.Err + ")"
	}
	f.row("   the demo login during the attack", login, nil)
}

func (f figureTable) idleWS() {
	w := f.r.IdleWS
	if w == nil {
		return
	}
	f.row(fmt.Sprintf("7. idle /ws/relay WebSockets opened, of %d", w.Tried), fmt.Sprintf("%d connected, %d refused", w.Connected, w.Refused), nil)
	f.row(fmt.Sprintf("   … held after %v", idleHoldFor), fmt.Sprintf("%d (%d closed by the server)", w.Held, w.Closed), f.r.target(tIdleWS))
	f.row("   wirebook RSS, idle → with them", fmt.Sprintf("%s → %s, %.1f KiB per held", fmtMiB(w.IdleRSSKiB*kib), fmtMiB(w.RSSKiB*kib), w.PerConnKiB), nil)
}

func (f figureTable) saved() {
	s := f.r.Saved
	if s == nil || s.Saves == 0 {
		return
	}
	f.row(fmt.Sprintf("8. save after a run, median of %d saves (Run all, %d cells run)", s.Saves, s.CellsRun),
		fmtMs(s.SaveMedian)+" (p90 "+fmtMs(s.SaveP90)+", max "+fmtMs(s.SaveMax)+")", f.r.target(tSave))
	f.row("   the lesson's saved work after Run all", fmtChars(s.Chars, s.Keys), nil)
	if s.WithOutput > 0 {
		f.row(fmt.Sprintf("   restore at page start, %d of %d cells with an output restored", s.Restored, s.WithOutput), fmtMs(s.RestoreMs), nil)
	}
}

func (f figureTable) lecture() {
	if l := f.r.Lecture; l != nil {
		f.row(fmt.Sprintf("10. lecture: %d students, Run all on %d lessons, %d cells each", l.Students, l.Lessons, l.CellsEach), l.value(), nil)
		f.lectureFigures(l, tLecture)
		f.row("   one student's first visit", fmtKiB(l.FirstVisitBytes), nil)
	}
	if l := f.r.LectureNginx; l != nil {
		f.row(fmt.Sprintf("    the same, %d wirebooks behind nginx", l.Instances), l.value(), nil)
		f.lectureFigures(l, tLecture2)
	}
}

func (f figureTable) lectureFigures(l *lectureResult, name string) {
	f.row("   per cell p50 / p99 / max (a stream cell to its head)", fmt.Sprintf("%s / %s / %s", fmtMs(l.P50Ms), fmtMs(l.P99Ms), fmtMs(l.MaxMs)), f.r.target(name))
	var peaks []string
	for _, k := range l.RSSPeaksKiB {
		peaks = append(peaks, fmtMiB(k*kib))
	}
	f.row("   server RSS peak, CPU", fmt.Sprintf("%s, %.1f s in %.1f s", strings.Join(peaks, " + "), l.CPUSeconds, l.Seconds), nil)
	cpu := fmt.Sprintf("the simulated students %.1f s", l.ToolCPUSeconds)
	if l.ProxyCPUSeconds > 0 {
		cpu = fmt.Sprintf("nginx %.1f s, ", l.ProxyCPUSeconds) + cpu
	}
	f.row("   CPU beside the servers, on the same cores", cpu, nil)
	for _, s := range l.Samples {
		f.row("   e.g.", s, nil)
	}
}

func (f figureTable) overhead() {
	o := f.r.Overhead
	if o == nil {
		return
	}
	f.row("9. /hello (log to a file) vs a bare net/http handler", o.value(), f.r.target(tOverhead))
	f.row("   req/s of the 1 s runs, bare", fmtRates(o.Bare.Runs), nil)
	f.row("   … /hello", fmtRates(o.Wirebook.Runs), nil)
	f.row("   access lines after the stop", fmt.Sprintf("%d for %d requests wrk counted, %d lost", o.LogLines, o.Wirebook.Requests, o.lost()), nil)
}

// fmtRates is the spread of a side's runs (the JSON has each).
func fmtRates(rs []float64) string {
	if len(rs) == 0 {
		return "–"
	}
	s := slices.Sorted(slices.Values(rs))
	return fmt.Sprintf("min %.0f, median %.0f, max %.0f req/s", s[0], s[len(s)/2], s[len(s)-1])
}

// fmtChars is what a lesson holds in localStorage: characters (UTF-16
// code units, what localStorage counts), and what they weigh at two bytes
// each.
func fmtChars(chars, keys int) string {
	return fmt.Sprintf("%d chars in %d keys (%s as UTF-16)", chars, keys, fmtKiB(2*int64(chars)))
}

func (r *results) printUnmeasured(w io.Writer) {
	if len(r.Unmeasured) == 0 {
		return
	}
	fmt.Fprintln(w, "\nNOT MEASURED:")
	for _, u := range r.Unmeasured {
		fmt.Fprintln(w, "  "+u)
	}
}

// printNotes says how each figure was taken.
func (r *results) printNotes(w io.Writer) {
	notes := slices.Concat(r.pageNotes(), r.otherNotes())
	if len(notes) == 0 {
		return
	}
	fmt.Fprintln(w, "\nNotes:")
	for _, n := range notes {
		fmt.Fprintln(w, "  "+n)
	}
}

func (r *results) pageNotes() []string {
	p := r.Page
	if p == nil || p.First.Requests == 0 {
		return nil
	}
	var parts []string
	for _, res := range largest(p.First.Resources, 4) {
		parts = append(parts, fmt.Sprintf("%s %s", shortURL(res.URL), fmtKiB(res.Bytes)))
	}
	tl := p.First.Timeline
	notes := []string{
		"3. bytes are Chromium's encodedDataLength of each HTTP response (headers and body as sent), WebSocket frames not included; first visit, largest: " + strings.Join(parts, ", "),
		"3. repeat visit (a new tab, same profile): " + strings.Join(repeatParts(p.Repeat.Resources), ", "),
		fmt.Sprintf("3. first visit, ms since navigation start: document received %s, app.wasm requested %s, its first byte %s, its last %s, DOMContentLoaded %s, load %s, data-ready %s (%s)",
			fmtMs(tl.DocumentMs), fmtMs(tl.WasmRequestedMs), fmtMs(tl.WasmFirstByteMs), fmtMs(tl.WasmReceivedMs), fmtMs(tl.DOMContentLoadedMs), fmtMs(tl.LoadMs), fmtMs(p.First.ReadyMs), p.First.ReadyHow),
	}
	if p.Clicks > 0 {
		notes = append(notes, fmt.Sprintf("3. clicks: element.click() on the /hello cell's [data-run] (transport %q), timed in the page to a MutationObserver callback that sees %s",
			p.ClickVia, p.ClickWhenSet))
	}
	return notes
}

// repeatParts lists what the repeat visit fetched, and how many came from
// the cache.
func repeatParts(rs []resource) []string {
	var parts []string
	cached := 0
	for _, res := range rs {
		if res.FromCache && res.Bytes == 0 {
			cached++
			continue
		}
		status := res.Status
		if res.WireStatus != 0 {
			status = res.WireStatus
		}
		parts = append(parts, fmt.Sprintf("%s %s (%d)", shortURL(res.URL), fmtKiB(res.Bytes), status))
	}
	return append(parts, fmt.Sprintf("%d from the cache", cached))
}

func (r *results) otherNotes() []string {
	var notes []string
	if s := r.Stream; s != nil && s.Greetings > 0 {
		notes = append(notes, fmt.Sprintf("4. %s; transport %q; page clock drift over the run %.3f ms (interpolated out)", s.Method, s.Via, s.ClockDrift))
	}
	if m := r.Memory; m != nil {
		notes = append(notes, fmt.Sprintf("5. own wirebook %s; viewers are nhooyr.io/websocket clients in the bench, %d dialling at once; RSS is VmRSS %v after the last one got its first greeting; per viewer = (RSS − idle) / viewers",
			strings.Join(m.Args, " "), harness.DialConcurrency, rssSettle))
	}
	if r.Bcrypt != nil {
		notes = append(notes, fmt.Sprintf("6. own wirebook; /hello asked by %d keep-alive clients in the bench for %v alone, then from 1 s into %v of %d clients sending wrong passwords to /secure (each pausing %v after a 429 or 503); the demo login starts 2 s in and honours Retry-After (≤ %v, %d tries)",
			helloProbeConns, helloIdleFor, attackFor, attackers, refusedPause, maxRetryAfter, loginAttempts))
	}
	if w := r.IdleWS; w != nil {
		notes = append(notes, fmt.Sprintf("7. own wirebook; %d /ws/relay WebSockets with the page's Origin, %d dialling at once, sending nothing and answering pings; held = still open %v after the last handshake; RSS per held = (RSS − idle) / held",
			w.Tried, harness.DialConcurrency, idleHoldFor))
	}
	if s := r.Saved; s != nil && s.Saves > 0 {
		notes = append(notes, "8. "+s.Method+"; durations are performance.now() differences, which Chromium coarsens to 0.1 ms on a page that is not cross-origin isolated")
	}
	if o := r.Overhead; o != nil {
		notes = append(notes, fmt.Sprintf("9. own wirebook, its log written to a file by the shell's redirection; the bare handler runs in the bench's process; %d runs of %s, bare and /hello in turn (bare, wirebook, wirebook, bare, …); the figure is the median over the pairs of runs side by side of (bare − /hello) / bare; req/s over all runs = all requests / all seconds of each side",
			len(o.Order), o.Wrk))
	}
	return notes
}

func (r *results) write(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func fmtMs(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 2, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
}

func fmtKiB(bytes int64) string {
	return strconv.FormatFloat(float64(bytes)/kib, 'f', 1, 64) + " KiB"
}

// fmtMiB is for memory, which is MiB where the page's budgets are KiB.
func fmtMiB(bytes int64) string {
	return strconv.FormatFloat(float64(bytes)/kib/kib, 'f', 1, 64) + " MiB"
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// shortURL drops the scheme and host of a same-machine URL.
func shortURL(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return u
}
