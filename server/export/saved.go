package export

// Saved is a lesson page's saved work as the client keeps it in the
// browser and posts it to the page's export: the JSON below, one record
// per cell in page order (null for a cell with nothing saved). The client
// writes it with the browser's JSON.stringify, so this file is the one
// description of the format on both sides; V changes when a field changes
// meaning, and a reader refuses a V it does not know.
//
//	{"v": 1, "cells": [
//	  {"lesson": "GET /hello",          // the lesson's text of the cell when it was saved
//	   "text": "GET /hello?x=1",        // the request in the box: the student's edit, or the lesson's text
//	   "n": 3,                          // In [n]; 0 never ran (or was cleared)
//	   "state": "done",                 // data-state of the cell: done, error, or "" when cleared
//	   "passed": 2,                     // checks its latest run passed
//	   "outputs": [ … ]}                // its last run: one output, two for a compare (wire, then browser)
//	]}
//
// An output is one response (or one WebSocket):
//
//	{"via": "wire",                     // wire, browser or socket
//	 "proto": "HTTP/1.1", "status": 200, "reason": "OK",
//	 "headers": [["Content-Type", "text/plain"], …],   // in the order received
//	 "url": "http://…",                 // the URL that answered
//	 "body": "SGVsbG8=",               // base64 of the body bytes kept
//	 "size": 5,                         // body bytes received (more than kept when cut)
//	 "cut": false,                      // the kept body stops short of size: the save cap
//	 "chunks": [[1200, 5], …],          // stream cells: each chunk's arrival (µs since sent) and length
//	 "timings": {"connect": 300, "firstByte": 1200, "total": 3400, "bytes": 5, "truncated": false},  // µs, wire only
//	 "checks": [{"line": 2, "pass": true, "text": "HTTP 200", "got": "200", "want": "200"}],    // wire runs of checked cells
//	 "messages": [{"at": 1200, "data": "aGk=", "binary": false}, …],  // socket: each message, data in base64
//	 "close": {"code": 1000, "reason": "", "at": 5000},               // socket: how it closed
//	 "raw": "SFRUUC8x…",                // wire: the response head as received, base64
//	 "sent": "R0VUIC8…", "added": ".h.", // wire: the request as written, and who wrote each head line
//	                                    //   ('.' the cell, 'h' HTTP/1.1 requires it, 'c' the client option)
//	 "sizeLines": [{"at": 1200, "line": "6", "data": "SGVsbG8K"}, …], // wire: a chunked body's size lines, each with the start of its chunk
//	 "error": "stopped: you stopped it"} // why the run failed or stopped, as the page said; "" when it did not
type Saved struct {
	V     int          `json:"v"`
	Cells []*SavedCell `json:"cells"`
}

// SavedVersion is the V this wirebook writes and reads.
const SavedVersion = 1

// SavedCell is one cell's saved work.
type SavedCell struct {
	Lesson  string        `json:"lesson"`
	Text    string        `json:"text"`
	N       int           `json:"n"`
	State   string        `json:"state"`
	Passed  int           `json:"passed"`
	Outputs []SavedOutput `json:"outputs"`
}

// SavedOutput is one response or WebSocket of a cell's last run.
type SavedOutput struct {
	Via       string          `json:"via"`
	Proto     string          `json:"proto,omitempty"`
	Status    int             `json:"status,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Headers   [][2]string     `json:"headers,omitempty"`
	URL       string          `json:"url,omitempty"`
	Body      []byte          `json:"body,omitempty"` // encoding/json reads base64 into []byte
	Size      int64           `json:"size,omitempty"`
	Cut       bool            `json:"cut,omitempty"`
	Chunks    [][2]int64      `json:"chunks,omitempty"`
	Timings   *SavedTimings   `json:"timings,omitempty"`
	Checks    []SavedCheck    `json:"checks,omitempty"`
	Messages  []SavedMessage  `json:"messages,omitempty"`
	Close     *SavedClose     `json:"close,omitempty"`
	Raw       []byte          `json:"raw,omitempty"`
	Sent      []byte          `json:"sent,omitempty"`
	SentCut   bool            `json:"sentCut,omitempty"`
	Added     string          `json:"added,omitempty"`
	SizeLines []SavedSizeLine `json:"sizeLines,omitempty"`
	Error     string          `json:"error,omitempty"`
}

// SavedSizeLine is one chunk-size line of a chunked body as received.
type SavedSizeLine struct {
	At   int64  `json:"at"`
	Line string `json:"line"`
	Data []byte `json:"data"`
}

// SavedTimings are the relay's measurements, in microseconds.
type SavedTimings struct {
	Connect   int64 `json:"connect"`
	FirstByte int64 `json:"firstByte"`
	Total     int64 `json:"total"`
	Bytes     int64 `json:"bytes"`
	Truncated bool  `json:"truncated"`
}

// SavedCheck is one expectation's verdict, as the relay sent it.
type SavedCheck struct {
	Line int    `json:"line"`
	Pass bool   `json:"pass"`
	Text string `json:"text"`
	Got  string `json:"got"`
	Want string `json:"want"`
}

// SavedMessage is one WebSocket message a socket cell received.
type SavedMessage struct {
	At     int64  `json:"at"`
	Data   []byte `json:"data"`
	Binary bool   `json:"binary"`
}

// SavedClose is how a socket cell's connection ended.
type SavedClose struct {
	Code   int    `json:"code"`
	Reason string `json:"reason"`
	At     int64  `json:"at"`
}
