package render

import "wirebook/server/wireproto"

// Timings are what the server measured while it relayed a request (the
// wire transport's end frame), each from the moment it started sending:
// the connection made, the first byte of the answer, the last byte.
type Timings struct {
	Connect, FirstByte, Total wireproto.Duration
	Bytes                     int64 // body bytes the relay sent on
	Truncated                 bool  // the relay's cap cut the body at Bytes
}

// TimingsNode is what fills the output's [data-end] when a response ends:
//
//	<p class="out-timings" data-timings>
//	  <span data-connect="0">connect 0.3 ms</span> · <span data-first-byte="1">first byte 1.2 ms</span> ·
//	  <span data-total="3">total 3.4 ms</span> <span class="out-muted">measured by the server</span>
//	</p>
//	<p class="out-note" data-truncated="1048576">body cut at 1048576 bytes: …</p>   (when Truncated)
//
// The data-* values are whole milliseconds, for tests and scripts.
func TimingsNode(t Timings) []*Node {
	c, cms := Millis(t.Connect)
	f, fms := Millis(t.FirstByte)
	a, ams := Millis(t.Total)
	out := []*Node{Markup(`<p class=out-timings data-timings><span data-connect=$0>$1</span> · `+
		`<span data-first-byte=$2>$3</span> · <span data-total=$4>$5</span> <span class=out-muted>measured by the server</span></p>`,
		cms, "connect "+c, fms, "first byte "+f, ams, "total "+a)}
	if t.Truncated {
		n := itoa(int(t.Bytes))
		out = append(out, Markup(`<p class=out-note data-truncated=$0>$1</p>`, n,
			"body cut at "+n+" bytes: the server relays no more of one response, so what is above is its beginning."))
	}
	return out
}
