package main

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

// child is one wirebook the soak started, as a user starts it: a process
// with flags, watched through its log.
type child struct {
	name string
	cmd  *exec.Cmd
	url  string // "http://127.0.0.1:N", the main listener
	addr string // "127.0.0.1:N"

	done    chan struct{} // closed once the process has exited and its log is read
	exitErr error         // cmd.Wait's, valid after done

	mu       sync.Mutex
	log      *os.File
	requests map[string]int // access-log lines by path
	lines    int
	panics   int
	errs     []string // level=ERROR lines
	starts   int
	stops    int
	last     string // the last line
	linesOf  map[string]string
}

// startChild runs bin with args (plus -addr 127.0.0.1:0) and returns once
// its start line names its address. Its output goes to dir/name.log and is
// read as it comes. The process is killed if ctx ends, and if the soak
// itself dies (see setDeathSignal), so no wirebook outlives a soak.
func startChild(ctx context.Context, bin, dir, name string, args ...string) (*child, error) {
	logf, err := os.Create(dir + "/" + name + ".log")
	if err != nil {
		return nil, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		logf.Close()
		return nil, err
	}
	cmd := exec.CommandContext(ctx, bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Stdout, cmd.Stderr = pw, pw
	setDeathSignal(cmd)
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	pw.Close() // the child holds its own copy; EOF comes when it exits

	c := &child{name: name, cmd: cmd, done: make(chan struct{}), log: logf,
		requests: map[string]int{}, linesOf: map[string]string{}}
	started := make(chan struct{})
	go func() {
		c.read(pr, started)
		pr.Close()
		c.exitErr = cmd.Wait()
		c.mu.Lock()
		logf.Close()
		c.mu.Unlock()
		close(c.done)
	}()
	select {
	case <-started:
		return c, nil
	case <-c.done:
		return nil, fmt.Errorf("%s exited before starting (%v); its log: %s", name, c.exitErr, c.log.Name())
	case <-time.After(15 * time.Second):
		c.kill()
		return nil, fmt.Errorf("%s did not log its start within 15s; its log: %s", name, c.log.Name())
	}
}

// read copies the child's output to its log file and keeps the counts the
// steps check: access lines by path, panics, errors, start and stop lines.
func (c *child) read(r io.Reader, started chan struct{}) {
	w := bufio.NewWriterSize(c.log, 64<<10)
	defer w.Flush()
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		w.WriteString(line)
		w.WriteByte('\n')
		c.mu.Lock()
		c.lines++
		c.last = line
		switch {
		case strings.Contains(line, `msg=request `):
			path := field(line, "path")
			c.requests[path]++
			c.linesOf[path] = line
		case strings.Contains(line, `msg="wirebook started"`):
			c.starts++
			if c.starts == 1 {
				c.url = strings.TrimSuffix(field(line, "url"), "/")
				c.addr = strings.TrimPrefix(c.url, "http://")
				close(started)
			}
		case strings.Contains(line, `msg="wirebook stopped"`):
			c.stops++
		}
		if strings.Contains(line, "panic") {
			c.panics++
		}
		// A handler still running at exit is a WARN in the log, and a
		// goroutine the shutdown left behind: as bad as an error here.
		if (strings.Contains(line, "level=ERROR") || strings.Contains(line, `msg="handlers still running`)) && len(c.errs) < 5 {
			c.errs = append(c.errs, line)
		}
		c.mu.Unlock()
	}
}

// field returns the value of key=value in a slog text line (unquoted
// values only, which is what paths, URLs and addresses are).
func field(line, key string) string {
	for f := range strings.FieldsSeq(line) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			return v
		}
	}
	return ""
}

// served returns how many access lines the child has logged for paths.
func (c *child) served(paths ...string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, p := range paths {
		n += c.requests[p]
	}
	return n
}

// totalServed is every access line so far.
func (c *child) totalServed() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.requests {
		n += v
	}
	return n
}

// lineFor returns the last access line for path.
func (c *child) lineFor(path string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.linesOf[path]
}

// interrupt sends SIGINT, as Ctrl-C does, and waits up to limit for the
// child to exit. It returns how long the exit took.
func (c *child) interrupt(limit time.Duration) (time.Duration, error) {
	began := time.Now()
	if err := c.cmd.Process.Signal(os.Interrupt); err != nil {
		return 0, err
	}
	select {
	case <-c.done:
		return time.Since(began), nil
	case <-time.After(limit):
		c.kill()
		return time.Since(began), fmt.Errorf("%s still running %v after SIGINT; killed", c.name, limit)
	}
}

// kill ends the child at once and waits for it; for cleanup.
func (c *child) kill() {
	select {
	case <-c.done:
		return
	default:
	}
	_ = c.cmd.Process.Kill()
	<-c.done
}

// cleanExit checks what a stopped child left: exit status 0, exactly one
// stop line and it is the last line, no panic, no error line.
func (c *child) cleanExit() error {
	<-c.done
	c.mu.Lock()
	defer c.mu.Unlock()
	var problems []string
	if c.exitErr != nil {
		problems = append(problems, "exit: "+c.exitErr.Error())
	}
	if c.stops != 1 {
		problems = append(problems, fmt.Sprintf("%d stop lines, want 1", c.stops))
	}
	if !strings.Contains(c.last, `msg="wirebook stopped"`) {
		problems = append(problems, "the last line is not the stop line: "+c.last)
	}
	if c.panics > 0 {
		problems = append(problems, fmt.Sprintf("%d lines mention a panic", c.panics))
	}
	for _, e := range c.errs {
		problems = append(problems, "error line: "+e)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; ") + " (log: " + c.log.Name() + ")")
	}
	return nil
}

// waitFor polls cond until it holds or limit passes. The soak watches other
// processes, whose state it can only observe, so a poll is the honest way.
func waitFor(ctx context.Context, limit time.Duration, cond func() bool) bool {
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
