package harness

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// How long a child gets to log its start, and to exit after SIGINT
// (wirebook promises 2 s; past StopTimeout it is killed).
const (
	StartTimeout = 15 * time.Second
	StopTimeout  = 5 * time.Second
)

// tailLines is how many of a child's last lines are kept to explain a
// failure.
const tailLines = 20

// Child is one wirebook started as a user starts it: a process with
// flags, watched through its log.
type Child struct {
	Name string
	URL  string // "http://127.0.0.1:N", the main listener, no trailing slash
	Addr string // "127.0.0.1:N"

	cmd     *exec.Cmd
	done    chan struct{} // closed once the process has exited and its log is read
	exitErr error         // cmd.Wait's, valid after done

	mu  sync.Mutex
	log logCounts
}

// logCounts is what a child's log said so far.
type logCounts struct {
	file     *os.File       // the whole log, or nil to keep only the counts
	requests map[string]int // access-log lines by path
	linesOf  map[string]string
	panics   int
	errs     []string // level=ERROR lines, and handlers left running
	starts   int
	stops    int
	tail     []string // the last lines
}

// Start runs bin with args (plus -addr 127.0.0.1:0) and returns once its
// start line names its address. With logDir set the child's output is
// written to logDir/name.log as well as read; otherwise only its counts
// and last lines are kept (under load that is tens of thousands of lines
// a second, which the server pays for as it would for a terminal).
// The process is killed if ctx ends, and if this process dies (see
// SetDeathSignal), so no wirebook outlives its tool.
func Start(ctx context.Context, bin, logDir, name string, args ...string) (*Child, error) {
	c := &Child{Name: name, done: make(chan struct{}),
		log: logCounts{requests: map[string]int{}, linesOf: map[string]string{}}}
	if logDir != "" {
		f, err := os.Create(logDir + "/" + name + ".log")
		if err != nil {
			return nil, err
		}
		c.log.file = f
	}
	pr, err := c.start(ctx, bin, args)
	if err != nil {
		c.closeLog()
		return nil, err
	}
	started := make(chan struct{})
	go func() {
		c.read(pr, started)
		pr.Close()
		c.exitErr = c.cmd.Wait()
		c.closeLog()
		close(c.done)
	}()
	return c, c.awaitStart(started)
}

// StartLogFile is Start with the child's output going straight to the
// file at path, as `wirebook > path` does: nothing reads it while the
// child runs, so the log costs wirebook what a file costs and this
// process nothing. The counts (Served, CleanExit, LastLines) are read from
// the file once the child has exited.
func StartLogFile(ctx context.Context, bin, path, name string, args ...string) (*Child, error) {
	c := &Child{Name: name, done: make(chan struct{}),
		log: logCounts{requests: map[string]int{}, linesOf: map[string]string{}}}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	c.cmd = exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	c.cmd.Stdout, c.cmd.Stderr = f, f
	SetDeathSignal(c.cmd)
	err = c.cmd.Start()
	f.Close() // the child holds its own copy
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	go func() {
		c.exitErr = c.cmd.Wait()
		if r, err := os.Open(path); err == nil {
			c.read(r, nil)
			r.Close()
		}
		close(c.done)
	}()
	var url string
	WaitFor(ctx, StartTimeout, func() bool {
		url = startedInFile(path)
		return url != "" || c.Alive() != nil
	})
	if url == "" {
		c.Kill()
		return nil, fmt.Errorf("%s did not log its start within %v: %s", name, StartTimeout, c.LastLines())
	}
	c.URL, c.Addr = url, strings.TrimPrefix(url, "http://")
	return c, nil
}

// startedInFile is the URL of the start line in the log at path, if it is
// there yet.
func startedInFile(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if u, ok := StartedURL(sc.Text()); ok {
			return u
		}
	}
	return ""
}

// start starts the process with its output on the returned pipe.
func (c *Child) start(ctx context.Context, bin string, args []string) (*os.File, error) {
	pr, pw, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	c.cmd = exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	c.cmd.Stdout, c.cmd.Stderr = pw, pw
	SetDeathSignal(c.cmd)
	if err := c.cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	pw.Close() // the child holds its own copy; EOF comes when it exits
	return pr, nil
}

func (c *Child) awaitStart(started chan struct{}) error {
	select {
	case <-started:
		return nil
	case <-c.done:
		return fmt.Errorf("%s exited before starting (%v): %s", c.Name, c.exitErr, c.LastLines())
	case <-time.After(StartTimeout):
		c.Kill()
		return fmt.Errorf("%s did not log its start within %v: %s", c.Name, StartTimeout, c.LastLines())
	}
}

func (c *Child) closeLog() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.log.file != nil {
		c.log.file.Close()
	}
}

// read copies the child's output to its log file and keeps the counts the
// tools check: access lines by path, panics, errors, start and stop lines.
// With started nil it only counts.
func (c *Child) read(r io.Reader, started chan struct{}) {
	var w *bufio.Writer
	if c.log.file != nil {
		w = bufio.NewWriterSize(c.log.file, 64<<10)
		defer w.Flush()
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if w != nil {
			w.WriteString(line)
			w.WriteByte('\n')
		}
		c.mu.Lock()
		if c.log.count(line) == 1 && started != nil {
			c.URL, _ = StartedURL(line)
			c.Addr = strings.TrimPrefix(c.URL, "http://")
			close(started)
		}
		c.mu.Unlock()
	}
}

// count notes one line and returns how many start lines there have been
// when line is one, else 0.
func (l *logCounts) count(line string) int {
	if len(l.tail) == tailLines {
		l.tail = append(l.tail[:0], l.tail[1:]...)
	}
	l.tail = append(l.tail, line)
	if strings.Contains(line, "panic") {
		l.panics++
	}
	// A handler still running at exit is a WARN in the log, and a
	// goroutine the shutdown left behind: as bad as an error here.
	if (strings.Contains(line, "level=ERROR") || strings.Contains(line, `msg="handlers still running`)) && len(l.errs) < 5 {
		l.errs = append(l.errs, line)
	}
	switch {
	case strings.Contains(line, `msg=request `):
		path := Field(line, "path")
		l.requests[path]++
		l.linesOf[path] = line
	case strings.Contains(line, `msg="wirebook started"`):
		l.starts++
		return l.starts
	case strings.Contains(line, `msg="wirebook stopped"`):
		l.stops++
	}
	return 0
}

// StartedURL returns the main URL from wirebook's started line, without
// its trailing slash.
func StartedURL(line string) (string, bool) {
	if !strings.Contains(line, `msg="wirebook started"`) {
		return "", false
	}
	u := Field(line, "url")
	return strings.TrimSuffix(u, "/"), u != ""
}

// Field returns the value of key=value in a slog text line (unquoted
// values only, which is what paths, URLs and addresses are).
func Field(line, key string) string {
	for f := range strings.FieldsSeq(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}

// Served returns how many access lines the child has logged for paths.
func (c *Child) Served(paths ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range paths {
		n += c.log.requests[p]
	}
	return n
}

// TotalServed is every access line so far.
func (c *Child) TotalServed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.log.requests {
		n += v
	}
	return n
}

// LineFor returns the last access line for path.
func (c *Child) LineFor(path string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.log.linesOf[path]
}

// LastLines is the child's last lines, to explain a failure.
func (c *Child) LastLines() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.log.tail) == 0 {
		return "(no output)"
	}
	s := strings.Join(c.log.tail, "\n")
	if c.log.file != nil {
		s += "\n(log: " + c.log.file.Name() + ")"
	}
	return s
}

// Interrupt sends SIGINT, as Ctrl-C does, and waits up to limit for the
// child to exit, killing it past that. It returns how long the exit took.
func (c *Child) Interrupt(limit time.Duration) (time.Duration, error) {
	began := time.Now()
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return 0, err
	}
	select {
	case <-c.done:
		return time.Since(began), nil
	case <-time.After(limit):
		c.Kill()
		return time.Since(began), fmt.Errorf("%s still running %v after SIGINT; killed", c.Name, limit)
	}
}

// Stop is Interrupt with StopTimeout.
func (c *Child) Stop() (time.Duration, error) { return c.Interrupt(StopTimeout) }

// Kill ends the child at once and waits for it; for cleanup.
func (c *Child) Kill() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// Alive reports an error when the child has exited while being measured.
func (c *Child) Alive() error {
	select {
	case <-c.done:
		return fmt.Errorf("%s exited (%v): %s", c.Name, c.exitErr, c.LastLines())
	default:
		return nil
	}
}

// RSSKiB is the child's resident memory.
func (c *Child) RSSKiB() (int64, error) { return RSSKiB(c.cmd.Process.Pid) }

// CPUSeconds is the CPU time the child has used so far.
func (c *Child) CPUSeconds() (float64, error) { return CPUSeconds(c.cmd.Process.Pid) }

// CleanExit checks what a stopped child left: exit status 0, exactly one
// stop line and it is the last line, no panic, no error line.
func (c *Child) CleanExit() error {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	var problems []string
	if c.exitErr != nil {
		problems = append(problems, "exit: "+c.exitErr.Error())
	}
	if c.log.stops != 1 {
		problems = append(problems, fmt.Sprintf("%d stop lines, want 1", c.log.stops))
	}
	if last := c.log.last(); !strings.Contains(last, `msg="wirebook stopped"`) {
		problems = append(problems, "the last line is not the stop line: "+last)
	}
	if c.log.panics > 0 {
		problems = append(problems, fmt.Sprintf("%d lines mention a panic", c.log.panics))
	}
	for _, e := range c.log.errs {
		problems = append(problems, "error line: "+e)
	}
	if len(problems) == 0 {
		return nil
	}
	if c.log.file != nil {
		problems = append(problems, "log: "+c.log.file.Name())
	}
	return errors.New(strings.Join(problems, "; "))
}

func (l *logCounts) last() string {
	if len(l.tail) == 0 {
		return ""
	}
	return l.tail[len(l.tail)-1]
}

// WaitFor polls cond until it holds or limit passes. The tools watch other
// processes, whose state they can only observe, so a poll is the honest way.
func WaitFor(ctx context.Context, limit time.Duration, cond func() bool) bool {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return cond()
		case <-t.C:
		}
	}
	return true
}
