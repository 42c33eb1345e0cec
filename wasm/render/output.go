package render

import (
	"strings"

	"wirebook/server/wireproto"
	"wirebook/wasm/bodykind"
	"wirebook/wasm/jsonview"
)

// Head is the status and headers of a response, as a transport received them.
type Head struct {
	Proto      string // "HTTP/1.1" when the transport knows it; fetch does not
	Status     int
	StatusText string             // "" when the transport had none (fetch over HTTP/2)
	Headers    []wireproto.Header // in the order received
	URL        string             // the URL that answered, after any redirect the transport followed
	Redirected bool               // the transport followed a redirect to get here
	Via        string             // "browser" or "wire": which transport sent the request
	Dropped    []string           // request headers the transport could not send
	Raw        []byte             // the head as it arrived, status line to empty line (wire only)
}

// Header returns the first value of the named header, compared without regard to case.
func (h Head) Header(name string) string {
	for _, f := range h.Headers {
		if wireproto.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Limits on what one output holds, so a cell pointed at a large file cannot
// freeze the tab: the size line still counts every byte received.
const (
	DefaultMaxText = 1 << 20  // text shown in a <pre>
	DefaultMaxBody = 16 << 20 // body kept to show as an image, a page or JSON
	hexDumpBytes   = 512
)

// Output follows one response as it arrives: Head first, then Chunk for each
// piece of the body, then End. It decides what the page shows at each step;
// the client only turns the Nodes into DOM.
//
// Text is shown live, chunk by chunk, so a streamed body reads as it comes;
// so is every body of a stream cell. Other kinds (a page, an image, JSON)
// are kept until End and shown whole.
type Output struct {
	// BlobURL turns an image body into a URL for <img src>; the client makes
	// a blob: URL. Nil shows images as binary.
	BlobURL func(contentType string, body []byte) string
	MaxText int
	MaxBody int
	// Arrivals is the timeline of a stream cell's chunks (nil for other
	// cells); Head puts it in the output, the client adds each chunk.
	Arrivals *Timeline
	// Label names the run for a screen reader ("cell 7: GET /hello"): a
	// page of frames all titled alike gives no way to tell them apart, so
	// each frame's title says whose answer it shows, and through which
	// transport.
	Label string

	stream   bool
	head     Head
	ctype    string
	kind     bodykind.Kind
	typed    bool // the response named a media type
	live     bool
	size     int
	kept     []byte
	overflow bool // the body outgrew MaxBody
	shown    int  // bytes of text shown live
	text     utf8Stream
}

// NewOutput starts the output of one run; stream is the cell's data-stream.
func NewOutput(stream bool) *Output {
	o := &Output{stream: stream, MaxText: DefaultMaxText, MaxBody: DefaultMaxBody}
	if stream {
		o.Arrivals = NewTimeline("chunk")
	}
	return o
}

// Head is the output as soon as the head arrives: status line, timing and
// size (filled in by End), the headers, and an empty body.
//
//	<div data-output data-via=… data-kind=…>
//	  <p class="out-meta"><span data-status data-code=…>…</span> <span data-time>…</span> <span data-size>…</span> <span class="via">…</span></p>
//	  <div class="out-end" data-end></div>             (TimingsNode, when the transport measured them)
//	  <p class="out-note" data-note>…</p>               (a redirect fetch followed)
//	  <table data-headers><tr><th>Name</th><td>value</td></tr>…</table>
//	  <div class="out-arrivals" data-arrivals>…</div>   (stream cells: Timeline.Node)
//	  <div data-body data-kind=…><pre>…</pre></div>    (the <pre> only when shown live)
//	</div>
func (o *Output) Head(h Head) *Node {
	o.head = h
	o.ctype = h.Header("Content-Type")
	o.kind = bodykind.Of(o.ctype)
	o.typed = bodykind.MediaType(o.ctype) != ""
	o.live = o.stream || (o.typed && o.kind == bodykind.Text)
	if !o.typed && o.live {
		o.kind = bodykind.Text // a stream cell shows what comes as text
	}

	// Without a Content-Type the kind waits for the body (see End).
	kind := ""
	if o.typed || o.live {
		kind = o.kind.String()
	}
	out := shell(h.Via, kind, h.Status, StatusLine(h.Status, h.StatusText), "via "+viaName(h.Via))
	if h.Proto != "" {
		meta := out.Kids[0]
		meta.Kids = append([]*Node{Markup(`<span class=out-proto>$0</span>`, h.Proto), Text(" ")}, meta.Kids...)
	}
	if h.Redirected {
		out.Kids = append(out.Kids, note("The browser followed a redirect and shows only where it ended: "+h.URL+
			". The wire transport shows the redirect itself."))
	}
	if len(h.Dropped) > 0 {
		out.Kids = append(out.Kids, note("The browser did not send "+strings.Join(h.Dropped, ", ")+": a page may not set "+
			pick(len(h.Dropped) == 1, "that header", "those headers")+". The wire transport sends them."))
	}
	out.Kids = append(out.Kids, headerTable(h.Headers))
	if o.Arrivals != nil {
		out.Kids = append(out.Kids, o.Arrivals.Node())
	}
	body := Markup(`<div data-body data-kind=$0></div>`, kind)
	if o.live {
		body.Kids = append(body.Kids, Markup(`<pre class=out-text></pre>`))
	}
	out.Kids = append(out.Kids, body)
	return out
}

// shell is an output's frame, shared by every kind: the status line with
// the time and size End fills in, and the [data-end] that End's timings
// go into.
func shell(via, kind string, code int, status, viaText string) *Node {
	return Markup(`<div data-output data-via=$0 data-kind=$1><p class=out-meta>`+
		`<span data-status data-code=$2 class=$3>$4</span> <span data-time class=out-num>…</span> `+
		`<span data-size class=out-num>…</span> <span class=out-via>$5</span></p><div class=out-end data-end></div></div>`,
		via, kind, itoa(code), statusClass(code), status, viaText)
}

// note is a remark on an output, set apart from the answer itself.
func note(text string) *Node {
	return Markup(`<p class=out-note data-note>$0</p>`, text)
}

func pick(cond bool, a, b string) string {
	if cond {
		return a
	}
	return b
}

func viaName(via string) string {
	if via == "wire" {
		return "the server (wire)"
	}
	return "browser fetch"
}

func statusClass(code int) string {
	switch {
	case code >= 500:
		return "status status-5xx"
	case code >= 400:
		return "status status-4xx"
	case code >= 300:
		return "status status-3xx"
	case code >= 200:
		return "status status-2xx"
	}
	return "status status-1xx"
}

func headerTable(hs []wireproto.Header) *Node {
	t := Markup(`<table data-headers class=out-headers><tbody></tbody></table>`)
	tbody := t.Kids[0]
	for _, h := range hs {
		tbody.Kids = append(tbody.Kids, Markup(`<tr><th scope=row>$0</th><td>$1</td></tr>`, h.Name, h.Value))
	}
	return t
}

// Chunk takes the next piece of the body and returns the text to append to
// the live <pre>, or "" when the body is kept for End or past MaxText.
func (o *Output) Chunk(p []byte) string {
	o.size += len(p)
	if !o.live {
		if !o.overflow && len(o.kept)+len(p) <= o.MaxBody {
			o.kept = append(o.kept, p...)
		} else {
			o.overflow, o.kept = true, nil
		}
		return ""
	}
	if o.shown >= o.MaxText {
		return ""
	}
	if room := o.MaxText - o.shown; len(p) > room {
		p = p[:room]
	}
	o.shown += len(p)
	return o.text.write(p)
}

// Unsaved counts n bytes of the body that arrived but were not kept: a
// saved output played back whose body was cut by the save's cap. The size
// stays exact; a body shown whole (an image, a page) is not shown at all
// rather than shown broken.
func (o *Output) Unsaved(n int) {
	o.size += n
	if !o.live {
		o.overflow, o.kept = true, nil
	}
}

// Size is the count of body bytes received so far.
func (o *Output) Size() int { return o.size }

// Received is the head given to Head.
func (o *Output) Received() Head { return o.head }

// Final is what End adds to the output.
type Final struct {
	// Body replaces the children of [data-body]; nil leaves the live <pre> as it is.
	Body *Node
	// Tail is text to append to the live <pre>: a split character that never
	// completed, or a note that the rest was not shown.
	Tail string
	// Kind is the body's kind for data-kind, now that the whole body is here.
	Kind               string
	TimeText, TimeAttr string
	SizeText, SizeAttr string
}

// End is the whole body received after elapsed.
func (o *Output) End(elapsed wireproto.Duration) Final {
	var f Final
	f.TimeText, f.TimeAttr = Millis(elapsed)
	f.SizeText, f.SizeAttr = Bytes(o.size)
	if !o.typed && !o.live {
		o.kind = bodykind.OfBody(o.ctype, o.kept[:min(len(o.kept), 512)])
	}
	f.Kind = o.kind.String()
	if o.live {
		f.Tail = o.text.flush()
		if o.size > o.shown {
			f.Tail += "\n… " + itoa(o.size-o.shown) + " more bytes not shown"
		}
		if o.size == 0 {
			f.Body = empty()
		}
		return f
	}
	f.Body = o.body()
	o.kept = nil
	return f
}

func empty() *Node {
	return El("p", A("class", "out-empty"), Text("(empty body)"))
}

func (o *Output) body() *Node {
	if o.size == 0 {
		return empty()
	}
	if o.overflow {
		return El("p", A("class", "out-empty"),
			Text("The body is "+itoa(o.size)+" bytes, more than this page shows ("+itoa(o.MaxBody)+"); the size above is exact."))
	}
	switch o.kind {
	case bodykind.HTML:
		return htmlView(o.kept, o.head.URL, o.Label, o.head.Via, o.MaxText)
	case bodykind.JSON:
		if v, err := jsonview.Parse(string(o.kept)); err == nil {
			return JSONView(v)
		}
		// Labelled JSON that is not: show what came, so the student sees why.
		return textView(o.kept, o.MaxText)
	case bodykind.Text:
		return textView(o.kept, o.MaxText)
	case bodykind.Image:
		if o.BlobURL != nil {
			return El("img", A("src", o.BlobURL(o.ctype, o.kept), "alt", "the response body, "+o.ctype, "class", "out-image"))
		}
	}
	return El("pre", A("class", "out-hex"), Text(hexDump(o.kept, hexDumpBytes)),
		Text(tailNote(len(o.kept), hexDumpBytes)))
}

func tailNote(have, shown int) string {
	if have <= shown {
		return ""
	}
	return "… " + itoa(have-shown) + " more bytes"
}

func textView(b []byte, max int) *Node {
	var s utf8Stream
	cut := b
	if len(cut) > max {
		cut = cut[:max]
	}
	t := s.write(cut) + s.flush()
	return El("pre", A("class", "out-text"), Text(t), Text(tailNote(len(b), max)))
}

// htmlView draws a page in a sandboxed frame and keeps its source a click
// away. The sandbox is empty: the page's scripts do not run, and its origin
// is opaque, so it cannot reach the lesson page, its storage or its client.
func htmlView(b []byte, base, label, via string, max int) *Node {
	var s utf8Stream
	doc := s.write(b) + s.flush()
	title := "Response body"
	if label != "" {
		title += " of " + label
	}
	// A compare shows a cell's answer twice, once per transport.
	title += ", via " + viaName(via)
	return El("div", A("class", "out-html"),
		El("iframe", A("sandbox", "", "srcdoc", WithBase(doc, base), "title", title, "class", "out-frame")),
		El("details", A("class", "out-source"),
			El("summary", nil, Text("Source")),
			textView(b, max)))
}
