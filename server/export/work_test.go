package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/expect"
	"wirebook/server/internal/testkit"
	"wirebook/server/syllabus"
	"wirebook/wasm/codegen"
)

// hostileText is in every string a student or a server controls below:
// each would end a <script>, an attribute, a template or a comment if it
// were written unescaped.
const hostileText = `</script><script>alert(1)</script> " ' {{x}} --> <!--`

// workLesson has a cell for every kind of output the page saves.
const workLesson = "# Work </title>\n\nEvery kind of output.\n\n" +
	"```http\nGET /hello\n```\n\n" + // 1 text
	"```http\nGET /json?name=David\n```\n\n" + // 2 JSON
	"```http\nGET /files/wirebook.png\n```\n\n" + // 3 image
	"```http\nGET /files/hello.html\n```\n\n" + // 4 HTML
	"```http stream\nGET /stream\n```\n\n" + // 5 stream
	"```http\nGET /ws/stream\n```\n\n" + // 6 socket
	"```http\nGET /greeting?lang=fr\n```\n\n" + // 7 compare
	"```http\nGET /greeting?lang=tlh\nHTTP 400\n```\n\n" + // 8 a failed check
	"```http\nGET /redirect\n```\n\n" + // 9 an error
	"```http\nGET /files/greetings.txt\n```\n\n" + // 10 a cut body
	"```http\nGET /hello\nHTTP 200\n```\n\n" + // 11 an edit that does not parse
	"```http\nGET /files/drawing.svg\n```\n\n" + // 12 SVG
	"```http\nGET /files/data.bin\n```\n\n" + // 13 binary
	"```http\nGET /hello\n```\n\n" // 14 never ran

func workCourse(t *testing.T) *syllabus.Course {
	t.Helper()
	name := filepath.Join(t.TempDir(), "work.md")
	if err := os.WriteFile(name, []byte(workLesson), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := syllabus.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Lessons[0].Cells); n != 14 {
		t.Fatalf("the work lesson has %d cells, want 14", n)
	}
	return c
}

// tinyPNG is a 2×1 PNG, made here so the test needs no file.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.NRGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func ok(body []byte, headers ...[2]string) SavedOutput {
	return SavedOutput{Via: "wire", Proto: "HTTP/1.1", Status: 200, Reason: "OK", Headers: headers,
		Body: body, Size: int64(len(body)), URL: "http://127.0.0.1:2500/x?" + hostileText}
}

func ct(v string) [2]string { return [2]string{"Content-Type", v} }

// workState is a student's saved work on workLesson, as the page would
// post it, hostile strings everywhere a server or a student puts text.
func workState(t *testing.T) *Saved {
	t.Helper()
	c := workCourse(t).Lessons[0].Cells
	cell := func(i, n int, outs ...SavedOutput) *SavedCell {
		return &SavedCell{Lesson: c[i].Text, Text: c[i].Text, N: n, State: "done", Outputs: outs}
	}
	text := ok([]byte("Hello "+hostileText), ct("text/plain; charset=utf-8"), [2]string{"X-Note", hostileText}, [2]string{"Set-Cookie", "a=1"}, [2]string{"set-cookie", "b=2"})
	text.Timings = &SavedTimings{Connect: 300, FirstByte: 1200, Total: 3400, Bytes: int64(len(text.Body))}
	text.Checks = []SavedCheck{{Line: 2, Pass: true, Text: "HTTP 200", Got: "200", Want: "200"}}

	stream := ok([]byte("Hello\r\nBonjour\nHola"), ct("text/plain; charset=utf-8"))
	stream.Chunks = [][2]int64{{1000, 7}, {2000, 8}, {3000, 4}}

	browser := ok([]byte("<p>Bonjour</p>"), ct("text/html; charset=utf-8"))
	browser.Via = "browser"

	failed := ok([]byte("boom"), ct("text/plain"))
	failed.Status, failed.Reason = 500, "Internal Server Error"
	failed.Checks = []SavedCheck{{Line: 2, Pass: false, Text: "HTTP 400", Got: "500", Want: "400 " + hostileText}}

	cut := ok([]byte("Hello"), ct("text/plain; charset=utf-8"))
	cut.Size, cut.Cut = 100, true

	edited := cell(0, 3, text)
	edited.Text = "GET /hello?q=" + strings.ReplaceAll(hostileText, " ", "+") + "\nX-Note: " + hostileText

	bad := cell(10, 11)
	bad.Text = "not a request " + hostileText

	return &Saved{V: SavedVersion, Cells: []*SavedCell{
		edited,
		cell(1, 4, ok([]byte(`{"name":"David","note":"`+strings.ReplaceAll(hostileText, `"`, `\"`)+`"}`), ct("application/json"))),
		cell(2, 5, ok(tinyPNG(t), ct("image/png"))),
		cell(3, 6, ok([]byte("<h1>Hi</h1><script>alert(2)</script>"+hostileText), ct("text/html; charset=utf-8"))),
		cell(4, 7, stream),
		cell(5, 8, SavedOutput{Via: "socket", Status: 101, Reason: "Switching Protocols",
			Messages: []SavedMessage{{At: 10, Data: []byte("Hello " + hostileText)}, {At: 20, Data: []byte{0, 1, 2}, Binary: true}},
			Close:    &SavedClose{Code: 1000, Reason: "sent 2 greetings " + hostileText, At: 30}}),
		cell(6, 9, ok([]byte("<p>Bonjour</p>"), ct("text/html; charset=utf-8")), browser),
		cell(7, 10, failed),
		cell(8, 12, SavedOutput{Via: "wire", Error: "stopped: you stopped it " + hostileText}),
		cell(9, 13, cut),
		bad,
		cell(11, 14, ok([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(3)</script></svg>`), ct("image/svg+xml"))),
		cell(12, 15, ok([]byte{0x7f, 'E', 'L', 'F', 0, 1, 2, 3}, ct("application/octet-stream"))),
		nil,               // never ran
		cell(0, 99, text), // past the last cell: ignored
	}}
}

func writeWork(t *testing.T, format string) []byte {
	t.Helper()
	c := workCourse(t)
	var b bytes.Buffer
	if err := Write(context.Background(), &b, format, c, DefaultBase, Work{c.Lessons[0].Slug: workState(t)}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestParseSaved(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		name, text string
		want       string // in the error; "" for none
		none       bool
	}{
		{"empty is the lesson alone", "  ", "", true},
		{"the current version reads", `{"v":1,"cells":[null,{"text":"GET /x","n":2}]}`, "", false},
		{"a future version is refused", `{"v":2,"cells":[]}`, "v is 2", false},
		{"no version is refused", `{"cells":[]}`, "v is 0", false},
		{"null is refused", `null`, "v is 0", false},
		{"not JSON is refused", `{"v":1,`, "not the JSON", false},
		{"a wrong type is refused", `{"v":1,"cells":[{"n":"three"}]}`, "not the JSON", false},
	} {
		t.Run(row.name, func(t *testing.T) {
			s, err := ParseSaved(row.text)
			switch {
			case row.want == "" && err != nil:
				t.Fatalf("ParseSaved: %v", err)
			case row.want != "" && (err == nil || !strings.Contains(err.Error(), row.want)):
				t.Fatalf("ParseSaved error %v, want one saying %q", err, row.want)
			case row.want == "" && (s == nil) != row.none:
				t.Fatalf("ParseSaved = %v, want nil %v", s, row.none)
			}
		})
	}
}

func TestHTMLWithOutputs(t *testing.T) {
	t.Parallel()
	page := writeWork(t, "html")
	if bytes.Contains(bytes.ToLower(page), []byte("<script")) {
		t.Errorf("a <script> reached the file unescaped")
	}
	if bytes.Contains(page, []byte("--> <!--")) || bytes.Contains(page, []byte(`" '`)) {
		t.Errorf("the hostile text reached the file unescaped")
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	if csp, _ := doc.Find(`meta[http-equiv="Content-Security-Policy"]`).Attr("content"); csp != "default-src 'none'; style-src 'unsafe-inline'; img-src data:" {
		t.Errorf("CSP %q", csp)
	}
	if n := doc.Find("script, noscript, object, embed, link, [onload], [onerror]").Length(); n != 0 {
		t.Errorf("%d scripts or external resources, want none", n)
	}
	if v, _ := doc.Find("[data-with-outputs]").Attr("data-with-outputs"); v != "true" {
		t.Errorf("footer data-with-outputs=%q, want true", v)
	}
	state := workState(t)
	cs := doc.Find("[data-cell]")
	if cs.Length() != 14 {
		t.Fatalf("%d [data-cell], want the lesson's 14 (a record past them is ignored)", cs.Length())
	}
	cell := func(n int) *goquery.Selection { return cs.Eq(n - 1) }
	text := func(s *goquery.Selection) string { return strings.TrimSpace(s.Text()) }

	t.Run("each request is the student's, and an edit is marked", func(t *testing.T) {
		for i := 0; i < 14; i++ {
			want := workCourse(t).Lessons[0].Cells[i].Text
			if s := state.Cells[i]; s != nil {
				want = s.Text
			}
			if got := cell(i + 1).Find("pre[data-request]").Text(); got != want {
				t.Errorf("cell %d: request %q, want %q", i+1, got, want)
			}
		}
		if _, ok := cell(1).Attr("data-edited"); !ok {
			t.Error("cell 1, edited, lacks data-edited")
		}
		if _, ok := cell(2).Attr("data-edited"); ok {
			t.Error("cell 2, not edited, carries data-edited")
		}
		if got := text(cell(1).Find("[data-count]")); got != "In [3]:" {
			t.Errorf("cell 1 prompt %q, want In [3]:", got)
		}
		if got := text(cell(14).Find("[data-count]")); got != "In [ ]:" || cell(14).Find("[data-output]").Length() != 0 {
			t.Errorf("cell 14, never run: prompt %q and %d outputs", got, cell(14).Find("[data-output]").Length())
		}
	})
	t.Run("text: status, headers, escaped body, timing, verdict", func(t *testing.T) {
		o := cell(1).Find("[data-output]")
		if got := text(o.Find("[data-status]")); got != "200 OK" {
			t.Errorf("status %q", got)
		}
		rows := o.Find("[data-headers] tr")
		if rows.Length() != 4 || text(rows.Eq(1).Find("td")) != hostileText {
			t.Errorf("%d header rows, second %q; want 4, the hostile value as text", rows.Length(), text(rows.Eq(1).Find("td")))
		}
		if got := o.Find("[data-body] pre").Text(); got != "Hello "+hostileText {
			t.Errorf("body %q", got)
		}
		if o.Find("[data-timing]").Length() != 1 {
			t.Error("no timing")
		}
		if o.Find(`[data-check][data-pass="true"]`).Length() != 1 {
			t.Error("no passing verdict")
		}
	})
	t.Run("JSON is pretty-printed", func(t *testing.T) {
		got := cell(2).Find(`[data-body][data-kind="json"] pre`).Text()
		if !strings.Contains(got, "{\n  \"name\": \"David\",\n") {
			t.Errorf("JSON body %q, want it indented", got)
		}
	})
	t.Run("an image is a data: URI of its bytes", func(t *testing.T) {
		src, _ := cell(3).Find("[data-body] img").Attr("src")
		b64, ok := strings.CutPrefix(src, "data:image/png;base64,")
		raw, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil || !bytes.Equal(raw, tinyPNG(t)) {
			t.Errorf("img src %.60q, want the PNG as a data: URI", src)
		}
	})
	t.Run("HTML is in a sandboxed frame with no allow token, and as source", func(t *testing.T) {
		f := cell(4).Find("[data-body] iframe")
		sandbox, ok := f.Attr("sandbox")
		srcdoc, _ := f.Attr("srcdoc")
		if f.Length() != 1 || !ok || sandbox != "" {
			t.Errorf("%d frames, sandbox %q (set %v); want one, sandbox empty", f.Length(), sandbox, ok)
		}
		if !strings.Contains(srcdoc, "<script>alert(2)</script>") {
			t.Errorf("srcdoc %q lacks the body", srcdoc)
		}
		if !strings.Contains(cell(4).Find("[data-body] details pre").Text(), "<script>alert(2)</script>") {
			t.Error("the HTML source is not shown as text")
		}
	})
	t.Run("a stream says its chunks", func(t *testing.T) {
		if n, _ := cell(5).Find("[data-chunks]").Attr("data-chunks"); n != "3" {
			t.Errorf("data-chunks %q, want 3", n)
		}
	})
	t.Run("a socket lists its messages and close", func(t *testing.T) {
		ms := cell(6).Find("[data-messages] > li")
		if ms.Length() != 2 || text(ms.Eq(0)) != "Hello "+hostileText {
			t.Errorf("%d messages, first %q", ms.Length(), text(ms.Eq(0)))
		}
		if _, ok := ms.Eq(1).Attr("data-binary"); !ok {
			t.Error("the binary message is not marked")
		}
		if got := text(cell(6).Find("[data-close]")); got != "1000 sent 2 greetings "+hostileText {
			t.Errorf("close %q", got)
		}
	})
	t.Run("a compare shows both answers", func(t *testing.T) {
		var via []string
		cell(7).Find("[data-output]").Each(func(_ int, s *goquery.Selection) { v, _ := s.Attr("data-via"); via = append(via, v) })
		if strings.Join(via, ",") != "wire,browser" {
			t.Errorf("outputs via %v, want wire, browser", via)
		}
	})
	t.Run("a failed check says got and want", func(t *testing.T) {
		c := cell(8).Find(`[data-check][data-pass="false"]`)
		if !strings.Contains(c.Text(), "✗ HTTP 400") || !strings.Contains(c.Text(), "got 500, want 400 "+hostileText) {
			t.Errorf("failed check %q", c.Text())
		}
	})
	t.Run("an error is shown", func(t *testing.T) {
		if got := text(cell(9).Find("[data-error]")); got != "stopped: you stopped it "+hostileText {
			t.Errorf("error %q", got)
		}
		if cell(9).Find("[data-status]").Length() != 0 {
			t.Error("a run without an answer shows a status")
		}
	})
	t.Run("a cut body says so", func(t *testing.T) {
		if !strings.Contains(cell(10).Find("[data-body]").Text(), "(cut at 5 of 100 bytes when saved)") {
			t.Errorf("cut body: %q", cell(10).Find("[data-body]").Text())
		}
	})
	t.Run("an edit that does not parse is kept, with why", func(t *testing.T) {
		if !strings.Contains(cell(11).Find("[data-parse-error]").Text(), "does not parse") {
			t.Errorf("parse error %q", cell(11).Find("[data-parse-error]").Text())
		}
	})
	t.Run("SVG is source, not an image", func(t *testing.T) {
		b := cell(12).Find("[data-body]")
		if b.Find("img").Length() != 0 || !strings.Contains(b.Find("pre").Text(), "<script>alert(3)</script>") {
			t.Errorf("SVG body: %q", b.Text())
		}
	})
	t.Run("binary is a hex dump and a size", func(t *testing.T) {
		b := cell(13).Find(`[data-body][data-kind="binary"]`)
		if !strings.Contains(b.Text(), "00000000: 7f45 4c46 0001 0203") || !strings.Contains(b.Text(), "8 bytes of application/octet-stream") {
			t.Errorf("binary body %q", b.Text())
		}
	})
}

// nbDoc is the part of a notebook the tests read.
type nbDoc struct {
	Cells []struct {
		CellType       string            `json:"cell_type"`
		Source         []string          `json:"source"`
		ExecutionCount *int              `json:"execution_count"`
		Outputs        []json.RawMessage `json:"outputs"`
	} `json:"cells"`
}

type nbOut struct {
	OutputType string            `json:"output_type"`
	Name       string            `json:"name"`
	Text       []string          `json:"text"`
	Data       map[string]any    `json:"data"`
	Metadata   map[string]string `json:"metadata"`
}

func TestNotebookWithOutputs(t *testing.T) {
	t.Parallel()
	raw := writeWork(t, "ipynb")
	file := filepath.Join(t.TempDir(), "work.ipynb")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	testkit.ValidNotebook(t, file)
	var doc nbDoc
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	// The lesson's blocks: prose, then the 14 cells.
	if len(doc.Cells) != 15 {
		t.Fatalf("%d notebook cells, want 15", len(doc.Cells))
	}
	cell := func(n int) (string, *int, []nbOut) {
		c := doc.Cells[n]
		var outs []nbOut
		for _, o := range c.Outputs {
			var out nbOut
			if err := json.Unmarshal(o, &out); err != nil {
				t.Fatal(err)
			}
			outs = append(outs, out)
		}
		return strings.Join(c.Source, ""), c.ExecutionCount, outs
	}

	src, n, outs := cell(1)
	if !strings.Contains(src, "requests.get('"+DefaultBase+"/hello?q=") || !strings.Contains(src, "'X-Note': ") {
		t.Errorf("cell 1 is not the student's request:\n%s", src)
	}
	if n == nil || *n != 3 {
		t.Errorf("cell 1 execution_count %v, want 3", n)
	}
	wantOut := "200 OK\nContent-Type: text/plain; charset=utf-8\nX-Note: " + hostileText + "\nSet-Cookie: a=1, b=2\n\nHello " + hostileText + "\n"
	if len(outs) < 1 || outs[0].Name != "stdout" || strings.Join(outs[0].Text, "") != wantOut {
		t.Errorf("cell 1 stdout:\n%q\nwant\n%q", strings.Join(outs[0].Text, ""), wantOut)
	}
	if len(outs) != 2 || outs[1].Name != "stderr" || !strings.Contains(strings.Join(outs[1].Text, ""), "✓ HTTP 200") {
		t.Errorf("cell 1: want the verdict on stderr, got %v", outs)
	}

	src, _, outs = cell(3)
	if !strings.Contains(src, "with open('wirebook.png', 'wb')") {
		t.Fatalf("cell 3 does not save the image:\n%s", src)
	}
	png := tinyPNG(t)
	if got := strings.Join(outs[0].Text, ""); !strings.HasSuffix(got, "\n\nwrote "+itoa(len(png))+" bytes to wirebook.png\n") {
		t.Errorf("cell 3 stdout %q", got)
	}
	if len(outs) < 2 || outs[1].OutputType != "display_data" || outs[1].Data["image/png"] != base64.StdEncoding.EncodeToString(png) {
		t.Errorf("cell 3: want the PNG as display_data, got %v", outs)
	}

	if _, _, outs = cell(5); strings.Join(outs[0].Text, "") != "200 OK\nContent-Type: text/plain; charset=utf-8\n\nHello\nBonjour\nHola\n" {
		t.Errorf("stream cell stdout %q, want iter_lines' lines", strings.Join(outs[0].Text, ""))
	}
	if src, n, _ := cell(6); doc.Cells[6].CellType != "markdown" || n != nil || !strings.Contains(src, "When it ran: 2 messages, then closed with 1000") ||
		strings.Contains(src, "<script>") {
		t.Errorf("the socket cell is not a note of its run, escaped:\n%s", src)
	}
	if _, _, outs = cell(7); len(outs) != 2 || !strings.Contains(strings.Join(outs[1].Text, ""), "The browser run of this cell answered 200 OK.") {
		t.Errorf("compare: %v", outs)
	}
	if _, _, outs = cell(9); len(outs) != 1 || outs[0].Name != "stderr" || !strings.Contains(strings.Join(outs[0].Text, ""), "stopped: you stopped it") {
		t.Errorf("error cell outputs %v", outs)
	}
	if _, _, outs = cell(10); len(outs) != 2 || !strings.Contains(strings.Join(outs[1].Text, ""), "(cut at 5 of 100 bytes when saved)") {
		t.Errorf("cut cell outputs %v", outs)
	}
	src, n, outs = cell(11)
	if !strings.Contains(src, "does not parse as a request") || !strings.Contains(src, "# not a request "+hostileText) || n != nil || len(outs) != 0 {
		t.Errorf("the edit that does not parse, count %v, %d outputs:\n%s", n, len(outs), src)
	}
	for _, l := range strings.Split(src, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			t.Errorf("the edit that does not parse left a line of code: %q", l)
		}
	}
	if _, n, outs = cell(14); n != nil || len(outs) != 0 {
		t.Errorf("the cell that never ran has count %v and %d outputs", n, len(outs))
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestPythonPrinted(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		name string
		o    SavedOutput
		body codegen.Body
		want string
	}{
		{"text/* without a charset is Latin-1, as requests reads it",
			SavedOutput{Status: 200, Reason: "OK", Headers: [][2]string{ct("text/plain")}, Body: []byte("caf\xc3\xa9")},
			codegen.Print, "200 OK\nContent-Type: text/plain\n\ncafÃ©\n"},
		{"a named charset is used",
			SavedOutput{Status: 200, Reason: "OK", Headers: [][2]string{ct("text/plain; charset=utf-8")}, Body: []byte("caf\xc3\xa9")},
			codegen.Print, "200 OK\nContent-Type: text/plain; charset=utf-8\n\ncafé\n"},
		{"JSON is UTF-8",
			SavedOutput{Status: 200, Reason: "OK", Headers: [][2]string{ct("application/json")}, Body: []byte(`"é"`)},
			codegen.Print, "200 OK\nContent-Type: application/json\n\n\"é\"\n"},
		{"headers of one name are joined, in first-seen order",
			SavedOutput{Status: 301, Reason: "Moved Permanently", Headers: [][2]string{{"Via", "a"}, {"Location", "/x"}, {"via", "b"}}},
			codegen.Print, "301 Moved Permanently\nVia: a, b\nLocation: /x\n\n\n"},
		{"a stream prints each line, CRLF, CR and LF ending one",
			SavedOutput{Status: 200, Reason: "OK", Body: []byte("a\r\nb\rc\n\nd")},
			codegen.Stream, "200 OK\n\na\nb\nc\n\nd\n"},
		{"a saved body prints the size received, not the size kept",
			SavedOutput{Status: 200, Reason: "OK", Body: []byte("abc"), Size: 10, Cut: true},
			codegen.Save, "200 OK\n\nwrote 10 bytes to x.bin\n"},
		{"an empty reason prints as Python's print does",
			SavedOutput{Status: 599},
			codegen.Print, "599 \n\n\n"},
	} {
		t.Run(row.name, func(t *testing.T) {
			if got := pythonPrinted(row.o, row.body, "x.bin"); got != row.want {
				t.Errorf("pythonPrinted = %q, want %q", got, row.want)
			}
		})
	}
}

func TestHurlWithWork(t *testing.T) {
	t.Parallel()
	file := string(writeWork(t, "hurl"))
	if !strings.Contains(file, "# Their outputs are not here: a Hurl file holds requests and checks only.\n") {
		t.Errorf("the header does not say outputs are left out:\n%.400s", file)
	}
	requests, expectations := hurlEntries(t, file)
	// 14 cells, less the socket and the edit that does not parse.
	if len(requests) != 12 {
		t.Fatalf("%d entries, want 12:\n%s", len(requests), file)
	}
	if !strings.HasPrefix(requests[0], "GET "+DefaultBase+"/hello?q=</script><script>alert(1)</script>+\"+'+\\u{7b}\\u{7b}x}}+-->+<!--\nX-Note: ") {
		t.Errorf("the edited cell's entry is not the student's request, escaped:\n%s", requests[0])
	}
	for i, e := range expectations {
		if _, err := expect.Parse(e); err != nil {
			t.Errorf("entry %d: its expectations do not parse back: %v\n%s", i, err, e)
		}
	}
	if !strings.Contains(file, "the student's request is left out: it does not parse as a request (line 1: ") ||
		!strings.Contains(file, "\n#   not a request "+hostileText+"\n") {
		t.Errorf("the edit that does not parse is not kept as a comment:\n%s", file)
	}
}
