// Command lecture is a class pressing Run all at once: it starts a
// wirebook (bin/wirebook, as go tool task build makes it), or several
// behind nginx, and has each of
// -students do what a browser does on each lesson page of the embedded
// course — the first visit (the page and every static file; later pages
// alone), then every cell over /ws/relay, in order, checked against the
// lesson's expectations. It prints one line per
// figure and exits 1 if any student was refused or got a wrong answer.
//
//	go run ./server/tools/lecture -students 1000 -ramp 5s
//	go run ./server/tools/lecture -instances 2   # two wirebooks behind nginx
//
// Loopback only; every wait is bounded by -limit.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"wirebook/server/internal/harness"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lecture:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("lecture", flag.ContinueOnError)
	bin := fs.String("bin", "bin/wirebook", "the wirebook `binary` to start")
	base := fs.String("base", "", "a running wirebook's `URL` to use instead of starting one")
	instances := fs.Int("instances", 1, "how many wirebooks to start; more than one are put behind nginx with the README's block")
	nginx := fs.String("nginx", "nginx", "the nginx `binary`, for -instances 2 or more")
	keep := fs.Bool("keep", false, "keep the servers' logs, and nginx's with each request's times, and say where")
	students := fs.Int("students", 1000, "how many students")
	ramp := fs.Duration("ramp", 5*time.Second, "students start spread over this `long`")
	seed := fs.Uint64("seed", 1, "the seed of the students' start order")
	slug := fs.String("lesson", "", "run only the embedded lesson with this `slug` (default: every lesson of the course, in order)")
	limit := fs.Duration("limit", 5*time.Minute, "the longest the lecture may take")
	if err := fs.Parse(args); err != nil {
		return err
	}
	lessons, err := harness.CourseLectures(*slug)
	if err != nil {
		return err
	}
	cfg := harness.LectureConfig{Students: *students, Ramp: *ramp, Seed: *seed, Lessons: lessons, Limit: *limit}
	var (
		r     harness.LectureResult
		usage *harness.Usage
	)
	if *base != "" {
		r = harness.Lecture(ctx, *base, cfg)
	} else {
		hall, err := harness.OpenHall(ctx, *bin, *nginx, *instances)
		if err != nil {
			return err
		}
		defer hall.Close()
		if hall.Keep = *keep; *keep {
			fmt.Fprintf(out, "logs: %s\n", hall.Dir())
		}
		var u harness.Usage
		r, u = hall.Lecture(ctx, cfg)
		usage = &u
	}
	fmt.Fprintf(out, "lecture: %s\n", r)
	var pages []string
	for _, l := range lessons {
		pages = append(pages, l.Page)
	}
	fmt.Fprintf(out, "students: %d of %d ran every cell of %s (%d cells each)\n", r.Students, *students, strings.Join(pages, ", "), r.Expected/max(1, *students))
	fmt.Fprintf(out, "cells answered: %d of %d\n", r.Completed, r.Expected)
	fmt.Fprintf(out, "refused: %d\nerrors: %d\n", r.Refused, r.Errors)
	fmt.Fprintf(out, "per cell: p50 %v, p99 %v, max %v (a stream cell to its head)\n", r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond), r.Max.Round(100*time.Microsecond))
	for _, c := range r.PerCell {
		fmt.Fprintf(out, "  %s cell %d %s: p50 %v, p99 %v, max %v\n", c.Page, c.N, c.Target, c.P50.Round(100*time.Microsecond), c.P99.Round(100*time.Microsecond), c.Max.Round(100*time.Microsecond))
	}
	fmt.Fprintf(out, "first visit: %s bytes\n", strconv.FormatInt(r.FirstVisitBytes, 10))
	if usage != nil {
		fmt.Fprintf(out, "servers: %d, %v\n", *instances, usage)
	}
	for _, s := range r.Samples {
		fmt.Fprintf(out, "  e.g. %s\n", s)
	}
	if r.Refused > 0 || r.Errors > 0 || r.Completed != r.Expected {
		return fmt.Errorf("%d refused, %d errors, %d of %d cells answered", r.Refused, r.Errors, r.Completed, r.Expected)
	}
	return nil
}
