package relay

import (
	"net/http"
	"slices"
	"testing"

	"wirebook/server/wireproto"
)

func TestParseHead(t *testing.T) {
	t.Parallel()
	hd := func(name, value string) wireproto.Header { return wireproto.Header{Name: name, Value: value} }
	tests := []struct {
		name    string
		raw     string
		code    int
		headers []wireproto.Header
		ok      bool
	}{
		{"headers in order, body after", "HTTP/1.1 200 OK\r\nB: 1\r\nA: 2\r\nB: 3\r\n\r\nbody", 200, []wireproto.Header{hd("B", "1"), hd("A", "2"), hd("B", "3")}, true},
		{"no reason phrase", "HTTP/1.1 204\r\nX: y\r\n\r\n", 204, []wireproto.Header{hd("X", "y")}, true},
		{"bare LF line ends", "HTTP/1.0 404 Not Found\nX:  padded \t\n\n", 404, []wireproto.Header{hd("X", "padded")}, true},
		{"interim 100 and 103 heads are skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 200 OK\r\nC: d\r\n\r\n", 200, []wireproto.Header{hd("C", "d")}, true},
		{"101 is final", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", 101, []wireproto.Header{hd("Upgrade", "websocket")}, true},
		{"obsolete line folding joins the value", "HTTP/1.1 200 OK\r\nX: a\r\n  b\r\nY: c\r\n\r\n", 200, []wireproto.Header{hd("X", "a b"), hd("Y", "c")}, true},
		{"empty value", "HTTP/1.1 200 OK\r\nX:\r\n\r\n", 200, []wireproto.Header{hd("X", "")}, true},
		{"head cut short", "HTTP/1.1 200 OK\r\nX: a\r\n", 0, nil, false},
		{"only an interim head", "HTTP/1.1 100 Continue\r\n\r\n", 0, nil, false},
		{"not a status line", "SSH-2.0-OpenSSH\r\n\r\n", 0, nil, false},
		{"nothing", "", 0, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, hs, ok := parseHead([]byte(tt.raw))
			if ok != tt.ok || code != tt.code || !slices.Equal(hs, tt.headers) {
				t.Errorf("parseHead = %d %v %v, want %d %v %v", code, hs, ok, tt.code, tt.headers, tt.ok)
			}
		})
	}
}

func TestHeadFrameFallsBackToSortedHeaders(t *testing.T) {
	t.Parallel()
	resp := &http.Response{
		Proto:      "HTTP/1.1",
		StatusCode: 302,
		Status:     "302 Found",
		Header:     http.Header{"Location": {"/a"}, "Cache-Control": {"no-store"}, "Set-Cookie": {"a=1", "b=2"}},
	}
	want := []wireproto.Header{{Name: "Cache-Control", Value: "no-store"}, {Name: "Location", Value: "/a"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "Set-Cookie", Value: "b=2"}}
	for name, raw := range map[string]string{
		"nothing captured":        "",
		"another response's head": "HTTP/1.1 200 OK\r\nX: y\r\n\r\n",
	} {
		f := headFrame(9, resp, []byte(raw))
		if f.ID != 9 || f.Status != 302 || f.Reason != "Found" || !slices.Equal(f.Headers, want) {
			t.Errorf("%s: head = %+v, want 302 Found with %v", name, f, want)
		}
	}
}
