// Package check is `wirebook check`: it sends every request cell of a
// lesson, in order, through the relay that the page's wire transport uses,
// and reports each cell's expectations as passed or failed, with what came
// back beside what was wanted. Exercise cells are sent with the lesson's
// reference solution. Where the requests go is a Route: an in-process
// wirebook, the course's own ports on a student's host, or one base URL.
package check

import (
	"context"
	"strings"
	"time"

	"wirebook/server/lesson"
	"wirebook/server/lint"
	"wirebook/server/wireproto"
)

// Sender makes one exchange and emits its frames in order, as
// relay.Relay.Send does: Head, Chunk…, Check, End, or Error.
type Sender interface {
	Send(ctx context.Context, f wireproto.Frame, emit func(*wireproto.Frame) error)
}

// Suite is one lesson, checked.
type Suite struct {
	Name     string // the file, as errors name it
	Title    string
	Cells    []Cell
	Warnings []lint.Warning // about the lesson's source; not failures
}

// Cell is one request cell, sent and checked.
type Cell struct {
	N, Line  int
	Request  string // the request line as sent: "GET /hello"
	Exercise bool   // sent with the lesson's solution
	URL      string // where it went
	Status   string // "200 OK"; "" if no answer came
	Skipped  string // why it was not sent; then nothing counts
	Error    string // why it could not be sent, or the answer broke off
	Expected int    // how many checks the cell's expectations hold
	Checks   []wireproto.CheckResult
	Time     time.Duration // from sending to the end of the answer
}

// Counts is how many of the cell's checks passed and failed. A cell that
// could not be sent fails each of its checks, or once if it has none: the
// request the lesson shows did not work.
func (c Cell) Counts() (passed, failed int) {
	if c.Skipped != "" {
		return 0, 0
	}
	for _, r := range c.Checks {
		if r.Pass {
			passed++
		} else {
			failed++
		}
	}
	if c.Error != "" {
		failed = max(c.Expected-passed, 1)
	}
	return passed, failed
}

// Counts adds up the counts of every cell.
func (s Suite) Counts() (passed, failed int) {
	for _, c := range s.Cells {
		p, f := c.Counts()
		passed, failed = passed+p, failed+f
	}
	return passed, failed
}

// Checker sends cells through a Sender to where a Route says.
type Checker struct {
	send  Sender
	route Route
}

// New returns a Checker that sends through send to where route says.
func New(send Sender, route Route) *Checker { return &Checker{send: send, route: route} }

// Lesson sends every cell of l in order, each once the one before has
// ended, and returns what came of each; each, if not nil, is called with
// every cell as it ends, for a report that keeps up. name is how reports
// name the file. Once ctx ends, no further cell is sent.
func (c *Checker) Lesson(ctx context.Context, name string, l *lesson.Lesson, each func(Cell)) Suite {
	s := Suite{Name: name, Title: l.Title, Cells: make([]Cell, 0, len(l.Cells))}
	for _, lc := range l.Cells {
		if ctx.Err() != nil {
			break
		}
		cell := c.cell(ctx, lc)
		s.Cells = append(s.Cells, cell)
		if each != nil {
			each(cell)
		}
	}
	return s
}

func (c *Checker) cell(ctx context.Context, lc *lesson.Cell) Cell {
	out := Cell{N: lc.N, Line: lc.Line, Exercise: lc.Exercise, Expected: lc.Expect.Len()}
	req := lc.Request
	if lc.Exercise {
		if strings.TrimSpace(lc.Solution) == "" {
			out.Request = requestLine(req)
			out.Error = "an exercise without a solution: there is nothing to check it with"
			return out
		}
		var err error
		if req, err = wireproto.ParseRequest(lc.Solution); err != nil {
			out.Error = "the solution cannot be read: " + err.Error()
			return out
		}
	}
	out.Request = requestLine(req)
	url, skip, err := c.route(req.Target)
	switch {
	case err != nil:
		out.Error = err.Error()
		return out
	case skip != "":
		out.Skipped = skip
		return out
	}
	out.URL = url

	// The cell's client= option, as the page sends it: a check sees what a student sees.
	f := wireproto.Frame{Type: wireproto.FrameSend, ID: uint32(lc.N), Request: req, URL: url, Client: lc.Client}
	if out.Expected > 0 {
		f.Expect = lc.ExpectText
	}
	began := time.Now()
	c.send.Send(ctx, f, func(fr *wireproto.Frame) error {
		switch fr.Type {
		case wireproto.FrameHead:
			out.Status = strings.TrimSpace(itoa(fr.Status) + " " + fr.Reason)
		case wireproto.FrameCheck:
			out.Checks = fr.Checks
		case wireproto.FrameEnd:
			out.Time = time.Duration(fr.Total)
		case wireproto.FrameError:
			out.Error = fr.Message
		}
		return nil
	})
	if out.Time == 0 {
		out.Time = time.Since(began)
	}
	return out
}

// requestLine is what a report calls a cell: its method and target.
func requestLine(r wireproto.Request) string {
	if r.Method == "" {
		return "(no request)"
	}
	return r.Method + " " + r.Target
}
