package relay

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wirebook/server/wireproto"
)

// wireListener is a loopback server that keeps the exact bytes of each
// request it gets and answers with a canned response, byte for byte.
type wireListener struct {
	addr     string
	requests chan []byte   // each request as read: head and body
	accepted *atomic.Int32 // connections accepted
}

// listenWire starts a wireListener answering every request with response.
// It reads a request's body by its Content-Length or chunked framing, so
// what it keeps is exactly one request.
func listenWire(t *testing.T, response string) *wireListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w := &wireListener{addr: ln.Addr().String(), requests: make(chan []byte, 16), accepted: new(atomic.Int32)}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			w.accepted.Add(1)
			wg.Go(func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(testTimeout))
				req, err := readOneRequest(bufio.NewReader(c))
				if err != nil {
					t.Errorf("the listener could not read a request: %v (%q)", err, req)
					return
				}
				w.requests <- req
				io.WriteString(c, response)
			})
		}
	})
	return w
}

// readOneRequest reads one HTTP/1.1 request's bytes: the head to its
// empty line, then the body its Content-Length or chunked framing says.
func readOneRequest(br *bufio.Reader) ([]byte, error) {
	var raw []byte
	length, chunked := 0, false
	for {
		line, err := br.ReadString('\n')
		raw = append(raw, line...)
		if err != nil {
			return raw, err
		}
		if line == "\r\n" {
			break
		}
		name, value, _ := strings.Cut(strings.TrimSuffix(line, "\r\n"), ":")
		switch value = strings.TrimSpace(value); {
		case strings.EqualFold(name, "Content-Length"):
			length, _ = strconv.Atoi(value)
		case strings.EqualFold(name, "Transfer-Encoding"):
			chunked = true
		}
	}
	if !chunked {
		body := make([]byte, length)
		_, err := io.ReadFull(br, body)
		return append(raw, body...), err
	}
	for {
		line, err := br.ReadString('\n')
		raw = append(raw, line...)
		if err != nil {
			return raw, err
		}
		n, err := strconv.ParseInt(strings.TrimSuffix(line, "\r\n"), 16, 32)
		if err != nil {
			return raw, err
		}
		data := make([]byte, n+2)
		if _, err := io.ReadFull(br, data); err != nil {
			return raw, err
		}
		raw = append(raw, data...)
		if n == 0 {
			return raw, nil
		}
	}
}

const okResponse = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

func TestRequestLeavesAsWritten(t *testing.T) {
	t.Parallel()
	h := func(name, value string) wireproto.Header { return wireproto.Header{Name: name, Value: value} }
	browser := "Connection: keep-alive\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0.0.0 Safari/537.36\r\n" +
		"Accept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: cors\r\nSec-Fetch-Dest: empty\r\n" +
		"Accept-Encoding: gzip, deflate, br, zstd\r\nAccept-Language: en-US,en;q=0.9\r\n"
	requestsDefaults := "User-Agent: python-requests/2.32.3\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\n"
	// ADDR stands for the listener's host:port.
	tests := []struct {
		name   string
		client string
		req    wireproto.Request
		want   string
		added  string
	}{
		{"headers keep their order, case and repeats; Host is added first", "",
			wireproto.Request{Method: "GET", Target: "/echo/", Headers: []wireproto.Header{h("X-B", "1"), h("x-a", "2"), h("X-B", "3")}},
			"GET /echo/ HTTP/1.1\r\nHost: ADDR\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n", ".h..."},
		{"the cell's own Host stays in its place", "bare",
			wireproto.Request{Method: "GET", Target: "/", Headers: []wireproto.Header{h("X-A", "1"), h("host", "example.test")}},
			"GET / HTTP/1.1\r\nX-A: 1\r\nhost: example.test\r\n\r\n", "..."},
		{"a body gets its Content-Length, last", "",
			wireproto.Request{Method: "POST", Target: "/json", Headers: []wireproto.Header{h("Content-Type", "application/json")}, Body: `{"name": "Ada"}`},
			"POST /json HTTP/1.1\r\nHost: ADDR\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"name\": \"Ada\"}", ".h.h"},
		{"a body keeps its line ends as written", "",
			wireproto.Request{Method: "PUT", Target: "/", Body: "a\nb\r\n"},
			"PUT / HTTP/1.1\r\nHost: ADDR\r\nContent-Length: 5\r\n\r\na\nb\r\n", ".hh"},
		{"a right Content-Length is the cell's", "",
			wireproto.Request{Method: "POST", Target: "/", Headers: []wireproto.Header{h("content-length", "2"), h("Content-Length", "2")}, Body: "hi"},
			"POST / HTTP/1.1\r\nHost: ADDR\r\ncontent-length: 2\r\nContent-Length: 2\r\n\r\nhi", ".h.."},
		{"a chunked body is framed by the relay", "",
			wireproto.Request{Method: "POST", Target: "/", Headers: []wireproto.Header{h("Transfer-Encoding", "chunked")}, Body: strings.Repeat("x", 26)},
			"POST / HTTP/1.1\r\nHost: ADDR\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n" + strings.Repeat("x", 26) + "\r\n0\r\n\r\n", ".h."},
		{"an empty chunked body is the last chunk", "",
			wireproto.Request{Method: "POST", Target: "/", Headers: []wireproto.Header{h("Transfer-Encoding", "Chunked")}},
			"POST / HTTP/1.1\r\nHost: ADDR\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n", ".h."},
		{"an absolute URL goes in origin form, escapes kept", "",
			wireproto.Request{Method: "GET", Target: "http://ADDR/a%2Fb%20c?q=1&r"},
			"GET /a%2Fb%20c?q=1&r HTTP/1.1\r\nHost: ADDR\r\n\r\n", ".h"},
		{"a fragment is never sent", "",
			wireproto.Request{Method: "GET", Target: "http://ADDR/a?b#c"},
			"GET /a?b HTTP/1.1\r\nHost: ADDR\r\n\r\n", ".h"},
		{"a query without a path", "",
			wireproto.Request{Method: "GET", Target: "http://ADDR?b"},
			"GET /?b HTTP/1.1\r\nHost: ADDR\r\n\r\n", ".h"},
		{"an absolute URL without a path asks for /", "",
			wireproto.Request{Method: "OPTIONS", Target: "http://ADDR"},
			"OPTIONS / HTTP/1.1\r\nHost: ADDR\r\n\r\n", ".h"},
		{"client=requests adds its defaults after Host, in its order", "requests",
			wireproto.Request{Method: "GET", Target: "/echo/", Headers: []wireproto.Header{h("X-B", "1")}},
			"GET /echo/ HTTP/1.1\r\nHost: ADDR\r\n" + requestsDefaults + "X-B: 1\r\n\r\n", ".hcccc."},
		{"a cell's User-Agent replaces the client's, in the cell's place", "requests",
			wireproto.Request{Method: "GET", Target: "/", Headers: []wireproto.Header{h("X-A", "1"), h("user-agent", "mine/1.0")}},
			"GET / HTTP/1.1\r\nHost: ADDR\r\nAccept-Encoding: gzip, deflate\r\nAccept: */*\r\nConnection: keep-alive\r\nX-A: 1\r\nuser-agent: mine/1.0\r\n\r\n", ".hccc.."},
		{"requests sends Content-Length: 0 for a POST without a body", "requests",
			wireproto.Request{Method: "POST", Target: "/"},
			"POST / HTTP/1.1\r\nHost: ADDR\r\n" + requestsDefaults + "Content-Length: 0\r\n\r\n", ".hccccc"},
		{"requests with a body: the length is HTTP's", "requests",
			wireproto.Request{Method: "POST", Target: "/", Body: "a=1"},
			"POST / HTTP/1.1\r\nHost: ADDR\r\n" + requestsDefaults + "Content-Length: 3\r\n\r\na=1", ".hcccch"},
		{"client=curl", "curl",
			wireproto.Request{Method: "GET", Target: "/hello"},
			"GET /hello HTTP/1.1\r\nHost: ADDR\r\nUser-Agent: curl/8.14.1\r\nAccept: */*\r\n\r\n", ".hcc"},
		{"client=curl with the cell's Accept", "curl",
			wireproto.Request{Method: "GET", Target: "/hello", Headers: []wireproto.Header{h("ACCEPT", "text/plain")}},
			"GET /hello HTTP/1.1\r\nHost: ADDR\r\nUser-Agent: curl/8.14.1\r\nACCEPT: text/plain\r\n\r\n", ".hc."},
		{"client=browser", "browser",
			wireproto.Request{Method: "GET", Target: "/"},
			"GET / HTTP/1.1\r\nHost: ADDR\r\n" + browser + "\r\n", ".hcccccccc"},
		{"a method of the cell's own", "",
			wireproto.Request{Method: "BREW", Target: "/pot"},
			"BREW /pot HTTP/1.1\r\nHost: ADDR\r\n\r\n", ".h"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := listenWire(t, okResponse)
			c := connect(t, serveRelay(t, New(WithAllowedHosts(w.addr))))
			tt.req.Target = strings.ReplaceAll(tt.req.Target, "ADDR", w.addr)
			want := strings.ReplaceAll(tt.want, "ADDR", w.addr)
			url := tt.req.Target // as the page resolves it
			if strings.HasPrefix(url, "/") {
				url = "http://" + w.addr + url
			}
			c.send(wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: url, Request: tt.req, Client: tt.client})
			fs := c.collect(1)
			if got := string(<-w.requests); got != want {
				t.Errorf("the server read\n%q\nwant\n%q", got, want)
			}
			sent := fs[0]
			if sent.Type != wireproto.FrameSent || string(sent.Data) != want || sent.Added != tt.added || sent.Truncated {
				t.Errorf("sent frame = %v %q added %q truncated %v\nwant the bytes above, added %q", sent.Type, sent.Data, sent.Added, sent.Truncated, tt.added)
			}
			if headOf(t, fs).Status != 200 || body(fs) != "ok" || last(fs).Type != wireproto.FrameEnd {
				t.Errorf("frames = %v, want a 200 with ok", types(fs))
			}
		})
	}
}

// The Sent frame keeps the first bytes up to the relay's cap and says it
// cut; the request itself leaves whole.
func TestSentFrameIsCappedTheRequestIsNot(t *testing.T) {
	t.Parallel()
	w := listenWire(t, okResponse)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(w.addr), WithMaxSentBytes(1024))))
	bodyText := strings.Repeat("0123456789", 300)
	c.send(wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: "http://" + w.addr + "/",
		Request: wireproto.Request{Method: "POST", Target: "/", Body: bodyText}})
	fs := c.collect(1)
	got := <-w.requests
	if !bytes.HasSuffix(got, []byte(bodyText)) {
		t.Errorf("the server read %d bytes, not the whole body", len(got))
	}
	if sent := fs[0]; !sent.Truncated || len(sent.Data) != 1024 || !bytes.HasPrefix(got, sent.Data) || sent.Added != ".hh" {
		t.Errorf("sent frame: %d bytes, truncated %v, added %q; want the first 1024, truncated, .hh", len(sent.Data), sent.Truncated, sent.Added)
	}
}

func TestSmugglingIsRefused(t *testing.T) {
	t.Parallel()
	w := listenWire(t, okResponse)
	u := serveRelay(t, New(WithAllowedHosts(w.addr)))
	h := func(name, value string) wireproto.Header { return wireproto.Header{Name: name, Value: value} }
	get := func(hs ...wireproto.Header) wireproto.Request {
		return wireproto.Request{Method: "GET", Target: "/", Headers: hs}
	}
	post := func(body string, hs ...wireproto.Header) wireproto.Request {
		return wireproto.Request{Method: "POST", Target: "/", Headers: hs, Body: body}
	}
	tests := []struct {
		name   string
		req    wireproto.Request
		client string
		want   string
	}{
		{"a CR LF in the method", wireproto.Request{Method: "GET / HTTP/1.1\r\nX:", Target: "/"}, "", `invalid method "GET / HTTP/1.1\r\nX:"`},
		{"a NUL in the method", wireproto.Request{Method: "G\x00T", Target: "/"}, "", "invalid method"},
		{"a space in the target", wireproto.Request{Method: "GET", Target: "/a HTTP/1.1"}, "", `cannot send this request: the target "/a HTTP/1.1" has a space, which would end the request line early`},
		{"a CR LF in the target", wireproto.Request{Method: "GET", Target: "/a\r\nX: y"}, "", "refused: the URL"},
		{"a NUL in the target", wireproto.Request{Method: "GET", Target: "/a\x00"}, "", "refused: the URL"},
		{"a CR LF in a value", get(h("X", "a\r\nInjected: b")), "", "header X has a control character in its value (a CR)"},
		{"a bare LF in a value", get(h("X", "a\nInjected: b")), "", "(an LF)"},
		{"a NUL in a value", get(h("X", "a\x00b")), "", "(a NUL)"},
		{"a CR LF in a name", get(h("X\r\nInjected", "b")), "", `header name "X\r\nInjected" is not a valid name`},
		{"a space in a name", get(h("X Y", "b")), "", `header name "X Y" is not a valid name`},
		{"an empty name", get(h("", "b")), "", `header name "" is not a valid name`},
		{"Content-Length and Transfer-Encoding", post("hi", h("Content-Length", "2"), h("Transfer-Encoding", "chunked")), "", "both Content-Length and Transfer-Encoding"},
		{"two different Content-Lengths", post("hi", h("Content-Length", "2"), h("Content-Length", "3")), "", "two different Content-Lengths (2 and 3)"},
		{"a Content-Length longer than the body", post(`{"name": "Ada"}`, h("Content-Length", "999")), "", "Content-Length 999 does not match the body's 15 bytes"},
		{"a Content-Length shorter than the body", post("hi\r\n\r\nGET /admin HTTP/1.1\r\n\r\n", h("Content-Length", "2")), "", "Content-Length 2 does not match"},
		{"a Content-Length on a GET without a body", get(h("Content-Length", "5")), "", "Content-Length 5 does not match the body's 0 bytes"},
		{"a signed Content-Length", post("hi", h("Content-Length", "+2")), "", `Content-Length "+2" is not a number of bytes`},
		{"a list as Content-Length", post("hi", h("Content-Length", "2, 2")), "", "is not a number of bytes"},
		{"a Content-Length past 63 bits", post("hi", h("Content-Length", "99999999999999999999")), "", "does not match"},
		{"Transfer-Encoding other than chunked", post("hi", h("Transfer-Encoding", "gzip, chunked")), "", `Transfer-Encoding "gzip, chunked" cannot be sent`},
		{"chunked twice", post("hi", h("Transfer-Encoding", "chunked, chunked")), "", "cannot be sent"},
		{"two Transfer-Encoding lines", post("hi", h("Transfer-Encoding", "chunked"), h("Transfer-Encoding", "chunked")), "", "more than one Transfer-Encoding"},
		{"an unknown client", get(), "wget", `unknown client "wget": write client=requests, curl, browser or bare`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, u)
			c.send(wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: "http://" + w.addr + tt.req.Target, Request: tt.req, Client: tt.client})
			fs := c.collect(1)
			if len(fs) != 1 {
				t.Fatalf("frames = %v, want one error", types(fs))
			}
			wantError(t, fs[0], tt.want)
			if !strings.HasPrefix(fs[0].Message, "cannot send this request: ") && !strings.HasPrefix(fs[0].Message, "refused: ") {
				t.Errorf("error %q does not say the request was not sent", fs[0].Message)
			}
		})
	}
	t.Cleanup(func() { // after the parallel rows have run
		if n := w.accepted.Load(); n != 0 {
			t.Errorf("the server got %d connections, want none", n)
		}
	})
}

func TestRawHeadIsExact(t *testing.T) {
	t.Parallel()
	head := "HTTP/1.1 200 Fine Thanks\r\n" +
		"x-ODD-case: 1\r\n" +
		"Set-Cookie: a=1\r\n" +
		"SET-COOKIE: b=2\r\n" +
		"X-Spaces:    padded  \r\n" +
		"content-length: 2\r\n" +
		"\r\n"
	w := listenWire(t, head+"ok")
	c := connect(t, serveRelay(t, New(WithAllowedHosts(w.addr))))
	fs := c.get("http://" + w.addr + "/")
	hd := headOf(t, fs)
	if string(hd.Raw) != head {
		t.Errorf("raw head = %q\nwant       %q", hd.Raw, head)
	}
	want := []wireproto.Header{{Name: "x-ODD-case", Value: "1"}, {Name: "Set-Cookie", Value: "a=1"}, {Name: "SET-COOKIE", Value: "b=2"}, {Name: "X-Spaces", Value: "padded"}, {Name: "content-length", Value: "2"}}
	if hd.Reason != "Fine Thanks" || !slices.Equal(hd.Headers, want) || body(fs) != "ok" {
		t.Errorf("head = %q %v, body %q", hd.Reason, hd.Headers, body(fs))
	}
}

// chunkOf is what a test expects of one chunk frame.
type chunkOf struct {
	sizeLine, data string
}

func chunks(fs []wireproto.Frame) []chunkOf {
	var cs []chunkOf
	for _, f := range fs {
		if f.Type == wireproto.FrameChunk {
			cs = append(cs, chunkOf{f.SizeLine, string(f.Data)})
		}
	}
	return cs
}

func TestResponseFraming(t *testing.T) {
	t.Parallel()
	x26 := strings.Repeat("x", 26)
	tests := []struct {
		name, method, response string
		chunks                 []chunkOf
		raw                    string // the expected raw head, if not the usual
	}{
		{"chunked: size lines as on the wire, then the last chunk", "GET",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1a\r\n" + x26 + "\r\n5;lang=en\r\nhello\r\n0\r\n\r\n",
			[]chunkOf{{"1a", x26}, {"5;lang=en", "hello"}, {"0", ""}}, ""},
		{"chunked: upper-case hex and leading zeros kept", "GET",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n001A\r\n" + x26 + "\r\n000\r\n\r\n",
			[]chunkOf{{"001A", x26}, {"000", ""}}, ""},
		{"chunked: trailers follow the last size line", "GET",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-Sum\r\n\r\n2\r\nhi\r\n0\r\nX-Sum: 42\r\nX-More: yes\r\n\r\n",
			[]chunkOf{{"2", "hi"}, {"0\nX-Sum: 42\nX-More: yes", ""}}, ""},
		{"chunked wins over a Content-Length", "GET",
			"HTTP/1.1 200 OK\r\nContent-Length: 100\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
			[]chunkOf{{"2", "hi"}, {"0", ""}}, ""},
		{"a body until the server closes", "GET",
			"HTTP/1.0 200 OK\r\n\r\nall of it",
			[]chunkOf{{"", "all of it"}}, ""},
		{"a coding other than chunked runs until close", "GET",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nzipped",
			[]chunkOf{{"", "zipped"}}, ""},
		{"a HEAD answer has no body, whatever its length says", "HEAD",
			"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", nil, ""},
		{"204 has no body", "GET", "HTTP/1.1 204 No Content\r\n\r\n", nil, ""},
		{"304 has no body", "GET", "HTTP/1.1 304 Not Modified\r\nETag: \"a\"\r\n\r\n", nil, ""},
		{"interim heads are in the raw head", "GET",
			"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
			[]chunkOf{{"", "ok"}}, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"},
		{"identical Content-Lengths are one", "GET",
			"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok",
			[]chunkOf{{"", "ok"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := listenWire(t, tt.response)
			c := connect(t, serveRelay(t, New(WithAllowedHosts(w.addr))))
			c.send(wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: "http://" + w.addr + "/",
				Request: wireproto.Request{Method: tt.method, Target: "/"}})
			fs := c.collect(1)
			if end := last(fs); end.Type != wireproto.FrameEnd {
				t.Fatalf("ended with %+v", end)
			}
			raw := tt.raw
			if raw == "" {
				raw, _, _ = strings.Cut(tt.response, "\r\n\r\n")
				raw += "\r\n\r\n"
			}
			if got := headOf(t, fs).Raw; string(got) != raw {
				t.Errorf("raw head = %q, want %q", got, raw)
			}
			got := chunks(fs)
			if len(got) != len(tt.chunks) {
				t.Fatalf("chunks = %q, want %q", got, tt.chunks)
			}
			for i := range got {
				if got[i] != tt.chunks[i] {
					t.Errorf("chunk %d = %q, want %q", i, got[i], tt.chunks[i])
				}
			}
		})
	}
}

func TestBrokenChunkedAnswersAreExplained(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, response, want string
	}{
		{"a size line that is not hex", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", `the body could not be read: malformed chunked encoding: the size line "zz" is not a hex number`},
		{"a negative size", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-1\r\n", "is not a hex number"},
		{"a size past 62 bits", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff\r\n", "is too large"},
		{"data without its CRLF", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhiXX0\r\n\r\n", "a chunk's data is not followed by CRLF"},
		{"a size line past 4 KiB", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;" + strings.Repeat("e", 5000) + "\r\n", "the chunk size line is longer than 4096 bytes"},
		{"a NUL in a size line", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;\x00\r\nhi\r\n", "a NUL in the chunk size line"},
		{"trailers past the head limit", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n" + strings.Repeat("X-T: "+strings.Repeat("t", 100)+"\r\n", 20) + "\r\n", "the trailer section is longer than"},
		{"two different Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok", `the response's Content-Length "2, 3" is not one number of bytes`},
		{"a Content-Length that is no number", "HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\nok", "is not one number of bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr := rawUpstream(t, tt.response)
			fs := connect(t, serveRelay(t, New(WithAllowedHosts(addr), WithMaxHeaderBytes(1024)))).get("http://" + addr + "/")
			wantError(t, last(fs), tt.want)
		})
	}
}

// FuzzBuildRequest holds the writer's promise: whatever a send frame
// carries, what the relay agrees to write is one request, read back by
// net/http's server parser as exactly the method, target, headers and body
// the cell gave, with nothing left over to be read as a second request.
func FuzzBuildRequest(f *testing.F) {
	f.Add("GET", "/", "X-B", "1", "", "")
	f.Add("POST", "/json", "Content-Type", "application/json", `{"a": 1}`, "requests")
	f.Add("POST", "/", "Transfer-Encoding", "chunked", "hello", "curl")
	f.Add("POST", "/", "Content-Length", "2", "hi\r\n\r\nGET /admin HTTP/1.1\r\n\r\n", "")
	f.Add("GET", "/a\r\nX: y", "X", "a\r\nB: c", "", "browser")
	f.Add("GET", "http://127.0.0.1:2500/a?b", "Host", "evil", "", "bare")
	f.Fuzz(func(t *testing.T, method, cellTarget, name, value, body, clientName string) {
		u, err := url.Parse("http://127.0.0.1:2500/x")
		if err != nil {
			t.Fatal(err)
		}
		tg := target{u: u, host: "127.0.0.1", port: 2500}
		req := wireproto.Request{Method: method, Target: cellTarget, Headers: []wireproto.Header{{Name: name, Value: value}}, Body: body}
		w, err := buildRequest(req, clientName, "http://127.0.0.1:2500"+cellTarget, tg)
		if err != nil {
			return
		}
		if got := bytes.Count(w.bytes[:bytes.Index(w.bytes, []byte("\r\n\r\n"))+2], []byte("\r\n")); got != len(w.added) {
			t.Fatalf("%d head lines, %d marks %q in %q", got, len(w.added), w.added, w.bytes)
		}
		br := bufio.NewReader(bytes.NewReader(w.bytes))
		r, err := http.ReadRequest(br)
		if err != nil {
			// net/http refuses some things the relay lets a student send
			// (a method it does not know is fine; a value it finds
			// invalid): only framing matters here.
			return
		}
		got, err := io.ReadAll(r.Body)
		if err != nil || string(got) != body {
			t.Fatalf("net/http read the body %q (%v), want %q from %q", got, err, body, w.bytes)
		}
		if rest, _ := io.ReadAll(br); len(rest) > 0 {
			t.Fatalf("%q left after the request in %q", rest, w.bytes)
		}
		if r.Method != method {
			t.Fatalf("method %q, want %q", r.Method, method)
		}
	})
}
