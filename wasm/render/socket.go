package render

import (
	"strings"

	"wirebook/server/wireproto"
)

// MaxMessages bounds the messages one WebSocket output lists; the count
// and the size line go on counting past it.
const MaxMessages = 1000

// IsWebSocket reports whether a cell's URL is one of the server's
// WebSocket endpoints, which wirebook serves under /ws/. Such a cell is
// opened with the browser's WebSocket, not sent as a plain request: neither
// fetch nor the relay (which speaks HTTP and nothing after a 101) can hold
// the conversation that follows the handshake.
func IsWebSocket(url string) bool {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return false
	}
	i := strings.IndexByte(rest, '/')
	return i >= 0 && strings.HasPrefix(rest[i:], "/ws/")
}

// WebSocketURL is url with its http scheme changed to ws (https to wss).
func WebSocketURL(url string) string {
	if rest, ok := strings.CutPrefix(url, "https://"); ok {
		return "wss://" + rest
	}
	if rest, ok := strings.CutPrefix(url, "http://"); ok {
		return "ws://" + rest
	}
	return url
}

// Socket is the output of a WebSocket cell: the handshake's result, each
// message as it arrives, then how the connection closed.
type Socket struct {
	Arrivals *Timeline
	size     int
	shown    int
}

// NewSocket starts the output of one WebSocket run.
func NewSocket() *Socket { return &Socket{Arrivals: NewTimeline("message")} }

// Open is the output once the browser has opened the connection. A page
// never sees the handshake's headers: the browser checked the 101 and its
// Sec-WebSocket-Accept itself, and tells the page only the subprotocol
// and the extensions agreed, which are shown as the header lines they came
// in. dropped are the cell's request headers the browser could not send.
//
//	<div data-output data-via="browser" data-kind="websocket">
//	  <p class="out-meta"><span data-status data-code="101">101 Switching Protocols</span> <span data-time>…</span> <span data-size>…</span> …</p>
//	  <div class="out-end" data-end></div>
//	  <p class="out-note" data-note>…</p>
//	  <table data-headers>…</table>
//	  <div class="out-arrivals" data-arrivals>…</div>
//	  <div data-body data-kind="websocket"><ol class="out-messages" data-messages><li data-at=…>…</li>…</ol></div>
//	  <p class="out-close" data-close data-code="1000">1000 normal closure: sent 10 greetings</p>  (Close, appended)
//	</div>
func (s *Socket) Open(protocol, extensions string, dropped []string) *Node {
	out := shell("browser", "websocket", 101, StatusLine(101, ""), "via the browser's WebSocket")
	out.Kids = append(out.Kids, note("The server switched protocols, so the connection is open both ways and stays open: each message "+
		"below arrived on its own, until one side closed it. The browser made the handshake itself and "+
		"shows a page only the subprotocol and extensions agreed; a WebSocket cell always runs in the browser."))
	if len(dropped) > 0 {
		out.Kids = append(out.Kids, note("The browser's WebSocket sends no headers a page chooses, so "+strings.Join(dropped, ", ")+
			pick(len(dropped) == 1, " was", " were")+" not sent."))
	}
	var hs []wireproto.Header
	if protocol != "" {
		hs = append(hs, wireproto.Header{Name: "Sec-WebSocket-Protocol", Value: protocol})
	}
	if extensions != "" {
		hs = append(hs, wireproto.Header{Name: "Sec-WebSocket-Extensions", Value: extensions})
	}
	out.Kids = append(out.Kids, headerTable(hs), s.Arrivals.Node(),
		Markup(`<div data-body data-kind=websocket><ol class=out-messages data-messages></ol></div>`))
	return out
}

// Message records a message that arrived at at (since the connection was
// asked for) and returns its <li>, or nil past MaxMessages. A binary
// message is described, not shown: its bytes may be anything.
func (s *Socket) Message(data []byte, binary bool, at wireproto.Duration) (*Node, Arrival) {
	s.size += len(data)
	a := s.Arrivals.Add(at)
	if s.shown >= MaxMessages {
		return nil, a
	}
	s.shown++
	text, ms := Millis(at)
	var body string
	if binary {
		b, _ := Bytes(len(data))
		body = "(a binary message of " + b + ")"
	} else {
		var u utf8Stream
		body = u.write(data[:min(len(data), DefaultMaxText)]) + u.flush()
	}
	return Markup(`<li data-at=$0 data-at-text=$1>$2</li>`, ms, text, body), a
}

// Close is what the output ends with once the connection has closed: a
// note if some messages were not listed, then the close line; and what End
// fills in (time and size).
func (s *Socket) Close(code int, reason string, elapsed wireproto.Duration) ([]*Node, Final) {
	var f Final
	f.TimeText, f.TimeAttr = Millis(elapsed)
	f.SizeText, f.SizeAttr = Bytes(s.size)
	f.Kind = "websocket"
	var out []*Node
	if n := s.Arrivals.Count() - s.shown; n > 0 {
		out = append(out, Markup(`<p class=out-empty>$0</p>`, "… "+itoa(n)+" more "+plural(n, "message")+" not listed"))
	}
	out = append(out, Markup(`<p class=out-close data-close data-code=$0>$1</p>`, itoa(code), CloseText(code, reason)))
	return out, f
}

// CloseText is a close code, its name in RFC 6455 §7.4.1 (and the IANA
// registry), and the reason the closing side gave: "1000 normal closure:
// sent 10 greetings".
func CloseText(code int, reason string) string {
	s := itoa(code)
	if name := closeName(code); name != "" {
		s += " " + name
	}
	if reason != "" {
		s += ": " + reason
	}
	return s
}

func closeName(code int) string {
	switch code {
	case 1000:
		return "normal closure"
	case 1001:
		return "going away"
	case 1002:
		return "protocol error"
	case 1003:
		return "unsupported data"
	case 1005:
		return "no status received"
	case 1006:
		// The browser's own code: it never travels in a close frame.
		return "abnormal closure (the connection ended without a close frame)"
	case 1007:
		return "invalid frame payload data"
	case 1008:
		return "policy violation"
	case 1009:
		return "message too big"
	case 1010:
		return "mandatory extension"
	case 1011:
		return "internal error"
	case 1012:
		return "service restart"
	case 1013:
		return "try again later"
	case 1014:
		return "bad gateway"
	case 1015:
		return "TLS handshake failed"
	}
	return ""
}
