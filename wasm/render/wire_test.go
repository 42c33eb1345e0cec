package render

import (
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

// all returns every node under n, n included, that has the attribute name.
func all(n *Node, name string) []*Node {
	var out []*Node
	if _, ok := n.Attr(name); ok {
		out = append(out, n)
	}
	for _, k := range n.Kids {
		out = append(out, all(k, name)...)
	}
	return out
}

func TestSentShowsEachLineAndWhoAddedIt(t *testing.T) {
	t.Parallel()
	data := "POST /echo/ HTTP/1.1\r\nHost: 127.0.0.1:2500\r\nX-B: 1\r\nx-a: 2\r\nX-B: 3\r\nUser-Agent: python-requests/2.32.3\r\nContent-Length: 5\r\n\r\nhi\x00\r\n"
	n := SentNode([]byte(data), ".h...ch", "requests", false)
	sent := mustFind(t, n, "data-sent")
	want := "POST /echo/ HTTP/1.1␍␊\nHost: 127.0.0.1:2500␍␊\nX-B: 1␍␊\nx-a: 2␍␊\nX-B: 3␍␊\nUser-Agent: python-requests/2.32.3␍␊\nContent-Length: 5␍␊\n␍␊\nhi␀␍\n"
	if got := sent.TextContent(); got != want {
		t.Errorf("the Request view reads\n%q\nwant\n%q", got, want)
	}
	added := all(sent, "data-added")
	if len(added) != 3 {
		t.Fatalf("%d lines marked added, want Host, User-Agent and Content-Length", len(added))
	}
	for i, w := range []struct{ text, by, title string }{
		{"Host: 127.0.0.1:2500␍␊", "h", "HTTP/1.1 requires"},
		{"User-Agent: python-requests/2.32.3␍␊", "c", "client's default: requests"},
		{"Content-Length: 5␍␊", "h", "HTTP/1.1 requires"},
	} {
		by, _ := added[i].Attr("data-added")
		title, _ := added[i].Attr("title")
		if added[i].TextContent() != w.text || by != w.by || !strings.Contains(title, w.title) {
			t.Errorf("added line %d: %q by %q (%q), want %q by %q", i, added[i].TextContent(), by, title, w.text, w.by)
		}
	}
}

func TestRawShowsTheHeadAsItCame(t *testing.T) {
	t.Parallel()
	raw := "HTTP/1.1 200 OK\r\nx-ODD-case: a\r\nSet-Cookie: 1\r\nSet-Cookie: 2\r\nTransfer-Encoding: chunked\r\n\r\n"
	n := RawNode([]byte(raw))
	got := mustFind(t, n, "data-raw").TextContent()
	want := "HTTP/1.1 200 OK␍␊\nx-ODD-case: a␍␊\nSet-Cookie: 1␍␊\nSet-Cookie: 2␍␊\nTransfer-Encoding: chunked␍␊\n␍␊"
	if got != want {
		t.Errorf("the Raw view reads\n%q\nwant\n%q", got, want)
	}
	mustFind(t, n, "data-raw-chunks")
}

func TestChunkSizeLines(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line, data, size, glimpse string
	}{
		{"6", "Hello\n", "6 bytes", "Hello\n"},
		{"1A;name=value", strings.Repeat("x", 26), "26 bytes", strings.Repeat("x", 26)},
		{"0", "", "end of body", ""},
		{"40", strings.Repeat("y", 64) + "z", "64 bytes", strings.Repeat("y", 64) + "…"},
		{"zz", "", "end of body", ""}, // not hex: shown as it came, without a size
	}
	for _, tt := range tests {
		n := ChunkSizeNode(tt.line, []byte(tt.data), 2300*wireproto.Microsecond)
		code := mustFind(t, n, "data-chunk-size")
		if v, _ := code.Attr("data-chunk-size"); v != tt.line || code.TextContent() != tt.line {
			t.Errorf("%q: size line %q / %q", tt.line, v, code.TextContent())
		}
		text := n.TextContent()
		if !strings.Contains(text, "at 2.3 ms") || !strings.Contains(text, tt.size) || !strings.HasSuffix(text, tt.glimpse) {
			t.Errorf("%q: chunk reads %q, want %q, at 2.3 ms and %q", tt.line, text, tt.size, tt.glimpse)
		}
	}
}

func TestWaterfallIsToScale(t *testing.T) {
	t.Parallel()
	n := WaterfallNode(Timings{Connect: 1 * wireproto.Millisecond, FirstByte: 4 * wireproto.Millisecond, Total: 10 * wireproto.Millisecond})
	bars := all(n, "data-phase")
	if len(bars) != 3 {
		t.Fatalf("%d bars", len(bars))
	}
	for i, want := range []string{"10.0%", "30.0%", "60.0%"} {
		if got := bars[i].Style[0].Value; got != want {
			t.Errorf("bar %d is %s wide, want %s", i, got, want)
		}
	}
	label, _ := n.Attr("aria-label")
	if label != "connect 1.0 ms, waiting for the first byte 3.0 ms, receiving 6.0 ms" {
		t.Errorf("aria-label %q", label)
	}
	// A relay that measured nothing still draws, without dividing by zero.
	if got := all(WaterfallNode(Timings{}), "data-phase"); len(got) != 3 {
		t.Errorf("an unmeasured exchange draws %d bars", len(got))
	}
}
