package guard

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestHostsAllows(t *testing.T) {
	t.Parallel()
	lan := &net.TCPAddr{IP: net.ParseIP("192.168.1.5"), Port: 2500}
	h := NewHosts("teacher.local", "Class.Example:8080")
	tests := []struct {
		name  string
		host  string
		local net.Addr
		want  bool
	}{
		{"localhost", "localhost:2500", lan, true},
		{"a subdomain of localhost", "app.localhost:2500", lan, true},
		{"the loopback IP", "127.0.0.1:2500", lan, true},
		{"another loopback IP", "127.0.0.2", lan, true},
		{"IPv6 loopback", "[::1]:2500", lan, true},
		{"the IP the connection reached", "192.168.1.5:2500", lan, true},
		{"the IP the connection reached, any port", "192.168.1.5", lan, true},
		{"a name given with -hosts", "teacher.local:2500", lan, true},
		{"a -hosts name is matched without case or port", "CLASS.example", lan, true},
		{"a name with a trailing dot", "teacher.local.:2500", lan, true},
		{"no Host at all (HTTP/1.0)", "", lan, true},
		{"a rebound name", "rebind.evil.example:2500", lan, false},
		{"a name that ends like localhost", "evillocalhost:2500", lan, false},
		{"another machine's IP", "192.168.1.6:2500", lan, false},
		{"the LAN IP on a loopback connection", "192.168.1.5:2500", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2500}, false},
		{"no local address known", "192.168.1.5", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := h.Allows(tt.host, tt.local); got != tt.want {
				t.Errorf("Allows(%q, %v) = %v, want %v", tt.host, tt.local, got, tt.want)
			}
		})
	}
}

func TestHostsCheckIs421(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(NewHosts().Check(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	t.Cleanup(srv.Close)
	for host, want := range map[string]int{
		"rebind.evil.example":        http.StatusMisdirectedRequest,
		"localhost":                  http.StatusNoContent,
		srv.Listener.Addr().String(): http.StatusNoContent,
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}

func TestRequireOrigin(t *testing.T) {
	t.Parallel()
	h := RequireOrigin(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusSwitchingProtocols) }))
	tests := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"an upgrade without Origin is refused", map[string]string{"Upgrade": "websocket"}, http.StatusForbidden},
		{"an upgrade with Origin passes", map[string]string{"Upgrade": "websocket", "Origin": "http://localhost:2500"}, http.StatusSwitchingProtocols},
		{"a plain request needs no Origin", nil, http.StatusSwitchingProtocols},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest(http.MethodGet, "/ws/relay", nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.want {
				t.Errorf("status %d, want %d", w.Code, tt.want)
			}
		})
	}
}

// A request with both Content-Length and Transfer-Encoding gets its answer,
// then the connection is closed (RFC 9112 §6.3), so no second request can
// ride on a length a proxy read differently.
func TestChunkedRequestClosesConnection(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(CloseAfterChunked(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})))
	t.Cleanup(srv.Close)
	tests := []struct {
		name      string
		request   string
		wantClose bool
	}{
		{"Content-Length and Transfer-Encoding", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true},
		{"chunked alone", "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true},
		{"Content-Length alone keeps the connection", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
			if _, err := conn.Write([]byte(tt.request + "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(conn)
			first, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			first.Body.Close()
			if got := first.Close; got != tt.wantClose {
				t.Errorf("Connection: close = %v, want %v", got, tt.wantClose)
			}
			_, err = http.ReadResponse(br, nil)
			if answered := err == nil; answered == tt.wantClose {
				t.Errorf("second request answered = %v (err %v), want %v", answered, err, !tt.wantClose)
			}
		})
	}
}

// A client that asks for a large file and never reads it is cut off once
// the write deadline passes, instead of holding the handler until the
// kernel gives up.
func TestSlowReaderIsCutOff(t *testing.T) {
	t.Parallel()
	done := make(chan error, 1)
	big := []byte(strings.Repeat("x", 1<<20))
	srv := httptest.NewServer(Deadlines(time.Minute, 200*time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		var err error
		for i := 0; i < 256 && err == nil; i++ { // 256 MiB: more than any socket buffer
			_, err = w.Write(big)
		}
		done <- err
	})))
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /app.wasm HTTP/1.1\r\nHost: localhost\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("the handler wrote 256 MiB to a client that reads nothing")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the handler was still writing to a client that reads nothing 10 s later")
	}
}

// A WebSocket upgrade gets no deadline: the conversation outlives it.
func TestDeadlinesSpareUpgrades(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(Deadlines(time.Minute, 50*time.Millisecond)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		conn, rw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		time.Sleep(150 * time.Millisecond) // past the write deadline a plain request would have
		_, _ = rw.WriteString("HTTP/1.1 101 Switching Protocols\r\n\r\nhello")
		if err := rw.Flush(); err != nil {
			t.Errorf("writing on an upgraded connection after the deadline: %v", err)
		}
	})))
	t.Cleanup(srv.Close)
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_, _ = conn.Write([]byte("GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"))
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	b := make([]byte, 64)
	n, _ := conn.Read(b)
	if !strings.Contains(string(b[:n]), "101") {
		t.Errorf("read %q, want the 101", b[:n])
	}
}
