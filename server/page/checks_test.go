package page

import (
	"testing"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/expect"
	"wirebook/server/lesson"
	"wirebook/server/syllabus"
)

// withExpectations gives cells of l the expectations and exercise mark the
// lesson parser fills in, so these tests rest on lesson.Cell's fields only,
// not on how the parser reads them from Markdown.
func withExpectations(t *testing.T, l *lesson.Lesson, exercise map[int]bool, texts map[int]string) {
	t.Helper()
	for n, text := range texts {
		spec, err := expect.Parse(text)
		if err != nil {
			t.Fatalf("expect.Parse(%q): %v", text, err)
		}
		c := l.Cells[n-1]
		c.Expect, c.ExpectText = spec, text
	}
	for n := range exercise {
		l.Cells[n-1].Exercise = true
	}
}

func checkedDocument(t *testing.T, opts ...Option) *goquery.Document {
	t.Helper()
	l := parseLesson(t, testLesson)
	withExpectations(t, l, map[int]bool{4: true}, map[int]string{
		1: "HTTP 200\n[Asserts]\nbody == \"Hello\"\nheader \"Content-Type\" contains \"text/plain\"",
		4: "HTTP 200\n[Asserts]\njsonpath \"$.name\" == \"David\"",
	})
	h, err := New(syllabus.Of("test.md", l), staticFS(true), append([]Option{WithLogger(quietLog())}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return document(t, h)
}

func TestExpectationsAreShownUnderTheirRequest(t *testing.T) {
	t.Parallel()
	doc := checkedDocument(t)
	rows := []struct {
		name   string
		cell   string
		expect string // "" for no [data-expectations]
		checks string
	}{
		{"a cell with expectations shows them verbatim", "#cell-1",
			"HTTP 200\n[Asserts]\nbody == \"Hello\"\nheader \"Content-Type\" contains \"text/plain\"", "3"},
		{"an exercise shows what solves it", "#cell-4", "HTTP 200\n[Asserts]\njsonpath \"$.name\" == \"David\"", "2"},
		{"a cell without expectations shows none", "#cell-2", "", ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			pre := doc.Find(row.cell + " [data-expectations]")
			if row.expect == "" {
				if pre.Length() != 0 {
					t.Fatalf("shows %d expectation blocks, want none", pre.Length())
				}
				return
			}
			if pre.Length() != 1 || goquery.NodeName(pre) != "pre" {
				t.Fatalf("want one <pre data-expectations>, got %d", pre.Length())
			}
			if got := pre.Text(); got != row.expect {
				t.Errorf("text = %q, want %q", got, row.expect)
			}
			if got, _ := pre.Attr("data-checks"); got != row.checks {
				t.Errorf("data-checks = %q, want %q", got, row.checks)
			}
			// Read-only: the student edits the request, not what checks it.
			if pre.Is("textarea, [contenteditable]") || pre.Find("textarea, input").Length() > 0 {
				t.Error("the expectations are editable")
			}
		})
	}
}

func TestExerciseCellsAreMarkedAndLabelled(t *testing.T) {
	t.Parallel()
	doc := checkedDocument(t)
	doc.Find("[data-cell]").Each(func(i int, c *goquery.Selection) {
		_, marked := c.Attr("data-exercise")
		label := c.Find("[data-exercise-label]")
		want := i == 3
		if marked != want {
			t.Errorf("cell %d: data-exercise = %v, want %v", i+1, marked, want)
		}
		if (label.Length() == 1) != want || (want && label.Text() != "Exercise") {
			t.Errorf("cell %d: %d Exercise labels %q, want one only on the exercise", i+1, label.Length(), label.Text())
		}
		if _, solved := c.Attr("data-solved"); solved {
			t.Errorf("cell %d is solved before anything ran", i+1)
		}
	})
}

func TestProgressCountsEveryCheckOfTheLesson(t *testing.T) {
	t.Parallel()
	t.Run("the header counts the checks of every cell, none passed yet", func(t *testing.T) {
		t.Parallel()
		p := checkedDocument(t).Find("[data-progress]")
		if p.Length() != 1 {
			t.Fatalf("found %d [data-progress], want 1", p.Length())
		}
		if got := p.Text(); got != "0 of 5 checks pass" {
			t.Errorf("progress = %q, want %q", got, "0 of 5 checks pass")
		}
		if got, _ := p.Attr("data-total"); got != "5" {
			t.Errorf("data-total = %q, want 5", got)
		}
		if p.Closest("header").Length() != 1 {
			t.Error("the progress is not in the lesson's header")
		}
	})
	t.Run("a lesson without checks shows no progress", func(t *testing.T) {
		t.Parallel()
		if n := document(t, newHandler(t, true)).Find("[data-progress], [data-expectations], [data-exercise]").Length(); n != 0 {
			t.Errorf("found %d progress, expectation or exercise elements in a lesson without checks", n)
		}
	})
}

func TestSendToSwitch(t *testing.T) {
	t.Parallel()
	options := func(s *goquery.Selection) (values, labels []string) {
		s.Find("option").Each(func(_ int, o *goquery.Selection) {
			v, _ := o.Attr("value")
			values, labels = append(values, v), append(labels, o.Text())
		})
		return values, labels
	}
	t.Run("without student hosts it offers wirebook only, disabled", func(t *testing.T) {
		t.Parallel()
		sw := checkedDocument(t).Find("header [data-target-choice]")
		if sw.Length() != 1 {
			t.Fatalf("found %d [data-target-choice] in the header, want 1", sw.Length())
		}
		if _, ok := sw.Attr("disabled"); !ok {
			t.Error("the switch is enabled with nothing to switch to")
		}
		values, labels := options(sw)
		if len(values) != 1 || values[0] != "" || labels[0] != "wirebook" {
			t.Errorf("options %q %q, want wirebook alone", values, labels)
		}
	})
	t.Run("each student host is a choice after wirebook, the default", func(t *testing.T) {
		t.Parallel()
		sw := checkedDocument(t, WithStudentHosts([]string{"10.0.0.7", "ana.local"})).Find("[data-target-choice]")
		if _, ok := sw.Attr("disabled"); ok {
			t.Error("the switch is disabled")
		}
		values, labels := options(sw)
		wantValues := []string{"", "10.0.0.7", "ana.local"}
		wantLabels := []string{"wirebook", "your servers on 10.0.0.7", "your servers on ana.local"}
		if len(values) != 3 {
			t.Fatalf("options %q %q, want %q %q", values, labels, wantValues, wantLabels)
		}
		for i := range values {
			if values[i] != wantValues[i] || labels[i] != wantLabels[i] {
				t.Errorf("option %d = %q %q, want %q %q", i, values[i], labels[i], wantValues[i], wantLabels[i])
			}
		}
		if v, _ := sw.Find("option[selected]").Attr("value"); v != "" {
			t.Errorf("selected = %q, want wirebook", v)
		}
		if got, _ := sw.Attr("data-ports"); got != "2502,2503,2504,2505" {
			t.Errorf("data-ports = %q, want the course's own", got)
		}
	})
	t.Run("the servers' ports follow -course-ports, the course's own where it says 0", func(t *testing.T) {
		t.Parallel()
		sw := checkedDocument(t, WithStudentHosts([]string{"10.0.0.7"}), WithStudentPorts(3502, 0, 3504, 3505)).Find("[data-target-choice]")
		if got, _ := sw.Attr("data-ports"); got != "3502,2503,3504,3505" {
			t.Errorf("data-ports = %q", got)
		}
	})
}
