package export

import (
	"context"
	"io"
	"strings"

	"wirebook/server/syllabus"
	"wirebook/templates"
)

// HTML writes the lessons as one self-contained page (templates.ExportPage):
// the prose as the lesson page shows it, each cell's request and
// expectations in <pre>, no outputs, style inline, no script. An exercise
// shows the student's starting request, never its solution.
//
// A link to a lesson in the file goes to it; other links to the course and
// to files beside a lesson go to the wirebook at base (images there stay
// out: the page's policy loads nothing but data: images).
func HTML(ctx context.Context, w io.Writer, title string, lessons []*syllabus.Lesson, base string) error {
	if len(lessons) == 0 {
		return errNoLessons
	}
	if len(lessons) == 1 {
		title = lessons[0].Title
	}
	inFile := map[string]bool{}
	for _, l := range lessons {
		inFile[l.Slug] = true
	}
	v := templates.ExportView{Title: title, CSS: css}
	for _, l := range lessons {
		el := templates.ExportLesson{Title: l.Title, Source: l.Source, ID: "lesson-" + l.Slug}
		for _, b := range l.Blocks {
			if b.Cell == nil {
				el.Blocks = append(el.Blocks, templates.ExportBlock{Prose: proseLinks(b.Prose, base, inFile)})
				continue
			}
			c := b.Cell
			id := c.ID // "cell-N", as on the lesson page, when the file is one lesson
			if len(lessons) > 1 {
				id = l.Slug + "-" + c.ID // every lesson numbers its cells from 1
			}
			el.Blocks = append(el.Blocks, templates.ExportBlock{Cell: &templates.ExportCell{
				N: c.N, ID: id, Text: c.Text, Expect: c.ExpectText, Checks: c.Expect.Len(), Exercise: c.Exercise,
			}})
		}
		v.Lessons = append(v.Lessons, el)
	}
	return templates.ExportPage(v).Render(ctx, w)
}

// css is the export's whole style: a small reading subset of the lesson
// page's app.css, whose rules are mostly for the client's controls. It is
// written inside <style> as it is, so it must never hold "</" (a test
// guards that).
var css = strings.TrimSpace(`
:root { color-scheme: light dark; --fg: #1d1d1f; --bg: #fff; --muted: #6e6e73; --code: #f5f5f7; --line: #d2d2d7; --accent: #0a5bd3; }
@media (prefers-color-scheme: dark) { :root { --fg: #f5f5f7; --bg: #1c1c1e; --muted: #a1a1a6; --code: #2c2c2e; --line: #3a3a3c; --accent: #6ea8fe; } }
body { margin: 0; background: var(--bg); color: var(--fg); font: 16px/1.55 system-ui, sans-serif; }
.notebook { max-width: 52rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
.lesson + .lesson { border-top: 2px solid var(--line); margin-top: 3rem; padding-top: 1rem; }
a { color: var(--accent); }
code, pre { font: 0.9rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.prose code { background: var(--code); padding: 0.1em 0.3em; border-radius: 4px; }
.prose pre { background: var(--code); padding: 0.75rem; overflow-x: auto; border-radius: 6px; }
.cell { display: flex; gap: 0.75rem; margin: 1rem 0; }
.prompt { flex: 0 0 4.5rem; color: var(--muted); font-family: ui-monospace, monospace; font-size: 0.85rem; padding-top: 0.6rem; text-align: right; }
.cell-main { flex: 1; min-width: 0; }
.request, .expect { margin: 0; padding: 0.6rem 0.75rem; overflow-x: auto; border: 1px solid var(--line); border-radius: 6px; background: var(--code); white-space: pre; }
.expect { border-top: none; border-radius: 0 0 6px 6px; color: var(--muted); }
.request:has(+ .expect) { border-radius: 6px 6px 0 0; }
.exercise-label { margin: 0 0 0.25rem; font-weight: 600; color: var(--accent); }
.page-foot { max-width: 52rem; margin: 0 auto; padding: 0 1rem 2rem; color: var(--muted); font-size: 0.85rem; }
`)
