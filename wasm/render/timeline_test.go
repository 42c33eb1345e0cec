package render

import (
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

func TestTimelineGrowsInSteps(t *testing.T) {
	t.Parallel()
	tl := NewTimeline("chunk")
	if n := tl.Node(); mustFind(t, n, "data-chunks").TextContent() != "0" || attr(t, mustFind(t, n, "data-timeline"), "data-span") != "10" {
		t.Fatalf("an empty timeline shows %q", n.TextContent())
	}

	type step struct {
		at          wireproto.Duration
		count, noun string
		rescaled    bool
		span, left  string
		lefts       string // every mark's left after this arrival
	}
	steps := []step{
		{at: 4 * wireproto.Millisecond, count: "1", noun: "chunk", left: "40.0%", lefts: "40.0%"},
		{at: 40 * wireproto.Millisecond, count: "2", noun: "chunks", rescaled: true, span: "50 ms", left: "80.0%", lefts: "8.0% 80.0%"},
		{at: 50 * wireproto.Millisecond, count: "3", noun: "chunks", left: "100.0%", lefts: "8.0% 80.0% 100.0%"},
		{at: 2500 * wireproto.Millisecond, count: "4", noun: "chunks", rescaled: true, span: "5 s", left: "50.0%", lefts: "0.0% 0.8% 1.0% 50.0%"},
		{at: -wireproto.Second, count: "5", noun: "chunks", left: "0.0%", lefts: "0.0% 0.8% 1.0% 50.0% 0.0%"},
	}
	for i, s := range steps {
		a := tl.Add(s.at)
		if a.Count != s.count || a.Noun != s.noun || a.Rescaled != s.rescaled || a.SpanText != s.span {
			t.Errorf("arrival %d at %v = %+v, want count %s %s, rescaled %v to %q", i, s.at, a, s.count, s.noun, s.rescaled, s.span)
		}
		if a.Mark == nil || len(a.Mark.Style) != 1 || a.Mark.Style[0] != (Attr{"left", s.left}) {
			t.Errorf("arrival %d: mark %+v, want left %s", i, a.Mark, s.left)
		}
		var lefts []string
		for m := range tl.Marks() {
			lefts = append(lefts, tl.Left(m))
		}
		if got := strings.Join(lefts, " "); got != s.lefts {
			t.Errorf("after arrival %d marks are at %q, want %q", i, got, s.lefts)
		}
	}
}

func TestTimelineStopsDrawingPastMaxMarks(t *testing.T) {
	t.Parallel()
	tl := NewTimeline("chunk")
	var last Arrival
	for i := range MaxMarks + 3 {
		last = tl.Add(wireproto.Duration(i) * wireproto.Millisecond)
	}
	if last.Mark != nil || tl.Marks() != MaxMarks || tl.Count() != MaxMarks+3 || last.Count != itoa(MaxMarks+3) {
		t.Errorf("after %d arrivals: %d marks, count %d (%q), last mark %v", MaxMarks+3, tl.Marks(), tl.Count(), last.Count, last.Mark)
	}
}

func TestSpanFor(t *testing.T) {
	t.Parallel()
	for at, want := range map[wireproto.Duration]wireproto.Duration{
		0:                            10 * wireproto.Millisecond,
		10 * wireproto.Millisecond:   10 * wireproto.Millisecond,
		11 * wireproto.Millisecond:   20 * wireproto.Millisecond,
		21 * wireproto.Millisecond:   50 * wireproto.Millisecond,
		51 * wireproto.Millisecond:   100 * wireproto.Millisecond,
		999 * wireproto.Millisecond:  wireproto.Second,
		1001 * wireproto.Millisecond: 2 * wireproto.Second,
		180 * wireproto.Second:       200 * wireproto.Second,
	} {
		if got := spanFor(at); got != want {
			t.Errorf("spanFor(%v) = %v, want %v", at, got, want)
		}
	}
}

func TestTimingsNode(t *testing.T) {
	t.Parallel()
	nodes := TimingsNode(Timings{Connect: 300 * wireproto.Microsecond, FirstByte: 1500 * wireproto.Microsecond, Total: 2300 * wireproto.Millisecond})
	if len(nodes) != 1 {
		t.Fatalf("%d nodes for a whole body, want the timings alone", len(nodes))
	}
	p := nodes[0]
	if got := p.TextContent(); got != "connect 0.3 ms · first byte 1.5 ms · total 2300 ms measured by the server" {
		t.Errorf("timings = %q", got)
	}
	if attr(t, mustFind(t, p, "data-total"), "data-total") != "2300" || attr(t, mustFind(t, p, "data-first-byte"), "data-first-byte") != "2" {
		t.Error("data-total / data-first-byte are not whole milliseconds")
	}

	nodes = TimingsNode(Timings{Bytes: 1 << 20, Truncated: true})
	if len(nodes) != 2 || !strings.HasPrefix(nodes[1].TextContent(), "body cut at 1048576 bytes") || attr(t, nodes[1], "data-truncated") != "1048576" {
		t.Errorf("a cut body shows %+v", nodes)
	}
}
