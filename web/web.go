// Package web holds everything wirebook embeds: for now the sample folder
// the file server shows by default. It is its own package because go:embed cannot reach a
// parent folder.
package web

import (
	"embed"
	"io/fs"
)

//go:embed sample
var sample embed.FS

// Sample is the folder the file server serves when -files is not given.
func Sample() fs.FS { return mustSub(sample, "sample") }

func mustSub(f fs.FS, dir string) fs.FS {
	sub, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // the directory is embedded at build time; absence is a build bug
	}
	return sub
}
