package export

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"wirebook/wasm/bodykind"

	"wirebook/server/syllabus"
	"wirebook/templates"
)

// HTML writes the lessons as one self-contained page (templates.ExportPage):
// the prose as the lesson page shows it, each cell's request and
// expectations in <pre>, style inline, no script. Without a student's
// work there are no outputs, and an exercise shows the student's starting
// request, never its solution; with it, each cell is the request as they
// had it and its saved run (see outputView).
//
// A link to a lesson in the file goes to it; other links to the course and
// to files beside a lesson go to the wirebook at base (images there stay
// out: the page's policy loads nothing but data: images).
func HTML(ctx context.Context, w io.Writer, title string, lessons []*syllabus.Lesson, base string, work Work) error {
	if len(lessons) == 0 {
		return errNoLessons
	}
	if len(lessons) == 1 {
		title = lessons[0].Title
	}
	inFile := map[string]bool{}
	for _, l := range lessons {
		inFile[l.Slug] = true
	}
	v := templates.ExportView{Title: title, CSS: css, WithOutputs: hasWork(lessons, work)}
	for _, l := range lessons {
		el := templates.ExportLesson{Title: l.Title, Source: l.Source, ID: "lesson-" + l.Slug}
		cells, next := worked(l, work[l.Slug]), 0
		for _, b := range l.Blocks {
			if b.Cell == nil {
				el.Blocks = append(el.Blocks, templates.ExportBlock{Prose: proseLinks(b.Prose, base, inFile)})
				continue
			}
			cw := cells[next]
			next++
			id := cw.ID // "cell-N", as on the lesson page, when the file is one lesson
			if len(lessons) > 1 {
				id = l.Slug + "-" + cw.ID // every lesson numbers its cells from 1
			}
			el.Blocks = append(el.Blocks, templates.ExportBlock{Cell: cellView(id, cw)})
		}
		v.Lessons = append(v.Lessons, el)
	}
	return templates.ExportPage(v).Render(ctx, w)
}

func cellView(id string, cw cellWork) *templates.ExportCell {
	ec := &templates.ExportCell{
		N: cw.N, ID: id, Text: cw.Text, Expect: cw.ExpectText, Checks: cw.Expect.Len(), Exercise: cw.Exercise,
		Count: cw.count(),
	}
	if cw.Edited {
		ec.Lesson = cw.Cell.Text
	}
	if cw.ParseErr != nil {
		ec.ParseError = cw.ParseErr.Error()
	}
	for _, o := range cw.outputs() {
		ec.Outputs = append(ec.Outputs, outputView(o))
	}
	return ec
}

// outputView is a saved output as the export shows it.
func outputView(o SavedOutput) templates.ExportOutput {
	v := templates.ExportOutput{
		Via: o.Via, Proto: o.Proto, URL: o.URL, Headers: o.Headers, Chunks: len(o.Chunks),
		Socket: o.Via == "socket", Error: o.Error,
	}
	if o.Status > 0 {
		v.Status = statusLine(o)
		v.Body = bodyView(o)
	}
	if t := o.Timings; t != nil && t.Total > 0 {
		v.Timing = "connect " + ms(t.Connect) + " · first byte " + ms(t.FirstByte) + " · total " + ms(t.Total)
	}
	for _, c := range o.Checks {
		v.Checks = append(v.Checks, templates.ExportCheck{Pass: c.Pass, Text: c.Text, Got: c.Got, Want: c.Want})
	}
	for _, m := range o.Messages {
		if m.Binary || !utf8.Valid(m.Data) {
			v.Messages = append(v.Messages, templates.ExportMessage{Binary: true, Text: strconv.Itoa(len(m.Data)) + " bytes, binary: " + hexDump(m.Data, 32)})
			continue
		}
		v.Messages = append(v.Messages, templates.ExportMessage{Text: string(m.Data)})
	}
	if c := o.Close; c != nil {
		v.Close = strings.TrimSpace(strconv.Itoa(c.Code) + " " + c.Reason)
	}
	return v
}

// ms writes microseconds as milliseconds, to a tenth.
func ms(us int64) string {
	return strconv.FormatFloat(float64(us)/1000, 'f', 1, 64) + " ms"
}

// hexDumpBytes is how much of a binary body the export shows: enough to
// recognise a format by its magic number, small enough to skim.
const hexDumpBytes = 256

// bodyView decides how a saved body is shown, by its Content-Type as the
// page does (bodykind): JSON pretty-printed, an image of a type that runs
// nothing inlined, HTML in a sandboxed frame, SVG and other text as text,
// anything else as a hex dump. A body cut when saved says so; a cut image
// would not decode, so it is shown as bytes.
func bodyView(o SavedOutput) templates.ExportBody {
	ct := o.header("Content-Type")
	b := templates.ExportBody{Type: bodykind.MediaType(ct), Size: max(o.Size, int64(len(o.Body)))}
	if o.Cut {
		b.Note = cutNote(o)
	}
	if len(o.Body) == 0 {
		b.Kind = "empty"
		return b
	}
	kind := bodykind.OfBody(ct, o.Body)
	switch {
	case kind == bodykind.Image && inlineImages[b.Type] && !o.Cut:
		b.Kind = "image"
		b.DataURI = "data:" + b.Type + ";base64," + base64.StdEncoding.EncodeToString(o.Body)
	case kind == bodykind.Image && b.Type == "image/svg+xml" && utf8.Valid(o.Body):
		b.Kind, b.Text = "text", string(o.Body)
		b.Note = strings.TrimSpace("SVG shown as its source: it is a document that could run script. " + b.Note)
	case kind == bodykind.JSON:
		var pretty bytes.Buffer
		if err := json.Indent(&pretty, o.Body, "", "  "); err == nil {
			b.Kind, b.Text = "json", pretty.String()
		} else {
			b.Kind, b.Text = "text", strings.ToValidUTF8(string(o.Body), "\uFFFD")
		}
	case kind == bodykind.HTML:
		b.Kind, b.Text = "html", strings.ToValidUTF8(string(o.Body), "\uFFFD")
	case kind == bodykind.Text:
		b.Kind, b.Text = "text", strings.ToValidUTF8(string(o.Body), "\uFFFD")
	default:
		typ := b.Type
		if typ == "" {
			typ = "an unnamed type"
		}
		b.Kind = "binary"
		b.Text = hexDump(o.Body, hexDumpBytes)
		b.Note = strings.TrimSpace(strconv.FormatInt(b.Size, 10) + " bytes of " + typ + ". " + b.Note)
	}
	return b
}

// hexDump writes up to n bytes of b as lines of 16, offset, hex and ASCII,
// as xxd does.
func hexDump(b []byte, n int) string {
	more := len(b) > n
	if more {
		b = b[:n]
	}
	var s strings.Builder
	for off := 0; off < len(b); off += 16 {
		line := b[off:min(off+16, len(b))]
		s.WriteString(strconv.FormatInt(int64(off)+1<<32, 16)[1:] + ": ")
		for i := range 16 {
			if i < len(line) {
				s.WriteString(hex.EncodeToString(line[i : i+1]))
			} else {
				s.WriteString("  ")
			}
			if i%2 == 1 {
				s.WriteByte(' ')
			}
		}
		s.WriteByte(' ')
		for _, c := range line {
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			s.WriteByte(c)
		}
		if off+16 < len(b) {
			s.WriteByte('\n')
		}
	}
	if more {
		s.WriteString("\n…")
	}
	return s.String()
}

// css is the export's whole style: a small reading subset of the lesson
// page's app.css, whose rules are mostly for the client's controls. It is
// written inside <style> as it is, so it must never hold "</" (a test
// guards that).
var css = strings.TrimSpace(`
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fff; --muted: #6e6e73; --code: #f5f5f7; --line: #d2d2d7; --accent: #0a5bd3; }
@media (prefers-color-scheme: dark) { :root { --fg: #f5f5f7; --bg: #1c1c1e; --muted: #a1a1a6; --code: #2c2c2e; --line: #3a3a3c; --accent: #6ea8fe; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.55 system-ui, sans-serif; }
.notebook { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.lesson + .lesson { border-top: 2px solid var(--line); margin-top: 3rem; padding-top: 1rem; }
a { color: var(--accent); }
code, pre { font: 0.9rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.prose code { background: var(--code); padding: 0.1em 0.3em; border-radius: 4px; }
.prose pre { background: var(--code); padding: 0.75rem; overflow-x: auto; border-radius: 6px; }
.cell { display: flex; gap: 0.75rem; margin: 1rem 0; }
.prompt { flex: 0 0 4.5rem; color: var(--muted); font-family: ui-monospace, monospace; font-size: 0.85rem; padding-top: 0.6rem; text-align: right; }
.cell-main { flex: 1; min-width: 0; }
.request, .expect { margin: 0; padding: 0.6rem 0.75rem; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--code); white-space: pre; }
.expect { border-top: none; border-radius: 0 0 6px 6px; color: var(--muted); }
.request:has(+ .expect) { border-radius: 6px 6px 0 0; }
.exercise-label { margin: 0 0 0.25rem; font-weight: 600; color: var(--accent); }
.output { margin-top: 0.5rem; padding: 0.5rem 0.75rem; border-left: 3px solid var(--line); }
.output-head { margin: 0 0 0.25rem; display: flex; gap: 0.6rem; flex-wrap: wrap; align-items: baseline; }
.via, .proto, .url, .note { color: var(--muted); font-size: 0.85rem; }
.url { overflow-wrap: anywhere; }
.headers table { border-collapse: collapse; font: 0.85rem/1.4 ui-monospace, monospace; }
.headers th { text-align: left; padding-right: 1rem; vertical-align: top; white-space: nowrap; }
.headers td { overflow-wrap: anywhere; }
.body pre, .lesson-text pre { margin: 0.25rem 0; padding: 0.5rem 0.75rem; overflow-x: auto; background: var(--code); border-radius: 6px; }
.body img { max-width: 100%; height: auto; }
.body iframe { width: 100%; height: 16rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
.checks { list-style: none; padding: 0; margin: 0.25rem 0; font: 0.9rem/1.45 ui-monospace, monospace; }
.check { color: #1a7f37; }
.check.bad, .note.bad { color: #cf222e; }
.got { margin-left: 0.75rem; color: var(--muted); }
.messages { font: 0.9rem/1.45 ui-monospace, monospace; margin: 0.25rem 0; }
.page-foot { max-width: 52rem; margin: 0 auto; padding: 0 1rem 2rem; color: var(--muted); font-size: 0.85rem; }
`)
