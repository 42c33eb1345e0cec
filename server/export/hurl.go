package export

import (
	"encoding/base64"
	"io"
	"strconv"
	"strings"

	"wirebook/server/lesson"
	"wirebook/server/syllabus"
	"wirebook/wasm/target"
)

// Hurl writes every cell of the lessons, in order, as one Hurl file
// (https://hurl.dev/docs/hurl-file.html): each entry the request with an
// absolute URL (relative targets on base), then the cell's expectations as
// the lesson wrote them — they are Hurl already (see package expect) — or
// "HTTP *" when it has none. An exercise sends its solution, checked by the
// exercise's expectations. A WebSocket cell is left out, with a comment
// saying so: Hurl speaks HTTP only.
func Hurl(w io.Writer, lessons []*syllabus.Lesson, base string) error {
	if len(lessons) == 0 {
		return errNoLessons
	}
	out := &errWrite{w: w}
	out.print("# Exported by wirebook from the lessons alone; run it with\n",
		"#   hurl --test FILE\n", "# against a wirebook at ", base, ".\n")
	for _, l := range lessons {
		out.print("\n# ", l.Source, ": ", l.Title, "\n")
		for _, c := range l.Cells {
			if err := hurlEntry(out, c, base); err != nil {
				return err
			}
		}
	}
	return out.err
}

func hurlEntry(out *errWrite, c *lesson.Cell, base string) error {
	req, _, err := sent(c)
	if err != nil {
		return err
	}
	where := "cell " + strconv.Itoa(c.N) + ", line " + strconv.Itoa(c.Line)
	if isWebSocket(req.Target) {
		out.print("\n# ", where, ": ", req.Method, " ", req.Target,
			" is left out: a WebSocket cell, which Hurl cannot send\n")
		return nil
	}
	u, err := target.URL(req, base)
	if err != nil {
		return err
	}
	if c.Exercise {
		where += ", an exercise: its solution"
	}
	out.print("\n# ", where, "\n", req.Method, " ", hurlValue(u), "\n")
	for _, h := range req.Headers {
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
