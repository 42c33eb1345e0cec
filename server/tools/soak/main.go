// Command soak runs the long checks of wirebook that `task test` has no
// time for, each bounded in time and on loopback only, and prints one line
// of counts per step:
//
//	fuzz     every fuzz target of the module, one after another, for -fuzz each
//	load     -conns keep-alive connections across the endpoints for -load; 0 errors
//	viewers  -viewers /stream and /ws/stream viewers at once, -vanish of them leaving mid-stream
//	faults   relays to an upstream that stalls, resets and truncates a chunked body
//	sigint   Ctrl-C during load, viewers and relays: exit ≤ 2 s, status 0, a clean log
//	nginx    two wirebooks behind Debian's nginx: page, relay, streams, X-Forwarded-For, failover
//	lecture  -students simulated students run every cell of the course behind that nginx; none refused or wrong
//
// It runs bin/wirebook (built by `task build`) as a child process, the way a
// teacher runs it, and starts nginx the same way. `go tool task soak` runs
// it; `go tool task soak -- -fuzz 10s -load 10s` makes it short.
package main

import (
	"wirebook/server/internal/harness"

	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"slices"
	"strings"
	"syscall"
	"time"
)

type config struct {
	bin, nginx, root string
	steps            []string
	fuzz, load       time.Duration
	conns, viewers   int
	vanish           float64
	streamDelay      time.Duration
	faultRounds      int
	stall            time.Duration
	keep             bool
	students         int
}

var allSteps = []string{"fuzz", "load", "viewers", "faults", "sigint", "nginx", "lecture"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string, out io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(out)
	fs.StringVar(&cfg.bin, "bin", "bin/wirebook", "the wirebook `binary` to run")
	fs.StringVar(&cfg.nginx, "nginx", "nginx", "the nginx `binary`")
	fs.StringVar(&cfg.root, "root", ".", "the module's root `folder` (where fuzz targets are looked for)")
	steps := fs.String("steps", strings.Join(allSteps, ","), "comma-separated `steps` to run")
	fs.DurationVar(&cfg.fuzz, "fuzz", 60*time.Second, "how long to fuzz each target")
	fs.DurationVar(&cfg.load, "load", 60*time.Second, "how long the load runs")
	fs.IntVar(&cfg.conns, "conns", 256, "concurrent connections of the load")
	fs.IntVar(&cfg.viewers, "viewers", 2000, "concurrent stream viewers")
	fs.IntVar(&cfg.students, "students", 1000, "simulated students in the lecture step")
	fs.Float64Var(&cfg.vanish, "vanish", 0.3, "share of viewers that leave mid-stream")
	fs.DurationVar(&cfg.streamDelay, "stream-max-delay", time.Second, "the child's -stream-max-delay: long enough that every viewer is watching at once")
	fs.IntVar(&cfg.faultRounds, "fault-rounds", 20, "how many times each relay fault runs, all at once")
	fs.DurationVar(&cfg.stall, "stall", time.Second, "how long a stalled relay is watched before the client cancels it")
	fs.BoolVar(&cfg.keep, "keep", false, "keep the logs' folder even when every step passes")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for s := range strings.SplitSeq(*steps, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		if !slices.Contains(allSteps, s) {
			return config{}, fmt.Errorf("-steps: unknown step %q (have %s)", s, strings.Join(allSteps, ", "))
		}
		cfg.steps = append(cfg.steps, s)
	}
	switch {
	case cfg.conns < 1, cfg.viewers < 2, cfg.faultRounds < 1:
		return config{}, errors.New("-conns, -viewers and -fault-rounds must be positive (-viewers at least 2)")
	case cfg.vanish < 0 || cfg.vanish > 1:
		return config{}, errors.New("-vanish is a share, from 0 to 1")
	}
	return cfg, nil
}

// streamCount is the children's -stream-count; viewers check they got
// exactly this many greetings.
const streamCount = 10

func run(ctx context.Context, args []string, out io.Writer) error {
	cfg, err := parseFlags(args, out)
	if err != nil {
		return err
	}
	want := func(step string) bool { return slices.Contains(cfg.steps, step) }
	if want("load") || want("viewers") || want("faults") || want("sigint") || want("nginx") || want("lecture") {
		if _, err := os.Stat(cfg.bin); err != nil {
			return fmt.Errorf("%v (run `go tool task build` first)", err)
		}
	}
	if want("nginx") || want("lecture") {
		if _, err := exec.LookPath(cfg.nginx); err != nil {
			return fmt.Errorf("%v (`go tool task nginx` installs Debian's)", err)
		}
	}
	dir, err := os.MkdirTemp("", "wirebook-soak-")
	if err != nil {
		return err
	}
	began := time.Now()
	s := &soak{cfg: cfg, dir: dir, out: out}
	for _, step := range cfg.steps {
		if ctx.Err() != nil {
			break
		}
		switch step {
		case "fuzz":
			s.fuzz(ctx)
		case "load":
			s.withChild(ctx, s.load)
		case "viewers":
			s.withChild(ctx, s.viewers)
		case "faults":
			s.withChild(ctx, s.faults)
		case "sigint":
			s.sigint(ctx)
		case "nginx":
			s.nginxStep(ctx)
		case "lecture":
			s.lecture(ctx)
		}
	}
	if ctx.Err() != nil {
		s.failures++
		fmt.Fprintln(out, "interrupted")
	}
	took := time.Since(began).Round(time.Second)
	if s.failures > 0 {
		return fmt.Errorf("%d checks FAILED in %v; logs in %s", s.failures, took, dir)
	}
	if cfg.keep {
		fmt.Fprintf(out, "PASS in %v; logs in %s\n", took, dir)
	} else {
		os.RemoveAll(dir)
		fmt.Fprintf(out, "PASS in %v\n", took)
	}
	return nil
}

// soak is one run: its settings, its logs' folder, what failed.
type soak struct {
	cfg      config
	dir      string
	out      io.Writer
	failures int
	n        int // children started, to name their logs
	up       *faultServer
}

// report prints one step's line: ok, or FAILED with why.
func (s *soak) report(step, line string, err error) {
	if err != nil {
		s.failures++
		fmt.Fprintf(s.out, "%-8s FAILED %s: %v\n", step, line, err)
		return
	}
	fmt.Fprintf(s.out, "%-8s ok %s\n", step, line)
}

// lecture has a class run every cell of the embedded course on two
// wirebooks behind nginx: every cell answered, none refused, none wrong.
// Its times are the bench's to judge (row 10); here it is the counts.
func (s *soak) lecture(ctx context.Context) {
	lessons, err := harness.CourseLectures("")
	if err != nil {
		s.report("lecture", "the course", err)
		return
	}
	hall, err := harness.OpenHall(ctx, s.cfg.bin, s.cfg.nginx, 2)
	if err != nil {
		s.report("lecture", "two wirebooks behind nginx", err)
		return
	}
	defer hall.Close()
	r, u := hall.Lecture(ctx, harness.LectureConfig{Students: s.cfg.students, Ramp: 5 * time.Second, Seed: 1, Lessons: lessons, Limit: 4 * time.Minute})
	if r.Refused > 0 || r.Errors > 0 || r.Completed != r.Expected {
		err = fmt.Errorf("%d refused, %d errors: %q", r.Refused, r.Errors, r.Samples)
	}
	s.report("lecture", fmt.Sprintf("%v; %v", r, u), err)
}

func (s *soak) fuzz(ctx context.Context) {
	if s.cfg.fuzz <= 0 {
		fmt.Fprintf(s.out, "%-8s skipped (-fuzz 0)\n", "fuzz")
		return
	}
	targets, err := findFuzzTargets(s.cfg.root)
	if err == nil && len(targets) == 0 {
		err = errors.New("no fuzz targets under " + s.cfg.root)
	}
	if err != nil {
		s.report("fuzz", "finding targets", err)
		return
	}
	for _, t := range targets {
		if ctx.Err() != nil {
			return
		}
		r, err := runFuzz(ctx, s.cfg.root, t, s.cfg.fuzz)
		s.report("fuzz", fmt.Sprintf("%s %s: %d inputs in %v, corpus %d", t.pkg, t.name, r.execs, s.cfg.fuzz, r.corpus), err)
	}
}

// childArgs are the flags of the child the load, viewers, faults and
// sigint steps share: the course's ports too, so their listeners are
// stopped by the same Ctrl-C, and the fault upstream as a relay target.
func (s *soak) childArgs() []string {
	return []string{"-course-ports=0,0,0,0",
		"-stream-count", fmt.Sprint(streamCount), "-stream-max-delay", s.cfg.streamDelay.String(),
		"-relay-allow", s.up.addr()}
}

// startChild starts a fresh wirebook with the fault upstream as a relay
// target, starting that upstream first if no step has; stop ends both.
func (s *soak) startChild(ctx context.Context) (c *harness.Child, stop func(), err error) {
	closeUp := func() {}
	if s.up == nil {
		up, err := newFaultServer()
		if err != nil {
			return nil, nil, fmt.Errorf("fault upstream: %w", err)
		}
		s.up = up
		closeUp = func() { up.close(); s.up = nil }
	}
	s.n++
	c, err = harness.Start(ctx, s.cfg.bin, s.dir, fmt.Sprintf("wirebook-%d", s.n), s.childArgs()...)
	if err != nil {
		closeUp()
		return nil, nil, fmt.Errorf("start wirebook: %w", err)
	}
	return c, func() { c.Kill(); closeUp() }, nil
}

// withChild runs step against a fresh wirebook, then stops that wirebook
// as Ctrl-C does and checks it went cleanly: every step ends with a
// shutdown under whatever the step left behind.
func (s *soak) withChild(ctx context.Context, step func(context.Context, *harness.Child) (string, string, error)) {
	c, stop, err := s.startChild(ctx)
	if err != nil {
		s.report("setup", "a wirebook", err)
		return
	}
	defer stop()
	name, line, err := step(ctx, c)
	s.report(name, line, err)
	took, err := c.Interrupt(5 * time.Second)
	if err == nil {
		err = c.CleanExit()
	}
	if err == nil && took > 2*time.Second {
		err = fmt.Errorf("took %v, want ≤ 2s", took)
	}
	s.report("stop", fmt.Sprintf("after %s: exited in %v", name, took.Round(time.Millisecond)), err)
}

func (s *soak) load(ctx context.Context, c *harness.Child) (string, string, error) {
	if err := harness.Preflight(ctx, c.URL, harness.Cheap(harness.Endpoints)); err != nil {
		return "load", "preflight", err
	}
	r := harness.NewLoader(c.URL, s.cfg.conns, harness.Cheap(harness.Endpoints)).Run(ctx, s.cfg.load)
	var err error
	if r.Errors > 0 {
		err = fmt.Errorf("%d errors, e.g. %s", r.Errors, strings.Join(r.Samples, "; "))
	} else if r.Requests == 0 {
		err = errors.New("no request was answered")
	}
	return "load", r.String(), err
}

func (s *soak) viewers(ctx context.Context, c *harness.Child) (string, string, error) {
	before := c.Served("/stream", "/ws/stream")
	r := harness.RunViewers(ctx, c.URL, s.cfg.viewers, streamCount, s.cfg.vanish)
	// Every handler must have ended, the vanished viewers' too: the
	// server logs a request when its handler returns.
	waited := time.Now()
	ended := harness.WaitFor(ctx, 10*time.Second, func() bool { return c.Served("/stream", "/ws/stream")-before == s.cfg.viewers })
	line := fmt.Sprintf("%v; the server ended all %d handlers %v after the last viewer", r, s.cfg.viewers, time.Since(waited).Round(time.Millisecond))
	var err error
	switch {
	case r.Errors > 0:
		err = fmt.Errorf("%d viewers cut short, e.g. %s", r.Errors, strings.Join(r.Samples, "; "))
	case !ended:
		err = fmt.Errorf("the server logged %d of %d stream requests as ended", c.Served("/stream", "/ws/stream")-before, s.cfg.viewers)
	case r.Completed+r.Vanished != r.Viewers:
		err = fmt.Errorf("%d completed + %d vanished ≠ %d viewers", r.Completed, r.Vanished, r.Viewers)
	}
	return "viewers", line, err
}

// faults relays the faults while the load runs, so they go through a
// server that is busy, as in a lecture.
func (s *soak) faults(ctx context.Context, c *harness.Child) (string, string, error) {
	busy, stopLoad := context.WithCancel(ctx)
	loadDone := make(chan harness.LoadResult, 1)
	go func() {
		loadDone <- harness.NewLoader(c.URL, s.cfg.conns, harness.Cheap(harness.Endpoints)).Run(busy, time.Hour)
	}()
	r := runFaults(ctx, c.URL, s.up, s.cfg.faultRounds, s.cfg.stall)
	stopLoad()
	l := <-loadDone
	line := r.String() + fmt.Sprintf("\n    meanwhile the load: %d requests, %d errors", l.Requests, l.Errors) +
		"\n    stall under the relay's own time limit: skipped (60 s; no flag shortens it)"
	err := r.failed()
	if err == nil && l.Errors > 0 {
		err = fmt.Errorf("the load beside the faults had %d errors, e.g. %s", l.Errors, strings.Join(l.Samples, "; "))
	}
	return "faults", line, err
}

func (s *soak) sigint(ctx context.Context) {
	c, stop, err := s.startChild(ctx)
	if err != nil {
		s.report("sigint", "a wirebook", err)
		return
	}
	defer stop()
	r, err := runShutdown(ctx, c, s.up, s.cfg.conns, s.cfg.viewers/2, 32, streamCount)
	s.report("sigint", r.String(), err)
}

func (s *soak) nginxStep(ctx context.Context) {
	r, err := runNginx(ctx, s.cfg.bin, s.cfg.nginx, s.dir)
	if err != nil {
		s.report("nginx", "setup", err)
		return
	}
	for _, line := range r.checks {
		if strings.HasPrefix(line, "FAILED") {
			s.failures++
		}
		fmt.Fprintf(s.out, "%-8s %s\n", "nginx", line)
	}
}
