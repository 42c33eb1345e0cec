// Package saved is a student's work on a lesson page as the client keeps
// it in the browser: each cell's edit and its last run, recorded as the
// run arrives so that a reload can play it back through the same renderer.
// Its JSON is the format server/export's Saved describes (the page posts
// it to the export); this package writes and reads it with the browser's
// own JSON (see json.go), since encoding/json would add reflect to the
// client.
//
// Nothing here touches the DOM or storage: the recording, its caps and
// where saved cells go in a lesson that changed are plain Go, tested with
// plain go test.
package saved

import (
	"wirebook/server/wireproto"
	"wirebook/wasm/render"
)

// Version is the format written and read; a record of another version is
// discarded with a notice rather than misread.
const Version = 1

// Caps on what one lesson keeps. localStorage holds about 5 M characters
// per origin in every engine, shared by the course's lessons, so a lesson
// keeps at most MaxLesson of it; a body is kept up to MaxBody and the
// output says how much was not; a stream's arrivals up to MaxChunks, as
// the page draws only render.MaxMarks of them anyway.
const (
	MaxBody   = 256 << 10
	MaxLesson = 2 << 20
	MaxChunks = render.MaxMarks
)

// Cell is one cell's saved work.
type Cell struct {
	// Lesson is the lesson's text of the cell the work started from: when
	// the lesson's text is no longer this, the lesson changed under it.
	Lesson string
	// Text is the request in the box; Edited says it differs from Lesson.
	Text   string
	Edited bool
	Run    *Run // nil when it has not run since it was last cleared
}

// Run is a cell's last run.
type Run struct {
	N       int    // In [n]
	State   string // the cell's data-state: done or error
	Passed  int    // checks passed
	Outputs []*Output
}

// Chunk is one piece of a body as it arrived.
type Chunk struct {
	At  wireproto.Duration // since the request was sent
	Len int
}

// Message is one message a WebSocket cell received.
type Message struct {
	At     wireproto.Duration
	Data   []byte
	Binary bool
}

// Close is how a WebSocket cell's connection ended.
type Close struct {
	Code   int
	Reason string
	At     wireproto.Duration
}

// Output is one response (or WebSocket) of a run, recorded as it came:
// it is a render Receiver's calls written down, so playing it back draws
// the same output.
type Output struct {
	Via     string // wire, browser or socket
	Head    render.Head
	HasHead bool
	Body    []byte // the body kept, at most MaxBody
	Size    int    // body bytes received; more than len(Body) when Cut
	Cut     bool
	Chunks  []Chunk // arrivals of a stream cell's body
	Timings *render.Timings
	Checks  []wireproto.CheckResult // the server's verdicts; nil when none came
	Elapsed wireproto.Duration      // from sending to the end, as the page showed it

	// A WebSocket cell's connection.
	Protocol, Extensions string
	Dropped              []string // request headers the browser could not send
	Messages             []Message
	Close                *Close

	// The exchange as it went over the wire (the wire transport only): the
	// request as sent and who added which line of it, and a chunked body's
	// size lines. The response head as received is Head.Raw.
	Sent      []byte
	SentCut   bool // the relay sent only the start of a long request
	Added     string
	SizeLines []SizeLine

	Error string // what the page said went wrong; "" when nothing did
}

// SizeLine is one chunk-size line of a chunked body, with a glimpse of
// the chunk's data (the whole body is Body).
type SizeLine struct {
	Line string
	Data []byte
	At   wireproto.Duration
}

// AddSizeLine keeps a chunk-size line, up to MaxChunks of them, and at most
// glimpse bytes of what followed it.
func (o *Output) AddSizeLine(line string, data []byte, at wireproto.Duration) {
	if len(o.SizeLines) < MaxChunks {
		o.SizeLines = append(o.SizeLines, SizeLine{Line: line, Data: append([]byte(nil), data[:min(len(data), glimpse)]...), At: at})
	}
}

// glimpse is how much of a chunk its size line keeps: what the Raw view
// shows of it (render's chunkGlimpse), and one more byte to say it goes on.
const glimpse = 65

// Recording starts the output of a run sent through via; stream says the
// cell's body arrivals are kept.
func Recording(via string, stream bool) *Output {
	o := &Output{Via: via}
	if stream {
		o.Chunks = []Chunk{}
	}
	return o
}

func (o *Output) SetHead(h render.Head) { o.Head, o.HasHead = h, true }

// AddChunk keeps the next piece of the body, as much of it as MaxBody allows.
func (o *Output) AddChunk(p []byte, at wireproto.Duration) {
	o.Size += len(p)
	if room := MaxBody - len(o.Body); len(p) > room {
		p, o.Cut = p[:max(room, 0)], true
	}
	o.Body = append(o.Body, p...)
	if o.Chunks == nil || len(p) == 0 {
		return
	}
	if len(o.Chunks) < MaxChunks {
		o.Chunks = append(o.Chunks, Chunk{At: at, Len: len(p)})
	} else {
		o.Chunks[len(o.Chunks)-1].Len += len(p)
	}
}

// AddMessage keeps a WebSocket message while the output has room for it;
// a message past MaxBody is counted, not kept.
func (o *Output) AddMessage(data []byte, binary bool, at wireproto.Duration) {
	o.Size += len(data)
	if o.Cut || len(o.Messages) >= MaxChunks || o.kept()+len(data) > MaxBody {
		o.Cut = true
		return
	}
	o.Messages = append(o.Messages, Message{At: at, Data: append([]byte(nil), data...), Binary: binary})
}

func (o *Output) kept() int {
	n := len(o.Body)
	for _, m := range o.Messages {
		n += len(m.Data)
	}
	return n
}

// Pieces cuts the kept body back into the chunks it arrived in, for a
// playback; without arrivals it is one piece.
func (o *Output) Pieces() []Chunk {
	if len(o.Chunks) == 0 {
		return []Chunk{{Len: len(o.Body)}}
	}
	var ps []Chunk
	left := len(o.Body)
	for _, c := range o.Chunks {
		n := min(c.Len, left)
		ps = append(ps, Chunk{At: c.At, Len: n})
		left -= n
	}
	if left > 0 { // arrivals lost to an older cap
		ps[len(ps)-1].Len += left
	}
	return ps
}

// WithoutBodies is o with its bodies dropped, kept as cut: what is saved
// when the whole body does not fit in the lesson's share of storage.
func (o *Output) WithoutBodies() *Output {
	c := *o
	c.Body, c.Messages, c.Chunks = nil, nil, nil
	c.Cut = c.Size > 0
	return &c
}

// Place puts saved cells on a lesson's cells. saved[i] is what was saved
// for the cell at index i (nil for none); lesson[j] is the lesson's text of
// cell j now. A saved cell goes, in order of preference: to its own index
// when the text there is the one it started from; to another cell with
// that text (the lesson gained or lost a cell before it); to its own index
// as changed (the lesson rewrote it). What has no place left is an orphan:
// the lesson lost that cell, and the caller keeps it for the student.
func Place(saved []*Cell, lesson []string) (placed []*Cell, changed []bool, orphans []*Cell) {
	placed, changed = make([]*Cell, len(lesson)), make([]bool, len(lesson))
	left := make([]bool, len(saved))
	for i, s := range saved {
		if s == nil {
			continue
		}
		if i < len(lesson) && lesson[i] == s.Lesson {
			placed[i] = s
		} else {
			left[i] = true
		}
	}
	for i, s := range saved {
		if !left[i] {
			continue
		}
		for j, text := range lesson {
			if placed[j] == nil && text == s.Lesson {
				placed[j], left[i] = s, false
				break
			}
		}
	}
	for i, s := range saved {
		if left[i] && i < len(lesson) && placed[i] == nil {
			placed[i], changed[i], left[i] = s, true, false
		}
	}
	for i, s := range saved {
		if left[i] {
			orphans = append(orphans, s)
		}
	}
	return placed, changed, orphans
}
