//go:build js && wasm

package main

import (
	"errors"

	"wirebook/server/wireproto"
	"wirebook/wasm/dom"
	"wirebook/wasm/render"
)

// since is the time from start, a [dom.Now] reading, to now, in the unit
// the relay reports its own timings in.
func since(start float64) wireproto.Duration {
	return wireproto.Duration((dom.Now() - start) * float64(wireproto.Millisecond))
}

// Transport sends one request and reports the response as it arrives. The
// browser transport is fetch; the wire transport (the server relays the
// request over a WebSocket and streams back head, chunks, end) implements
// the same interface, so both go through one renderer.
type Transport interface {
	// Send blocks until the response has ended, failed, or stop is closed
	// (then it returns errStopped). It calls recv.Head once, then
	// recv.Chunk for each piece of the body, then recv.End if it has
	// timings to tell, all from the goroutine that called Send. An error
	// after Head means the body was cut short.
	//
	// stop is a channel, not a context.Context: package context links
	// about 70 KiB (brotli) of time and timer code into the client, an
	// eighth of its budget, to carry one bit.
	Send(stop <-chan struct{}, req wireproto.Request, url string, recv Receiver) error
}

// Receiver is told about a response as it arrives.
type Receiver interface {
	Head(render.Head)
	// Chunk is the next piece of the body; at is when it arrived, counted
	// from the moment the request was sent.
	Chunk(p []byte, at wireproto.Duration)
	// End is what the server measured (the wire transport's end frame).
	// It comes at most once, just before Send returns nil; fetch measures
	// nothing the page does not, and never calls it.
	End(render.Timings)
}

// checkedReceiver is a Receiver that wants the server's verdicts. The wire
// transport sends Expect (the cell's expectations, Hurl's grammar) with the
// request and passes on the relay's check frame, which comes before End;
// fetch has no server to check anything and ignores both.
type checkedReceiver interface {
	Expect() string
	Checks([]wireproto.CheckResult)
}

// wireReceiver is a Receiver that shows an exchange as it went over the
// wire. The wire transport asks it which client's default headers the cell
// wants (its client= option), and tells it the request exactly as the relay
// wrote it, before Head, and each chunk-size line of a chunked body with
// the data that followed it, before that data's Chunk. fetch knows neither.
type wireReceiver interface {
	Client() string
	// Sent is the request's bytes as written, cut when the relay kept only
	// their start; added has one byte per line of its head: '.' the
	// cell's, 'h' required by HTTP/1.1, 'c' the client's.
	Sent(data []byte, added string, cut bool)
	SizeLine(line string, data []byte, at wireproto.Duration)
}

// queuedReceiver is a Receiver told that the relay has every slot taken
// and the request waits in line with ahead others before it; told again as
// the line moves, until the request's first frame of its own comes.
type queuedReceiver interface {
	Queued(ahead int)
}

// errStopped is what Send returns when its stop channel closed.
var errStopped = errors.New("stopped")
