package rawhead

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// showHead answers with the raw head of the request, or "none".
var showHead = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	head, ok := Of(r)
	if !ok {
		head = "none"
	}
	if _, again := Of(r); again {
		head += "given twice"
	}
	io.WriteString(w, head)
})

// serveRaw starts h on loopback behind Record and gives its address.
func serveRaw(t testing.TB, h http.Handler, maxHeaderBytes int) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.Config.MaxHeaderBytes = maxHeaderBytes
	srv.Listener = Record(srv.Config, srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// exchange writes each send on one connection, in one Write, then reads
// as many responses as its want has bodies.
type exchange struct {
	send string
	want []string
}

func talk(t *testing.T, addr string, steps []exchange) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	for i, step := range steps {
		if _, err := io.WriteString(conn, step.send); err != nil {
			t.Fatal(err)
		}
		for j, want := range step.want {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatalf("step %d, response %d: %v", i, j, err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if want == "400" || want == "200 empty" {
				if got := resp.Status[:3]; got != want[:3] || (want == "200 empty" && len(body) != 0) {
					t.Errorf("step %d, response %d: %s %q, want %s", i, j, resp.Status, body, want)
				}
				continue
			}
			if string(body) != want {
				t.Errorf("step %d, response %d:\n got %q\nwant %q", i, j, body, want)
			}
		}
	}
}

func TestOfGivesEachRequestItsHead(t *testing.T) {
	t.Parallel()
	const limit = 1024
	addr := serveRaw(t, showHead, limit)
	long := "GET /long HTTP/1.1\r\nHost: h\r\nX-Pad: " + strings.Repeat("a", 2*limit) + "\r\n\r\n" // net/http takes up to limit+4096
	tests := []struct {
		name  string
		steps []exchange
	}{
		{"order, case and repeats as sent", []exchange{
			{"GET / HTTP/1.1\r\nHost: h\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\n\r\n", []string{"GET / HTTP/1.1\nHost: h\nX-B: 1\nx-a: 2\nX-B: 3\n"}},
		}},
		{"keep-alive: each request its own head", []exchange{
			{"GET /1 HTTP/1.1\r\nHost: h\r\nA: 1\r\n\r\n", []string{"GET /1 HTTP/1.1\nHost: h\nA: 1\n"}},
			{"GET /2 HTTP/1.1\r\nhost: h\r\nb: 2\r\n\r\n", []string{"GET /2 HTTP/1.1\nhost: h\nb: 2\n"}},
		}},
		{"pipelined in one Write: answered in order, each its own head", []exchange{
			{"GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\nX: y\r\n\r\n",
				[]string{"GET /1 HTTP/1.1\nHost: h\n", "GET /2 HTTP/1.1\nHost: h\nX: y\n"}},
		}},
		{"a Content-Length body, then a second request", []exchange{
			{"POST /1 HTTP/1.1\r\nHost: h\r\nContent-Length: 26\r\n\r\nGET /no HTTP/1.1\r\nA: b\r\n\r\n" +
				"GET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
				[]string{"POST /1 HTTP/1.1\nHost: h\nContent-Length: 26\n", "GET /2 HTTP/1.1\nHost: h\n"}},
		}},
		{"a chunked body with an extension, then a second request", []exchange{
			{"POST /1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;n=v\r\nhello\r\n0\r\n\r\n" +
				"GET /2 HTTP/1.1\r\nHost: h\r\n\r\n",
				[]string{"POST /1 HTTP/1.1\nHost: h\nTransfer-Encoding: chunked\n", "GET /2 HTTP/1.1\nHost: h\n"}},
		}},
		{"a head over MaxHeaderBytes falls back; the next is raw again", []exchange{
			{long, []string{"none"}},
			{"GET /2 HTTP/1.1\r\nHost: h\r\n\r\n", []string{"GET /2 HTTP/1.1\nHost: h\n"}},
		}},
		{"OPTIONS * answered by net/http itself does not shift the count", []exchange{
			{"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n", []string{"200 empty", "GET /2 HTTP/1.1\nHost: h\n"}},
		}},
		{"odd spacing stays as sent", []exchange{
			{"GET / HTTP/1.1\r\nHost: h\r\nA:x  \r\nB:\t y\r\n\r\n", []string{"GET / HTTP/1.1\nHost: h\nA:x  \nB:\t y\n"}},
		}},
		{"a NUL in a value never reaches the handler", []exchange{
			{"GET / HTTP/1.1\r\nHost: h\r\nX: a\x00b\r\n\r\n", []string{"400"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			talk(t, addr, tt.steps)
		})
	}
}

// Without Record, Of has nothing to give.
func TestOfWithoutRecord(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(showHead)
	t.Cleanup(srv.Close)
	talk(t, srv.Listener.Addr().String(), []exchange{{"GET / HTTP/1.1\r\nHost: h\r\n\r\n", []string{"none"}}})
}

// After a hijack the connection speaks another protocol: nothing more is
// scanned, and what the handler reads is untouched.
func TestHijackedConnIsLeftAlone(t *testing.T) {
	t.Parallel()
	addr := serveRaw(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hc, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer hc.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
		brw.Flush()
		line, _ := brw.ReadString('\n')
		brw.WriteString(line)
		brw.Flush()
		rc := hc.(*conn)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if rc.s.state != lost {
			t.Errorf("state after hijack = %d, want lost", rc.s.state)
		}
	}), 0)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET / HTTP/1.1\r\nHost: h\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("upgrade: %v %v", resp, err)
	}
	io.WriteString(c, "GET /not-a-head HTTP/1.1\r\n")
	if line, _ := br.ReadString('\n'); line != "GET /not-a-head HTTP/1.1\r\n" {
		t.Errorf("echoed %q", line)
	}
}

// BenchmarkHello is the cost on every request of main: /hello over a
// keep-alive loopback connection, with and without Record.
func BenchmarkHello(b *testing.B) {
	hello := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "Hello World!") })
	for _, bc := range []struct {
		name string
		raw  bool
	}{{"plain", false}, {"recorded", true}} {
		b.Run(bc.name, func(b *testing.B) {
			srv := httptest.NewUnstartedServer(hello)
			if bc.raw {
				srv.Listener = Record(srv.Config, srv.Listener)
			}
			srv.Start()
			defer srv.Close()
			c := srv.Client()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/hello", nil)
			req.Header.Set("User-Agent", "python-requests/2.32.3")
			req.Header.Set("Accept", "*/*")
			req.Header.Set("Accept-Encoding", "gzip, deflate")
			b.ReportAllocs()
			for b.Loop() {
				resp, err := c.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
	}
}

// BenchmarkScanner is the scanner's own cost per request, without the
// network's noise: a browser's head of ~450 bytes, read and dropped.
func BenchmarkScanner(b *testing.B) {
	req := []byte("GET /hello HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n" +
		"User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n" +
		"Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n" +
		"Accept-Language: en-US,en;q=0.5\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n" +
		"Connection: keep-alive\r\nUpgrade-Insecure-Requests: 1\r\nSec-Fetch-Dest: document\r\n" +
		"Sec-Fetch-Mode: navigate\r\nSec-Fetch-Site: none\r\nSec-Fetch-User: ?1\r\nPriority: u=0, i\r\n\r\n")
	c := &conn{s: scanner{limit: http.DefaultMaxHeaderBytes}}
	b.SetBytes(int64(len(req)))
	b.ReportAllocs()
	for b.Loop() {
		c.mu.Lock()
		c.s.feed(req)
		c.mu.Unlock()
		c.changed(http.StateIdle)
	}
}
