// Package web holds everything wirebook embeds: the static assets of the
// lesson page, the sample folder the file server shows by default, and the
// default course. It is its own package because go:embed cannot reach a
// parent folder.
package web

import (
	"embed"
	"io/fs"
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
// -lesson is not given (see package syllabus for the layout).
func Lessons() fs.FS { return lessons }

// LessonsDir is the embedded course's folder in Lessons, and how errors in
// it name its files ("web/" + LessonsDir + "/01-….md" in the repository).
const LessonsDir = "lessons"

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; absence is a build bug
	}
	return sub
}
