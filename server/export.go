package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"wirebook/server/export"
)

// exportConfig is the command line of `wirebook export`.
type exportConfig struct {
	format  string
	lessons []string // -lesson, each a file or folder; none means the embedded course
	out     string   // file to write; "" is stdout
	base    string
}

// runExport is `wirebook export -format html|ipynb|hurl [flags]`: the
// lessons written as one file, from the lessons alone. It writes the whole
// export to memory first, so a failure never leaves half a file at -o.
func runExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseExportFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return errUsage{err}
	}
	course, _, err := loadCourseWarning(cfg.lessons, stderr)
	if err != nil {
		return errUsage{err}
	}
	var b bytes.Buffer
	// The same export the lesson page's Download writes, without a
	// student's saved work: the lessons alone.
	if err := export.Write(ctx, &b, cfg.format, course, cfg.base, nil); err != nil {
		return errUsage{err} // the lessons loaded, so what is left is a solution or target export cannot place
	}
	if cfg.out == "" {
		_, err := stdout.Write(b.Bytes())
		return err
	}
	if err := os.WriteFile(cfg.out, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("-o: %w", err)
	}
	return nil
}

func parseExportFlags(args []string, stderr io.Writer) (exportConfig, error) {
	var cfg exportConfig
	fs := flag.NewFlagSet("wirebook export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { exportUsage(fs) }
	fs.StringVar(&cfg.format, "format", "", "what to write: `html`, ipynb or hurl (required)")
	fs.Var((*sources)(&cfg.lessons), "lesson", "Markdown lesson `file or folder` to export; give it again to add more, in order (default: the embedded course)")
	fs.StringVar(&cfg.out, "o", "", "write to `file` instead of standard output")
	fs.StringVar(&cfg.base, "base", export.DefaultBase, "the wirebook `URL` (an http or https origin) that hurl and ipynb send relative targets such as /hello to, and prose links to the course lead to")
	if err := fs.Parse(args); err != nil {
		return exportConfig{}, err
	}
	switch {
	case fs.NArg() > 0:
		return exportConfig{}, fmt.Errorf("unexpected argument %q: name lessons with -lesson", fs.Arg(0))
	case cfg.format == "":
		return exportConfig{}, errors.New("-format is required: html, ipynb or hurl")
	case !slices.Contains(export.Formats, cfg.format):
		return exportConfig{}, fmt.Errorf("-format %q: want %s", cfg.format, strings.Join(export.Formats, ", "))
	}
	if err := export.CheckBase(cfg.base); err != nil {
		return exportConfig{}, fmt.Errorf("-base: %w", err)
	}
	return cfg, nil
}

func exportUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `wirebook export writes the lessons as one file to take elsewhere: a Hurl file, a
Jupyter notebook or a self-contained HTML page.

Usage:
  wirebook export -format html|ipynb|hurl [-lesson FILE|FOLDER …] [-o FILE] [-base URL]

The export is made from the lesson alone (no outputs): its prose, requests and
expectations; nothing is sent. With no -lesson, every lesson of the embedded course, in order.
  hurl   every cell with its expectations ("HTTP *" when it has none), for hurl --test;
         an exercise sends its solution; WebSocket cells are left out with a comment.
  ipynb  nbformat 4.5: prose as Markdown cells (the lesson's rendered HTML), each request
         as a Python requests code cell (as "Copy as Python"), its checks as comments;
         an exercise is the student's starting request, not its solution.
  html   one page with inline style and no script: prose, each request and its checks;
         an exercise shows the starting request, not its solution.
In hurl and ipynb, relative targets (/hello) become absolute on -base; html shows each
request as the lesson wrote it. Prose links to the course go to -base, except that html
links the lessons it holds to each other.
A lesson page's Download writes the same files with the student's saved work in them:
their requests, and in html and ipynb their outputs and verdicts.
Exit status: 0 written, 1 the output could not be written, 2 a bad lesson or command line.

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Examples:
  # Check a wirebook on its default address with Hurl
  wirebook export -format hurl -o course.hurl && hurl --test course.hurl

  # One lesson as a notebook for a wirebook on another machine
  wirebook export -format ipynb -lesson lessons/03-app.md -base http://10.0.0.5:2500 -o app.ipynb
`)
}
