package export

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"wirebook/server/lesson"
	"wirebook/server/syllabus"
	"wirebook/server/wireproto"
)

// Work is what students saved of a course's lessons, by lesson slug: the
// state each lesson page keeps in the browser (see Saved). A lesson with
// no entry, and a nil Work, export the lesson alone, without outputs.
type Work map[string]*Saved

// ErrSavedVersion is a saved state whose v this wirebook cannot read.
var ErrSavedVersion = errors.New("saved work of an unknown version")

// ParseSaved reads a lesson's saved work as the page posts it. Empty text
// is no saved work at all (nil, nil): the page's export form works without
// the client, which is then not there to fill it. A state whose v is not
// SavedVersion is refused with ErrSavedVersion rather than read with the
// wrong meaning.
func ParseSaved(text string) (*Saved, error) {
	if strings.TrimSpace(text) == "" {
		return nil, nil
	}
	var s Saved
	if err := json.Unmarshal([]byte(text), &s); err != nil {
		return nil, fmt.Errorf("the saved work is not the JSON the page writes: %w", err)
	}
	if s.V != SavedVersion {
		return nil, fmt.Errorf("%w: v is %d, and this wirebook reads v %d", ErrSavedVersion, s.V, SavedVersion)
	}
	return &s, nil
}

// cellWork is one cell of a lesson as an export writes it: the lesson's
// cell and, when the student saved any, their work on it.
type cellWork struct {
	*lesson.Cell
	// Edited is true when the student's text differs from the lesson's:
	// their text is exported in place of the lesson's, because it is their
	// work. Text and Req are then theirs, and ParseErr says why Req is
	// zero when their text does not parse as a request.
	Edited   bool
	Text     string
	Req      wireproto.Request
	ParseErr error
	// Saved is the cell's saved record; nil when nothing was saved.
	Saved *SavedCell
}

// worked matches the saved records to l's cells by position, as the page
// saves them (one record per cell, in page order); records past the last
// cell are ignored, and a lesson without saved work is every cell as the
// lesson wrote it.
func worked(l *syllabus.Lesson, s *Saved) []cellWork {
	out := make([]cellWork, len(l.Cells))
	for i, c := range l.Cells {
		cw := cellWork{Cell: c, Text: c.Text, Req: c.Request}
		if s != nil && i < len(s.Cells) && s.Cells[i] != nil {
			cw.Saved = s.Cells[i]
			if t := cw.Saved.Text; t != c.Text {
				cw.Edited, cw.Text = true, t
				cw.Req, cw.ParseErr = wireproto.ParseRequest(t)
			}
		}
		out[i] = cw
	}
	return out
}

// count is the cell's In [n], 0 when it never ran.
func (cw cellWork) count() int {
	if cw.Saved == nil || cw.Saved.N < 0 {
		return 0
	}
	return cw.Saved.N
}

// outputs is the cell's last run, none without saved work.
func (cw cellWork) outputs() []SavedOutput {
	if cw.Saved == nil {
		return nil
	}
	return cw.Saved.Outputs
}

// header is the first value of the header name in o, "" without one.
func (o SavedOutput) header(name string) string {
	for _, h := range o.Headers {
		if wireproto.EqualFold(h[0], name) {
			return h[1]
		}
	}
	return ""
}

// hasWork reports whether any lesson of lessons has saved work in work.
func hasWork(lessons []*syllabus.Lesson, work Work) bool {
	for _, l := range lessons {
		if work[l.Slug] != nil {
			return true
		}
	}
	return false
}
