package wireproto

import (
	"bytes"
	"errors"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

var roundTripFrames = []struct {
	name  string
	frame Frame
}{
	{"send with headers and body", Frame{Type: FrameSend, ID: 7,
		Request: Request{Method: "POST", Target: "/json",
			Headers: []Header{{"Content-Type", "application/x-www-form-urlencoded"}, {"X-A", ""}, {"x-a", "2"}},
			Body:    "name=David&title=Data+Scientist"},
		URL: "http://127.0.0.1:2505/json", Expect: "HTTP 200\n[Asserts]\njsonpath \"$.name\" == \"David\"\n"}},
	{"send with a client", Frame{Type: FrameSend, ID: 2, Request: Request{Method: "GET", Target: "/echo/"}, URL: "http://127.0.0.1:2504/echo/", Client: "requests"}},
	{"sent", Frame{Type: FrameSent, ID: 2, Data: []byte("GET /echo/ HTTP/1.1\r\nHost: 127.0.0.1:2504\r\nUser-Agent: python-requests/2.32.3\r\nX-B: 1\r\n\r\n"), Added: ".hc."}},
	{"sent, cut at the cap", Frame{Type: FrameSent, ID: 2, Data: []byte("POST / HTTP/1.1\r\n"), Truncated: true, Added: "."}},
	{"head with its raw bytes", Frame{Type: FrameHead, ID: 5, Proto: "HTTP/1.1", Status: 200, Reason: "OK",
		Headers: []Header{{"x-B", "1"}, {"X-b", "2"}}, Raw: []byte("HTTP/1.1 200 OK\r\nx-B: 1\r\nX-b:2\r\n\r\n")}},
	{"first frame of a chunk", Frame{Type: FrameChunk, ID: 3, Data: []byte("Hello\n"), At: Second, SizeLine: "6;lang=en"}},
	{"last chunk with a trailer", Frame{Type: FrameChunk, ID: 3, At: 2 * Second, SizeLine: "0\nX-Checksum: 42"}},
	{"send of a bare GET", Frame{Type: FrameSend, ID: 0, Request: Request{Method: "GET", Target: "/hello"}, URL: "http://127.0.0.1:2500/hello"}},
	{"cancel", Frame{Type: FrameCancel, ID: 1<<32 - 1}},
	{"head of a redirect", Frame{Type: FrameHead, ID: 3, Proto: "HTTP/1.1", Status: 301, Reason: "Moved Permanently",
		Headers: []Header{{"Location", "http://kdm.training"}, {"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}, {"X-Bytes", "\xff\x00"}}}},
	{"head without headers", Frame{Type: FrameHead, ID: 4, Proto: "HTTP/1.0", Status: 999}},
	{"chunk", Frame{Type: FrameChunk, ID: 3, Data: []byte("Nǐn hǎo\n\x00\xff"), At: 1500 * Millisecond}},
	{"empty chunk at zero", Frame{Type: FrameChunk, ID: 3}},
	{"large chunk", Frame{Type: FrameChunk, ID: 9, Data: bytes.Repeat([]byte("0123456789abcdef"), 4096), At: 3600 * Second}},
	{"end", Frame{Type: FrameEnd, ID: 3, Bytes: 1 << 40, Connect: Millisecond, FirstByte: 2 * Millisecond, Total: 30 * Second, Truncated: true}},
	{"end of an empty body", Frame{Type: FrameEnd, ID: 3}},
	{"error", Frame{Type: FrameError, ID: 12, Message: "dial tcp 127.0.0.1:2599: connect: connection refused"}},
	{"queued", Frame{Type: FrameQueued, ID: 13, Ahead: 4095}},
	{"queued first in line", Frame{Type: FrameQueued, ID: 14}},
	{"check", Frame{Type: FrameCheck, ID: 5, Checks: []CheckResult{
		{Line: 1, Pass: true, Text: "HTTP 200", Got: "200", Want: "200"},
		{Line: 3, Pass: false, Text: `header "Content-Type" contains "text/plain"`, Got: `"text/html; charset=utf-8"`, Want: `contains "text/plain"`},
	}}},
	{"check of no expectations", Frame{Type: FrameCheck, ID: 5}},
	{"longest durations", Frame{Type: FrameEnd, ID: 1, Bytes: 1<<63 - 1, Connect: 1<<63 - 1, FirstByte: 1<<63 - 1, Total: 1<<63 - 1}},
}

func TestFrameRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range roundTripFrames {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			prefix := []byte("kept")
			b, err := tc.frame.AppendBinary(prefix)
			if err != nil {
				t.Fatalf("AppendBinary: %v", err)
			}
			if !bytes.HasPrefix(b, prefix) {
				t.Fatalf("AppendBinary lost dst: % x", b)
			}
			got, err := DecodeFrame(b[len(prefix):])
			if err != nil {
				t.Fatalf("DecodeFrame: %v", err)
			}
			if !reflect.DeepEqual(got, tc.frame) {
				t.Fatalf("round trip\n got %#v\nwant %#v", got, tc.frame)
			}
		})
	}
}

func TestFrameEncodingIsCompact(t *testing.T) {
	t.Parallel()
	f := Frame{Type: FrameChunk, ID: 3, Data: []byte("hi"), At: 0}
	b, err := f.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []byte{byte(FrameChunk), 3, 2, 'h', 'i', 0, 0}; !bytes.Equal(b, want) {
		t.Fatalf("AppendBinary = % x, want % x", b, want)
	}
}

func TestFrameEncodeIgnoresOtherTypesFields(t *testing.T) {
	t.Parallel()
	f := Frame{Type: FrameError, ID: 1, Message: "boom", Data: []byte("x"), Status: 200, URL: "http://x/"}
	b, err := f.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFrame(b)
	if want := (Frame{Type: FrameError, ID: 1, Message: "boom"}); err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("DecodeFrame = %#v, %v; want %#v", got, err, want)
	}
}

func TestFrameEncodeRefuses(t *testing.T) {
	t.Parallel()
	tooMany := make([]Header, MaxFrameHeaders+1)
	tests := []struct {
		name  string
		frame Frame
	}{
		{"unknown type", Frame{Type: 0}},
		{"type past the last", Frame{Type: FrameQueued + 1}},
		{"negative queue position", Frame{Type: FrameQueued, Ahead: -1}},
		{"too many checks", Frame{Type: FrameCheck, Checks: make([]CheckResult, MaxFrameChecks+1)}},
		{"a negative check line", Frame{Type: FrameCheck, Checks: []CheckResult{{Line: -1}}}},
		{"too many response headers", Frame{Type: FrameHead, Status: 200, Headers: tooMany}},
		{"too many request headers", Frame{Type: FrameSend, Request: Request{Headers: tooMany}}},
		{"status past 999", Frame{Type: FrameHead, Status: 1000}},
		{"negative status", Frame{Type: FrameHead, Status: -1}},
		{"negative chunk time", Frame{Type: FrameChunk, At: -1}},
		{"negative byte count", Frame{Type: FrameEnd, Bytes: -1}},
		{"negative total", Frame{Type: FrameEnd, Total: -Second}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if b, err := tc.frame.AppendBinary(nil); err == nil {
				t.Fatalf("AppendBinary = % x, want an error", b)
			}
		})
	}
}

func TestDecodeFrameRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		in     []byte
		offset int
		msg    string
	}{
		{"empty", nil, 0, "empty frame"},
		{"type zero", []byte{0, 1}, 0, "unknown frame type 0"},
		{"unknown type", []byte{42, 1}, 0, "unknown frame type 42"},
		{"no ID", []byte{byte(FrameCancel)}, 1, "truncated varint"},
		{"ID cut off", []byte{byte(FrameCancel), 0x80}, 2, "truncated varint"},
		{"ID past 32 bits", []byte{byte(FrameCancel), 0x80, 0x80, 0x80, 0x80, 0x10}, 6, "relay ID past 32 bits"},
		{"padded varint", []byte{byte(FrameCancel), 0x81, 0x00}, 3, "varint is not minimally encoded"},
		{"varint past 64 bits", []byte{byte(FrameCancel), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, 11, "varint overflows 64 bits"},
		{"trailing garbage", []byte{byte(FrameCancel), 1, 0}, 2, "1 bytes after the cancel frame"},
		{"string past the end", []byte{byte(FrameError), 1, 5, 'a', 'b'}, 3, "string length of 5 runs past the end of the frame"},
		{"huge string length", []byte{byte(FrameError), 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, 11, "string length of 9223372036854775807 runs past the end of the frame"},
		{"data past the end", []byte{byte(FrameChunk), 1, 3, 'a'}, 3, "data length of 3 runs past the end of the frame"},
		{"chunk without its time", []byte{byte(FrameChunk), 1, 1, 'a'}, 4, "truncated varint"},
		{"header count past the end", []byte{byte(FrameHead), 1, 0, 200, 1, 0, 3, 0, 0}, 7, "header count of 3 runs past the end of the frame"},
		{"header count over the cap", append([]byte{byte(FrameHead), 1, 0, 200, 1, 0, 0x81, 0x04}, make([]byte, 2*513)...), 6, "header count 513 is over 512"},
		{"header value missing", []byte{byte(FrameHead), 1, 0, 200, 1, 0, 1, 1, 'A', 5}, 10, "string length of 5 runs past the end of the frame"},
		{"status past 999", []byte{byte(FrameHead), 1, 0, 0xe8, 0x07, 0, 0}, 5, "status 1000 is out of range"},
		{"send cut after the method", []byte{byte(FrameSend), 1, 3, 'G', 'E', 'T'}, 6, "truncated varint"},
		{"end with a bool of 2", []byte{byte(FrameEnd), 1, 0, 0, 0, 0, 2}, 6, "bool byte 2 is neither 0 nor 1"},
		{"sent with a bool of 2", []byte{byte(FrameSent), 1, 1, 'G', 2, 0}, 4, "bool byte 2 is neither 0 nor 1"},
		{"sent without its added lines", []byte{byte(FrameSent), 1, 1, 'G', 0}, 5, "truncated varint"},
		{"head without its raw bytes", []byte{byte(FrameHead), 1, 0, 200, 1, 0, 0}, 7, "truncated varint"},
		{"chunk without its size line", []byte{byte(FrameChunk), 1, 1, 'a', 0}, 5, "truncated varint"},
		{"end without its bool", []byte{byte(FrameEnd), 1, 0, 0, 0, 0}, 6, "truncated bool"},
		{"queued without its count", []byte{byte(FrameQueued), 1}, 2, "truncated varint"},
		{"queue position past 31 bits", []byte{byte(FrameQueued), 1, 0x80, 0x80, 0x80, 0x80, 0x08}, 7, "queue position past 31 bits"},
		{"duration past 63 bits", []byte{byte(FrameChunk), 1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 13, "value past 63 bits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := DecodeFrame(tc.in)
			var de *FrameDecodeError
			if !errors.As(err, &de) {
				t.Fatalf("DecodeFrame(% x) = %#v, %v; want a *FrameDecodeError", tc.in, f, err)
			}
			if de.Offset != tc.offset || de.Msg != tc.msg {
				t.Fatalf("DecodeFrame(% x) error\n got at %d: %s\nwant at %d: %s", tc.in, de.Offset, de.Msg, tc.offset, tc.msg)
			}
			if !reflect.DeepEqual(f, Frame{}) {
				t.Fatalf("DecodeFrame returned %#v with its error, want the zero Frame", f)
			}
		})
	}
}

// The decoder's output must not alias its input: the WebSocket reader
// reuses its buffer for the next message.
func TestDecodeFrameCopies(t *testing.T) {
	t.Parallel()
	f := Frame{Type: FrameChunk, ID: 1, Data: []byte("abc")}
	b, err := f.AppendBinary(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeFrame(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 'X'
	}
	if string(got.Data) != "abc" {
		t.Fatalf("Data changed with the input buffer: %q", got.Data)
	}
}

// A count or length is checked against the bytes left before anything is
// made for it. Not parallel: it reads the process-wide allocation total.
func TestDecodeFrameAllocatesWithinInput(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		// make([]Header, 0, 512) up front would be 16 KiB.
		{"512 headers claimed, 4 bytes sent", []byte{byte(FrameHead), 1, 0, 200, 1, 0, 0x80, 0x04, 1, 'a', 1, 'b'}},
		{"1 MiB of data claimed, 1 byte sent", []byte{byte(FrameChunk), 1, 0x80, 0x80, 0x40, 'x'}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const runs = 100
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			for range runs {
				if _, err := DecodeFrame(tc.in); err == nil {
					t.Fatal("want an error")
				}
			}
			runtime.ReadMemStats(&after)
			if perRun := (after.TotalAlloc - before.TotalAlloc) / runs; perRun > 1024 {
				t.Fatalf("DecodeFrame allocated %d bytes a call for a %d-byte frame", perRun, len(tc.in))
			}
		})
	}
}

func TestFrameTypeString(t *testing.T) {
	t.Parallel()
	want := map[FrameType]string{FrameSend: "send", FrameCancel: "cancel", FrameHead: "head", FrameChunk: "chunk", FrameEnd: "end", FrameError: "error", FrameCheck: "check", FrameSent: "sent", FrameQueued: "queued", 0: "frame(0)", 99: "frame(99)"}
	for ft, w := range want {
		if got := ft.String(); got != w {
			t.Errorf("FrameType(%d).String() = %q, want %q", ft, got, w)
		}
	}
}

func FuzzDecodeFrame(f *testing.F) {
	for _, tc := range roundTripFrames {
		b, err := tc.frame.AppendBinary(nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{byte(FrameHead), 1, 0, 0xe8, 0x07, 0, 0})
	f.Add([]byte{byte(FrameCancel), 0x81, 0x00})
	f.Add([]byte(strings.Repeat("\xff", 12)))
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := DecodeFrame(b)
		if err != nil {
			var de *FrameDecodeError
			if !errors.As(err, &de) || de.Offset < 0 || de.Offset > len(b) {
				t.Fatalf("DecodeFrame(% x) error %v has no offset within the input", b, err)
			}
			return
		}
		// A frame has one encoding: what decodes re-encodes to the same bytes.
		again, err := fr.AppendBinary(nil)
		if err != nil {
			t.Fatalf("DecodeFrame(% x) = %#v, which AppendBinary refuses: %v", b, fr, err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("DecodeFrame(% x) re-encodes as % x", b, again)
		}
		fr2, err := DecodeFrame(again)
		if err != nil || !reflect.DeepEqual(fr2, fr) {
			t.Fatalf("decode → encode → decode is not stable: %#v, %v; want %#v", fr2, err, fr)
		}
	})
}
