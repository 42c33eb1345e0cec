package saved

import (
	"errors"
	"strconv"
	"unicode/utf8"

	"wirebook/server/wireproto"
	"wirebook/wasm/internal/base64"
	"wirebook/wasm/jsonview"
	"wirebook/wasm/render"
)

// The records are JSON written by appending and read with jsonview, the
// client's own strict parser: encoding/json would add reflect to the
// client, and the browser's JSON through syscall/js costs more code per
// field than this does. Times are whole microseconds and bodies base64,
// as server/export reads them.

// EditJSON is the record of a cell's edit.
func EditJSON(lesson, text string) string {
	var w writer
	w.open('{')
	w.int("v", Version)
	w.str("lesson", lesson)
	w.str("text", text)
	w.close('}')
	return string(w.b)
}

// RunJSON is the record of a cell's last run.
func RunJSON(lesson string, r *Run) string {
	var w writer
	w.run(lesson, "", false, r)
	return string(w.b)
}

// Summary is what the course index shows of a lesson without reading its cells.
type Summary struct {
	Passed, Total, Ran int
}

// SummaryJSON is the record of a lesson's progress.
func SummaryJSON(s Summary) string {
	var w writer
	w.open('{')
	w.int("v", Version)
	w.int("passed", int64(s.Passed))
	w.int("total", int64(s.Total))
	w.int("ran", int64(s.Ran))
	w.close('}')
	return string(w.b)
}

// ParseSummary reads a lesson's progress record.
func ParseSummary(s string) (Summary, error) {
	o, err := parse(s)
	if err != nil {
		return Summary{}, err
	}
	return Summary{Passed: o.num("passed"), Total: o.num("total"), Ran: o.num("ran")}, nil
}

// ExportJSON is a lesson's cells as the page's export takes them
// (server/export's Saved): one entry per cell, null when nothing is saved.
func ExportJSON(cells []*Cell) string {
	var w writer
	w.open('{')
	w.int("v", Version)
	w.key("cells")
	w.open('[')
	for _, c := range cells {
		w.comma()
		if c == nil {
			w.b = append(w.b, "null"...)
			continue
		}
		r := c.Run
		if r == nil {
			r = &Run{}
		}
		w.run(c.Lesson, c.Text, true, r)
	}
	w.close(']')
	w.close('}')
	return string(w.b)
}

var (
	errVersion = errors.New("saved by a wirebook whose format this one does not read")
	errShape   = errors.New("not a wirebook record")
)

// ParseEdit reads an edit record.
func ParseEdit(s string) (lesson, text string, err error) {
	o, err := parse(s)
	if err != nil {
		return "", "", err
	}
	lesson, ok1 := o.str("lesson")
	text, ok2 := o.str("text")
	if !ok1 || !ok2 {
		return "", "", errShape
	}
	return lesson, text, nil
}

// ParseRun reads a run record. A record that is not the shape RunJSON
// writes is an error, never a half-read run.
func ParseRun(s string) (lesson string, r *Run, err error) {
	o, err := parse(s)
	if err != nil {
		return "", nil, err
	}
	lesson, ok := o.str("lesson")
	outs := o.get("outputs")
	if !ok || outs.Kind != jsonview.Array {
		return "", nil, errShape
	}
	state, _ := o.str("state")
	r = &Run{N: o.num("n"), State: state, Passed: o.num("passed")}
	for _, item := range outs.Items {
		out, err := parseOutput(obj{item})
		if err != nil {
			return "", nil, err
		}
		r.Outputs = append(r.Outputs, out)
	}
	return lesson, r, nil
}

// writer appends JSON. Keys are written as given: every key here is a
// plain ASCII word.
type writer struct {
	b    []byte
	more bool // a value was written at this level: the next needs a comma
}

func (w *writer) open(c byte) { w.b, w.more = append(w.b, c), false }

func (w *writer) close(c byte) { w.b, w.more = append(w.b, c), true }

func (w *writer) comma() {
	if w.more {
		w.b = append(w.b, ',')
	}
	w.more = true
}

func (w *writer) key(k string) {
	w.comma()
	w.b = append(append(append(w.b, '"'), k...), `":`...)
	w.more = false
}

func (w *writer) str(k, v string) {
	w.key(k)
	w.b = appendString(w.b, v)
	w.more = true
}

func (w *writer) int(k string, n int64) {
	w.key(k)
	w.b = strconv.AppendInt(w.b, n, 10)
	w.more = true
}

func (w *writer) bool(k string, v bool) {
	w.key(k)
	w.b = strconv.AppendBool(w.b, v)
	w.more = true
}

func (w *writer) dur(k string, d wireproto.Duration) { w.int(k, int64(d/wireproto.Microsecond)) }

func (w *writer) bytes(k string, b []byte) {
	w.key(k)
	w.b = append(base64.AppendEncode(append(w.b, '"'), b), '"')
	w.more = true
}

func (w *writer) strings(k string, ss []string) {
	w.key(k)
	w.open('[')
	for _, s := range ss {
		w.comma()
		w.b = appendString(w.b, s)
	}
	w.close(']')
}

// run writes a run record; withText adds the cell's text (the export's
// form of a cell).
func (w *writer) run(lesson, text string, withText bool, r *Run) {
	w.open('{')
	w.int("v", Version)
	w.str("lesson", lesson)
	if withText {
		w.str("text", text)
	}
	w.int("n", int64(r.N))
	w.str("state", r.State)
	w.int("passed", int64(r.Passed))
	w.key("outputs")
	w.open('[')
	for _, o := range r.Outputs {
		w.comma()
		w.output(o)
	}
	w.close(']')
	w.close('}')
}

func (w *writer) output(o *Output) {
	w.open('{')
	w.str("via", o.Via)
	w.int("size", int64(o.Size))
	w.dur("elapsed", o.Elapsed)
	if o.HasHead {
		h := o.Head
		w.str("proto", h.Proto)
		w.int("status", int64(h.Status))
		w.str("reason", h.StatusText)
		w.key("headers")
		w.open('[')
		for _, f := range h.Headers {
			w.comma()
			w.b = append(appendString(append(appendString(append(w.b, '['), f.Name), ','), f.Value), ']')
		}
		w.close(']')
		w.str("url", h.URL)
		if h.Redirected {
			w.bool("redirected", true)
		}
		if h.Raw != nil {
			w.bytes("raw", h.Raw)
		}
	}
	if o.Sent != nil {
		w.bytes("sent", o.Sent)
		w.str("added", o.Added)
		if o.SentCut {
			w.bool("sentCut", true)
		}
	}
	if o.SizeLines != nil {
		w.key("sizeLines")
		w.open('[')
		for _, l := range o.SizeLines {
			w.comma()
			w.open('{')
			w.dur("at", l.At)
			w.str("line", l.Line)
			w.bytes("data", l.Data)
			w.close('}')
		}
		w.close(']')
	}
	d := o.Head.Dropped
	if o.Via == "socket" {
		d = o.Dropped
	}
	if len(d) > 0 {
		w.strings("dropped", d)
	}
	if len(o.Body) > 0 {
		w.bytes("body", o.Body)
	}
	if o.Cut {
		w.bool("cut", true)
	}
	if o.Chunks != nil {
		w.key("chunks")
		w.open('[')
		for _, c := range o.Chunks {
			w.comma()
			w.b = append(strconv.AppendInt(append(strconv.AppendInt(append(w.b, '['), int64(c.At/wireproto.Microsecond), 10), ','), int64(c.Len), 10), ']')
		}
		w.close(']')
	}
	if t := o.Timings; t != nil {
		w.key("timings")
		w.open('{')
		w.dur("connect", t.Connect)
		w.dur("firstByte", t.FirstByte)
		w.dur("total", t.Total)
		w.int("bytes", t.Bytes)
		w.bool("truncated", t.Truncated)
		w.close('}')
	}
	if o.Checks != nil {
		w.key("checks")
		w.open('[')
		for _, c := range o.Checks {
			w.comma()
			w.open('{')
			w.int("line", int64(c.Line))
			w.bool("pass", c.Pass)
			w.str("text", c.Text)
			w.str("got", c.Got)
			w.str("want", c.Want)
			w.close('}')
		}
		w.close(']')
	}
	if o.Via == "socket" {
		w.str("protocol", o.Protocol)
		w.str("extensions", o.Extensions)
		w.key("messages")
		w.open('[')
		for _, m := range o.Messages {
			w.comma()
			w.open('{')
			w.dur("at", m.At)
			w.bytes("data", m.Data)
			w.bool("binary", m.Binary)
			w.close('}')
		}
		w.close(']')
		if c := o.Close; c != nil {
			w.key("close")
			w.open('{')
			w.int("code", int64(c.Code))
			w.str("reason", c.Reason)
			w.dur("at", c.At)
			w.close('}')
		}
	}
	if o.Error != "" {
		w.str("error", o.Error)
	}
	w.close('}')
}

func parseOutput(o obj) (*Output, error) {
	via, ok := o.str("via")
	if !ok {
		return nil, errShape
	}
	out := &Output{Via: via, Size: o.num("size"), Elapsed: o.dur("elapsed"), Cut: o.flag("cut")}
	out.Error, _ = o.str("error")
	dropped := o.strings("dropped")
	if hs := o.get("headers"); hs.Kind == jsonview.Array {
		out.HasHead = true
		h := &out.Head
		h.Proto, _ = o.str("proto")
		h.StatusText, _ = o.str("reason")
		h.URL, _ = o.str("url")
		h.Status, h.Redirected = o.num("status"), o.flag("redirected")
		if via != "socket" { // a socket's "head" only says it opened
			h.Via, h.Dropped = via, dropped
		}
		for _, f := range hs.Items {
			if f.Kind != jsonview.Array || len(f.Items) != 2 {
				return nil, errShape
			}
			name, ok1 := unquote(f.Items[0])
			value, ok2 := unquote(f.Items[1])
			if !ok1 || !ok2 {
				return nil, errShape
			}
			h.Headers = append(h.Headers, wireproto.Header{Name: name, Value: value})
		}
	}
	var err error
	if out.Body, err = o.bytes("body"); err != nil {
		return nil, err
	}
	if out.Head.Raw, err = o.bytes("raw"); err != nil {
		return nil, err
	}
	if out.Sent, err = o.bytes("sent"); err != nil {
		return nil, err
	}
	out.Added, _ = o.str("added")
	out.SentCut = o.flag("sentCut")
	for _, l := range o.get("sizeLines").Items {
		lo := obj{l}
		line, ok := lo.str("line")
		data, err := lo.bytes("data")
		if !ok || err != nil {
			return nil, errShape
		}
		out.SizeLines = append(out.SizeLines, SizeLine{Line: line, Data: data, At: lo.dur("at")})
	}
	if cs := o.get("chunks"); cs.Kind == jsonview.Array {
		out.Chunks = []Chunk{}
		for _, c := range cs.Items {
			if c.Kind != jsonview.Array || len(c.Items) != 2 {
				return nil, errShape
			}
			out.Chunks = append(out.Chunks, Chunk{At: wireproto.Duration(number(c.Items[0])) * wireproto.Microsecond, Len: number(c.Items[1])})
		}
	}
	if t := o.get("timings"); t.Kind == jsonview.Object {
		to := obj{t}
		out.Timings = &render.Timings{Connect: to.dur("connect"), FirstByte: to.dur("firstByte"), Total: to.dur("total"),
			Bytes: int64(to.num("bytes")), Truncated: to.flag("truncated")}
	}
	if cs := o.get("checks"); cs.Kind == jsonview.Array {
		out.Checks = []wireproto.CheckResult{}
		for _, c := range cs.Items {
			co := obj{c}
			r := wireproto.CheckResult{Line: co.num("line"), Pass: co.flag("pass")}
			r.Text, _ = co.str("text")
			r.Got, _ = co.str("got")
			r.Want, _ = co.str("want")
			out.Checks = append(out.Checks, r)
		}
	}
	if via == "socket" {
		out.Dropped = dropped
		out.Protocol, _ = o.str("protocol")
		out.Extensions, _ = o.str("extensions")
		for _, m := range o.get("messages").Items {
			mo := obj{m}
			data, err := mo.bytes("data")
			if err != nil {
				return nil, err
			}
			out.Messages = append(out.Messages, Message{At: mo.dur("at"), Data: data, Binary: mo.flag("binary")})
		}
		if c := o.get("close"); c.Kind == jsonview.Object {
			co := obj{c}
			reason, _ := co.str("reason")
			out.Close = &Close{Code: co.num("code"), Reason: reason, At: co.dur("at")}
		}
	}
	return out, nil
}

// parse reads a record, which must be an object of this version.
func parse(s string) (obj, error) {
	v, err := jsonview.Parse(s)
	if err != nil {
		return obj{}, err
	}
	if v.Kind != jsonview.Object {
		return obj{}, errShape
	}
	o := obj{v}
	if o.num("v") != Version {
		return obj{}, errVersion
	}
	return o, nil
}

// obj reads the members of a parsed object; a missing member, or one of
// another kind, reads as the zero value.
type obj struct{ v *jsonview.Value }

var none = &jsonview.Value{}

func (o obj) get(k string) *jsonview.Value {
	if o.v == nil || o.v.Kind != jsonview.Object {
		return none
	}
	for i, key := range o.v.Keys {
		if len(key) == len(k)+2 && key[1:len(key)-1] == k {
			return o.v.Items[i]
		}
	}
	return none
}

func (o obj) str(k string) (string, bool) { return unquote(o.get(k)) }

func (o obj) num(k string) int { return number(o.get(k)) }

func (o obj) flag(k string) bool { v := o.get(k); return v.Kind == jsonview.Bool && v.Text == "true" }

func (o obj) dur(k string) wireproto.Duration {
	return wireproto.Duration(o.num(k)) * wireproto.Microsecond
}

func (o obj) strings(k string) []string {
	var ss []string
	for _, v := range o.get(k).Items {
		if s, ok := unquote(v); ok {
			ss = append(ss, s)
		}
	}
	return ss
}

func (o obj) bytes(k string) ([]byte, error) {
	s, ok := o.str(k)
	if !ok || s == "" {
		return nil, nil
	}
	b, ok := base64.Decode(s)
	if !ok {
		return nil, errShape
	}
	return b, nil
}

// number is a whole number, 0 for anything else (a fraction, an exponent,
// another kind, or one too big).
func number(v *jsonview.Value) int {
	if v.Kind != jsonview.Number {
		return 0
	}
	n, err := strconv.ParseInt(v.Text, 10, 53)
	if err != nil {
		return 0
	}
	return int(n)
}

// appendString appends s as a JSON string. Bytes that are not UTF-8 (a
// header value is bytes) become U+FFFD, as a browser would show them.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		case c < utf8.RuneSelf:
			b = append(b, c)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, "\ufffd"...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		i++
	}
	return append(b, '"')
}

// unquote is the value of a JSON string as jsonview keeps it (quotes and
// escapes as written; jsonview has checked them).
func unquote(v *jsonview.Value) (string, bool) {
	if v.Kind != jsonview.String {
		return "", false
	}
	s := v.Text[1 : len(v.Text)-1]
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			b = append(b, c)
			continue
		}
		i++
		switch s[i] {
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r := hex4(s[i+1 : i+5])
			i += 4
			if 0xD800 <= r && r < 0xDC00 && i+6 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
				if lo := hex4(s[i+3 : i+7]); 0xDC00 <= lo && lo < 0xE000 {
					r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
					i += 6
				}
			}
			b = utf8.AppendRune(b, r) // a lone surrogate becomes U+FFFD
		default: // " \ /
			b = append(b, s[i])
		}
	}
	return string(b), true
}

func hex4(s string) rune {
	var r rune
	for i := range 4 {
		c := s[i]
		switch {
		case c <= '9':
			c -= '0'
		case c >= 'a':
			c -= 'a' - 10
		default:
			c -= 'A' - 10
		}
		r = r<<4 | rune(c)
	}
	return r
}
