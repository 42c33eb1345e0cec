package export

import (
	"encoding/base64"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"wirebook/wasm/bodykind"
	"wirebook/wasm/codegen"
)

// inlineImages are the image types an export shows as pictures: what every
// browser decodes in an <img> and Jupyter in display_data. SVG is not one:
// it is a document that can carry script, so it is shown as its source.
var inlineImages = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// answer is the output of a run that got a response (not a socket, not a
// run that failed before an answer), or nil.
func answer(outs []SavedOutput) *SavedOutput {
	for i := range outs {
		if outs[i].Status > 0 && outs[i].Via != "socket" {
			return &outs[i]
		}
	}
	return nil
}

// shownKind is the kind of body a cell's last run got ("image", "text", …;
// "" when it got none), which tells codegen.BodyFor to save bytes to a file
// when the URL alone does not say so, as the page's Copy as Python does.
func shownKind(outs []SavedOutput) string {
	o := answer(outs)
	if o == nil {
		return ""
	}
	return bodykind.OfBody(o.header("Content-Type"), o.Body).String()
}

// savedFile finds the file name the generated Python writes a body to
// (codegen names it from the URL): read from the code itself, so the
// output's "wrote N bytes to NAME" names the very file the code writes.
var savedFile = regexp.MustCompile(`with open\('([^'\\]*)', 'wb'\)`)

// nbOutputs are a code cell's outputs from its saved run, in Jupyter's
// shapes: on stdout exactly what the cell's code prints for the saved
// response (pythonPrinted); an image also as display_data, as IPython
// shows one; and on stderr what the page showed besides that the code
// cannot print — a body cut when saved, an error, the browser's answer of
// a Compare, the verdicts.
func nbOutputs(outs []SavedOutput, method string, body codegen.Body, code string) []any {
	if method == "HEAD" {
		body = codegen.Print // as codegen does: a HEAD answer has no body to take
	}
	nb := []any{}
	var notes []string
	o := answer(outs)
	if o != nil {
		name := ""
		if m := savedFile.FindStringSubmatch(code); m != nil {
			name = m[1]
		}
		nb = append(nb, nbStream("stdout", pythonPrinted(*o, body, name)))
		ct := o.header("Content-Type")
		if mt := bodykind.MediaType(ct); inlineImages[mt] && !o.Cut && len(o.Body) > 0 {
			nb = append(nb, map[string]any{
				"output_type": "display_data",
				"metadata":    map[string]any{},
				"data": map[string]any{
					mt:           base64.StdEncoding.EncodeToString(o.Body),
					"text/plain": []string{mt + ", " + strconv.Itoa(len(o.Body)) + " bytes"},
				},
			})
		}
		if o.Cut {
			notes = append(notes, cutNote(*o))
		}
	}
	for i := range outs {
		p := &outs[i]
		if p != o && p.Status > 0 {
			notes = append(notes, "The "+p.Via+" run of this cell answered "+statusLine(*p)+".")
		}
		if p.Error != "" {
			notes = append(notes, p.Via+": "+p.Error)
		}
		for _, c := range p.Checks {
			notes = append(notes, checkLine(c))
		}
	}
	if len(notes) > 0 {
		nb = append(nb, nbStream("stderr", strings.Join(notes, "\n")+"\n"))
	}
	return nb
}

func nbStream(name, text string) map[string]any {
	return map[string]any{"output_type": "stream", "name": name, "text": lines(text)}
}

// pythonPrinted is what the code codegen.Python writes prints for the
// response o (see its writePyAnswer): print(resp.status_code,
// resp.reason); each header "k: v", repeats joined with ", " as urllib3's
// header dict joins them; a blank line; then the body as body takes it:
// resp.text printed, each line of iter_lines() printed, or "wrote N bytes
// to NAME" with N the size received, which is what resp.content holds.
func pythonPrinted(o SavedOutput, body codegen.Body, name string) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(o.Status) + " " + o.Reason + "\n")
	for _, h := range joinedHeaders(o.Headers) {
		b.WriteString(h[0] + ": " + h[1] + "\n")
	}
	b.WriteString("\n")
	switch body {
	case codegen.Stream:
		for _, l := range splitLines(o.Body) {
			b.WriteString(pyDecode(l, "utf-8") + "\n")
		}
	case codegen.Save:
		size := o.Size
		if size < int64(len(o.Body)) {
			size = int64(len(o.Body))
		}
		b.WriteString("wrote " + strconv.FormatInt(size, 10) + " bytes to " + name + "\n")
	default:
		b.WriteString(pyDecode(o.Body, textEncoding(o.header("Content-Type"))) + "\n")
	}
	return b.String()
}

// joinedHeaders merges headers of the same name (case-insensitively, in
// the order first seen, under the first spelling), as requests'
// resp.headers does.
func joinedHeaders(hs [][2]string) [][2]string {
	var out [][2]string
	index := map[string]int{}
	for _, h := range hs {
		key := strings.ToLower(h[0])
		if i, ok := index[key]; ok {
			out[i][1] += ", " + h[1]
			continue
		}
		index[key] = len(out)
		out = append(out, h)
	}
	return out
}

// textEncoding is the encoding requests decodes resp.text with: the
// charset the Content-Type names; else ISO-8859-1 for text/* (RFC 2616's
// default, which requests keeps) and UTF-8 for application/json; else
// what charset_normalizer guesses, which for the bodies a lesson gets is
// UTF-8 (ASCII decodes the same).
func textEncoding(contentType string) string {
	if cs := bodykind.Charset(contentType); cs != "" {
		return cs
	}
	if strings.HasPrefix(bodykind.MediaType(contentType), "text/") {
		return "iso-8859-1"
	}
	return "utf-8"
}

// pyDecode decodes b as Python's bytes.decode(enc, errors='replace') does
// for the encodings a lesson meets: Latin-1 maps each byte to its code
// point, ASCII replaces bytes above 0x7f, and anything else is read as
// UTF-8 with each invalid byte replaced (Python replaces a truncated
// sequence once; the difference is a U+FFFD or two in a broken body).
func pyDecode(b []byte, enc string) string {
	var s strings.Builder
	switch strings.ReplaceAll(strings.ToLower(enc), "_", "-") {
	case "iso-8859-1", "latin-1", "latin1", "l1", "iso8859-1":
		for _, c := range b {
			s.WriteRune(rune(c))
		}
		return s.String()
	case "ascii", "us-ascii":
		for _, c := range b {
			if c >= 0x80 {
				s.WriteRune(utf8.RuneError)
			} else {
				s.WriteByte(c)
			}
		}
		return s.String()
	}
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		s.WriteRune(r) // RuneError for an invalid byte, as errors='replace'
		b = b[n:]
	}
	return s.String()
}

// splitLines is bytes.splitlines(), which iter_lines() uses: lines end at
// \r\n, \n or \r, and a last line without an end is a line.
func splitLines(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := 0
		for i < len(b) && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		out = append(out, b[:i])
		switch {
		case i == len(b):
			b = nil
		case b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n':
			b = b[i+2:]
		default:
			b = b[i+1:]
		}
	}
	return out
}

// statusLine is "200 OK", as the page's [data-status] shows it.
func statusLine(o SavedOutput) string {
	return strings.TrimSpace(strconv.Itoa(o.Status) + " " + o.Reason)
}

// cutNote says a saved body stops short of what was received.
func cutNote(o SavedOutput) string {
	return "(cut at " + strconv.Itoa(len(o.Body)) + " of " + strconv.FormatInt(o.Size, 10) + " bytes when saved)"
}

// checkLine is a verdict as one line: ✓ or ✗, the check, and for a
// failure what was got and wanted.
func checkLine(c SavedCheck) string {
	if c.Pass {
		return "✓ " + c.Text
	}
	return "✗ " + c.Text + " — got " + c.Got + ", want " + c.Want
}

// socketNote tells, under a WebSocket cell's note in the notebook, what its
// saved run received: requests cannot replay it.
func socketNote(outs []SavedOutput) string {
	for _, o := range outs {
		if o.Via != "socket" {
			continue
		}
		s := "<p>When it ran: " + strconv.Itoa(len(o.Messages)) + " messages"
		if o.Close != nil {
			s += ", then closed with " + strconv.Itoa(o.Close.Code)
			if o.Close.Reason != "" {
				s += " (" + htmlEscape(o.Close.Reason) + ")"
			}
		}
		if o.Error != "" {
			s += "; " + htmlEscape(o.Error)
		}
		return s + ".</p>"
	}
	return ""
}
