// Command bench is `go tool task bench`: it measures a built wirebook
// on this machine against the budgets of DESIGN.md, prints a table with
// each figure beside its target, and writes the same figures to
// bench/results.json so runs can be compared.
//
// It builds nothing: it runs bin/wirebook (the bench task depends on
// build) as child processes on free loopback ports, loads the endpoints
// with wrk, drives the lesson page in headless Chromium, holds
// thousands of /ws/stream viewers open, times /hello while 48 clients
// guess /secure's password, counts the idle /ws/relay WebSockets it
// keeps against its cap, times the page saving a student's work in
// localStorage and restoring it, and sets /hello beside a bare net/http
// handler to price wirebook's own layers. A missed target is a figure, not a
// failure: it exits non-zero only when a row could not be measured.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/chromedp/chromedp"

	"wirebook/server/internal/chromium"
	"wirebook/server/internal/harness"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// The rows of the issue, in its order; -rows picks some.
var allRows = []string{"endpoints", "wasm", "page", "stream", "memory", "bcrypt", "idlews", "save", "overhead", "lecture"}

type config struct {
	bin, wasm, out string
	load           wrkLoad
	clicks         int
	greetings      int
	viewers        []int
	idleWS         int
	idleWSArgs     []string
	rows           map[string]bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{load: wrkLoad{Timeout: 2 * time.Second}}
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.bin, "bin", "bin/wirebook", "the wirebook `binary` to measure")
	fs.StringVar(&cfg.wasm, "wasm", "web/static/app.wasm", "the client `file` whose size row 2 reports")
	fs.StringVar(&cfg.out, "out", "bench/results.json", "where to write the figures as JSON")
	fs.DurationVar(&cfg.load.Duration, "d", 5*time.Second, "how long wrk loads each endpoint (whole seconds)")
	fs.IntVar(&cfg.load.Threads, "t", 2, "wrk threads")
	fs.IntVar(&cfg.load.Connections, "c", 64, "wrk connections")
	fs.IntVar(&cfg.clicks, "clicks", 30, "how many times to run the /hello cell")
	fs.IntVar(&cfg.greetings, "greetings", 60, "greetings the /stream row times (at least 50 for its p99)")
	viewers := fs.String("viewers", "1000,10000", "comma-separated counts of /ws/stream viewers to hold open, ascending")
	fs.IntVar(&cfg.idleWS, "idle-ws", 2000, "idle /ws/relay WebSockets row 7 opens")
	idleArgs := fs.String("idle-ws-args", "", "space-separated flags for row 7's wirebook, e.g. a cap")
	rows := fs.String("rows", strings.Join(allRows, ","), "comma-separated rows to run")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if cfg.load.Duration < time.Second || cfg.load.Threads < 1 || cfg.load.Connections < cfg.load.Threads {
		return config{}, errors.New("want -d of at least 1s, -t ≥ 1 and -c ≥ -t")
	}
	cfg.idleWSArgs = strings.Fields(*idleArgs)
	if cfg.idleWS < 1 {
		return config{}, errors.New("want -idle-ws ≥ 1")
	}
	if cfg.clicks < 1 || cfg.greetings < 1 || cfg.greetings > 1000 {
		return config{}, errors.New("want -clicks ≥ 1 and -greetings from 1 to 1000 (wirebook's -stream-count bounds)")
	}
	last := 0
	for f := range strings.SplitSeq(*viewers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= last {
			return config{}, fmt.Errorf("-viewers %q: want ascending positive counts", *viewers)
		}
		cfg.viewers, last = append(cfg.viewers, n), n
	}
	cfg.rows = map[string]bool{}
	for f := range strings.SplitSeq(*rows, ",") {
		f = strings.TrimSpace(f)
		if !slices.Contains(allRows, f) {
			return config{}, fmt.Errorf("-rows: unknown row %q (rows: %s)", f, strings.Join(allRows, ", "))
		}
		cfg.rows[f] = true
	}
	return cfg, nil
}

// errUnmeasured is the error of a run that printed its table but could not
// measure some row.
var errUnmeasured = errors.New("some figures could not be measured (see NOT MEASURED above)")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	began := time.Now()
	b := &bench{cfg: cfg, log: stderr, res: &results{
		Schema:  1,
		Machine: describeMachine(),
		Load:    loadSettings{Threads: cfg.load.Threads, Connections: cfg.load.Connections, Seconds: cfg.load.Duration.Seconds()},
	}}
	res := b.res

	if cfg.rows["wasm"] {
		b.say("2. measuring %s", cfg.wasm)
		if s, err := measureWasm(cfg.wasm); err != nil {
			b.unmeasured("2. app.wasm", err)
		} else {
			res.Wasm = &s
		}
	}
	if cfg.rows["endpoints"] || cfg.rows["page"] || cfg.rows["stream"] || cfg.rows["save"] {
		if err := b.measureMain(ctx); err != nil {
			b.unmeasured("1., 3., 4., 8. wirebook", err)
		}
	}
	if cfg.rows["memory"] && ctx.Err() == nil {
		b.measureMemory(ctx)
	}
	if cfg.rows["bcrypt"] && ctx.Err() == nil {
		b.measureBcrypt(ctx)
	}
	if cfg.rows["idlews"] && ctx.Err() == nil {
		b.measureIdleWS(ctx)
	}
	if cfg.rows["lecture"] && ctx.Err() == nil {
		b.measureLecture(ctx)
	}
	if cfg.rows["overhead"] && ctx.Err() == nil {
		b.measureOverhead(ctx)
	}
	if ctx.Err() != nil {
		b.unmeasured("bench", ctx.Err())
	}

	res.Machine.LoadAvgEnd = loadAvg()
	res.Targets = res.targets()
	res.Seconds = time.Since(began).Seconds()
	res.print(stdout)
	if err := res.write(cfg.out); err != nil {
		return fmt.Errorf("write %s: %w", cfg.out, err)
	}
	fmt.Fprintf(stdout, "\nWrote %s (%.0f s).\n", cfg.out, res.Seconds)
	if len(res.Unmeasured) > 0 {
		return errUnmeasured
	}
	return nil
}

// bench is one run: what to measure, and the figures so far.
type bench struct {
	cfg config
	res *results
	log io.Writer // progress and problems, as they happen
}

func (b *bench) say(format string, a ...any) { fmt.Fprintf(b.log, "bench: "+format+"\n", a...) }

// unmeasured records that a row could not be measured: the run goes on
// with the other rows, and exits non-zero at the end.
func (b *bench) unmeasured(row string, err error) {
	b.res.Unmeasured = append(b.res.Unmeasured, row+": "+err.Error())
	b.say("%s: %v", row, err)
}

func (b *bench) measureMemory(ctx context.Context) {
	b.say("5. holding %v /ws/stream viewers on a wirebook of their own", b.cfg.viewers)
	m, err := measureMemory(ctx, b.cfg.bin, b.cfg.viewers)
	if len(m.Steps) > 0 || m.IdleRSSKiB > 0 {
		b.res.Memory = &m
	}
	if err != nil {
		b.unmeasured("5. memory", err)
	}
}

func (b *bench) measureBcrypt(ctx context.Context) {
	b.say("6. /hello alone, then beside %d clients guessing /secure's password for %v", attackers, attackFor)
	r, err := measureBcrypt(ctx, b.cfg.bin)
	if err != nil {
		b.unmeasured("6. bcrypt", err)
		return
	}
	b.res.Bcrypt = &r
}

func (b *bench) measureIdleWS(ctx context.Context) {
	b.say("7. opening %d idle /ws/relay WebSockets and holding them %v", b.cfg.idleWS, idleHoldFor)
	r, err := measureIdleWS(ctx, b.cfg.bin, b.cfg.idleWS, b.cfg.idleWSArgs)
	if err != nil {
		b.unmeasured("7. idle WebSockets", err)
		return
	}
	b.res.IdleWS = &r
}

func (b *bench) measureLecture(ctx context.Context) {
	b.say("10. %d students pressing Run all on each lesson of the course, started over %v", lectureStudents, lectureRamp)
	r, err := measureLecture(ctx, b.cfg.bin, "", 1, lectureStudents)
	if err != nil {
		b.unmeasured("10. lecture", err)
	} else {
		b.res.Lecture = &r
	}
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		b.unmeasured("10. lecture behind nginx", errors.New("no nginx on PATH: run `go tool task nginx`"))
		return
	}
	b.say("10. the same class on two wirebooks behind nginx (the README's block)")
	r2, err := measureLecture(ctx, b.cfg.bin, nginx, 2, lectureStudents)
	if err != nil {
		b.unmeasured("10. lecture behind nginx", err)
		return
	}
	b.res.LectureNginx = &r2
}

func (b *bench) measureOverhead(ctx context.Context) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		b.unmeasured("9. overhead", errors.New("no wrk on PATH: run `go tool task wrk` (apt-get install wrk)"))
		return
	}
	b.say("9. a bare net/http handler and /hello (log to a file), %v each, twice, in 1 s wrk runs in turn", b.cfg.load.Duration)
	r, err := measureOverhead(ctx, wrk, b.cfg.bin, b.cfg.load.Duration)
	if err != nil {
		b.unmeasured("9. overhead", err)
		return
	}
	b.res.Overhead = &r
}

// measureMain runs rows 3, 4, 8 and 1 on one wirebook. Its -stream flags only
// change /stream, which row 1 does not load, and -relay-allow only lets the
// wire transport reach row 4's proxy.
func (b *bench) measureMain(ctx context.Context) error {
	proxy, err := listenStampProxy()
	if err != nil {
		return err
	}
	defer proxy.close()
	srv, err := harness.Start(ctx, b.cfg.bin, "", "wirebook",
		"-stream-count", strconv.Itoa(b.cfg.greetings), "-stream-max-delay", "50ms",
		"-relay-allow", proxy.Addr())
	if err != nil {
		return err
	}
	defer srv.Stop()
	target, err := url.Parse(srv.URL)
	if err != nil {
		return err
	}
	proxy.serve(target)

	if b.cfg.rows["page"] || b.cfg.rows["stream"] || b.cfg.rows["save"] {
		if err := b.measureBrowser(ctx, srv, proxy); err != nil {
			b.unmeasured("3., 4., 8. browser", err)
		}
	}
	if b.cfg.rows["endpoints"] && ctx.Err() == nil {
		wrk, err := exec.LookPath("wrk")
		if err != nil {
			b.unmeasured("1. endpoints", errors.New("no wrk on PATH: run `go tool task wrk` (apt-get install wrk)"))
			return nil
		}
		b.say("1. loading %d endpoints with wrk, %v each", len(endpoints), b.cfg.load.Duration)
		eps, err := measureEndpoints(ctx, wrk, srv, b.cfg.load)
		b.res.Endpoints = eps
		if err != nil {
			b.unmeasured("1. endpoints", err)
		}
	}
	return nil
}

func (b *bench) measureBrowser(ctx context.Context, srv *harness.Child, proxy *stampProxy) error {
	path, err := chromium.Path()
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "wirebook-bench-chromium-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	tab, version, stop, err := startBrowser(ctx, path, profile)
	if err != nil {
		return err
	}
	defer stop()
	b.res.Machine.Browser = version

	if b.cfg.rows["page"] {
		b.say("3. visiting the lesson page in %s", version)
		p, err := measurePage(tab, srv.URL+"/lessons/app", b.cfg.clicks) // the largest lesson of the embedded course
		p.Browser = version
		b.res.Page = &p
		if err != nil {
			b.unmeasured("3. page", err)
		}
	}
	if b.cfg.rows["stream"] && ctx.Err() == nil {
		b.say("4. timing %d /stream greetings into the page", b.cfg.greetings)
		// The first tab: the page row has closed the others, so no idle
		// page shares the browser's time.
		s, err := measureStream(tab, proxy, min(b.cfg.greetings, 50))
		b.res.Stream = &s
		if err != nil {
			b.unmeasured("4. stream", err)
		}
	}
	if b.cfg.rows["save"] && ctx.Err() == nil {
		b.say("8. Run all on the lesson page, then a reload, timing the saves and the restore")
		// A fresh tab, on wirebook itself: the proxy of row 4 is another
		// origin, with a localStorage of its own.
		fresh, closeFresh := chromedp.NewContext(tab)
		s, err := measureSaved(fresh, srv.URL+"/lessons/app") // the largest lesson of the embedded course
		closeFresh()
		if s.Saves > 0 {
			b.res.Saved = &s
		}
		if err != nil {
			b.unmeasured("8. saved work", err)
		}
	}
	return nil
}

// machine says where the figures come from: they only compare on the same
// machine under the same load.
type machine struct {
	Date         string `json:"date"`
	CPUs         int    `json:"nproc"`
	CPUModel     string `json:"cpu_model"`
	Kernel       string `json:"kernel"`
	GoVersion    string `json:"go_version"`
	LoadAvgStart string `json:"loadavg_at_start"`
	LoadAvgEnd   string `json:"loadavg_at_end"`
	MemTotal     string `json:"mem_total"`
	Commit       string `json:"git_commit"`
	Wrk          string `json:"wrk"`
	Browser      string `json:"browser,omitempty"`
}

func describeMachine() machine {
	m := machine{
		Date:      time.Now().UTC().Format(time.RFC3339),
		CPUs:      runtime.NumCPU(),
		GoVersion: runtime.Version(),
		CPUModel:  procField("/proc/cpuinfo", "model name"),
		MemTotal:  procField("/proc/meminfo", "MemTotal"),
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	m.LoadAvgStart = loadAvg()
	m.Commit = command("git", "rev-parse", "--short", "HEAD")
	// --no-optional-locks: status would otherwise refresh the index.
	if m.Commit != "" && command("git", "--no-optional-locks", "status", "--porcelain", "--untracked-files=no") != "" {
		m.Commit += " + uncommitted changes"
	}
	// wrk -v prints its version and exits 1.
	out, _ := exec.Command("wrk", "-v").CombinedOutput()
	m.Wrk, _, _ = strings.Cut(strings.TrimSpace(string(out)), " Copyright")
	return m
}

// loadAvg is the 1, 5 and 15 minute load averages.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}

// busy reports whether, before the bench began, the 1-minute load average
// was above the CPU count: something else was running. (At the end the
// bench's own load is in it.)
func (m machine) busy() bool {
	f := strings.Fields(m.LoadAvgStart)
	if len(f) == 0 {
		return false
	}
	v, err := strconv.ParseFloat(f[0], 64)
	return err == nil && v > float64(m.CPUs)
}

func command(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// procField is the value of the first "name : value" line of a /proc file.
func procField(path, name string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	for line := range strings.Lines(string(b)) {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
