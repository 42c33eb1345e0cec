package render

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"wirebook/server/wireproto"
	"wirebook/wasm/jsonview"
)

func TestStatusLine(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name string
		code int
		text string
		want string
	}{
		{"the transport's phrase is kept", 301, "Moved Permanently", "301 Moved Permanently"},
		{"a server's own phrase is kept as sent", 404, "NOT FOUND", "404 NOT FOUND"},
		{"HTTP/2 sends none, so the standard phrase stands in", 200, "", "200 OK"},
		{"an unregistered code without a phrase is the number alone", 299, "", "299"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if got := StatusLine(row.code, row.text); got != row.want {
				t.Errorf("StatusLine(%d, %q) = %q, want %q", row.code, row.text, got, row.want)
			}
		})
	}
}

// The client cannot link net/http, so its table must say what the server's
// net/http says over the wire transport.
func TestReasonMatchesNetHTTP(t *testing.T) {
	t.Parallel()
	for code := 100; code < 600; code++ {
		if got, want := Reason(code), http.StatusText(code); got != want {
			t.Errorf("Reason(%d) = %q, net/http says %q", code, got, want)
		}
	}
}

func TestMillisAndBytes(t *testing.T) {
	t.Parallel()
	times := []struct {
		name       string
		d          wireproto.Duration
		text, attr string
	}{
		{"a loopback answer is not shown as 0", 420 * wireproto.Microsecond, "0.4 ms", "0"},
		{"a few milliseconds keep a decimal", 2350 * wireproto.Microsecond, "2.3 ms", "2"},
		{"tens of milliseconds are whole", 12400 * wireproto.Microsecond, "12 ms", "12"},
		{"the attribute rounds to the nearest ms", 12600 * wireproto.Microsecond, "13 ms", "13"},
		{"a slow stream is in seconds", 23456 * wireproto.Millisecond, "23.45 s", "23456"},
		{"a negative duration is zero", -wireproto.Second, "0.0 ms", "0"},
	}
	for _, row := range times {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			text, attr := Millis(row.d)
			if text != row.text || attr != row.attr {
				t.Errorf("Millis(%v) = %q, %q; want %q, %q", row.d, text, attr, row.text, row.attr)
			}
		})
	}
	sizes := []struct {
		name       string
		n          int
		text, attr string
	}{
		{"no bytes", 0, "0 bytes", "0"},
		{"one byte is singular", 1, "1 byte", "1"},
		{"the notebook's JSON answer", 61, "61 bytes", "61"},
		{"just under a KiB is still bytes", 1023, "1023 bytes", "1023"},
		{"KiB with one decimal", 1536, "1.5 KiB", "1536"},
		{"MiB with one decimal", 5 << 20, "5.0 MiB", "5242880"},
	}
	for _, row := range sizes {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			text, attr := Bytes(row.n)
			if text != row.text || attr != row.attr {
				t.Errorf("Bytes(%d) = %q, %q; want %q, %q", row.n, text, attr, row.text, row.attr)
			}
		})
	}
}

func TestUTF8StreamJoinsSplitCharacters(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name   string
		chunks []string
		want   string
	}{
		{"characters split at every byte come out whole", splitBytes("Nǐn hǎo, 世界 👋"), "Nǐn hǎo, 世界 👋"},
		{"plain chunks pass through", []string{"Hello\n", "Bonjour\n"}, "Hello\nBonjour\n"},
		{"an invalid byte is one replacement character", []string{"a\xffb"}, "a\uFFFDb"},
		{"a character cut off by the end of the body is replaced", []string{"ok \xe4\xb8"}, "ok \uFFFD"},
		{"stray continuation bytes are replaced", []string{"x\x80\x80", "y"}, "x\uFFFDy"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			var s utf8Stream
			var got strings.Builder
			for _, c := range row.chunks {
				out := s.write([]byte(c))
				if !isValid(out) {
					t.Errorf("write(%q) = %q, not valid UTF-8", c, out)
				}
				got.WriteString(out)
			}
			got.WriteString(s.flush())
			if got.String() != row.want {
				t.Errorf("got %q, want %q", got.String(), row.want)
			}
		})
	}
}

func splitBytes(s string) []string {
	var out []string
	for i := range len(s) {
		out = append(out, s[i:i+1])
	}
	return out
}

func isValid(s string) bool { return strings.ToValidUTF8(s, "?") == s }

func TestHexDump(t *testing.T) {
	t.Parallel()
	got := hexDump([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR!"), 512)
	want := "00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|\n" +
		"00000010  21                                                |!|\n"
	if got != want {
		t.Errorf("hexDump =\n%s\nwant\n%s", got, want)
	}
	if got := hexDump(bytes.Repeat([]byte{0}, 100), 32); strings.Count(got, "\n") != 2 {
		t.Errorf("hexDump of 100 bytes capped at 32 has %d lines, want 2", strings.Count(got, "\n"))
	}
}

func TestWithBase(t *testing.T) {
	t.Parallel()
	const base = `<base href="http://127.0.0.1:2503/hello.html">`
	rows := []struct {
		name, doc, url, want string
	}{
		{"after the doctype, so the page stays in standards mode",
			"<!DOCTYPE html>\n<html><img src=wirebook.png>", "http://127.0.0.1:2503/hello.html",
			"<!DOCTYPE html>" + base + "\n<html><img src=wirebook.png>"},
		{"a lower-case doctype after whitespace",
			"\n  <!doctype html><p>x", "http://127.0.0.1:2503/hello.html",
			"\n  <!doctype html>" + base + "<p>x"},
		{"a fragment without a doctype gets it first",
			"<h3>Request details:</h3>", "http://127.0.0.1:2503/hello.html",
			base + "<h3>Request details:</h3>"},
		{"quotes in the URL cannot end the attribute",
			"<p>", `http://h/"><script>`,
			`<base href="http://h/&#34;&gt;&lt;script&gt;"><p>`},
		{"no URL leaves the document alone", "<p>x", "", "<p>x"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if got := WithBase(row.doc, row.url); got != row.want {
				t.Errorf("WithBase = %q, want %q", got, row.want)
			}
		})
	}
}

// run feeds a whole response through an Output as a transport would.
func run(o *Output, h Head, chunks ...string) (head *Node, live string, f Final) {
	head = o.Head(h)
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(o.Chunk([]byte(c)))
	}
	return head, b.String(), o.End(1500 * wireproto.Microsecond)
}

func hdrs(pairs ...string) []wireproto.Header {
	var hs []wireproto.Header
	for i := 0; i+1 < len(pairs); i += 2 {
		hs = append(hs, wireproto.Header{Name: pairs[i], Value: pairs[i+1]})
	}
	return hs
}

func attr(t *testing.T, n *Node, name string) string {
	t.Helper()
	v, ok := n.Attr(name)
	if !ok {
		t.Fatalf("<%s> has no %s", n.Tag, name)
	}
	return v
}

func mustFind(t *testing.T, n *Node, attr string) *Node {
	t.Helper()
	f := n.Find(attr)
	if f == nil {
		t.Fatalf("no [%s] in the output", attr)
	}
	return f
}

func findTag(n *Node, tag string) *Node {
	if n == nil {
		return nil
	}
	if n.Tag == tag {
		return n
	}
	for _, k := range n.Kids {
		if f := findTag(k, tag); f != nil {
			return f
		}
	}
	return nil
}

func TestHeadShowsStatusHeadersAndAnEmptyBody(t *testing.T) {
	t.Parallel()
	o := NewOutput(false)
	head := o.Head(Head{Status: 301, StatusText: "Moved Permanently", Via: "wire", Proto: "HTTP/1.1",
		Headers: hdrs("Location", "http://kdm.training", "Content-Type", "text/html; charset=utf-8", "Content-Length", "0")})

	if head.Tag != "div" || attr(t, head, "data-via") != "wire" || attr(t, head, "data-kind") != "html" {
		t.Errorf("output element = <%s data-via=%q data-kind=%q>", head.Tag, attr(t, head, "data-via"), attr(t, head, "data-kind"))
	}
	mustFind(t, head, "data-output")
	status := mustFind(t, head, "data-status")
	if got := status.TextContent(); got != "301 Moved Permanently" {
		t.Errorf("[data-status] = %q", got)
	}
	if got := attr(t, status, "data-code"); got != "301" {
		t.Errorf("data-code = %q", got)
	}
	table := mustFind(t, head, "data-headers")
	var rows []string
	for _, tr := range table.Kids[0].Kids {
		if len(tr.Kids) != 2 || tr.Kids[0].Tag != "th" || tr.Kids[1].Tag != "td" {
			t.Fatalf("a header row is not <th>name</th><td>value</td>: %+v", tr)
		}
		rows = append(rows, tr.Kids[0].TextContent()+"="+tr.Kids[1].TextContent())
	}
	if got := strings.Join(rows, " | "); got != "Location=http://kdm.training | Content-Type=text/html; charset=utf-8 | Content-Length=0" {
		t.Errorf("header rows = %q, want every header in order", got)
	}
	for _, a := range []string{"data-time", "data-size", "data-body"} {
		mustFind(t, head, a)
	}
	if head.Find("data-note") != nil {
		t.Error("a response nothing redirected carries a redirect note")
	}
	if !strings.Contains(head.TextContent(), "HTTP/1.1") {
		t.Error("the protocol the wire transport reported is not shown")
	}
}

func TestBodies(t *testing.T) {
	t.Parallel()
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
	rows := []struct {
		name   string
		stream bool
		head   Head
		chunks []string
		check  func(t *testing.T, head *Node, live string, f Final)
	}{
		{
			name:   "text is shown live in a <pre>, chunk by chunk",
			head:   Head{Status: 200, Headers: hdrs("Content-Type", "text/plain; charset=utf-8")},
			chunks: []string{"Hello\n", "Bonjour\n"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				if live != "Hello\nBonjour\n" {
					t.Errorf("live text = %q", live)
				}
				if findTag(mustFind(t, head, "data-body"), "pre") == nil {
					t.Error("[data-body] has no <pre> for live text")
				}
				if f.Body != nil {
					t.Error("End replaces a live body")
				}
				if f.Kind != "text" || f.SizeAttr != "14" || f.SizeText != "14 bytes" || f.TimeAttr != "2" || f.TimeText != "1.5 ms" {
					t.Errorf("final = %+v", f)
				}
			},
		},
		{
			name:   "a page is kept until the end, then framed in an empty sandbox with its links resolved",
			head:   Head{Status: 200, URL: "http://127.0.0.1:2503/hello.html", Headers: hdrs("Content-Type", "text/html; charset=utf-8")},
			chunks: []string{"<!DOCTYPE html><h1>Hello, ", "HTTP!</h1><img src=wirebook.png>"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				if live != "" {
					t.Errorf("a page was shown live: %q", live)
				}
				frame := findTag(f.Body, "iframe")
				if frame == nil {
					t.Fatal("no <iframe>")
				}
				if sb := attr(t, frame, "sandbox"); sb != "" {
					t.Errorf("sandbox = %q, want empty (no scripts, opaque origin)", sb)
				}
				want := `<!DOCTYPE html><base href="http://127.0.0.1:2503/hello.html"><h1>Hello, HTTP!</h1><img src=wirebook.png>`
				if got := attr(t, frame, "srcdoc"); got != want {
					t.Errorf("srcdoc = %q, want %q", got, want)
				}
				src := findTag(f.Body, "details")
				if src == nil || !strings.Contains(src.TextContent(), "<h1>Hello, HTTP!</h1>") {
					t.Error("the page's source is not one toggle away")
				}
				if f.Kind != "html" {
					t.Errorf("kind = %q", f.Kind)
				}
			},
		},
		{
			name:   "JSON is a foldable tree",
			head:   Head{Status: 200, Headers: hdrs("Content-Type", "application/json")},
			chunks: []string{`{"Server":"Test Server",`, `"name":"David"}` + "\n"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				d := findTag(f.Body, "details")
				if d == nil {
					t.Fatal("no <details> in the JSON view")
				}
				if got := f.Body.TextContent(); got != `{"Server": "Test Server","name": "David"}` {
					t.Errorf("JSON view reads %q", got)
				}
			},
		},
		{
			name:   "JSON that does not parse is shown as the text it is",
			head:   Head{Status: 200, Headers: hdrs("Content-Type", "application/json")},
			chunks: []string{`{"a":`},
			check: func(t *testing.T, head *Node, live string, f Final) {
				if f.Body.Tag != "pre" || f.Body.TextContent() != `{"a":` {
					t.Errorf("body = <%s> %q", f.Body.Tag, f.Body.TextContent())
				}
			},
		},
		{
			name:   "an image is an <img> of a blob URL",
			head:   Head{Status: 200, Headers: hdrs("Content-Type", "image/png")},
			chunks: []string{png[:5], png[5:]},
			check: func(t *testing.T, head *Node, live string, f Final) {
				img := findTag(f.Body, "img")
				if img == nil || attr(t, img, "src") != "blob:image/png:"+png {
					t.Fatalf("body = %+v, want an <img> of the whole body", f.Body)
				}
			},
		},
		{
			name:   "binary is a hex dump",
			head:   Head{Status: 200, Headers: hdrs("Content-Type", "application/octet-stream")},
			chunks: []string{"\x00\x01\x02"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				if f.Body.Tag != "pre" || !strings.HasPrefix(f.Body.TextContent(), "00000000  00 01 02") {
					t.Errorf("body = <%s> %q", f.Body.Tag, f.Body.TextContent())
				}
				if f.Kind != "binary" {
					t.Errorf("kind = %q", f.Kind)
				}
			},
		},
		{
			name:   "a body without a Content-Type that reads as text is text",
			head:   Head{Status: 200},
			chunks: []string{"Hello"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				if attr(t, head, "data-kind") != "" {
					t.Errorf("the kind was decided before the body came")
				}
				if f.Kind != "text" || f.Body.Tag != "pre" || f.Body.TextContent() != "Hello" {
					t.Errorf("kind %q, body <%s> %q", f.Kind, f.Body.Tag, f.Body.TextContent())
				}
			},
		},
		{
			name:   "an empty body says so",
			head:   Head{Status: 301, Headers: hdrs("Content-Type", "text/html; charset=utf-8")},
			chunks: nil,
			check: func(t *testing.T, head *Node, live string, f Final) {
				if f.Body == nil || f.Body.TextContent() != "(empty body)" || f.SizeAttr != "0" {
					t.Errorf("body %+v, size %q", f.Body, f.SizeAttr)
				}
			},
		},
		{
			name:   "an empty text body says so too",
			head:   Head{Status: 204, Headers: hdrs("Content-Type", "text/plain")},
			chunks: nil,
			check: func(t *testing.T, head *Node, live string, f Final) {
				if f.Body == nil || f.Body.TextContent() != "(empty body)" {
					t.Errorf("body %+v", f.Body)
				}
			},
		},
		{
			name:   "a stream cell shows even a page live, as it arrives",
			stream: true,
			head:   Head{Status: 200, Headers: hdrs("Content-Type", "text/html")},
			chunks: []string{"<p>1</p>", "<p>2</p>"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				if live != "<p>1</p><p>2</p>" || f.Body != nil {
					t.Errorf("live %q, final body %+v", live, f.Body)
				}
			},
		},
		{
			name: "a redirect fetch followed is pointed out",
			head: Head{Status: 200, Redirected: true, URL: "http://127.0.0.1:2500/hello", Via: "browser",
				Headers: hdrs("Content-Type", "text/plain")},
			chunks: []string{"Hello"},
			check: func(t *testing.T, head *Node, live string, f Final) {
				note := mustFind(t, head, "data-note")
				if !strings.Contains(note.TextContent(), "http://127.0.0.1:2500/hello") {
					t.Errorf("note = %q", note.TextContent())
				}
			},
		},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			o := NewOutput(row.stream)
			o.BlobURL = func(ct string, b []byte) string { return "blob:" + ct + ":" + string(b) }
			head, live, f := run(o, row.head, row.chunks...)
			row.check(t, head, live, f)
		})
	}
}

func TestLimits(t *testing.T) {
	t.Parallel()
	t.Run("live text stops at MaxText and says how much more came", func(t *testing.T) {
		t.Parallel()
		o := NewOutput(false)
		o.MaxText = 8
		_, live, f := run(o, Head{Status: 200, Headers: hdrs("Content-Type", "text/plain")}, "12345", "67890", "abc")
		if live != "12345678" {
			t.Errorf("live = %q, want the first 8 bytes", live)
		}
		if f.Tail != "\n… 5 more bytes not shown" || f.SizeAttr != "13" {
			t.Errorf("tail %q, size %q", f.Tail, f.SizeAttr)
		}
	})
	t.Run("a body past MaxBody is counted, not kept", func(t *testing.T) {
		t.Parallel()
		o := NewOutput(false)
		o.MaxBody = 4
		_, _, f := run(o, Head{Status: 200, Headers: hdrs("Content-Type", "image/png")}, "abc", "def")
		if o.kept != nil {
			t.Error("the body is still held after End")
		}
		if findTag(f.Body, "img") != nil || !strings.Contains(f.Body.TextContent(), "6 bytes") || f.SizeAttr != "6" {
			t.Errorf("body %q, size %q", f.Body.TextContent(), f.SizeAttr)
		}
	})
}

// A screen reader lists a page's frames by title: each must say whose it is.
func TestFrameTitleNamesItsCell(t *testing.T) {
	t.Parallel()
	for via, want := range map[string]string{
		"wire":    "Response body of cell 7: GET /hello, via the server (wire)",
		"browser": "Response body of cell 7: GET /hello, via browser fetch",
	} {
		o := NewOutput(false)
		o.Label = "cell 7: GET /hello"
		_, _, f := run(o, Head{Status: 200, Via: via, Headers: hdrs("Content-Type", "text/html")}, "<p>Hello")
		frame := findTag(f.Body, "iframe")
		if frame == nil {
			t.Fatal("no <iframe>")
		}
		if got := attr(t, frame, "title"); got != want {
			t.Errorf("title = %q, want %q", got, want)
		}
	}
}

func TestJSONView(t *testing.T) {
	t.Parallel()
	v, err := jsonview.Parse(`{"a":[1,{"b":{"c":{"d":null}}}],"e":[],"f":{},"g":true,"h":"x"}`)
	if err != nil {
		t.Fatal(err)
	}
	view := JSONView(v)
	if got := view.TextContent(); got != `{"a": [1,{"b": {"c": {"d": null}}}],"e": [],"f": {},"g": true,"h": "x"}` {
		t.Errorf("the view reads %q", got)
	}
	var details []*Node
	var walk func(*Node)
	walk = func(n *Node) {
		if n.Tag == "details" {
			details = append(details, n)
		}
		for _, k := range n.Kids {
			walk(k)
		}
	}
	walk(view)
	// {…} [1,…] {"b"…} {"c"…} {"d"…}: empty ones are no fold.
	if len(details) != 5 {
		t.Fatalf("%d folds, want one per non-empty object and array (5)", len(details))
	}
	for i, d := range details {
		_, open := d.Attr("open")
		if want := i < jsonOpenDepth; open != want {
			t.Errorf("fold %d at depth %d open = %v, want %v", i, i, open, want)
		}
	}
	if got := attr(t, details[0].Kids[0], "data-n"); got != "5 keys }" {
		t.Errorf("the outer summary counts %q", got)
	}
	if got := attr(t, details[1].Kids[0], "data-n"); got != "2 items ]" {
		t.Errorf("the array summary counts %q", got)
	}
}

func TestAnnouncementIsShort(t *testing.T) {
	t.Parallel()
	const ok = "HTTP/1.1 200 OK 1.2 ms 5 bytes via the server (wire)"
	rows := []struct {
		name  string
		state string
		shown string
		want  string
	}{
		{"a run says its status line, never headers or body", "done", ok, "Cell 3: " + ok + "."},
		{"a compare says both", "error", ok + "; 404 Not Found 2 ms 9 bytes via browser fetch",
			"Cell 3: " + ok + "; 404 Not Found 2 ms 9 bytes via browser fetch; ended with an error."},
		{"a run with no answer says it failed", "error", "", "Cell 3: error."},
	}
	for _, row := range rows {
		if got := Announcement(3, row.state, row.shown); got != row.want {
			t.Errorf("%s: %q, want %q", row.name, got, row.want)
		}
	}
}
