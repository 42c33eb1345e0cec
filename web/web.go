// Package web holds everything wirebook embeds: the static assets of the
// lesson page, the sample folder the file server shows by default, and the
// default course. It is its own package because go:embed cannot reach a
// parent folder.
package web

import (
	"embed"
	"io/fs"
	"strings"
)

//go:embed static
var static embed.FS

//go:embed sample
var sample embed.FS

//go:embed lessons
var lessons embed.FS

// Static is the page's assets (CSS, wasm_exec.js, app.wasm once built).
func Static() fs.FS { return mustSub(static, "static") }

// Sample is the folder the file server serves when -files is not given.
func Sample() fs.FS { return mustSub(sample, "sample") }

// Lessons holds the embedded course, in the folder LessonsDir: served when
// -lesson is not given (see package syllabus for the layout). Its files
// are at their paths in the repository, so an error in one names the file
// an author opens ("web/lessons/03-app.md:12: …").
func Lessons() fs.FS { return inRepo{lessons} }

// LessonsDir is the embedded course's folder in Lessons.
const LessonsDir = "web/lessons"

// inRepo puts this package's embedded files under "web/", where they are in
// the repository.
type inRepo struct{ fsys fs.FS }

func (r inRepo) Open(name string) (fs.File, error) {
	rest, ok := strings.CutPrefix(name, "web/")
	if !ok || !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return r.fsys.Open(rest)
}

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; absence is a build bug
	}
	return sub
}
