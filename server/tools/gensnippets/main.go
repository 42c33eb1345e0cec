// Command gensnippets writes web/snippets_gen.go and web/static/highlight.css
// from the //wirebook:snippet markers of the course's handlers. Run it from
// anywhere inside the module (the generate task does):
//
//	go run ./server/tools/gensnippets
//
// A file whose content is unchanged is not rewritten, so its time stamp
// keeps telling the task runner that nothing needs rebuilding.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"wirebook/server/snippets"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gensnippets:", err)
		os.Exit(1)
	}
}

func run() error {
	root, err := snippets.ModuleRoot(".")
	if err != nil {
		return err
	}
	outs, err := snippets.Generate(root)
	if err != nil {
		return err
	}
	for _, o := range outs {
		name := filepath.Join(root, filepath.FromSlash(o.Path))
		if old, err := os.ReadFile(name); err == nil && bytes.Equal(old, o.Data) {
			continue
		}
		if err := os.WriteFile(name, o.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
