package page

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/syllabus"
)

// threeLessons is a course of three lessons with an index and a file
// beside them.
func threeLessons(t *testing.T, titles ...string) *syllabus.Course {
	t.Helper()
	fsys := fstest.MapFS{
		"c/index.md":     {Data: []byte("# A small course\n\nWhat it is.\n")},
		"c/images/d.png": {Data: []byte("png")},
	}
	for i, title := range titles {
		name := "c/" + string(rune('1'+i)) + "-" + strings.ToLower(title) + ".md"
		fsys[name] = &fstest.MapFile{Data: []byte("# " + title + "\n\nAbout " + title + ".\n\n```http\nGET /hello\n```\n")}
	}
	c, err := syllabus.LoadFS(fsys, "c")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func newCourseHandler(t *testing.T, c *syllabus.Course) *Handler {
	t.Helper()
	h, err := New(c, staticFS(true), WithLogger(quietLog()))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func parse(t *testing.T, resp *http.Response) *goquery.Document {
	t.Helper()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestIndexListsEveryLesson(t *testing.T) {
	t.Parallel()
	h := newCourseHandler(t, threeLessons(t, "Files", "Echo", "App"))
	doc := parse(t, get(t, h.Index(), "/"))
	if doc.Find("[data-course]").Length() != 1 {
		t.Fatal("no single [data-course]")
	}
	links := doc.Find("[data-course] [data-lesson-link]")
	if links.Length() != 3 {
		t.Fatalf("%d [data-lesson-link], want 3", links.Length())
	}
	for i, want := range []string{"/lessons/files", "/lessons/echo", "/lessons/app"} {
		if href, _ := links.Eq(i).Attr("href"); href != want {
			t.Errorf("link %d = %s, want %s", i, href, want)
		}
	}
	entry := doc.Find("[data-course] li").First()
	if !strings.Contains(entry.Text(), "Files") || !strings.Contains(entry.Text(), "About Files.") {
		t.Errorf("entry = %q, want the title and description", entry.Text())
	}
	if p := entry.Find("[data-lesson-progress]").Text(); p != "not started" {
		t.Errorf("progress = %q, want not started", p)
	}
	if doc.Find("h1").Text() != "A small course" || !strings.Contains(doc.Find(".course-intro").Text(), "What it is.") {
		t.Error("the index lacks index.md's title and text")
	}
	// The index runs the client, as a lesson page does, so that it can
	// show each lesson's progress from the student's saved work.
	var srcs []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		src, _ := s.Attr("src")
		srcs = append(srcs, src)
	})
	if want := []string{hashedURL("wasm_exec.js"), hashedURL("boot.js")}; strings.Join(srcs, " ") != strings.Join(want, " ") {
		t.Errorf("the index's scripts = %q, want exactly the client's %q", srcs, want)
	}
	if wasm, _ := doc.Find(`script[src="` + hashedURL("boot.js") + `"]`).Attr("data-wasm"); wasm != hashedURL("app.wasm") {
		t.Errorf("boot.js data-wasm = %q, want %q", wasm, hashedURL("app.wasm"))
	}
	if href, _ := doc.Find(`link[rel="preload"][as="fetch"]`).Attr("href"); href != hashedURL("app.wasm") {
		t.Errorf("preload href = %q, want the client", href)
	}
}

func TestIndexWithoutTheClientLoadsNoScript(t *testing.T) {
	t.Parallel()
	h, err := New(threeLessons(t, "Files", "Echo", "App"), staticFS(false), WithLogger(quietLog()))
	if err != nil {
		t.Fatal(err)
	}
	doc := parse(t, get(t, h.Index(), "/"))
	if n := doc.Find("script, link[rel=preload]").Length(); n != 0 {
		t.Errorf("%d scripts or preloads on the index without a client built, want none", n)
	}
}

func TestLessonNavAtTheEnds(t *testing.T) {
	t.Parallel()
	h := newCourseHandler(t, threeLessons(t, "Files", "Echo", "App"))
	for _, row := range []struct {
		name, path, prev, next string // "" for absent
	}{
		{"the first lesson has no prev", "/lessons/files", "", "/lessons/echo"},
		{"a middle lesson has both", "/lessons/echo", "/lessons/files", "/lessons/app"},
		{"the last lesson has no next", "/lessons/app", "/lessons/echo", ""},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			doc := parse(t, get(t, h.Lessons(), row.path))
			for nav, want := range map[string]string{"prev": row.prev, "next": row.next, "index": "/"} {
				sel := doc.Find(`[data-nav="` + nav + `"]`)
				href, _ := sel.Attr("href")
				if want == "" && sel.Length() != 0 || want != "" && (sel.Length() != 1 || href != want) {
					t.Errorf(`[data-nav="%s"]: %d links to %q, want %q`, nav, sel.Length(), href, want)
				}
			}
			if doc.Find("[data-cell]").Length() != 1 {
				t.Error("the lesson page lacks its cell")
			}
		})
	}
}

func TestLessonsRoute(t *testing.T) {
	t.Parallel()
	h := newCourseHandler(t, threeLessons(t, "Files", "Echo"))
	for _, row := range []struct {
		name, path string
		status     int
		body       string
	}{
		{"a file beside the lessons", "/lessons/files/images/d.png", http.StatusOK, "png"},
		{"an unknown lesson is a 404", "/lessons/nope", http.StatusNotFound, ""},
		{"a lesson's source is a 404", "/lessons/files/1-files.md", http.StatusNotFound, ""},
		{"dot-dot is a 404", "/lessons/files/../c/index.md", http.StatusNotFound, ""},
		{"a folder is a 404", "/lessons/files/images", http.StatusNotFound, ""},
		{"a trailing slash redirects to the lesson", "/lessons/files/", http.StatusMovedPermanently, ""},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp := get(t, h.Lessons(), row.path)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != row.status || row.body != "" && string(body) != row.body {
				t.Errorf("GET %s = %d %q, want %d %q", row.path, resp.StatusCode, body, row.status, row.body)
			}
		})
	}
}

func TestReplaceSwapsEveryPage(t *testing.T) {
	t.Parallel()
	h := newCourseHandler(t, threeLessons(t, "Files", "Echo"))
	before := get(t, h.Index(), "/").Header.Get("ETag")
	if err := h.Replace(threeLessons(t, "Files", "Echo", "App")); err != nil {
		t.Fatal(err)
	}
	resp := get(t, h.Index(), "/")
	if resp.Header.Get("ETag") == before {
		t.Error("the index kept its ETag after Replace")
	}
	if n := parse(t, resp).Find("[data-lesson-link]").Length(); n != 3 {
		t.Errorf("%d lessons after Replace, want 3", n)
	}
	if got := get(t, h.Lessons(), "/lessons/app").StatusCode; got != http.StatusOK {
		t.Errorf("the new lesson = %d", got)
	}
	if err := h.Replace(nil); err == nil {
		t.Error("Replace(nil) succeeded")
	}
	if len(h.Course().Lessons) != 3 {
		t.Error("a failed Replace changed the course")
	}
}

// TestReplaceWhileServing: a watcher replaces the course while students
// load pages; each request gets one whole course's page (run with -race).
func TestReplaceWhileServing(t *testing.T) {
	t.Parallel()
	two, three := threeLessons(t, "Files", "Echo"), threeLessons(t, "Files", "Echo", "App")
	h := newCourseHandler(t, two)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range 6 {
			if err := h.Replace([]*syllabus.Course{two, three}[i%2]); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
		}
		doc := parse(t, get(t, h.Index(), "/"))
		if n := doc.Find("[data-lesson-link]").Length(); n != 2 && n != 3 {
			t.Fatalf("%d lessons on the index, want 2 or 3", n)
		}
		if resp := get(t, h.Lessons(), "/lessons/echo"); resp.StatusCode != http.StatusOK {
			t.Fatalf("GET /lessons/echo = %d", resp.StatusCode)
		}
	}
}

// The lesson's Download form works without the client: a plain POST form
// to the lesson's export route, its three format buttons never disabled,
// its state field empty for the client to fill.
func TestLessonDownloadFormPostsToItsExport(t *testing.T) {
	t.Parallel()
	h := newCourseHandler(t, threeLessons(t, "Files", "Echo", "App"))
	doc := parse(t, get(t, h.Lessons(), "/lessons/echo"))
	form := doc.Find(".page-actions form[data-export-form]")
	if form.Length() != 1 {
		t.Fatalf("%d [data-export-form] in the header's page actions, want 1", form.Length())
	}
	for attr, want := range map[string]string{"method": "post", "action": "/export/echo", "enctype": "multipart/form-data"} {
		if got, _ := form.Attr(attr); got != want {
			t.Errorf("form %s = %q, want %q", attr, got, want)
		}
	}
	state := form.Find(`input[type="hidden"][name="state"]`)
	if v, ok := state.Attr("value"); state.Length() != 1 || !ok || v != "" {
		t.Errorf("state input: %d, value %q; want one, empty", state.Length(), v)
	}
	for _, f := range []string{"html", "ipynb", "hurl"} {
		b := form.Find(`button[type="submit"][name="format"][data-export="` + f + `"]`)
		if b.Length() != 1 {
			t.Errorf("%d buttons [data-export=%q], want 1", b.Length(), f)
			continue
		}
		if v, _ := b.Attr("value"); v != f {
			t.Errorf("[data-export=%q] sends format %q", f, v)
		}
		if _, off := b.Attr("disabled"); off {
			t.Errorf("[data-export=%q] is disabled; it must work without the client", f)
		}
	}
}
