package saved

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"wirebook/server/export"
	"wirebook/server/wireproto"
	"wirebook/wasm/render"
)

func TestPlace(t *testing.T) {
	t.Parallel()
	a, b, c := &Cell{Lesson: "GET /a"}, &Cell{Lesson: "GET /b"}, &Cell{Lesson: "GET /c"}
	tests := []struct {
		name    string
		saved   []*Cell
		lesson  []string
		placed  []*Cell
		changed []bool
		orphans []*Cell
	}{
		{"unchanged", []*Cell{a, nil, c}, []string{"GET /a", "GET /b", "GET /c"},
			[]*Cell{a, nil, c}, []bool{false, false, false}, nil},
		{"a cell inserted before", []*Cell{a, b}, []string{"GET /new", "GET /a", "GET /b"},
			[]*Cell{nil, a, b}, []bool{false, false, false}, nil},
		{"a cell removed before", []*Cell{a, b, c}, []string{"GET /b", "GET /c"},
			[]*Cell{b, c}, []bool{false, false}, []*Cell{a}},
		{"a cell rewritten", []*Cell{a, b}, []string{"GET /a2", "GET /b"},
			[]*Cell{a, b}, []bool{true, false}, nil},
		{"two swapped", []*Cell{a, b}, []string{"GET /b", "GET /a"},
			[]*Cell{b, a}, []bool{false, false}, nil},
		{"the lesson lost its end", []*Cell{a, b, c}, []string{"GET /a"},
			[]*Cell{a}, []bool{false}, []*Cell{b, c}},
		{"nothing saved", nil, []string{"GET /a"}, []*Cell{nil}, []bool{false}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			placed, changed, orphans := Place(tt.saved, tt.lesson)
			if !reflect.DeepEqual(placed, tt.placed) || !reflect.DeepEqual(changed, tt.changed) || !reflect.DeepEqual(orphans, tt.orphans) {
				t.Errorf("Place = %v %v %v, want %v %v %v", names(placed), changed, names(orphans), names(tt.placed), tt.changed, names(tt.orphans))
			}
		})
	}
}

func names(cs []*Cell) []string {
	var ns []string
	for _, c := range cs {
		if c == nil {
			ns = append(ns, "-")
		} else {
			ns = append(ns, c.Lesson)
		}
	}
	return ns
}

func TestRecordingKeepsABodyUpToItsCap(t *testing.T) {
	t.Parallel()
	o := Recording("wire", true)
	o.AddChunk([]byte("Hello\n"), 1*wireproto.Millisecond)
	o.AddChunk(bytes.Repeat([]byte("x"), MaxBody), 2*wireproto.Millisecond)
	o.AddChunk([]byte("more"), 3*wireproto.Millisecond)
	if o.Size != 6+MaxBody+4 || len(o.Body) != MaxBody || !o.Cut {
		t.Fatalf("size %d kept %d cut %v, want %d, %d, true", o.Size, len(o.Body), o.Cut, 6+MaxBody+4, MaxBody)
	}
	// The third chunk kept nothing, so it is not an arrival of the kept body.
	pieces := o.Pieces()
	if len(pieces) != 2 || pieces[0].Len != 6 || pieces[1].Len != MaxBody-6 || pieces[1].At != 2*wireproto.Millisecond {
		t.Errorf("pieces %+v", pieces)
	}
}

func TestRecordingMergesArrivalsPastItsCap(t *testing.T) {
	t.Parallel()
	o := Recording("wire", true)
	for i := range MaxChunks + 10 {
		o.AddChunk([]byte("ab"), wireproto.Duration(i)*wireproto.Millisecond)
	}
	if len(o.Chunks) != MaxChunks {
		t.Fatalf("%d arrivals kept, want %d", len(o.Chunks), MaxChunks)
	}
	sum := 0
	for _, p := range o.Pieces() {
		sum += p.Len
	}
	if sum != len(o.Body) || sum != 2*(MaxChunks+10) {
		t.Errorf("pieces cover %d bytes of %d kept, want all %d", sum, len(o.Body), 2*(MaxChunks+10))
	}
}

func TestWithoutBodiesKeepsTheRestAndSaysSo(t *testing.T) {
	t.Parallel()
	o := Recording("wire", true)
	o.SetHead(render.Head{Status: 200})
	o.AddChunk([]byte("Hello"), 0)
	o.Checks = []wireproto.CheckResult{{Line: 1, Pass: true, Text: "HTTP 200"}}
	w := o.WithoutBodies()
	if w.Body != nil || w.Chunks != nil || !w.Cut || w.Size != 5 || w.Head.Status != 200 || len(w.Checks) != 1 {
		t.Errorf("without bodies: %+v", w)
	}
	if string(o.Body) != "Hello" || o.Cut {
		t.Error("WithoutBodies changed the output it copied")
	}
}

// run is a run with every field set, in every kind of output, with the
// strings a JSON writer gets wrong.
func run() *Run {
	tricky := "quote \" backslash \\ newline \n tab \t nul \x00 del \x7f é 😀 </script> \u2028"
	http := Recording("wire", true)
	http.SetHead(render.Head{Proto: "HTTP/1.1", Status: 200, StatusText: "OK", URL: "http://127.0.0.1:2500/stream", Via: "wire",
		Headers: []wireproto.Header{{Name: "X-Tricky", Value: tricky}, {Name: "X-Bytes", Value: "\xff\xfe"}, {Name: "X-Tricky", Value: "again"}}})
	http.Head.Raw = []byte("HTTP/1.1 200 OK\r\nX-Tricky: …\r\n\r\n")
	http.Sent, http.Added = []byte("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n"), ".h"
	http.AddSizeLine("6", []byte("Hello\n"), 1500*wireproto.Microsecond)
	http.AddSizeLine("0", nil, 2500*wireproto.Microsecond)
	http.AddChunk([]byte("Hello\n"), 1500*wireproto.Microsecond)
	http.AddChunk([]byte{0, 1, 2, 255}, 2*wireproto.Millisecond)
	http.Timings = &render.Timings{Connect: 300 * wireproto.Microsecond, FirstByte: 1200 * wireproto.Microsecond, Total: 3 * wireproto.Millisecond, Bytes: 10, Truncated: true}
	http.Checks = []wireproto.CheckResult{{Line: 2, Pass: true, Text: `header "X" contains "` + tricky + `"`, Got: tricky, Want: "y"}, {Line: 3, Text: "HTTP 404", Got: "200", Want: "404"}}
	http.Elapsed = 3500 * wireproto.Microsecond
	http.Error = "stopped: " + tricky

	browser := Recording("browser", false)
	browser.SetHead(render.Head{Status: 200, Via: "browser", Redirected: true, Dropped: []string{"Host", "Cookie"}})
	browser.AddChunk([]byte("{}"), 0)

	socket := Recording("socket", false)
	socket.HasHead, socket.Protocol, socket.Extensions, socket.Dropped = true, "chat", "permessage-deflate", []string{"X-A"}
	socket.AddMessage([]byte("hi "+tricky), false, 5*wireproto.Millisecond)
	socket.AddMessage([]byte{0, 255}, true, 6*wireproto.Millisecond)
	socket.Close = &Close{Code: 1000, Reason: tricky, At: 7 * wireproto.Millisecond}

	failed := &Output{Error: "no such host"}
	return &Run{N: 12, State: "error", Passed: 1, Outputs: []*Output{http, browser, socket, failed}}
}

func TestRunRecordReadsBackAsWritten(t *testing.T) {
	t.Parallel()
	want := run()
	lesson, got, err := ParseRun(RunJSON("GET /stream\n\n"+"é", want))
	if err != nil {
		t.Fatal(err)
	}
	if lesson != "GET /stream\n\né" {
		t.Errorf("lesson %q", lesson)
	}
	// Bytes that are not UTF-8 are written as U+FFFD, as the page shows them.
	want.Outputs[0].Head.Headers[1].Value = "\ufffd\ufffd"
	if !reflect.DeepEqual(got, want) {
		for i := range want.Outputs {
			if !reflect.DeepEqual(got.Outputs[i], want.Outputs[i]) {
				t.Errorf("output %d:\n got %+v\nwant %+v", i, got.Outputs[i], want.Outputs[i])
			}
		}
		t.Fatalf("run %+v, want %+v", got, want)
	}
}

func TestEditAndSummaryReadBack(t *testing.T) {
	t.Parallel()
	lesson, text, err := ParseEdit(EditJSON("GET /a", "GET /a?x=\"1\"\n\nbody 😀"))
	if err != nil || lesson != "GET /a" || text != "GET /a?x=\"1\"\n\nbody 😀" {
		t.Errorf("ParseEdit = %q, %q, %v", lesson, text, err)
	}
	s, err := ParseSummary(SummaryJSON(Summary{Passed: 3, Total: 7, Ran: 2}))
	if err != nil || s != (Summary{Passed: 3, Total: 7, Ran: 2}) {
		t.Errorf("ParseSummary = %+v, %v", s, err)
	}
}

func TestBrokenRecordsAreErrorsNotHalfRead(t *testing.T) {
	t.Parallel()
	for _, s := range []string{
		"", "not json", "[]", "null", `{"v":1`, // not a record
		`{"v":2,"lesson":"GET /","outputs":[]}`,                                  // a later format
		`{"lesson":"GET /","outputs":[]}`,                                        // no version
		`{"v":1,"lesson":3,"outputs":[]}`,                                        // a lesson that is not text
		`{"v":1,"lesson":"GET /","outputs":{}}`,                                  // outputs not a list
		`{"v":1,"lesson":"GET /","outputs":[{}]}`,                                // an output without via
		`{"v":1,"lesson":"GET /","outputs":[{"via":"wire","body":"%%%"}]}`,       // bad base64
		`{"v":1,"lesson":"GET /","outputs":[{"via":"wire","headers":[["a"]]}]}`,  // a header without a value
		`{"v":1,"lesson":"GET /","outputs":[{"via":"wire","chunks":[[1,2,3]]}]}`, // an arrival of three numbers
		`{"v":1,"lesson":"GET /","outputs":[{"via":"socket","messages":[{"data":"!"}]}]}`,
	} {
		if _, _, err := ParseRun(s); err == nil {
			t.Errorf("ParseRun(%q) read it", s)
		}
	}
	if _, _, err := ParseEdit(`{"v":1,"lesson":"GET /"}`); err == nil {
		t.Error("ParseEdit read an edit without its text")
	}
}

// TestExportIsWhatTheServerReads holds the two ends of the format together:
// what the client posts decodes, field for field, into server/export's Saved.
func TestExportIsWhatTheServerReads(t *testing.T) {
	t.Parallel()
	r := run()
	cells := []*Cell{{Lesson: "GET /stream", Text: "GET /stream?x=1", Edited: true, Run: r}, nil, {Lesson: "GET /a", Text: "GET /a"}}
	var s export.Saved
	dec := json.NewDecoder(strings.NewReader(ExportJSON(cells)))
	if err := dec.Decode(&s); err != nil {
		t.Fatal(err)
	}
	if s.V != export.SavedVersion || len(s.Cells) != 3 || s.Cells[1] != nil {
		t.Fatalf("saved v%d with %d cells (second %v)", s.V, len(s.Cells), s.Cells[1])
	}
	c := s.Cells[0]
	if c.Lesson != "GET /stream" || c.Text != "GET /stream?x=1" || c.N != 12 || c.State != "error" || c.Passed != 1 || len(c.Outputs) != 4 {
		t.Fatalf("cell %+v", c)
	}
	h := c.Outputs[0]
	if h.Via != "wire" || h.Proto != "HTTP/1.1" || h.Status != 200 || h.Reason != "OK" || len(h.Headers) != 3 ||
		h.Headers[0][0] != "X-Tricky" || h.Headers[0][1] != r.Outputs[0].Head.Headers[0].Value ||
		!bytes.Equal(h.Body, []byte("Hello\n\x00\x01\x02\xff")) || h.Size != 10 || h.Cut ||
		!reflect.DeepEqual(h.Chunks, [][2]int64{{1500, 6}, {2000, 4}}) ||
		*h.Timings != (export.SavedTimings{Connect: 300, FirstByte: 1200, Total: 3000, Bytes: 10, Truncated: true}) ||
		len(h.Checks) != 2 || h.Checks[1] != (export.SavedCheck{Line: 3, Text: "HTTP 404", Got: "200", Want: "404"}) ||
		h.Error != r.Outputs[0].Error {
		t.Errorf("the wire output reads as %+v", h)
	}
	sock := c.Outputs[2]
	if sock.Via != "socket" || len(sock.Messages) != 2 || string(sock.Messages[0].Data) != string(r.Outputs[2].Messages[0].Data) ||
		!sock.Messages[1].Binary || sock.Messages[1].At != 6000 || sock.Close == nil || sock.Close.Code != 1000 {
		t.Errorf("the socket reads as %+v", sock)
	}
	if c.Outputs[3].Error != "no such host" || c.Outputs[3].Status != 0 {
		t.Errorf("the failed run reads as %+v", c.Outputs[3])
	}
	if e := s.Cells[2]; e.Text != "GET /a" || e.N != 0 || len(e.Outputs) != 0 {
		t.Errorf("a cell that never ran reads as %+v", e)
	}
}
