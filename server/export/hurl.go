package export

import (
	"encoding/base64"
	"io"
	"slices"
	"strconv"
	"strings"

	"wirebook/server/clients"
	"wirebook/server/syllabus"
	"wirebook/server/wireproto"
	"wirebook/wasm/target"
)

// Hurl writes every cell of the lessons, in order, as one Hurl file
// (https://hurl.dev/docs/hurl-file.html): each entry the request with an
// absolute URL (relative targets on base), then the cell's expectations as
// the lesson wrote them — they are Hurl already (see package expect) — or
// "HTTP *" when it has none. An exercise sends its solution, checked by the
// exercise's expectations. A WebSocket cell is left out, with a comment
// saying so: Hurl speaks HTTP only.
//
// With a student's work, a cell they edited sends their request, checked
// by the lesson's expectations; an edit that does not parse as a request
// is left out, kept as a comment with the reason. Outputs are not part of
// Hurl, which records requests and what to check, and the header says so.
func Hurl(w io.Writer, lessons []*syllabus.Lesson, base string, work Work) error {
	if len(lessons) == 0 {
		return errNoLessons
	}
	out := &errWrite{w: w}
	if hasWork(lessons, work) {
		out.print("# Exported by wirebook from the lessons and a student's saved work:\n",
			"# the requests as the student edited them, with the lessons' checks.\n",
			"# Their outputs are not here: a Hurl file holds requests and checks only.\n")
	} else {
		out.print("# Exported by wirebook from the lessons alone.\n")
	}
	out.print("# Run it with\n#   hurl --test FILE\n# against a wirebook at ", base, ".\n")
	for _, l := range lessons {
		out.print("\n# ", l.Source, ": ", l.Title, "\n")
		for _, cw := range worked(l, work[l.Slug]) {
			if err := hurlEntry(out, cw, base); err != nil {
				return err
			}
		}
	}
	return out.err
}

func hurlEntry(out *errWrite, cw cellWork, base string) error {
	c := cw.Cell
	where := "cell " + strconv.Itoa(c.N) + ", line " + strconv.Itoa(c.Line)
	req, note, err := cw.Req, ", as the student edited it", error(nil)
	if !cw.Edited {
		req, _, err = sent(c)
		note = ""
		if c.Exercise {
			note = ", an exercise: its solution"
		}
	}
	if err != nil {
		return err
	}
	if cw.ParseErr != nil {
		hurlLeftOut(out, where, "it does not parse as a request ("+cw.ParseErr.Error()+")", cw.Text)
		return out.err
	}
	if isWebSocket(req.Target) {
		out.print("\n# ", where, ": ", req.Method, " ", req.Target,
			" is left out: a WebSocket cell, which Hurl cannot send\n")
		return nil
	}
	u, err := target.URL(req, base)
	if err != nil && cw.Edited {
		hurlLeftOut(out, where, "its target cannot be placed on "+base+" ("+err.Error()+")", cw.Text)
		return out.err
	}
	if err != nil {
		return err
	}
	if c.Client != "" {
		note += ", with the headers " + c.Client + " adds (client=" + c.Client + ")"
	}
	out.print("\n# ", where, note, "\n", req.Method, " ", hurlValue(u), "\n")
	for _, h := range withClient(req, c.Client) {
		out.print(h.Name, ": ", hurlValue(h.Value), "\n")
	}
	if req.Body != "" {
		out.print(hurlBody(req.Body), "\n")
	}
	if c.ExpectText == "" {
		out.print("HTTP *\n")
		return out.err
	}
	out.print(strings.TrimRight(c.ExpectText, "\n"), "\n")
	return out.err
}

// hurlLeftOut writes a student's request that cannot be an entry as a
// comment block: it is their work, kept as written, and the reason says
// what to fix.
func hurlLeftOut(out *errWrite, where, why, text string) {
	out.print("\n# ", where, ": the student's request is left out: ", why, "\n")
	for l := range strings.SplitSeq(strings.TrimRight(text, "\n"), "\n") {
		out.print(strings.TrimRight("#   "+strings.TrimRight(l, "\r"), " "), "\n")
	}
}

// hurlBody is a request body as Hurl sends it byte for byte: a one-line
// `string` when it needs no escape, else base64. Hurl's ``` multiline
// string would add a newline the cell does not send, and its JSON body is
// re-read as a template.
func hurlBody(body string) string {
	if !strings.ContainsAny(body, "`\\#{}\n\r\t") && strings.TrimSpace(body) == body {
		printable := true
		for _, r := range body {
			if r < 0x20 || r == 0x7f {
				printable = false
			}
		}
		if printable {
			return "`" + body + "`"
		}
	}
	return "base64," + base64.StdEncoding.EncodeToString([]byte(body)) + ";"
}

// hurlValue escapes a URL or header value for Hurl, where # starts a
// comment, a backslash an escape and {{ a template. Hurl's value-string
// escapes are \#, \\ and \u{…}; it has no \{, so { is \u{7b}
// (docs/spec/grammar/hurl.grammar in Orange-OpenSource/hurl).
var hurlValue = strings.NewReplacer(`\`, `\\`, "#", `\#`, "{", `\u{7b}`).Replace

// withClient is the headers of req with those the cell's client adds on
// its own written out, where the cell has none of the name, in the order
// the relay sends them: Hurl sends its own User-Agent otherwise, and the
// cell's checks may be about the client's.
func withClient(req wireproto.Request, client string) []wireproto.Header {
	cl, _ := clients.Lookup(client)
	var hs []wireproto.Header
	for _, d := range cl.Headers {
		if !slices.ContainsFunc(req.Headers, func(h wireproto.Header) bool { return strings.EqualFold(h.Name, d.Name) }) {
			hs = append(hs, d)
		}
	}
	return append(hs, req.Headers...)
}
