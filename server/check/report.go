package check

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"

	"wirebook/server/lint"
)

func itoa(n int) string { return strconv.Itoa(n) }

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return itoa(n) + " " + noun + "s"
}

// Printer writes a run as a person reads it: per lesson a line naming it;
// then its lint warnings, "warning: file:line: msg (rule)"; per cell a line
// naming it and what came back, then each check as ✓ or ✗ (a failure with
// what came back and what was wanted); at the end one closing line "N
// passed, N failed", and ", N warnings" if there were any. Write errors are
// kept for Close.
type Printer struct {
	w                        *bufio.Writer
	passed, failed, warnings int
	lessons                  int
}

// NewPrinter returns a Printer writing to w.
func NewPrinter(w io.Writer) *Printer { return &Printer{w: bufio.NewWriter(w)} }

// Lesson starts a lesson's part of the report.
func (p *Printer) Lesson(name, title string) {
	if p.lessons > 0 {
		p.w.WriteString("\n")
	}
	p.lessons++
	p.w.WriteString(name + ": " + title + "\n")
	p.w.Flush()
}

// Warn reports one lint warning about the lesson just started.
func (p *Printer) Warn(w lint.Warning) {
	p.w.WriteString(warningLine(w))
	p.warnings++
	p.w.Flush()
}

// warningLine is how the report and JUnit's system-err show a warning.
func warningLine(w lint.Warning) string { return "warning: " + w.String() + " (" + w.Rule + ")\n" }

// Cell reports one cell and counts its checks.
func (p *Printer) Cell(c Cell) {
	printCell(p.w, c)
	ps, fs := c.Counts()
	p.passed, p.failed = p.passed+ps, p.failed+fs
	p.w.Flush()
}

// Close writes the closing line and returns the totals.
func (p *Printer) Close() (passed, failed int, err error) {
	p.w.WriteString("\n" + itoa(p.passed) + " passed, " + itoa(p.failed) + " failed")
	if p.warnings > 0 {
		p.w.WriteString(", " + plural(p.warnings, "warning"))
	}
	p.w.WriteString("\n")
	return p.passed, p.failed, p.w.Flush()
}

// Print writes suites through a Printer and returns the totals.
func Print(w io.Writer, suites []Suite) (passed, failed int, err error) {
	p := NewPrinter(w)
	for _, s := range suites {
		p.Lesson(s.Name, s.Title)
		for _, w := range s.Warnings {
			p.Warn(w)
		}
		for _, c := range s.Cells {
			p.Cell(c)
		}
	}
	return p.Close()
}

func printCell(w *bufio.Writer, c Cell) {
	w.WriteString("In [" + itoa(c.N) + "] " + c.Request)
	if c.Exercise {
		w.WriteString(" (exercise, the lesson's solution)")
	}
	switch {
	case c.Skipped != "":
		w.WriteString(" — skipped: " + c.Skipped)
		if c.Expected > 0 {
			w.WriteString(" (" + plural(c.Expected, "check") + " not run)")
		}
	case c.Status != "":
		w.WriteString(" → " + c.Status)
	}
	w.WriteString("\n")
	if c.Skipped != "" {
		return
	}
	for _, r := range c.Checks {
		if r.Pass {
			w.WriteString("  ✓ " + r.Text + "\n")
			continue
		}
		w.WriteString("  ✗ " + r.Text + "\n")
		w.WriteString("      got: " + r.Got + "  want: " + r.Want + "\n")
	}
	if c.Error != "" {
		w.WriteString("  ✗ " + notSent(c) + c.Error + "\n")
	}
}

// notSent prefixes an error by how far the exchange got.
func notSent(c Cell) string {
	if c.Status == "" {
		return "not sent: "
	}
	return "broke off: "
}

// JUnit XML, as CI systems read it: a testsuite per lesson, a testcase per
// cell, a failure element per failed check. Lint warnings are the suite's
// system-err, one per line as the report prints them: they are not
// failures, and CI systems show system-err beside the suite without
// counting it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
	Err      string      `xml:"system-err,omitempty"`
}

type junitCase struct {
	Name      string         `xml:"name,attr"`
	Classname string         `xml:"classname,attr"`
	Time      string         `xml:"time,attr"`
	Skipped   *junitSkipped  `xml:"skipped"`
	Failures  []junitFailure `xml:"failure"`
	SystemOut string         `xml:"system-out,omitempty"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes suites as JUnit XML.
func WriteJUnit(w io.Writer, suites []Suite) error {
	doc := junitSuites{}
	for _, s := range suites {
		js := junitSuite{Name: s.Name}
		for _, w := range s.Warnings {
			js.Err += warningLine(w)
		}
		var total float64
		for _, c := range s.Cells {
			jc := junitCase{Name: "In [" + itoa(c.N) + "] " + c.Request, Classname: s.Name, Time: seconds(c.Time.Seconds())}
			total += c.Time.Seconds()
			var out strings.Builder
			if c.Status != "" {
				out.WriteString(c.URL + " → " + c.Status + "\n")
			}
			for _, r := range c.Checks {
				if r.Pass {
					out.WriteString("✓ " + r.Text + "\n")
					continue
				}
				jc.Failures = append(jc.Failures, junitFailure{
					Message: r.Text, Type: "expectation",
					Text: "line " + itoa(r.Line) + ": " + r.Text + "\ngot:  " + r.Got + "\nwant: " + r.Want,
				})
			}
			if c.Error != "" {
				jc.Failures = append(jc.Failures, junitFailure{Message: c.Error, Type: "request", Text: notSent(c) + c.Error})
			}
			if c.Skipped != "" {
				jc.Skipped = &junitSkipped{Message: c.Skipped}
				js.Skipped++
			}
			jc.SystemOut = out.String()
			if len(jc.Failures) > 0 {
				js.Failures++
			}
			js.Tests++
			js.Cases = append(js.Cases, jc)
		}
		js.Time = seconds(total)
		doc.Tests += js.Tests
		doc.Failures += js.Failures
		doc.Suites = append(doc.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 3, 64) }
