package syllabus

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// lessonText is a minimal lesson: a title, a paragraph, a cell, and more.
func lessonText(title string, more ...string) string {
	return strings.Join(append([]string{"# " + title, "", "About " + title + ".", "", "```http", "GET /hello", "```"}, more...), "\n") + "\n"
}

// writeFiles writes name → content under a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func slugs(c *Course) []string {
	var s []string
	for _, l := range c.Lessons {
		s = append(s, l.Slug)
	}
	return s
}

func TestOrder(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"10-last.md":  lessonText("Last"),
		"2-second.md": lessonText("Second"),
		"01-first.md": lessonText("First"),
		"zeta.md":     lessonText("Zeta"),
		"alpha.md":    lessonText("Alpha"),
		"index.md":    "# The course\n\nWhat it is.\n\n## How to run it\n\nLike this.\n",
		"notes.txt":   "not a lesson",
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(slugs(c), " "), "first second last alpha zeta"; got != want {
		t.Errorf("order = %s, want %s (numbers first, 2 before 10, then by name; index.md is no lesson)", got, want)
	}
	if c.Title != "The course" || !strings.Contains(c.Intro, "What it is.") || strings.Contains(c.Intro, "<h1") || strings.Contains(c.Intro, "Like this") {
		t.Errorf("title %q, intro %q: want index.md's heading and what comes before its first section", c.Title, c.Intro)
	}
	if !strings.HasPrefix(c.Notes, "<h2>How to run it</h2>") || !strings.Contains(c.Notes, "Like this.") {
		t.Errorf("notes %q: want index.md from its first section on", c.Notes)
	}
}

func TestSourcesKeepTheirOrder(t *testing.T) {
	t.Parallel()
	a := writeFiles(t, map[string]string{"1-b.md": lessonText("B"), "2-c.md": lessonText("C")})
	b := writeFiles(t, map[string]string{"only.md": lessonText("A")})
	c, err := Load(filepath.Join(b, "only.md"), a)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(slugs(c), " "); got != "only b c" {
		t.Errorf("order = %s, want the file given first, then the folder", got)
	}
}

func TestSingleLessonCourse(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{"03-echo.md": lessonText("Echo")})
	c, err := Load(filepath.Join(dir, "03-echo.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Lessons) != 1 || c.Title != "Echo" || c.Lessons[0].Path() != "/lessons/echo" {
		t.Errorf("course = %q %v, want one lesson at /lessons/echo titled Echo", c.Title, slugs(c))
	}
	l := c.Lessons[0]
	if l.Description != "About Echo." || l.Title != "Echo" || len(l.Cells) != 1 {
		t.Errorf("lesson = %q %q %d cells", l.Title, l.Description, len(l.Cells))
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"01-files.md":        "files",
		"2-echo.md":          "echo",
		"3_Basic Auth.md":    "basic-auth",
		"intro.md":           "intro",
		"dir/10.twenty-1.md": "twenty-1",
		"07.md":              "07",
		"--.md":              "",
	} {
		if got := Slug(name); got != want {
			t.Errorf("Slug(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, row := range []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name:  "two files with one slug clash",
			files: map[string]string{"01-echo.md": lessonText("A"), "02-echo.md": lessonText("B")},
			want:  "02-echo.md:1: address /lessons/echo is also ",
		},
		{
			name:  "a link to a missing lesson names file and line",
			files: map[string]string{"01-a.md": lessonText("A", "", "Then [go on](02-missing.md).")},
			want:  "01-a.md:9: link to 02-missing.md, which is not a lesson of this course",
		},
		{
			name:  "a lesson that does not parse is refused as package lesson says",
			files: map[string]string{"01-a.md": "no title\n"},
			want:  "01-a.md:1: no title",
		},
		{
			name:  "a folder without lessons is refused",
			files: map[string]string{"index.md": "# Course\n"},
			want:  "no lessons",
		},
		{
			name:  "a file name without a letter or digit has no address",
			files: map[string]string{"--.md": lessonText("A")},
			want:  "--.md:1: no address",
		},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			_, err := Load(writeFiles(t, row.files))
			if err == nil || !strings.Contains(err.Error(), row.want) {
				t.Errorf("Load = %v, want an error containing %q", err, row.want)
			}
		})
	}
}

func TestLinksBetweenLessons(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, map[string]string{
		"01-files.md": lessonText("Files", "", "Next: [echo](02-echo.md#start), a [picture](images/a%20b.png), ![diagram](images/d.png), [site](https://example.com/x.md), [top](/hello), [section](#s)."),
		"02-echo.md":  lessonText("Echo", "", "Back to [files](./01-files.md)."),
		"index.md":    "# C\n\nStart with [files](01-files.md).\n",
	})
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	prose := func(l *Lesson) string {
		var b strings.Builder
		for _, bl := range l.Blocks {
			b.WriteString(bl.Prose)
		}
		return b.String()
	}
	first := prose(c.Lessons[0])
	for _, want := range []string{
		`href="/lessons/echo#start"`,
		`href="/lessons/files/images/a%20b.png"`,
		`src="/lessons/files/images/d.png"`,
		`href="https://example.com/x.md"`,
		`href="/hello"`,
		`href="#s"`,
	} {
		if !strings.Contains(first, want) {
			t.Errorf("lesson 1 prose lacks %s:\n%s", want, first)
		}
	}
	if second := prose(c.Lessons[1]); !strings.Contains(second, `href="/lessons/files"`) {
		t.Errorf("lesson 2 prose lacks its link back:\n%s", second)
	}
	if !strings.Contains(c.Intro, `href="/lessons/files"`) {
		t.Errorf("index.md's link not rewritten:\n%s", c.Intro)
	}
}

func TestDescriptionIsClippedPlainText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 100)
	src := "# T\n\nA **bold** `code` [link](https://x.example) " + long + "\n\n```http\nGET /\n```\n"
	c, err := LoadFS(fstest.MapFS{"c/1-t.md": {Data: []byte(src)}}, "c")
	if err != nil {
		t.Fatal(err)
	}
	d := c.Lessons[0].Description
	if !strings.HasPrefix(d, "A bold code link word") || !strings.HasSuffix(d, "…") || len([]rune(d)) > MaxDescription+1 {
		t.Errorf("description = %q", d)
	}
}

// TestFilesBesideLessons is the traversal table: only files inside the
// lesson's folder are served, never a Markdown source.
func TestFilesBesideLessons(t *testing.T) {
	t.Parallel()
	outside := writeFiles(t, map[string]string{"secret.txt": "secret"})
	dir := writeFiles(t, map[string]string{
		"course/01-a.md":          lessonText("A"),
		"course/images/d.png":     "png",
		"course/notes/private.md": "# solutions",
		"elsewhere.txt":           "outside the course folder",
	})
	course := filepath.Join(dir, "course")
	if err := os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(course, "link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("images/d.png", filepath.Join(course, "inside.png")); err != nil {
		t.Fatal(err)
	}
	c, err := Load(course)
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons[0]
	for _, row := range []struct {
		name, path string
		want       string // the content, "" for refused
	}{
		{"a file in a subfolder is served", "images/d.png", "png"},
		{"a symlink inside the folder is followed", "inside.png", "png"},
		{"dot-dot is refused", "../elsewhere.txt", ""},
		{"dot-dot inside a path is refused", "images/../../elsewhere.txt", ""},
		{"an encoded dot-dot is no file", "%2e%2e/elsewhere.txt", ""},
		{"an absolute path is refused", "/etc/passwd", ""},
		{"a backslash path is refused", `..\elsewhere.txt`, ""},
		{"a symlink out of the folder is refused", "link.txt", ""},
		{"the lesson's own source is refused", "01-a.md", ""},
		{"any markdown is refused", "notes/private.md", ""},
		{"upper-case .MD is refused", "01-a.MD", ""},
		{"a folder is not listed", "images", ""},
		{"the folder itself is not listed", ".", ""},
		{"a missing file is missing", "images/none.png", ""},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			f, err := l.Open(row.path)
			if row.want == "" {
				if err == nil {
					f.Close()
					t.Fatalf("Open(%q) served a file", row.path)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", row.path, err)
			}
			defer f.Close()
			b, _ := io.ReadAll(f)
			if string(b) != row.want {
				t.Errorf("Open(%q) = %q, want %q", row.path, b, row.want)
			}
		})
	}
}

func TestLoadFSServesItsFolderOnly(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"lessons/01-a.md":  {Data: []byte(lessonText("A"))},
		"lessons/pic.png":  {Data: []byte("png")},
		"other/secret.txt": {Data: []byte("secret")},
	}
	c, err := LoadFS(fsys, "lessons")
	if err != nil {
		t.Fatal(err)
	}
	l := c.Lessons[0]
	if f, err := l.Open("pic.png"); err != nil {
		t.Errorf("Open(pic.png): %v", err)
	} else {
		f.Close()
	}
	for _, p := range []string{"../other/secret.txt", "01-a.md"} {
		if _, err := l.Open(p); err == nil {
			t.Errorf("Open(%q) served a file", p)
		}
	}
	if _, err := l.Open("none.png"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(none.png) = %v, want not exist", err)
	}
}
