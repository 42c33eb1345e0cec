// Package wsaccept accepts WebSocket connections with nhooyr.io/websocket,
// minus one bug: v1.8.17 answers the peer's close frame with a second close
// frame even when it sent the first one itself (it echoes every close it
// reads; see coder/websocket#448, fixed only under the library's new module
// path). Chromium treats that second frame as a protocol error and reports
// "Close received after close" with code 1006 instead of the server's code
// and reason - exactly what the /ws/stream lesson cell exists to show.
//
// The fix sits below the library: the hijacked connection's writes are
// scanned frame by frame, and nothing after the first complete close frame
// reaches the network (RFC 6455 §5.5.1: after sending a Close frame an
// endpoint sends no more data).
package wsaccept

import (
	"bufio"
	"encoding/binary"
	"net"
	"net/http"

	"nhooyr.io/websocket"
)

// Accept is websocket.Accept with at most one close frame ever written.
func Accept(w http.ResponseWriter, r *http.Request, opts *websocket.AcceptOptions) (*websocket.Conn, error) {
	return websocket.Accept(hijacker{w}, r, opts)
}

// hijacker hands the library a connection whose writes pass through
// closeOnce. The bufio.Writer it returns replaces net/http's, which has
// already flushed the 101 response by the time Hijack returns.
type hijacker struct{ http.ResponseWriter }

func (h hijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, brw, err := http.NewResponseController(h.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	c := &closeOnce{Conn: conn}
	return c, bufio.NewReadWriter(brw.Reader, bufio.NewWriterSize(c, brw.Writer.Size())), nil
}

// closeOnce forwards server-to-client frames until the first close frame
// has been written whole, then swallows everything after it.
type closeOnce struct {
	net.Conn
	head    [14]byte // the frame header being read: at most 2+8+4 bytes
	headLen int
	left    uint64 // payload bytes of the current frame still to pass
	isClose bool   // the current frame is a close frame
	done    bool   // a whole close frame has been written
}

func (c *closeOnce) Write(p []byte) (int, error) {
	if c.done {
		return len(p), nil
	}
	n := c.scan(p)
	if _, err := c.Conn.Write(p[:n]); err != nil {
		return 0, err
	}
	return len(p), nil
}

// scan walks p through the frame state machine and returns how many of its
// bytes may be written: all of them, or those up to the end of the first
// close frame.
func (c *closeOnce) scan(p []byte) int {
	for i := 0; i < len(p); {
		if c.left > 0 {
			k := uint64(len(p) - i)
			if k > c.left {
				k = c.left
			}
			i += int(k)
			c.left -= k
			if c.left == 0 && c.isClose {
				c.done = true
				return i
			}
			continue
		}
		c.head[c.headLen] = p[i]
		c.headLen++
		i++
		if c.headLen < 2 || c.headLen < headerSize(c.head[1]) {
			continue
		}
		c.isClose = c.head[0]&0x0f == 0x8
		c.left = payloadLen(c.head[:c.headLen])
		c.headLen = 0
		if c.left == 0 && c.isClose {
			c.done = true
			return i
		}
	}
	return len(p)
}

// headerSize is a frame header's length given its second byte (RFC 6455 §5.2).
func headerSize(b1 byte) int {
	n := 2
	switch b1 & 0x7f {
	case 126:
		n += 2
	case 127:
		n += 8
	}
	if b1&0x80 != 0 {
		n += 4 // masking key
	}
	return n
}

func payloadLen(h []byte) uint64 {
	switch l := h[1] & 0x7f; l {
	case 126:
		return uint64(binary.BigEndian.Uint16(h[2:4]))
	case 127:
		return binary.BigEndian.Uint64(h[2:10])
	default:
		return uint64(l)
	}
}
