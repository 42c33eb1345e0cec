package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTargetsAreMetAtTheirLimitAndMissedPastIt(t *testing.T) {
	t.Parallel()
	at := &results{
		Wasm:   &wasmSize{BrotliBytes: wasmBrotliMaxKiB * kib},
		Page:   &pageResult{First: visitResult{Bytes: firstVisitMaxKiB * kib, Requests: 1, ReadyMs: readyMaxMs}, Repeat: visitResult{Bytes: repeatVisitMaxKiB * kib, Requests: 1}, Clicks: 1, ClickMedian: clickMaxMs},
		Stream: &streamResult{Greetings: 50, P99: greetingP99MaxMs},
		Memory: &memoryResult{Steps: []viewerStep{{Viewers: budgetViewers, PerViewerKiB: viewerMaxKiB}}, StopSeconds: exitMaxSeconds},
		Saved:  &savedResult{Saves: 1, SaveMedian: saveMaxMs},
		Endpoints: []endpointResult{
			{Endpoint: "GET /hello", DesignedStatus: 200, ProbeStatus: 200, MinRPS: helloMinRPS, RequestsPerSec: helloMinRPS},
			{Endpoint: "GET /notfound", DesignedStatus: 404, ProbeStatus: 404},
		},
	}
	ts := at.targets()
	if len(ts) != 11 {
		t.Errorf("%d targets, want 11: %+v", len(ts), ts)
	}
	for _, tg := range ts {
		if !tg.Met {
			t.Errorf("%s: %v %s at its limit %s is not met", tg.Name, tg.Value, tg.Unit, tg.Want)
		}
	}

	past := &results{
		Wasm:   &wasmSize{BrotliBytes: wasmBrotliMaxKiB*kib + 1},
		Stream: &streamResult{Greetings: 50, P99: greetingP99MaxMs + 0.01},
		Memory: &memoryResult{Steps: []viewerStep{{Viewers: budgetViewers, PerViewerKiB: 10, Dropped: 1}}},
		Saved:  &savedResult{Saves: 1, SaveMedian: saveMaxMs + 0.01},
		Endpoints: []endpointResult{
			{Endpoint: "GET /hello", DesignedStatus: 200, ProbeStatus: 200, MinRPS: helloMinRPS, RequestsPerSec: helloMinRPS - 1},
			{Endpoint: "GET /notfound", DesignedStatus: 404, ProbeStatus: 500},
		},
	}
	for _, tg := range past.targets() {
		if tg.Met && tg.Name != tExit {
			t.Errorf("%s: %v %s past its limit %s is met", tg.Name, tg.Value, tg.Unit, tg.Want)
		}
		if tg.Name == tErrors && tg.Detail != "GET /notfound" {
			t.Errorf("a 500 under a designed 404 is not named: %q", tg.Detail)
		}
	}
}

func TestReportPrintsEachFigureBesideItsTargetAndWritesJSON(t *testing.T) {
	t.Parallel()
	r := &results{
		Schema:     1,
		Machine:    machine{CPUs: 2, LoadAvgStart: "3.50 1.00 0.50"},
		Wasm:       &wasmSize{RawBytes: 3 << 20, GzipBytes: 1 << 20, BrotliBytes: 700 * kib},
		Memory:     &memoryResult{IdleRSSKiB: 20000, Steps: []viewerStep{{Viewers: 1000, RSSKiB: 50000, PerViewerKiB: 30}}},
		Unmeasured: []string{"3. page: no chromium on PATH"},
	}
	r.Targets = r.targets()
	var out strings.Builder
	r.print(&out)
	for _, want := range []string{
		"app.wasm brotli -q 11", "700.0 KiB", "≤ 600 KiB", "✗",
		"with 1000 /ws/stream viewers", "30.0 KiB per viewer",
		"WARNING", // load 3.5 on 2 CPUs
		"NOT MEASURED", "no chromium on PATH",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}

	path := filepath.Join(t.TempDir(), "bench", "results.json")
	if err := r.write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	wasm, _ := back["wasm"].(map[string]any)
	if wasm["brotli11_bytes"] != float64(700*kib) {
		t.Errorf("wasm in JSON: %v", wasm)
	}
	if _, ok := back["targets"].([]any); !ok {
		t.Errorf("no targets list in %s", b)
	}
}

func TestAttackRowsTargets(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		r    results
		want bool
	}{
		{"p99 at 5× idle with the login through is met",
			results{Bcrypt: &bcryptResult{Ratio: maxRatio, Login: loginResult{Status: 200}}}, true},
		{"past 5× idle is missed",
			results{Bcrypt: &bcryptResult{Ratio: maxRatio + 0.1, Login: loginResult{Status: 200}}}, false},
		{"a login still refused after its retries is missed",
			results{Bcrypt: &bcryptResult{Ratio: 1, Login: loginResult{Status: 429, Attempts: loginAttempts}}}, false},
		{"as many held as the cap is met",
			results{IdleWS: &idleWSResult{Held: 500, Cap: 500}}, true},
		{"more held than the cap is missed",
			results{IdleWS: &idleWSResult{Held: 501, Cap: 500}}, false},
		{"no cap is missed",
			results{IdleWS: &idleWSResult{Held: 2000}}, false},
	}
	for _, tt := range tests {
		ts := tt.r.targets()
		if len(ts) != 1 || ts[0].Met != tt.want {
			t.Errorf("%s: targets %+v, want one, met %v", tt.name, ts, tt.want)
		}
	}
}

func TestSavedWorkRowPrintsTheSavesBesideTheirBudgetAndWritesJSON(t *testing.T) {
	t.Parallel()
	r := &results{Saved: &savedResult{CellsRun: 12, Keys: 13, Chars: 5120, WithOutput: 12, Restored: 12, RestoreMs: 42}}
	r.Saved.setSaves([]float64{0.5, 1.5, 7, 1, 2, 0.25, 3, 1.25, 2.5, 0.75})
	r.Targets = r.targets()
	if tg := r.target(tSave); tg == nil || !tg.Met || tg.Value != 1.25 || tg.Want != "≤ 5 ms" {
		t.Errorf("the save target: %+v, want the median 1.25 ms met against ≤ 5 ms", tg)
	}
	var out strings.Builder
	r.print(&out)
	for _, want := range []string{
		"8. save after a run, median of 10 saves (Run all, 12 cells run)", "1.25 ms (p90 3.00 ms, max 7.00 ms)", "≤ 5 ms", "✓",
		"5120 chars in 13 keys (10.0 KiB as UTF-16)",
		"restore at page start, 12 of 12 cells with an output restored", "42 ms",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}

	path := filepath.Join(t.TempDir(), "results.json")
	if err := r.write(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Saved map[string]any `json:"saved_work"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]float64{"saves": 10, "save_median_ms": 1.25, "save_p90_ms": 3, "save_max_ms": 7, "lesson_saved_chars": 5120, "restore_ms": 42, "cells_run": 12} {
		if back.Saved[k] != want {
			t.Errorf("saved_work.%s in JSON = %v, want %v", k, back.Saved[k], want)
		}
	}

	none := &results{Saved: &savedResult{}}
	if ts := none.targets(); len(ts) != 0 {
		t.Errorf("no saves measured, yet targets %+v", ts)
	}
}

func TestLectureRowIsMetOnlyWhenEveryCellIsAnswered(t *testing.T) {
	t.Parallel()
	ok := lectureResult{Students: 1000, StudentsDone: 1000, CellsEach: 13, Answered: 13000, Expected: 13000, P50Ms: 1.6, P99Ms: 200}
	for _, tt := range []struct {
		name string
		r    lectureResult
		met  bool
	}{
		{"all answered, fast", ok, true},
		{"slow p99", func() lectureResult { r := ok; r.P99Ms = 300; return r }(), false},
		{"one refused", func() lectureResult { r := ok; r.Refused, r.Answered = 1, 12999; return r }(), false},
		{"one wrong", func() lectureResult { r := ok; r.Errors = 1; return r }(), false},
	} {
		r := &results{Lecture: &tt.r}
		ts := r.lectureTargets()
		if len(ts) != 1 || ts[0].Met != tt.met {
			t.Errorf("%s: targets %+v, want met=%v", tt.name, ts, tt.met)
		}
		behind := tt.r
		behind.Instances = 2
		r = &results{Lecture: &ok, LectureNginx: &behind}
		ts = r.lectureTargets()
		if len(ts) != 2 || !ts[0].Met || ts[1].Met != tt.met || ts[1].Name != tLecture2 {
			t.Errorf("%s behind nginx: targets %+v, want the second met=%v", tt.name, ts, tt.met)
		}
	}
}
