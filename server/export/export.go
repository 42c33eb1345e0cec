// Package export writes a course's lessons as files that leave wirebook:
// a Hurl file an instructor runs against a wirebook, a Jupyter notebook
// (nbformat 4.5) of Python requests cells, and one self-contained HTML
// page. Each is made from the lessons and, when a student's page posts it,
// the work they saved in their browser (Work): their edited requests, and,
// in HTML and the notebook, their outputs and verdicts. The same lessons
// and the same work always export the same bytes: nothing is sent, and no
// date is written.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"

	"wirebook/server/lesson"
	"wirebook/server/syllabus"
	"wirebook/server/wireproto"
)

// DefaultBase is wirebook's own default address: where the relative
// targets of an export go unless told otherwise.
const DefaultBase = "http://127.0.0.1:2500"

// Formats are the formats Write knows, as -format names them.
var Formats = []string{"html", "ipynb", "hurl"}

// Write writes the course c in format to w, with the students' work on
// its lessons (nil for the lessons alone); base is the http(s) origin that
// relative targets are resolved against (see CheckBase). `wirebook export`
// and the page's export route both write through it.
func Write(ctx context.Context, w io.Writer, format string, c *syllabus.Course, base string, work Work) error {
	if err := CheckBase(base); err != nil {
		return err
	}
	switch format {
	case "hurl":
		return Hurl(w, c.Lessons, base, work)
	case "ipynb":
		return Notebook(w, c.Lessons, base, work)
	case "html":
		return HTML(ctx, w, c.Title, c.Lessons, base, work)
	}
	return fmt.Errorf("unknown format %q: want one of %s", format, strings.Join(Formats, ", "))
}

// CheckBase accepts an origin, http or https with a host and no path
// beyond "/": a relative target is a whole path, so a base path would be
// dropped (as the page's own Copy buttons drop it) and is refused instead.
func CheckBase(base string) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return fmt.Errorf("base %q: want an http:// or https:// origin, e.g. %s", base, DefaultBase)
	}
	return nil
}

// sent is the request an export runs for a cell: an exercise's solution
// (the lesson's own request may be unfinished), else the cell's request.
func sent(c *lesson.Cell) (wireproto.Request, string, error) {
	if !c.Exercise {
		return c.Request, c.Text, nil
	}
	req, err := wireproto.ParseRequest(c.Solution)
	if err != nil {
		return req, "", fmt.Errorf("cell %d: its solution: %w", c.N, err)
	}
	return req, c.Solution, nil
}

// isWebSocket reports whether a target opens a WebSocket (/ws/… on any
// host): the page opens those in the browser, and neither Hurl nor
// requests speaks the protocol.
func isWebSocket(target string) bool {
	if strings.HasPrefix(target, "/") {
		return strings.HasPrefix(target, "/ws/")
	}
	u, err := url.Parse(target)
	return err == nil && strings.HasPrefix(u.Path, "/ws/")
}

// errWrite keeps the first error of a run of writes, so the writers below
// read as the file they write.
type errWrite struct {
	w   io.Writer
	err error
}

func (e *errWrite) print(s ...string) {
	for _, p := range s {
		if e.err != nil {
			return
		}
		_, e.err = io.WriteString(e.w, p)
	}
}

var errNoLessons = errors.New("no lessons to export")

// proseLinks rewrites the course's own addresses in a lesson's prose,
// which the syllabus made relative to the server ("/lessons/echo", a file
// beside a lesson "/lessons/echo/diagram.png"): a link to a lesson in the
// same file goes to its anchor, #lesson-<slug>, when inFile; any other goes
// to the wirebook at base. goldmark writes every attribute in double
// quotes, so the prefix is enough to find them.
func proseLinks(html, base string, inFile map[string]bool) string {
	var b strings.Builder
	for {
		i := strings.Index(html, `="/lessons/`)
		if i < 0 {
			b.WriteString(html)
			return b.String()
		}
		b.WriteString(html[:i+2])
		html = html[i+2:]
		end := strings.IndexByte(html, '"')
		if end < 0 {
			end = len(html)
		}
		link := html[:end]
		slug, _, _ := strings.Cut(strings.TrimPrefix(link, "/lessons/"), "#")
		if inFile[slug] {
			b.WriteString("#lesson-" + slug)
		} else {
			b.WriteString(strings.TrimSuffix(base, "/") + link)
		}
		html = html[end:]
	}
}
