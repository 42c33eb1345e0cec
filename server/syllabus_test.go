package main

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// lessonFile is a lesson titled title, with one cell and the extra lines.
func lessonFile(title string, more ...string) string {
	return strings.Join(append([]string{"# " + title, "", "About " + title + ".", "", "```http", "GET /hello", "```", ""}, more...), "\n")
}

// TestCourseFromSeveralSources: -lesson is given once per source, a file or
// a folder, and the course is all of them in order; files beside a lesson
// are served under its address and nothing outside its folder is.
func TestCourseFromSeveralSources(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "intro.md"), lessonFile("Intro", "On to [the files](course/01-files.md)."))
	mustWrite(t, filepath.Join(dir, "secret.txt"), "not beside the course's lessons")
	mustWrite(t, filepath.Join(dir, "course", "index.md"), "# Two sources\n\nA course.\n")
	mustWrite(t, filepath.Join(dir, "course", "01-files.md"), lessonFile("Files", "![a diagram](images/d.svg) and [back](../intro.md)"))
	mustWrite(t, filepath.Join(dir, "course", "2-echo.md"), lessonFile("Echo"))
	mustWrite(t, filepath.Join(dir, "course", "images", "d.svg"), `<svg xmlns="http://www.w3.org/2000/svg"/>`)
	if err := os.Symlink(filepath.Join(dir, "secret.txt"), filepath.Join(dir, "course", "out.txt")); err != nil {
		t.Fatal(err)
	}
	in := start(t, "-lesson", filepath.Join(dir, "intro.md"), "-lesson", filepath.Join(dir, "course"))
	main := in.urls["main"]

	_, index := get(t, main+"/")
	for _, want := range []string{`href="/lessons/intro"`, `href="/lessons/files"`, `href="/lessons/echo"`, "Two sources"} {
		if !strings.Contains(index, want) {
			t.Errorf("the index lacks %s", want)
		}
	}
	if n := strings.Count(index, "data-lesson-link"); n != 3 {
		t.Errorf("the index has %d lesson links, want 3 (a second -lesson adds, never replaces)", n)
	}
	_, files := get(t, main+"/lessons/files")
	for _, want := range []string{
		`src="/lessons/files/images/d.svg"`,                // a file beside it
		`href="/lessons/intro">back`,                       // a link to another source's lesson
		`href="/lessons/intro" rel="prev" data-nav="prev"`, // the lesson before it
		`href="/lessons/echo" rel="next" data-nav="next"`,  // and after it
	} {
		if !strings.Contains(files, want) {
			t.Errorf("the files lesson lacks %s", want)
		}
	}

	for _, row := range []struct {
		name, path string
		status     int
	}{
		{"a file beside the lesson", "/lessons/files/images/d.svg", http.StatusOK},
		{"the lesson's own source", "/lessons/files/01-files.md", http.StatusNotFound},
		{"the course's index.md", "/lessons/files/index.md", http.StatusNotFound},
		{"dot-dot out of the folder", "/lessons/files/../secret.txt", http.StatusNotFound},
		{"an encoded dot-dot", "/lessons/files/%2e%2e/secret.txt", http.StatusNotFound},
		{"an encoded slash and dot-dot", "/lessons/files/images%2f..%2f..%2fsecret.txt", http.StatusNotFound},
		{"an absolute path", "/lessons/files//etc/passwd", http.StatusNotFound},
		{"a symlink out of the folder", "/lessons/files/out.txt", http.StatusNotFound},
		{"a folder", "/lessons/files/images", http.StatusNotFound},
		{"a lesson not in the course", "/lessons/nope/images/d.svg", http.StatusNotFound},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp, body := get(t, main+row.path)
			if resp.StatusCode != row.status {
				t.Errorf("GET %s = %d, want %d", row.path, resp.StatusCode, row.status)
			}
			if strings.Contains(body, "not beside") || strings.Contains(body, "root:") {
				t.Errorf("GET %s leaked a file from outside the lesson's folder", row.path)
			}
		})
	}
}

// TestCourseErrorsStopTheStart: a slug clash or a link to a missing lesson
// stops wirebook at start, naming the file (and line).
func TestCourseErrorsStopTheStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "a", "01-echo.md"), lessonFile("A", "See [b](02-missing.md)."))
	mustWrite(t, filepath.Join(dir, "b", "01-echo.md"), lessonFile("B"))
	mustWrite(t, filepath.Join(dir, "b", "02-echo.md"), lessonFile("C"))
	for _, row := range []struct {
		name, source, want string
	}{
		{"a link to a missing lesson", filepath.Join(dir, "a"), filepath.Join(dir, "a", "01-echo.md") + ":9: link to 02-missing.md"},
		{"two lessons with one slug", filepath.Join(dir, "b"), filepath.Join(dir, "b", "02-echo.md") + ":1: address /lessons/echo is also"},
		{"a source that does not exist", filepath.Join(dir, "none"), "-lesson: "},
	} {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			err := run(t.Context(), []string{"-addr", "127.0.0.1:0", "-lesson", row.source}, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), row.want) {
				t.Errorf("run = %v, want an error containing %q", err, row.want)
			}
		})
	}
}
