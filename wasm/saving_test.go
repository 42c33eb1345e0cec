//go:build js && wasm

package main

import (
	"strings"
	"syscall/js"
	"testing"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/internal/fakedom"
	"wirebook/wasm/render"
	"wirebook/wasm/saved"
)

// open starts the client on the page as the browser does: saved work
// restored, then the buttons enabled.
func open(t *testing.T, tr Transport) *notebook {
	t.Helper()
	nb := newNotebook(dom.Doc(), map[string]Transport{"browser": as{tr, "browser"}, "wire": as{tr, "wire"}})
	nb.restore()
	nb.ready()
	t.Cleanup(nb.close)
	return nb
}

// as is a fake transport that answers as the transport named via would
// label its answers: a saved output is played back as the one that sent it.
type as struct {
	Transport
	via string
}

func (a as) Send(stop <-chan struct{}, req wireproto.Request, url string, recv Receiver) error {
	return a.Transport.Send(stop, req, url, labelled{recv, a.via})
}

type labelled struct {
	Receiver
	via string
}

func (l labelled) Head(h render.Head) {
	h.Via = l.via
	l.Receiver.Head(h)
}

func (l labelled) Expect() string {
	if cr, ok := l.Receiver.(checkedReceiver); ok {
		return cr.Expect()
	}
	return ""
}

func (l labelled) Checks(cs []wireproto.CheckResult) {
	if cr, ok := l.Receiver.(checkedReceiver); ok {
		cr.Checks(cs)
	}
}

func (l labelled) Client() string { return l.Receiver.(wireReceiver).Client() }

func (l labelled) Sent(data []byte, added string, cut bool) {
	if l.via == "wire" {
		l.Receiver.(wireReceiver).Sent(data, added, cut)
	}
}

func (l labelled) SizeLine(line string, data []byte, at wireproto.Duration) {
	if l.via == "wire" {
		l.Receiver.(wireReceiver).SizeLine(line, data, at)
	}
}

// reload is the student reloading the page: the client goes, the page is
// rendered again from lesson (the lesson as the server has it now), and a
// new client starts on it with the same storage.
func reload(t *testing.T, nb *notebook, tr Transport, lesson ...string) (js.Value, *notebook) {
	t.Helper()
	nb.close()
	doc := page(t, lesson...)
	return doc, open(t, tr)
}

func edit(cell js.Value, text string) {
	ta := cell.Call("querySelector", "[data-request]")
	ta.Set("value", text)
	ta.Call("dispatch", "input")
}

func outputText(t *testing.T, cell js.Value) string {
	t.Helper()
	return text(q(t, cell, "[data-outputs]"))
}

func TestEditAndRunComeBackAfterAReload(t *testing.T) {
	fakedom.InstallStorage(t, 0)
	page(t, "GET /hello", "GET /json", "GET /stream", "GET /download")
	f := &fake{delay: make(chan struct{})}
	close(f.delay)
	nb := open(t, f)
	doc := dom.Doc()
	edit(q(t, doc, "#cell-2"), "GET /json\nX-Mine: 1")
	var before []string
	for _, id := range []string{"#cell-1", "#cell-2", "#cell-3", "#cell-4"} {
		cell := q(t, doc, id)
		runCell(t, cell)
		before = append(before, outputText(t, cell))
	}

	doc, nb = reload(t, nb, f, "GET /hello", "GET /json", "GET /stream", "GET /download")
	for i, id := range []string{"#cell-1", "#cell-2", "#cell-3", "#cell-4"} {
		cell := q(t, doc, id)
		if got := outputText(t, cell); got != before[i] {
			t.Errorf("%s after the reload shows\n%q\nwant what it showed before\n%q", id, got, before[i])
		}
		if dom.Attr(cell, "data-restored") != "true" || dom.Attr(cell, "data-state") != "done" {
			t.Errorf("%s: data-restored %q data-state %q", id, dom.Attr(cell, "data-restored"), dom.Attr(cell, "data-state"))
		}
		if got := text(q(t, cell, "[data-count]")); got != "In ["+itoa(i+1)+"]:" {
			t.Errorf("%s: prompt %q", id, got)
		}
	}
	if got := q(t, doc, "#cell-2 [data-request]").Get("value").String(); got != "GET /json\nX-Mine: 1" {
		t.Errorf("the edit came back as %q", got)
	}
	if got := dom.Attr(q(t, doc, "#cell-3 [data-chunks]"), "data-chunks"); text(q(t, doc, "#cell-3 [data-chunks]")) != "2" {
		t.Errorf("the stream's arrivals came back as %q %q", got, text(q(t, doc, "#cell-3 [data-chunks]")))
	}
	// The wire views come back too (their text is part of the outputs compared above).
	var sizes []string
	for _, e := range dom.QueryAll(doc, "#cell-3 [data-chunk-size]") {
		sizes = append(sizes, dom.Attr(e, "data-chunk-size"))
	}
	if strings.Join(sizes, ",") != "6,8,0" || !strings.Contains(text(q(t, doc, "#cell-1 [data-sent]")), "GET /hello HTTP/1.1") ||
		!strings.HasPrefix(text(q(t, doc, "#cell-3 [data-raw]")), "HTTP/1.1 200 OK") {
		t.Errorf("the wire views after the reload: chunk sizes %q, request %q", sizes, text(q(t, doc, "#cell-1 [data-sent]")))
	}
	if _, ok := dom.Query(doc, "[data-saved-notice]"); ok {
		t.Errorf("a notice on a clean restore: %q", text(q(t, doc, "[data-saved-notice]")))
	}
	// The next run is numbered after the restored ones, and is no longer restored.
	cell := q(t, doc, "#cell-1")
	dom.RemoveAttr(cell, "data-state")
	runCell(t, cell)
	if got := text(q(t, cell, "[data-count]")); got != "In [5]:" || dom.HasAttr(cell, "data-restored") {
		t.Errorf("after a new run: prompt %q, restored %v", got, dom.HasAttr(cell, "data-restored"))
	}
}

func TestChecksAndProgressComeBack(t *testing.T) {
	fakedom.InstallStorage(t, 0)
	checkedPage(t, []string{"GET /hello", "GET /json"}, []string{"HTTP 200\nbody contains Hello", "HTTP 200"}, 2)
	f := &fake{verdict: passIf("/hello")}
	nb := open(t, f)
	doc := dom.Doc()
	runCell(t, q(t, doc, "#cell-1"))
	runCell(t, q(t, doc, "#cell-2"))
	checks := outputText(t, q(t, doc, "#cell-2"))

	nb.close()
	doc = checkedPage(t, []string{"GET /hello", "GET /json"}, []string{"HTTP 200\nbody contains Hello", "HTTP 200"}, 2)
	open(t, f)
	if got := text(q(t, doc, "[data-progress]")); got != "2 of 3 checks pass" {
		t.Errorf("progress after the reload %q", got)
	}
	if got := outputText(t, q(t, doc, "#cell-2")); got != checks {
		t.Errorf("cell 2 shows %q, want %q", got, checks)
	}
	if n := len(dom.QueryAll(doc, "#cell-1 [data-expect]")); n != 2 {
		t.Errorf("cell 1 shows %d verdicts, want 2", n)
	}
}

func TestChangedLessonKeepsTheStudentsEdit(t *testing.T) {
	fakedom.InstallStorage(t, 0)
	page(t, "GET /hello", "GET /json")
	f := &fake{}
	nb := open(t, f)
	edit(q(t, dom.Doc(), "#cell-1"), "GET /hello?mine=1")
	runCell(t, q(t, dom.Doc(), "#cell-2"))

	// The instructor rewrote both cells.
	doc, nb := reload(t, nb, f, "GET /hello?lang=fr", "GET /json?v=2")
	one, two := q(t, doc, "#cell-1"), q(t, doc, "#cell-2")
	for _, c := range []js.Value{one, two} {
		if dom.Attr(c, "data-lesson-changed") != "true" {
			t.Errorf("%s is not marked changed", dom.Attr(c, "id"))
		}
	}
	if got := q(t, one, "[data-request]").Get("value").String(); got != "GET /hello?mine=1" {
		t.Errorf("the edit became %q", got)
	}
	if !strings.Contains(text(q(t, one, "[data-lesson-change]")), "GET /hello?lang=fr") {
		t.Errorf("the note does not show the lesson's version: %q", text(q(t, one, "[data-lesson-change]")))
	}
	// Unedited, the cell shows the lesson's new request and keeps its old output.
	if got := q(t, two, "[data-request]").Get("value").String(); got != "GET /json?v=2" || !strings.Contains(outputText(t, two), "Test Server") {
		t.Errorf("cell 2: request %q output %q", got, outputText(t, two))
	}

	q(t, one, "[data-take-lesson]").Call("dispatch", "click")
	if got := q(t, one, "[data-request]").Get("value").String(); got != "GET /hello?lang=fr" || dom.HasAttr(one, "data-lesson-changed") {
		t.Errorf("after taking the lesson's version: %q, changed %v", got, dom.HasAttr(one, "data-lesson-changed"))
	}
	if _, ok := dom.Query(one, "[data-lesson-change]"); ok {
		t.Error("the note outlived the choice")
	}
	// Cell 2 is still marked until it runs the new text; a reload keeps it marked.
	doc, _ = reload(t, nb, f, "GET /hello?lang=fr", "GET /json?v=2")
	if dom.HasAttr(q(t, doc, "#cell-1"), "data-lesson-changed") || dom.Attr(q(t, doc, "#cell-2"), "data-lesson-changed") != "true" {
		t.Errorf("after a second reload: cell 1 changed %v, cell 2 changed %v",
			dom.HasAttr(q(t, doc, "#cell-1"), "data-lesson-changed"), dom.HasAttr(q(t, doc, "#cell-2"), "data-lesson-changed"))
	}
}

func TestWorkFollowsItsCellWhenTheLessonGainsOne(t *testing.T) {
	fakedom.InstallStorage(t, 0)
	page(t, "GET /json")
	f := &fake{}
	nb := open(t, f)
	runCell(t, q(t, dom.Doc(), "#cell-1"))

	doc, nb := reload(t, nb, f, "GET /hello", "GET /json")
	if dom.HasAttr(q(t, doc, "#cell-1"), "data-restored") || dom.Attr(q(t, doc, "#cell-2"), "data-restored") != "true" {
		t.Fatal("the saved run did not move to its cell")
	}
	// Saved again under its new place: a further reload finds it there directly.
	doc, _ = reload(t, nb, f, "GET /hello", "GET /json")
	if dom.Attr(q(t, doc, "#cell-2"), "data-restored") != "true" || !strings.Contains(outputText(t, q(t, doc, "#cell-2")), "Test Server") {
		t.Error("the moved run was not saved at its new place")
	}
}

func TestRequestsOfLostCellsAreKeptAndListed(t *testing.T) {
	fakedom.InstallStorage(t, 0)
	page(t, "GET /hello", "GET /json")
	f := &fake{}
	nb := open(t, f)
	edit(q(t, dom.Doc(), "#cell-2"), "GET /json?my-work")

	doc, nb := reload(t, nb, f, "GET /hello")
	notice := q(t, doc, "[data-saved-notice]")
	if !strings.Contains(text(notice), "GET /json?my-work") {
		t.Errorf("the notice does not list the lost request: %q", text(notice))
	}
	doc, nb = reload(t, nb, f, "GET /hello")
	if !strings.Contains(text(q(t, doc, "[data-saved-notice]")), "GET /json?my-work") {
		t.Fatal("the lost request was not kept past a second reload")
	}
	q(t, doc, "[data-forget-lost]").Call("dispatch", "click")
	if _, ok := dom.Query(doc, "[data-saved-notice]"); ok {
		t.Error("Forget left the notice")
	}
	doc, _ = reload(t, nb, f, "GET /hello")
	if _, ok := dom.Query(doc, "[data-saved-notice]"); ok {
		t.Error("a forgotten request came back")
	}
}

func TestCorruptSavedWorkIsDiscardedWithANotice(t *testing.T) {
	ls := fakedom.InstallStorage(t, 0)
	ls.Call("setItem", "wirebook:/lessons/x#0:run", `{"v":1,"lesson":"GET /hello","outputs":[{"via":`)
	ls.Call("setItem", "wirebook:/lessons/x#1:edit", `{"v":99,"lesson":"GET /json","text":"GET /later"}`)
	ls.Call("setItem", "wirebook:/lessons/other#0:run", "not ours, left alone")
	doc := page(t, "GET /hello", "GET /json")
	open(t, &fake{})
	notice := q(t, doc, "[data-saved-notice]")
	if !strings.Contains(text(notice), "could not be read") || !strings.Contains(text(notice), "cell 1") || !strings.Contains(text(notice), "cell 2") {
		t.Errorf("notice %q", text(notice))
	}
	if !ls.Call("getItem", "wirebook:/lessons/x#0:run").IsNull() || !ls.Call("getItem", "wirebook:/lessons/x#1:edit").IsNull() {
		t.Error("the broken records are still there")
	}
	if ls.Call("getItem", "wirebook:/lessons/other#0:run").IsNull() {
		t.Error("another lesson's record was touched")
	}
	// The page works as if nothing had been saved.
	cell := q(t, doc, "#cell-1")
	runCell(t, cell)
	if !strings.Contains(outputText(t, cell), "Hello") {
		t.Errorf("cell 1 after the notice: %q", outputText(t, cell))
	}
	q(t, notice, "button").Call("dispatch", "click")
	if _, ok := dom.Query(doc, "[data-saved-notice]"); ok {
		t.Error("Dismiss left the notice")
	}
}

func TestABodyTooBigForStorageIsSavedWithoutIt(t *testing.T) {
	fakedom.InstallStorage(t, 64<<10) // less than the body's saved cap
	page(t, "GET /big")
	f := &fake{}
	nb := open(t, f)
	cell := q(t, dom.Doc(), "#cell-1")
	runCell(t, cell)
	if !strings.Contains(text(q(t, cell, "[data-copy-status]")), "without its body") {
		t.Errorf("the cell did not say its body was not saved: %q", text(q(t, cell, "[data-copy-status]")))
	}
	doc, _ := reload(t, nb, f, "GET /big")
	cell = q(t, doc, "#cell-1")
	if dom.Attr(q(t, cell, "[data-size]"), "data-size") != itoa(4*80<<10) {
		t.Errorf("size after the reload %q, want the exact %d", dom.Attr(q(t, cell, "[data-size]"), "data-size"), 4*80<<10)
	}
	if !strings.Contains(outputText(t, cell), "more bytes not shown") {
		t.Errorf("the restored output does not say its body is missing: %q", outputText(t, cell)[:200])
	}
}

func TestClearAndResetForgetWhatTheyTakeAway(t *testing.T) {
	ls := fakedom.InstallStorage(t, 0)
	page(t, "GET /hello")
	f := &fake{}
	nb := open(t, f)
	cell := q(t, dom.Doc(), "#cell-1")
	edit(cell, "GET /json")
	runCell(t, cell)
	if ls.Call("getItem", "wirebook:/lessons/x#0:run").IsNull() || ls.Call("getItem", "wirebook:/lessons/x").IsNull() {
		t.Fatal("the run or the lesson's progress was not saved")
	}
	q(t, cell, "[data-clear]").Call("dispatch", "click")
	waitFor(t, "the clear", func() bool { return !dom.HasAttr(cell, "data-state") })
	if !ls.Call("getItem", "wirebook:/lessons/x#0:run").IsNull() || ls.Call("getItem", "wirebook:/lessons/x#0:edit").IsNull() {
		t.Error("Clear output should forget the run and keep the edit")
	}
	q(t, cell, "[data-reset]").Call("dispatch", "click")
	waitFor(t, "the reset", func() bool { return q(t, cell, "[data-request]").Get("value").String() == "GET /hello" })
	waitFor(t, "the edit to be forgotten", func() bool { return ls.Call("getItem", "wirebook:/lessons/x#0:edit").IsNull() })
	doc, _ := reload(t, nb, f, "GET /hello")
	if dom.HasAttr(q(t, doc, "#cell-1"), "data-restored") {
		t.Error("a reset cell came back restored")
	}
}

func TestExportFormCarriesTheWork(t *testing.T) {
	fakedom.InstallStorage(t, 0)
	doc := page(t, "GET /hello", "GET /json")
	state := dom.El("input", []string{"type", "hidden", "name", "state"})
	form := dom.El("form", []string{"data-export-form", ""}, state)
	doc.Get("body").Call("appendChild", form)
	open(t, &fake{})
	edit(q(t, doc, "#cell-2"), "GET /json?mine=1")
	runCell(t, q(t, doc, "#cell-1"))
	form.Call("dispatch", "submit")
	got := state.Get("value").String()
	for _, want := range []string{`"v":1`, `"text":"GET /json?mine=1"`, `"status":200`, `"body":"SGVsbG8="`} {
		if !strings.Contains(got, want) {
			t.Errorf("the state posted lacks %s: %s", want, got)
		}
	}
}

func TestCourseIndexShowsEachLessonsProgress(t *testing.T) {
	ls := fakedom.InstallStorage(t, 0)
	ls.Call("setItem", "wirebook:/lessons/app", saved.SummaryJSON(saved.Summary{Passed: 3, Total: 7, Ran: 2}))
	ls.Call("setItem", "wirebook:/lessons/files", saved.SummaryJSON(saved.Summary{Ran: 1}))
	ls.Call("setItem", "wirebook:/lessons/echo", "{broken")
	doc := fakedom.Install(t)
	var slots []js.Value
	for _, slug := range []string{"app", "files", "echo", "new"} {
		link := dom.El("a", []string{"data-lesson-link", ""})
		link.Set("href", "http://127.0.0.1:2500/lessons/"+slug)
		slot := dom.El("p", []string{"data-lesson-progress", ""}, dom.Text("not started"))
		doc.Get("body").Call("appendChild", dom.El("li", []string{"data-lesson", slug}, link, slot))
		slots = append(slots, slot)
	}
	fillProgress(doc)
	for i, want := range []string{"3 of 7 checks pass", "1 cell run", "not started", "not started"} {
		if got := text(slots[i]); got != want {
			t.Errorf("slot %d says %q, want %q", i, got, want)
		}
	}
}
