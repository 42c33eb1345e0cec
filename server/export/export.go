// Package export writes a course's lessons as files that leave wirebook:
// a Hurl file an instructor runs against a wirebook, a Jupyter notebook
// (nbformat 4.5) of Python requests cells, and one self-contained HTML
// page. Each is made from the lessons alone: the requests and their
// expectations, never a response, so the same lesson always exports the
// same bytes.
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

// Write writes the course c in format to w; base is the http(s) origin
// that relative targets are resolved against (see CheckBase).
func Write(ctx context.Context, w io.Writer, format string, c *syllabus.Course, base string) error {
	if err := CheckBase(base); err != nil {
		return err
	}
	switch format {
	case "hurl":
		return Hurl(w, c.Lessons, base)
	case "ipynb":
		return Notebook(w, c.Lessons, base)
	case "html":
		return HTML(ctx, w, c.Title, c.Lessons)
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
