package relay

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/wireproto"
)

func TestRedirectIsShownNotFollowed(t *testing.T) {
	t.Parallel()
	var followed atomic.Bool
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/new" {
			followed.Store(true)
		}
		http.Redirect(w, r, "/new", http.StatusMovedPermanently)
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))

	fs := c.get("http://" + addr + "/old")
	head := headOf(t, fs)
	if head.Status != 301 || head.Reason != "Moved Permanently" || head.Proto != "HTTP/1.1" {
		t.Fatalf("head = %+v, want HTTP/1.1 301 Moved Permanently", head)
	}
	if i := slices.Index(head.Headers, wireproto.Header{Name: "Location", Value: "/new"}); i < 0 {
		t.Errorf("headers %v have no Location: /new", head.Headers)
	}
	if end := last(fs); end.Type != wireproto.FrameEnd {
		t.Errorf("last frame = %+v, want End", end)
	}
	if followed.Load() {
		t.Error("the relay followed the redirect")
	}
}

func TestHeadersKeepTheirOrderAndRepeats(t *testing.T) {
	t.Parallel()
	// net/http's server sorts headers, so this upstream is written by hand.
	addr := rawUpstream(t, "HTTP/1.1 200 OK\r\n"+
		"X-B: 2\r\n"+
		"Set-Cookie: a=1\r\n"+
		"X-A: 1\r\n"+
		"set-cookie: b=2\r\n"+
		"Content-Length: 2\r\n"+
		"\r\n"+
		"ok")
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))

	fs := c.get("http://" + addr + "/")
	want := []wireproto.Header{
		{Name: "X-B", Value: "2"},
		{Name: "Set-Cookie", Value: "a=1"},
		{Name: "X-A", Value: "1"},
		{Name: "set-cookie", Value: "b=2"},
		{Name: "Content-Length", Value: "2"},
	}
	if got := headOf(t, fs).Headers; !slices.Equal(got, want) {
		t.Errorf("headers = %v\nwant      %v", got, want)
	}
	if got := body(fs); got != "ok" {
		t.Errorf("body = %q, want ok", got)
	}
}

func TestTheCellsRequestIsSentAsWritten(t *testing.T) {
	t.Parallel()
	type seen struct {
		method, host, body string
		header             http.Header
		length             int64
	}
	got := make(chan seen, 1)
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.Host, string(b), r.Header, r.ContentLength}
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))

	url := "http://" + addr + "/json"
	c.send(wireproto.Frame{Type: wireproto.FrameSend, ID: 7, URL: url, Request: wireproto.Request{
		Method: "POST",
		Target: url,
		Headers: []wireproto.Header{
			{Name: "Host", Value: "example.test"},
			{Name: "X-Tag", Value: "one"},
			{Name: "X-Tag", Value: "two"},
		},
		Body: `{"name": "Ada"}`,
	}})
	if end := last(c.collect(7)); end.Type != wireproto.FrameEnd {
		t.Fatalf("last frame = %+v, want End", end)
	}
	s := <-got
	if s.method != "POST" || s.host != "example.test" || s.body != `{"name": "Ada"}` || s.length != 15 {
		t.Errorf("upstream saw %s Host=%q Content-Length=%d body %q", s.method, s.host, s.length, s.body)
	}
	if tags := s.header.Values("X-Tag"); !slices.Equal(tags, []string{"one", "two"}) {
		t.Errorf("X-Tag = %q, want one, two in order", tags)
	}
	for _, name := range []string{"Accept-Encoding", "User-Agent", "Connection"} {
		if v := s.header.Get(name); v != "" {
			t.Errorf("the relay added %s: %s", name, v)
		}
	}
}

func TestCompressedBodyIsRelayedAsSent(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("hello, hello, hello"))
	zw.Close()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(gz.Bytes())
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))

	fs := c.get("http://" + addr + "/")
	if hs := headOf(t, fs).Headers; !slices.Contains(hs, wireproto.Header{Name: "Content-Encoding", Value: "gzip"}) {
		t.Errorf("headers %v lost Content-Encoding: gzip", hs)
	}
	if got := body(fs); got != gz.String() {
		t.Errorf("body is %d bytes, want the %d gzip bytes as sent", len(got), gz.Len())
	}
}

func TestSlowBodyArrivesChunkByChunk(t *testing.T) {
	t.Parallel()
	parts := []string{"Hello\n", "Bonjour\n", "Hola\n"}
	release := make([]chan struct{}, len(parts))
	for i := range release {
		release[i] = make(chan struct{})
	}
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		for i, p := range parts {
			select {
			case <-release[i]:
			case <-done:
				return
			}
			io.WriteString(w, p)
			w.(http.Flusher).Flush()
		}
	}, done)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))
	c.sendGet(1, "http://"+addr+"/stream")

	// Each part is let out only once the one before has been relayed, so
	// every chunk frame proves the relay sent it without waiting for more.
	var at wireproto.Duration
	close(release[0])
	if sent := c.next(); sent.Type != wireproto.FrameSent {
		t.Fatalf("first frame = %+v, want the request as sent", sent)
	}
	head := c.next()
	if head.Type != wireproto.FrameHead || head.Status != 200 {
		t.Fatalf("first frame = %+v, want a 200 head", head)
	}
	if !slices.Contains(head.Headers, wireproto.Header{Name: "Transfer-Encoding", Value: "chunked"}) {
		t.Errorf("head %v does not show Transfer-Encoding: chunked", head.Headers)
	}
	for i, p := range parts {
		if i > 0 {
			close(release[i])
		}
		f := c.next()
		if f.Type != wireproto.FrameChunk || string(f.Data) != p {
			t.Fatalf("frame %d = %v %q, want chunk %q", i, f.Type, f.Data, p)
		}
		if f.At <= at {
			t.Errorf("chunk %d At = %v, not after the previous %v", i, f.At, at)
		}
		if want := strconv.FormatInt(int64(len(p)), 16); f.SizeLine != want {
			t.Errorf("chunk %d size line = %q, want %q", i, f.SizeLine, want)
		}
		at = f.At
	}
	if f := c.next(); f.Type != wireproto.FrameChunk || len(f.Data) != 0 || f.SizeLine != "0" {
		t.Fatalf("after the parts: %v %q size line %q, want the last chunk, 0", f.Type, f.Data, f.SizeLine)
	}
	end := c.next()
	if end.Type != wireproto.FrameEnd || end.Bytes != int64(len(strings.Join(parts, ""))) || end.Truncated {
		t.Fatalf("end = %+v", end)
	}
	if !(0 < end.Connect && end.Connect <= end.FirstByte && end.FirstByte <= at && at <= end.Total) {
		t.Errorf("timings out of order: connect %v, first byte %v, last chunk %v, total %v", end.Connect, end.FirstByte, at, end.Total)
	}
}

func TestCancelStopsTheUpstreamRequest(t *testing.T) {
	t.Parallel()
	started, gone := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			close(gone)
		case <-done:
		}
	}, done)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))

	c.sendGet(3, "http://"+addr+"/slow")
	waitFor(t, started, "the upstream request")
	c.send(wireproto.Frame{Type: wireproto.FrameCancel, ID: 3})
	wantError(t, c.finalOf(3), "cancelled")
	waitFor(t, gone, "the upstream to see the request cancelled")

	// The ID is free again and the connection still works.
	c.send(wireproto.Frame{Type: wireproto.FrameCancel, ID: 3}) // too late: ignored
	wantError(t, c.get("http://127.0.0.1:1/")[0], "refused")
}

func TestRefusedTargets(t *testing.T) {
	t.Parallel()
	allowed := upstream(t, func(http.ResponseWriter, *http.Request) {}, nil)
	_, port, _ := net.SplitHostPort(allowed)
	foreign := freeAddr(t)
	_, foreignPort, _ := net.SplitHostPort(foreign)
	u := serveRelay(t, New(WithAllowedHosts(allowed)))

	tests := []struct {
		name, url, want string
	}{
		{"cloud metadata address", "http://169.254.169.254/latest/meta-data/", "169.254.169.254:80 is not one of wirebook's own addresses (allow it with -relay-allow)"},
		{"cloud metadata name", "http://metadata.google.internal/computeMetadata/v1/", "metadata.google.internal:80 is not one"},
		{"another port on 127.0.0.1", "http://127.0.0.1:" + foreignPort + "/", "127.0.0.1:" + foreignPort + " is not one"},
		{"another port on [::1]", "http://[::1]:" + foreignPort + "/", "[::1]:" + foreignPort + " is not one"},
		{"the allowed port on [::1]", "http://[::1]:" + port + "/", "is not one"},
		{"another port on localhost", "http://localhost:" + foreignPort + "/", "localhost:" + foreignPort + " is not one"},
		{"an outside name", "http://example.com/", "example.com:80 is not one"},
		{"decimal IPv4", "http://2130706433:" + port + "/", "four decimal numbers"},
		{"hex IPv4", "http://0x7f000001:" + port + "/", "four decimal numbers"},
		{"dotted hex IPv4", "http://0x7f.1:" + port + "/", "four decimal numbers"},
		{"octal IPv4", "http://017700000001:" + port + "/", "four decimal numbers"},
		{"octal dotted quad", "http://0177.0.0.1:" + port + "/", "four decimal numbers"},
		{"short IPv4", "http://127.1:" + port + "/", "four decimal numbers"},
		{"unspecified address", "http://0.0.0.0:" + port + "/", "0.0.0.0:" + port + " is not one"},
		{"userinfo", "http://user:pass@" + allowed + "/", "user:password@"},
		{"file URL", "file:///etc/passwd", `not "file:"`},
		{"gopher URL", "gopher://" + allowed + "/_SET", `not "gopher:"`},
		{"link-local IPv6", "http://[fe80::1]/", "[fe80::1]:80 is not one"},
		{"IPv6 zone", "http://[fe80::1%25lo]:" + port + "/", "zones"},
		{"no host", "http:///hello", "has no host"},
		{"port zero", "http://127.0.0.1:0/", "not a port number"},
		{"trailing-dot localhost", "http://localhost.:" + port + "/", "localhost.:" + port + " is not one"},
		{"https to a foreign port", "https://127.0.0.1:" + foreignPort + "/", "is not one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fs := connect(t, u).get(tt.url)
			if len(fs) != 1 {
				t.Fatalf("got %d frames, want one error: %+v", len(fs), fs)
			}
			wantError(t, fs[0], "refused: ")
			wantError(t, fs[0], tt.want)
		})
	}
}

func TestAllowedSpellingsOfOwnAddress(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }, nil)
	_, port, _ := net.SplitHostPort(addr)
	u := serveRelay(t, New(WithAllowedHosts(addr)))

	for _, url := range []string{
		"http://" + addr + "/",
		"http://localhost:" + port + "/", // RFC 6761: localhost is the loopback
		"http://LocalHost:" + port + "/",
		"http://[::ffff:127.0.0.1]:" + port + "/", // the same socket address, IPv4-mapped
	} {
		t.Run(url, func(t *testing.T) {
			t.Parallel()
			fs := connect(t, u).get(url)
			if end := last(fs); end.Type != wireproto.FrameEnd || body(fs) != "hi" {
				t.Errorf("frames = %+v, want a body hi and End", fs)
			}
		})
	}
}

func TestHandshakeRefusesForeignOrigin(t *testing.T) {
	t.Parallel()
	u := serveRelay(t, New(WithOriginPatterns("trusted.example")))

	tests := []struct {
		name, origin string
		status       int
	}{
		{"foreign origin is a 403", "http://evil.example", http.StatusForbidden},
		{"same host with another port is a 403", "http://127.0.0.1:1", http.StatusForbidden},
		{"listed origin pattern is accepted", "http://trusted.example", http.StatusSwitchingProtocols},
		{"own origin is accepted", "http" + strings.TrimPrefix(u, "ws"), http.StatusSwitchingProtocols},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, resp, err := dial(t, u, tt.origin)
			if resp == nil {
				t.Fatalf("no response: %v", err)
			}
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d (err %v)", resp.StatusCode, tt.status, err)
			}
		})
	}
}

func TestProtocolErrorsCloseTheConnection(t *testing.T) {
	t.Parallel()
	u := serveRelay(t, New(WithMaxMessageBytes(1024)))
	send := func(b []byte) func(*client) {
		return func(c *client) { c.ws.Write(context.Background(), websocket.MessageBinary, b) }
	}
	frame := func(f wireproto.Frame) []byte {
		b, err := f.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}

	tests := []struct {
		name   string
		do     func(*client)
		status websocket.StatusCode
		reason string
	}{
		{"oversize message is too big", send(make([]byte, 2048)), websocket.StatusMessageTooBig, ""},
		{"text message is unsupported data", func(c *client) { c.ws.Write(context.Background(), websocket.MessageText, []byte("GET /hello")) }, websocket.StatusUnsupportedData, "binary"},
		{"undecodable message is a policy violation", send([]byte{0xff, 1}), websocket.StatusPolicyViolation, "unknown frame type"},
		{"server-side frame is a policy violation", send(frame(wireproto.Frame{Type: wireproto.FrameHead, ID: 1, Status: 200})), websocket.StatusPolicyViolation, "not head"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, u)
			tt.do(c)
			_, err := c.read()
			if got := websocket.CloseStatus(err); got != tt.status {
				t.Fatalf("close status = %v (%v), want %v", got, err, tt.status)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("close %v does not say %q", err, tt.reason)
			}
		})
	}
}

func TestReusingAnIDInFlightClosesTheConnection(t *testing.T) {
	t.Parallel()
	started := make(chan struct{}, 1)
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}, done)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))
	c.sendGet(5, "http://"+addr+"/")
	waitFor(t, started, "the first request")
	c.sendGet(5, "http://"+addr+"/")
	err := c.closeErr()
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation || !strings.Contains(err.Error(), "relay ID 5 is already in flight") {
		t.Errorf("read = %v, want a policy-violation close about ID 5", err)
	}
}

func TestBrokenAnswersAreExplained(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, response, want string
	}{
		{"chunked body cut inside a chunk",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
			"the server closed the connection before the body ended (truncated chunked body, after 3 bytes)"},
		{"chunked body without its last chunk",
			"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
			"truncated chunked body, after 5 bytes"},
		{"body shorter than its Content-Length",
			"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello",
			"(5 of the 10 bytes its Content-Length announced)"},
		{"no answer at all", "", "the server closed the connection without answering"},
		{"not HTTP", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "malformed HTTP response"},
		{"head over the cap", "HTTP/1.1 200 OK\r\nX-Big: " + strings.Repeat("x", 4096) + "\r\n\r\n",
			"the response head is larger than the relay's limit of 1 KiB"},
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

func TestConnectionRefusedSaysNothingListens(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	fs := connect(t, serveRelay(t, New(WithAllowedHosts(addr)))).get("http://" + addr + "/")
	wantError(t, fs[0], "connection refused: nothing is listening on "+addr)
}

func TestTimeoutStopsAStalledExchange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		writeHead bool
		want      string
	}{
		{"no head", false, "no answer within 200ms"},
		{"body stalls", true, "stopped after 200ms: the body was still arriving"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			done := make(chan struct{})
			addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
				if tt.writeHead {
					io.WriteString(w, "first part")
					w.(http.Flusher).Flush()
				}
				select {
				case <-r.Context().Done():
				case <-done:
				}
			}, done)
			c := connect(t, serveRelay(t, New(WithAllowedHosts(addr), WithTimeout(200*time.Millisecond))))
			fs := c.get("http://" + addr + "/")
			wantError(t, last(fs), tt.want)
			if tt.writeHead && (headOf(t, fs).Status != 200 || body(fs) != "first part") {
				t.Errorf("frames before the error = %+v, want the head and the first part", fs)
			}
		})
	}
}

func TestBodyPastTheCapIsTruncated(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("0123456789", 100))
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr), WithMaxBodyBytes(25))))

	fs := c.get("http://" + addr + "/")
	end := last(fs)
	if end.Type != wireproto.FrameEnd || !end.Truncated || end.Bytes != 25 {
		t.Fatalf("end = %+v, want Truncated after 25 bytes", end)
	}
	if got := body(fs); got != "0123456789012345678901234" {
		t.Errorf("body = %q, want the first 25 bytes", got)
	}
}

func TestInFlightLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opt   Option
		conns int // the requests are spread over this many connections
		want  string
	}{
		{"per connection", WithMaxPerConn(2), 1, "too many requests in flight: a page may run 2 at once"},
		// With a line (the default), the third would wait: see admit_test.go.
		{"in total, with no line", func(r *Relay) { WithMaxTotal(2)(r); WithMaxQueue(0)(r) }, 2,
			"the server is busy: it is relaying 2 requests already"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			started := make(chan struct{}, 3)
			release := make(chan struct{})
			done := make(chan struct{})
			addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
				started <- struct{}{}
				select {
				case <-release:
				case <-done:
				}
			}, done)
			u := serveRelay(t, New(WithAllowedHosts(addr), tt.opt))
			cs := make([]*client, tt.conns)
			for i := range cs {
				cs[i] = connect(t, u)
			}
			url := "http://" + addr + "/"
			cs[0].sendGet(1, url)
			cs[len(cs)-1].sendGet(2, url)
			waitFor(t, started, "request 1")
			waitFor(t, started, "request 2")

			cs[0].sendGet(3, url)
			wantError(t, cs[0].finalOf(3), tt.want)

			close(release)
			ended := map[uint32][]wireproto.Frame{}
			if len(cs) == 1 {
				ended = cs[0].collectAll(1, 2)
			} else {
				ended[1], ended[2] = cs[0].collect(1), cs[1].collect(2)
			}
			for id, fs := range ended {
				if end := last(fs); end.Type != wireproto.FrameEnd {
					t.Errorf("relay %d ended with %+v", id, end)
				}
			}
			// With both done, a third may run.
			cs[0].sendGet(3, url)
			if end := last(cs[0].collect(3)); end.Type != wireproto.FrameEnd {
				t.Errorf("relay 3 after the others ended with %+v", end)
			}
		})
	}
}

func TestRelaysEndWhenThePageLeaves(t *testing.T) {
	t.Parallel()
	started, gone := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			close(gone)
		case <-done:
		}
	}, done)
	rl := New(WithAllowedHosts(addr))
	c := connect(t, serveRelay(t, rl))
	c.sendGet(1, "http://"+addr+"/")
	waitFor(t, started, "the upstream request")

	c.ws.CloseNow()
	waitFor(t, gone, "the upstream request to be cancelled")
	waited := make(chan struct{})
	go func() { rl.Wait(); close(waited) }()
	waitFor(t, waited, "Relay.Wait")
}

func TestServerShutdownEndsConnectionsAndRelays(t *testing.T) {
	t.Parallel()
	started, gone := make(chan struct{}), make(chan struct{})
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select {
		case <-r.Context().Done():
			close(gone)
		case <-done:
		}
	}, done)
	rl := New(WithAllowedHosts(addr))
	base, stop := context.WithCancel(context.Background())
	defer stop()
	srv := httptest.NewUnstartedServer(rl)
	srv.Config.BaseContext = func(net.Listener) context.Context { return base }
	srv.Start()
	t.Cleanup(srv.Close)
	c := connect(t, "ws"+strings.TrimPrefix(srv.URL, "http"))
	c.sendGet(1, "http://"+addr+"/")
	waitFor(t, started, "the upstream request")

	stop() // what the server does on Ctrl-C
	waitFor(t, gone, "the upstream request to be cancelled")
	c.closeErr() // the connection ends, or this waits for ever
	waited := make(chan struct{})
	go func() { rl.Wait(); close(waited) }()
	waitFor(t, waited, "Relay.Wait")
}

// TestConnectCloseCyclesLeaveNoGoroutine is not parallel: it counts the
// process's goroutines, which only holds still with no other test running.
func TestConnectCloseCyclesLeaveNoGoroutine(t *testing.T) {
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }, nil)
	rl := New(WithAllowedHosts(addr))
	u := serveRelay(t, rl)
	before := runtime.NumGoroutine()

	const cycles = 1000
	for i := range cycles {
		ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
		hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: hc})
		cancel()
		if err != nil {
			t.Fatalf("cycle %d: %v", i, err)
		}
		c := &client{t: t, ws: ws}
		switch i % 4 {
		case 0: // a full exchange, then a clean close
			c.get("http://" + addr + "/")
			ws.Close(websocket.StatusNormalClosure, "")
		case 1: // hang up with a relay in flight
			c.sendGet(1, "http://"+addr+"/")
			ws.CloseNow()
		case 2:
			ws.Close(websocket.StatusNormalClosure, "")
		default:
			ws.CloseNow()
		}
	}
	rl.Wait()
	deadline := time.Now().Add(testTimeout)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			t.Fatalf("%d goroutines after %d cycles, %d before:\n%s", runtime.NumGoroutine(), cycles, before, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
	}
}

func TestTimingsAreOrdered(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }, nil)
	end := last(connect(t, serveRelay(t, New(WithAllowedHosts(addr)))).get("http://" + addr + "/"))
	if end.Type != wireproto.FrameEnd || end.Bytes != 2 {
		t.Fatalf("end = %+v", end)
	}
	if !(0 < end.Connect && end.Connect <= end.FirstByte && end.FirstByte <= end.Total) {
		t.Errorf("connect %v, first byte %v, total %v: want 0 < connect ≤ first byte ≤ total", end.Connect, end.FirstByte, end.Total)
	}
}

func TestConcurrentRelaysOnOneConnection(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat(r.URL.Path[1:], 50_000)) // several chunk frames each
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))
	ids := []uint32{1, 2, 3, 4}
	for _, id := range ids {
		c.sendGet(id, "http://"+addr+"/"+strconv.Itoa(int(id)))
	}
	bodies := map[uint32]string{}
	for id, fs := range c.collectAll(ids...) {
		if end := last(fs); end.Type != wireproto.FrameEnd {
			t.Fatalf("relay %d ended with %+v", id, end)
		}
		bodies[id] = body(fs)
	}
	for _, id := range ids {
		if want := strings.Repeat(strconv.Itoa(int(id)), 50_000); bodies[id] != want {
			t.Errorf("relay %d body is %d bytes, want %d of its own digit", id, len(bodies[id]), len(want))
		}
	}
}

func TestHTTPSIsVerifiedAndRelayedInOrder(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "secret")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake, expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	addr := srv.Listener.Addr().String()
	url := "https://" + addr + "/"

	t.Run("an unknown certificate is an error", func(t *testing.T) {
		t.Parallel()
		fs := connect(t, serveRelay(t, New(WithAllowedHosts(addr)))).get(url)
		wantError(t, fs[0], "certificate")
	})
	t.Run("a trusted certificate is relayed", func(t *testing.T) {
		t.Parallel()
		rl := New(WithAllowedHosts(addr))
		rl.tls = &tls.Config{RootCAs: x509.NewCertPool()}
		rl.tls.RootCAs.AddCert(srv.Certificate())
		fs := connect(t, serveRelay(t, rl)).get(url)
		if headOf(t, fs).Status != 200 || body(fs) != "secret" || last(fs).Type != wireproto.FrameEnd {
			t.Fatalf("frames = %+v", fs)
		}
		// The head is read above TLS, the plain one, in the order
		// net/http's server wrote it; sorted, Content-Type would lead.
		var names []string
		for _, h := range fs[1].Headers {
			names = append(names, h.Name)
		}
		if !slices.Equal(names, []string{"Date", "Content-Length", "Content-Type"}) {
			t.Errorf("header names = %v", names)
		}
	})
}

func TestMalformedRequestsAreErrors(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	addr := upstream(t, func(http.ResponseWriter, *http.Request) { hits.Add(1) }, nil)
	u := serveRelay(t, New(WithAllowedHosts(addr)))
	url := "http://" + addr + "/"

	tests := []struct {
		name string
		req  wireproto.Request
		want string
	}{
		{"method with a space", wireproto.Request{Method: "GE T"}, `cannot send this request: invalid method "GE T"`},
		{"header value smuggling a line", wireproto.Request{Method: "GET", Headers: []wireproto.Header{{Name: "X", Value: "a\r\nInjected: b"}}}, "header X has a control character"},
		{"header name with a colon", wireproto.Request{Method: "GET", Headers: []wireproto.Header{{Name: "X:Y", Value: "a"}}}, `header name "X:Y" is not a valid name`},
		{"empty header name", wireproto.Request{Method: "GET", Headers: []wireproto.Header{{Name: "", Value: "a"}}}, `header name "" is not a valid name`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := connect(t, u)
			tt.req.Target = url
			c.send(wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: url, Request: tt.req})
			wantError(t, c.next(), tt.want)
		})
	}
	t.Cleanup(func() { // after the parallel rows have run
		if n := hits.Load(); n != 0 {
			t.Errorf("the upstream got %d requests, want none", n)
		}
	})
}
