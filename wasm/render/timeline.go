package render

import "wirebook/server/wireproto"

// MaxMarks bounds the marks one timeline draws. A large file arrives in
// hundreds of chunks, and a mark for each would cost the page more than it
// shows; the count goes on counting past it.
const MaxMarks = 500

// Timeline shows when each piece of a response arrived: a chunk of a
// streamed body, or a WebSocket message. Each arrival is a mark on a line
// that starts when the request was sent; the line is as long as the first
// 1-2-5 step (10 ms, 20 ms, 50 ms, 100 ms, …) that reaches the latest
// arrival, so it grows while a slow stream goes on and every mark moves
// with it.
type Timeline struct {
	noun string // "chunk" or "message"
	ats  []wireproto.Duration
	n    int
	span wireproto.Duration
}

// NewTimeline starts a timeline counting arrivals called noun ("chunk").
func NewTimeline(noun string) *Timeline {
	return &Timeline{noun: noun, span: spanFor(0)}
}

// Node is the empty timeline with its count:
//
//	<div class="out-arrivals" data-arrivals>
//	  <p class="out-count"><span data-chunks>0</span> <span data-chunks-noun>chunks</span></p>
//	  <div class="timeline" data-timeline data-span="10"><span class="tl-end" data-span-label>10 ms</span></div>
//	</div>
//
// [data-chunks] holds the count alone, so a test or a script can read it.
func (t *Timeline) Node() *Node {
	text, attr := spanLabel(t.span)
	return Markup(`<div class=out-arrivals data-arrivals><p class=out-count><span data-chunks>$0</span> `+
		`<span data-chunks-noun>$1</span></p><div class=timeline data-timeline data-span=$2 role=img aria-label=$3>`+
		`<span class=tl-end data-span-label>$4</span></div></div>`,
		itoa(t.n), plural(t.n, t.noun), attr, "when each "+t.noun+" arrived", text)
}

// Arrival is what one arrival changes in the timeline's DOM.
type Arrival struct {
	Count, Noun string // the new text of [data-chunks] and [data-chunks-noun]
	// Mark is the new mark to append to [data-timeline]; nil past MaxMarks.
	Mark *Node
	// Rescaled says the line grew: every earlier mark moves to Left(i), and
	// the end label becomes SpanText (SpanAttr for data-span).
	Rescaled           bool
	SpanText, SpanAttr string
}

// Add records an arrival at at, the time since the request was sent.
func (t *Timeline) Add(at wireproto.Duration) Arrival {
	at = max(at, 0)
	t.n++
	a := Arrival{Count: itoa(t.n), Noun: plural(t.n, t.noun)}
	if s := spanFor(at); s > t.span {
		t.span = s
		a.Rescaled = true
		a.SpanText, a.SpanAttr = spanLabel(s)
	}
	if len(t.ats) < MaxMarks {
		t.ats = append(t.ats, at)
		text, attr := Millis(at)
		a.Mark = Markup(`<span class=tl-mark data-at=$0 title=$1></span>`, attr, t.noun+" "+itoa(t.n)+" at "+text)
		a.Mark.Style = []Attr{{"left", t.Left(len(t.ats) - 1)}}
	}
	return a
}

// Count is the number of arrivals so far.
func (t *Timeline) Count() int { return t.n }

// Marks is the number of marks drawn.
func (t *Timeline) Marks() int { return len(t.ats) }

// Left is the CSS left of mark i: its arrival as a share of the line,
// "37.5%", in integer arithmetic (no float formatting in the client).
func (t *Timeline) Left(i int) string {
	permille := int64(t.ats[i]) * 1000 / int64(t.span)
	return decimal(permille, 1) + "%"
}

// spanFor is the shortest 1-2-5 step of at least 10 ms that reaches at.
func spanFor(at wireproto.Duration) wireproto.Duration {
	s := 10 * wireproto.Millisecond
	for step := 0; s < at; step++ {
		if step%3 == 1 {
			s = s / 2 * 5 // 2 → 5
		} else {
			s *= 2 // 1 → 2, 5 → 10
		}
	}
	return s
}

// spanLabel is a 1-2-5 span as the end of the line shows it ("500 ms",
// "2 s") and as data-span holds it (milliseconds).
func spanLabel(s wireproto.Duration) (text, attr string) {
	ms := int(s / wireproto.Millisecond)
	if s >= wireproto.Second {
		return itoa(int(s/wireproto.Second)) + " s", itoa(ms)
	}
	return itoa(ms) + " ms", itoa(ms)
}

func plural(n int, noun string) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
