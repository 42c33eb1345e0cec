package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"wirebook/server/check"
	"wirebook/server/lesson"
	"wirebook/server/lint"
	"wirebook/server/relay"
	"wirebook/server/syllabus"
)

// checkConfig is the command line of `wirebook check`.
type checkConfig struct {
	courseHost     string
	coursePorts    check.Ports
	target         string
	junit          string
	timeout        time.Duration
	streamMaxDelay time.Duration
	files, users   string   // of the in-process wirebook, as its -files and -users
	relayAllow     []string // more hosts the relay may reach, as the server's -relay-allow
	strict         bool     // lint warnings fail the run
	lessons        []string // files and folders; none means the embedded course
}

// runCheck is `wirebook check [flags] [LESSON.md|FOLDER …]`: every lesson's
// lint warnings, then every cell of the lessons, sent through a relay to
// where the flags say, each expectation reported; an error if any failed,
// or with -strict if there was a warning.
func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseCheckFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	if err != nil {
		return errUsage{err}
	}
	lessons, err := loadLessons(cfg.lessons, stderr)
	if err != nil {
		return errUsage{err}
	}
	route, hosts, stop, err := checkTarget(ctx, cfg)
	if err != nil {
		return err
	}
	defer stop()

	// The relay reaches exactly what the command line named: it is the
	// user's own, but a lesson's absolute URLs must not reach further.
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	rl := relay.New(relay.WithAllowedHosts(hosts...), relay.WithAllowedHosts(cfg.relayAllow...),
		relay.WithTimeout(cfg.timeout), relay.WithLogger(quiet))
	defer rl.Wait()

	checker := check.New(rl, route)
	report := check.NewPrinter(stdout)
	refused := refusedBy(route, rl)
	var suites []check.Suite
	warnings := 0
	for _, l := range lessons {
		report.Lesson(l.name, l.Title)
		ws := lint.Lint(l.name, l.src, l.Lesson, refused)
		for _, w := range ws {
			report.Warn(w)
		}
		warnings += len(ws)
		s := checker.Lesson(ctx, l.name, l.Lesson, report.Cell)
		s.Warnings = ws
		suites = append(suites, s)
	}
	passed, failed, err := report.Close()
	if err != nil {
		return err
	}
	if cfg.junit != "" {
		if err := writeJUnit(cfg.junit, suites); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if failed > 0 {
		// Exit status 1; the report above has said which and why.
		return fmt.Errorf("check: %d of %d checks failed", failed, passed+failed)
	}
	if cfg.strict && warnings > 0 {
		return fmt.Errorf("check: %d lint warnings, and -strict fails on them", warnings)
	}
	return nil
}

// refusedBy says why rl would refuse a cell's full URL once route has
// placed it, as lint.Lint asks: a URL on a course port goes to the port
// standing for it, so it is never refused for naming 2505. A cell the
// route skips is not sent, and one it cannot place fails when checked.
func refusedBy(route check.Route, rl *relay.Relay) func(string) string {
	return func(target string) string {
		url, skip, err := route(target)
		if err != nil || skip != "" {
			return ""
		}
		return rl.Refusal(url)
	}
}

func parseCheckFlags(args []string, stderr io.Writer) (checkConfig, error) {
	cfg := checkConfig{coursePorts: check.CoursePorts}
	fs := flag.NewFlagSet("wirebook check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { checkUsage(fs) }
	fs.StringVar(&cfg.courseHost, "course-host", "", "send each cell to the course's own servers on `host` (an IP address or localhost), by the port its path belongs to")
	ports := fs.String("course-ports", "2502,2503,2504,2505", "the course's `ports` auth,files,echo,app on -course-host")
	fs.StringVar(&cfg.target, "target", "", "send every cell's path to this base `URL`")
	fs.StringVar(&cfg.junit, "junit", "", "also write the results as JUnit XML to `file`")
	fs.DurationVar(&cfg.timeout, "timeout", relay.DefaultTimeout, "longest one exchange may take, from sending to the end of the body")
	fs.DurationVar(&cfg.streamMaxDelay, "stream-max-delay", 3*time.Second, "longest random pause after each /stream greeting of the in-process wirebook")
	fs.StringVar(&cfg.files, "files", "", "`folder` the in-process wirebook's file server serves (default: the embedded sample folder)")
	fs.StringVar(&cfg.users, "users", "", "`file` of name:bcrypt-hash lines for the in-process wirebook's /secure (default: the course's demo user)")
	relayAllow := fs.String("relay-allow", "", "comma-separated extra `hosts` (host or host:port) a lesson's full URLs may reach, as the server's -relay-allow")
	fs.BoolVar(&cfg.strict, "strict", false, "exit 1 if the lessons have lint warnings, even when every check passed")
	if err := fs.Parse(args); err != nil {
		return checkConfig{}, err
	}
	cfg.lessons = fs.Args()
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	switch {
	case cfg.courseHost != "" && cfg.target != "":
		return checkConfig{}, errors.New("-course-host and -target both say where cells go: give one")
	case set["course-ports"] && cfg.courseHost == "":
		return checkConfig{}, errors.New("-course-ports is the ports on -course-host: give -course-host too")
	case (set["stream-max-delay"] || set["files"] || set["users"]) && (cfg.courseHost != "" || cfg.target != ""):
		return checkConfig{}, errors.New("-stream-max-delay, -files and -users set the in-process wirebook, which -course-host and -target do not start")
	case cfg.timeout <= 0 || cfg.timeout > relay.MaxTimeout:
		return checkConfig{}, fmt.Errorf("-timeout %v: want more than 0 and at most %v", cfg.timeout, relay.MaxTimeout)
	case cfg.streamMaxDelay < 0 || cfg.streamMaxDelay > time.Minute:
		return checkConfig{}, fmt.Errorf("-stream-max-delay %v: want 0 to 1m", cfg.streamMaxDelay)
	case *relayAllow != "" && cfg.target != "":
		return checkConfig{}, errors.New("-relay-allow lets a lesson's full URLs through, but -target sends every cell's path to one server: give one")
	}
	if cfg.relayAllow, err = relay.ParseHosts(*relayAllow); err != nil {
		return checkConfig{}, fmt.Errorf("-relay-allow: %w", err)
	}
	if cfg.coursePorts, err = parsePorts(*ports); err != nil {
		return checkConfig{}, fmt.Errorf("-course-ports: %w", err)
	}
	if cfg.courseHost != "" {
		if _, err := relay.ParseHosts(net.JoinHostPort(cfg.courseHost, "1")); err != nil {
			return checkConfig{}, fmt.Errorf("-course-host %q: want an IP address, localhost or a host name", cfg.courseHost)
		}
	}
	return cfg, nil
}

// parsePorts reads four ports auth,files,echo,app, as -course-ports does
// for the server, but each must be a real port: these are dialled.
func parsePorts(s string) (check.Ports, error) {
	var cp coursePorts
	if err := cp.Set(s); err != nil || !cp.enabled {
		return check.Ports{}, errors.New("want four ports auth,files,echo,app (e.g. 2502,2503,2504,2505)")
	}
	p := check.Ports{Auth: cp.auth, Files: cp.files, Echo: cp.echo, App: cp.app}
	for _, n := range []int{p.Auth, p.Files, p.Echo, p.App} {
		if n == 0 {
			return check.Ports{}, errors.New("port 0 cannot be dialled")
		}
	}
	return p, nil
}

func checkUsage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `wirebook check sends every request cell of the lessons, in order, and reports each expectation.

Usage:
  wirebook check [flags] [LESSON.md|FOLDER …]

With no lesson, every lesson of the embedded course. With no -course-host or -target, the
cells go to a wirebook started in-process on free ports. Before its cells, each lesson's
lint warnings: "warning: file:line: message (rule)" for a fence HTTP in capitals (plain
code, not a cell), a second request line in one cell, a full URL the relay would refuse, a
repeated heading, no title.
Exit status: 0 every check passed (warnings or not, unless -strict), 1 a check failed, a
cell could not be sent, or -strict and a warning, 2 a bad lesson or command line.

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Examples:
  # The Python servers you wrote, on the course's ports of this machine
  wirebook check -course-host 127.0.0.1

  # Your own lesson against one server, with a report for CI
  wirebook check -target http://127.0.0.1:8000 -junit results.xml lessons/http.md
`)
}

// namedLesson is a parsed lesson, its source and the name its errors and
// reports use.
type namedLesson struct {
	name string
	src  []byte
	*lesson.Lesson
}

// loadLessons reads the lessons to check: the course the files and folders
// make (see package syllabus), or every lesson of the embedded course.
func loadLessons(sources []string, stderr io.Writer) ([]namedLesson, error) {
	course, read, err := loadCourseWarning(sources, stderr)
	if err != nil {
		return nil, err
	}
	out := make([]namedLesson, len(course.Lessons))
	for i, l := range course.Lessons {
		src, err := read(l.Source)
		if err != nil {
			return nil, err
		}
		out[i] = namedLesson{l.Source, src, l.Lesson}
	}
	return out, nil
}

// loadCourseWarning loads the course the files and folders make, or the embedded
// course when there are none, and how to read its lessons' sources. Of a
// lesson that does not parse, the warnings about its source go to stderr
// before the error: a ```HTTP fence is often why a lesson has "no request
// cells".
func loadCourseWarning(sources []string, stderr io.Writer) (*syllabus.Course, func(string) ([]byte, error), error) {
	course, read, err := loadCourse(sources)
	if err != nil {
		var bad *lesson.Error
		if errors.As(err, &bad) {
			if src, rerr := read(bad.File); rerr == nil {
				for _, w := range lint.Lint(bad.File, src, nil, nil) {
					fmt.Fprintf(stderr, "warning: %s (%s)\n", w, w.Rule)
				}
			}
		}
		return nil, nil, err
	}
	return course, read, nil
}

// checkTarget is where the cells go, the hosts the relay may reach for
// that, and a stop function: with neither -course-host nor -target, a
// wirebook started in-process on free ports, stopped by stop.
func checkTarget(ctx context.Context, cfg checkConfig) (check.Route, []string, func(), error) {
	switch {
	case cfg.courseHost != "":
		return check.CourseHost(cfg.courseHost, cfg.coursePorts), cfg.coursePorts.Hosts(cfg.courseHost), func() {}, nil
	case cfg.target != "":
		route, err := check.Target(cfg.target)
		if err != nil {
			return nil, nil, nil, errUsage{fmt.Errorf("-target: %w", err)}
		}
		u, _ := url.Parse(cfg.target)
		host := u.Host
		if u.Port() == "" {
			port := "80"
			if u.Scheme == "https" {
				port = "443"
			}
			host = net.JoinHostPort(u.Hostname(), port)
		}
		if _, err := relay.ParseHosts(host); err != nil {
			return nil, nil, nil, errUsage{fmt.Errorf("-target: %w", err)}
		}
		return route, []string{host}, func() {}, nil
	}
	return startInProcess(ctx, cfg)
}

// startInProcess starts wirebook as `wirebook -addr 127.0.0.1:0
// -course-ports=0,0,0,0` would, its log discarded, and routes to it.
func startInProcess(ctx context.Context, cfg checkConfig) (check.Route, []string, func(), error) {
	scfg, err := parseFlags([]string{"-addr", "127.0.0.1:0", "-course-ports=0,0,0,0",
		"-stream-max-delay", cfg.streamMaxDelay.String(), "-files", cfg.files, "-users", cfg.users}, io.Discard)
	if err != nil {
		return nil, nil, nil, err
	}
	a, err := newApp(scfg, io.Discard)
	if err != nil {
		return nil, nil, nil, errUsage{err} // -files or -users named something unreadable
	}
	if err := a.listen(); err != nil {
		return nil, nil, nil, err
	}
	addrs := map[string]string{}
	var hosts []string
	for _, l := range a.listeners {
		addrs[l.name] = l.ln.Addr().String()
		hosts = append(hosts, l.ln.Addr().String())
	}
	port := func(name string) int {
		_, p, _ := net.SplitHostPort(addrs[name])
		n, _ := strconv.Atoi(p)
		return n
	}
	ports := check.Ports{Auth: port("auth"), Files: port("files"), Echo: port("echo"), App: port("app")}

	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		a.serve(ctx)
	}()
	stop := func() {
		cancel()
		<-done
	}
	return check.InProcess(addrs["main"], ports), hosts, stop, nil
}

func writeJUnit(path string, suites []check.Suite) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("-junit: %w", err)
	}
	if err := check.WriteJUnit(f, suites); err != nil {
		f.Close()
		return fmt.Errorf("-junit: %w", err)
	}
	return f.Close()
}
