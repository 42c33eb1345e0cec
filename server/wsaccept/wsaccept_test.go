package wsaccept

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"nhooyr.io/websocket"
)

func frame(opcode byte, payload string) []byte {
	b := []byte{0x80 | opcode}
	switch n := len(payload); {
	case n < 126:
		b = append(b, byte(n))
	case n < 1<<16:
		b = append(b, 126, byte(n>>8), byte(n))
	default:
		b = append(b, 127, 0, 0, 0, 0, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, payload...)
}

type sink struct {
	net.Conn
	buf bytes.Buffer
}

func (s *sink) Write(p []byte) (int, error) { return s.buf.Write(p) }

// TestCloseOnceCutsAfterTheFirstClose feeds a text frame, a close frame and
// the echoed close frame in every possible split of writes: only the first
// two frames may reach the wire.
func TestCloseOnceCutsAfterTheFirstClose(t *testing.T) {
	t.Parallel()
	first := append(frame(0x1, "Bonjour"), frame(0x2, strings.Repeat("x", 300))...)
	first = append(first, frame(0x8, "\x03\xe8sent 3 greetings")...)
	stream := append(append([]byte(nil), first...), frame(0x8, "\x03\xe8sent 3 greetings")...)
	for split := 0; split <= len(stream); split++ {
		s := &sink{}
		c := &closeOnce{Conn: s}
		for _, part := range [][]byte{stream[:split], stream[split:]} {
			if n, err := c.Write(part); err != nil || n != len(part) {
				t.Fatalf("split %d: Write = %d, %v", split, n, err)
			}
		}
		if !bytes.Equal(s.buf.Bytes(), first) {
			t.Fatalf("split %d: wrote %q, want %q", split, s.buf.Bytes(), first)
		}
	}
}

func TestCloseOnceByteByByteWithLongLengths(t *testing.T) {
	t.Parallel()
	long := frame(0x2, strings.Repeat("y", 70000)) // 8-byte length form
	want := append(append([]byte(nil), long...), frame(0x8, "")...)
	stream := append(append([]byte(nil), want...), frame(0x8, "")...)
	s := &sink{}
	c := &closeOnce{Conn: s}
	for i := range stream {
		if _, err := c.Write(stream[i : i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(s.buf.Bytes(), want) {
		t.Fatalf("wrote %d bytes, want %d", s.buf.Len(), len(want))
	}
}

// TestServerCloseSendsOneCloseFrame is the bug as Chromium meets it: the
// server closes with a reason, the client answers the close, and the client
// must then see the end of the stream - not a second close frame.
func TestServerCloseSendsOneCloseFrame(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := Accept(w, r, nil)
		if err != nil {
			return
		}
		_ = c.Close(websocket.StatusNormalClosure, "sent 0 greetings")
	}))
	defer srv.Close()

	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	_, _ = io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake: %v %v", resp, err)
	}
	readFrame := func() (byte, []byte, error) {
		h := make([]byte, 2)
		if _, err := io.ReadFull(br, h); err != nil {
			return 0, nil, err
		}
		p := make([]byte, h[1]&0x7f)
		_, err := io.ReadFull(br, p)
		return h[0] & 0x0f, p, err
	}
	op, payload, err := readFrame()
	if err != nil || op != 0x8 || string(payload[2:]) != "sent 0 greetings" {
		t.Fatalf("first frame: op %x payload %q err %v, want the close with its reason", op, payload, err)
	}
	// Answer the close as a browser does: masked, echoing the code.
	_, _ = conn.Write([]byte{0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8})
	if op, payload, err := readFrame(); err == nil {
		t.Fatalf("after the close handshake the server sent another frame: op %x %q", op, payload)
	}
}

// A middleware's deadline for ordinary responses must not end a WebSocket:
// the connection outlives it, and its writes carry their own timeouts.
// net/http's Hijack clears the connection's deadlines (net/http
// server.go, hijackLocked); this guards that the endpoints may rely on it.
func TestAcceptLiftsTheResponseDeadlines(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		rc.SetWriteDeadline(time.Now().Add(20 * time.Millisecond))
		rc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
		c, err := Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		time.Sleep(100 * time.Millisecond) // past both deadlines
		ctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		if err := c.Write(ctx, websocket.MessageText, []byte("still here")); err != nil {
			return
		}
		c.Read(ctx) // until the client closes
	}))
	t.Cleanup(srv.Close)

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), &websocket.DialOptions{
		HTTPClient: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	if _, msg, err := c.Read(ctx); err != nil || string(msg) != "still here" {
		t.Errorf("read %q, %v; want the message written after the deadlines", msg, err)
	}
}
