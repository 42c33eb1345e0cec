package render

import (
	"strings"

	"wirebook/server/wireproto"
)

// The wire views show what went over the connection, byte for byte: the
// request as the relay wrote it, the response head as it arrived, and a
// chunked body's framing. The rendered views above them stay as they are;
// these are a click away, in <details>.

// Caps on what one output's wire views hold: a body's bytes are already in
// the rendered view, so the framing keeps only a glimpse of each chunk.
const (
	MaxSizeLines  = 500 // chunk-size lines listed; the count goes on
	chunkGlimpse  = 64  // bytes of each chunk shown beside its size line
	maxSentShown  = 64 << 10
	crlf          = "␍␊"
	addedByHTTP   = "added by wirebook: HTTP/1.1 requires it and the cell left it out"
	addedByClient = "added as the client's default: "
)

// SentNode is the Request view, what the relay wrote for the cell: each
// line of the head with its CR LF shown, the lines wirebook added marked
// (added has one byte per head line: '.' the cell's, 'h' required by
// HTTP/1.1, 'c' the client option's default), then the body.
//
//	<details class="out-wire" data-sent-view>
//	  <summary>Request as sent <span class="out-muted">N bytes</span></summary>
//	  <pre class="out-raw" data-sent>
//	    <span class="raw-line">GET / HTTP/1.1<span class="crlf">␍␊</span></span>
//	    <span class="raw-line raw-added" data-added="h" title="…">Host: …<span class="crlf">␍␊</span></span>
//	    …
//	    <span class="raw-body">the body</span>
//	  </pre>
//	</details>
//
// cut says the relay kept only the start of the request (its cap), and the
// view says so.
func SentNode(data []byte, added, client string, cut bool) *Node {
	size, _ := Bytes(len(data))
	pre := Markup(`<pre class=out-raw data-sent></pre>`)
	head, body, _ := strings.Cut(string(data[:min(len(data), maxSentShown)]), "\r\n\r\n")
	for i, line := range strings.Split(head, "\r\n") {
		n := Markup(`<span class=raw-line>$0<span class=crlf>$1</span></span>`, line, crlf)
		if i < len(added) && added[i] != '.' {
			title := addedByHTTP
			if added[i] == 'c' {
				title = addedByClient + client
			}
			n.Attrs = append(n.Attrs, Attr{"data-added", string(added[i])}, Attr{"title", title})
			n.Attrs[0].Value += " raw-added"
		}
		pre.Kids = append(pre.Kids, n, Text("\n"))
	}
	pre.Kids = append(pre.Kids, Markup(`<span class=raw-line><span class=crlf>$0</span></span>`, crlf), Text("\n"))
	if body != "" {
		pre.Kids = append(pre.Kids, Markup(`<span class=raw-body>$0</span>`, printable(body)))
	}
	switch {
	case cut:
		pre.Kids = append(pre.Kids, Text("\n… the rest was sent but not kept: the server keeps the first "+size+" of a request"))
	case len(data) > maxSentShown:
		pre.Kids = append(pre.Kids, Text("\n… "+itoa(len(data)-maxSentShown)+" more bytes not shown"))
	}
	d := Markup(`<details class=out-wire data-sent-view><summary>Request as sent <span class=out-muted>$0</span></summary></details>`, size)
	d.Kids = append(d.Kids, pre)
	return d
}

// RawNode is the Raw view of a response head as it arrived, CR LFs shown,
// with an empty list that a chunked body's size lines go into
// (ChunkSizeNode), as they come.
//
//	<details class="out-wire" data-raw-view>
//	  <summary>Raw</summary>
//	  <pre class="out-raw" data-raw>HTTP/1.1 200 OK␍␊ …␍␊</pre>
//	  <ol class="raw-chunks" data-raw-chunks></ol>
//	</details>
func RawNode(raw []byte) *Node {
	pre := Markup(`<pre class=out-raw data-raw></pre>`)
	head := strings.TrimSuffix(string(raw), "\r\n\r\n")
	for line := range strings.SplitSeq(head, "\r\n") {
		pre.Kids = append(pre.Kids, Markup(`<span class=raw-line>$0<span class=crlf>$1</span></span>`, printable(line), crlf), Text("\n"))
	}
	pre.Kids = append(pre.Kids, Markup(`<span class=raw-line><span class=crlf>$0</span></span>`, crlf))
	d := Markup(`<details class=out-wire data-raw-view><summary>Raw <span class=out-muted>head as received</span></summary></details>`)
	d.Kids = append(d.Kids, pre, Markup(`<ol class=raw-chunks data-raw-chunks></ol>`))
	return d
}

// ChunkSizeNode is one chunk of a chunked body as it came: its size line
// exactly as on the wire (hex, and any extension), when it arrived, and the
// start of its data. The last chunk is the line "0".
//
//	<li><code data-chunk-size="1a">1a</code><span class="crlf">␍␊</span> <span class="raw-at">at 12.3 ms</span>
//	    <span class="raw-size">26 bytes</span> <code class="raw-glimpse">Hello…</code></li>
func ChunkSizeNode(line string, data []byte, at wireproto.Duration) *Node {
	when, _ := Millis(at)
	size := "end of body"
	if n, ok := chunkLen(line); ok && n > 0 {
		size, _ = Bytes(n)
	}
	glimpse := printable(string(data[:min(len(data), chunkGlimpse)]))
	if len(data) > chunkGlimpse {
		glimpse += "…"
	}
	return Markup(`<li><code data-chunk-size=$0>$1</code><span class=crlf>$2</span> <span class=raw-at>$3</span> `+
		`<span class=raw-size>$4</span> <code class=raw-glimpse>$5</code></li>`,
		line, printable(line), crlf, "at "+when, size, glimpse)
}

// MoreChunksNode ends the list once MaxSizeLines are shown.
func MoreChunksNode() *Node {
	return Markup(`<li class=out-muted data-chunks-cut>… more chunks, not listed (the count above goes on)</li>`)
}

// chunkLen reads the size of a chunk-size line, its hex before any ';'.
func chunkLen(line string) (int, bool) {
	hex, _, _ := strings.Cut(line, ";")
	hex = strings.TrimRight(hex, " \t")
	if hex == "" || len(hex) > 15 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(hex); i++ {
		c := hex[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		n = n<<4 | int(c)
	}
	return n, true
}

// printable shows the control characters a raw view may hold (a bare CR,
// NUL, an escape) as the Unicode pictures of them, so that what is on the
// wire is what is shown, and a tab or a terminal escape does not reflow or
// hide it. Line feeds in a body are kept as line feeds.
func printable(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return (r < 0x20 && r != '\n') || r == 0x7f })
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		switch {
		case r == 0x7f:
			b.WriteRune('␡')
		case r < 0x20 && r != '\n':
			b.WriteRune(0x2400 + r) // ␀ … ␟
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// WaterfallNode draws a wire exchange's phases to scale, as a browser's
// network panel does: connecting, waiting for the first byte, receiving.
// Each bar names its phase on hover and focus, and the whole reads as one
// sentence to a screen reader.
//
//	<div class="waterfall" data-waterfall role="img" aria-label="connect 0.3 ms, waiting 0.9 ms, receiving 2.2 ms" tabindex="0">
//	  <span class="wf wf-connect" data-phase="connect" title="connect 0.3 ms" style="width: 10%"></span>
//	  <span class="wf wf-wait" data-phase="wait" title="…" style="width: 30%"></span>
//	  <span class="wf wf-receive" data-phase="receive" title="…" style="width: 60%"></span>
//	</div>
func WaterfallNode(t Timings) *Node {
	connect := max(t.Connect, 0)
	first := max(t.FirstByte, connect)
	total := max(t.Total, first, 1)
	phases := []struct {
		class, name, label string
		d                  wireproto.Duration
	}{
		{"wf wf-connect", "connect", "connect", connect},
		{"wf wf-wait", "wait", "waiting for the first byte", first - connect},
		{"wf wf-receive", "receive", "receiving", total - first},
	}
	var words []string
	w := Markup(`<div class=waterfall data-waterfall role=img tabindex=0></div>`)
	for _, p := range phases {
		text, _ := Millis(p.d)
		words = append(words, p.label+" "+text)
		bar := Markup(`<span class=$0 data-phase=$1 title=$2></span>`, p.class, p.name, p.label+" "+text)
		// Tenths of a percent: a 0.2 ms connect beside a 2 s stream is still a sliver.
		bar.Style = []Attr{{"width", decimal(int64(p.d)*1000/int64(total), 1) + "%"}}
		w.Kids = append(w.Kids, bar)
	}
	label := strings.Join(words, ", ")
	w.Attrs = append(w.Attrs, Attr{"aria-label", label}, Attr{"title", label})
	return w
}
