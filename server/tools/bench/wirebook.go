package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"
)

// How long wirebook gets to print its started line, and to exit after
// SIGINT (it promises 2 s).
const (
	startTimeout = 15 * time.Second
	stopTimeout  = 5 * time.Second
)

// wirebook is one running bin/wirebook child.
type wirebook struct {
	cmd  *exec.Cmd
	URL  string        // "http://127.0.0.1:N", no trailing slash
	done chan struct{} // closed once the child has exited and its output is read
	err  error         // from Wait, once done is closed

	mu   sync.Mutex
	tail []string // the last lines it printed, to explain a failure
}

// startedURL matches the line wirebook logs once every listener is open.
var startedURL = regexp.MustCompile(`msg="wirebook started".*?\burl=(\S+)`)

// parseStartedURL returns the main URL from wirebook's started line,
// without its trailing slash.
func parseStartedURL(line string) (string, bool) {
	m := startedURL.FindStringSubmatch(line)
	if m == nil {
		return "", false
	}
	return strings.TrimSuffix(m[1], "/"), true
}

// startWirebook runs bin with args plus a free loopback -addr and waits for
// its started line. Its log (an access-log line per request) is read and
// dropped, keeping a short tail: under load that is tens of thousands of
// lines a second, which the server pays for formatting and writing, as it
// would writing to a terminal or a journal.
func startWirebook(bin string, args ...string) (*wirebook, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, append([]string{"-addr", "127.0.0.1:0"}, args...)...)
	cmd.Stdout, cmd.Stderr = w, w
	// If the bench dies, its servers go with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	w.Close()
	s := &wirebook{cmd: cmd, done: make(chan struct{})}
	started := make(chan string, 1)
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		defer r.Close()
		br := bufio.NewReader(r)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				s.keep(line)
				if u, ok := parseStartedURL(line); ok {
					select {
					case started <- u:
					default:
					}
				}
			}
			if err != nil {
				return // the child has exited and closed its end
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		<-drained // so lastLines has the child's last words
		s.err = err
		close(s.done)
	}()

	select {
	case s.URL = <-started:
		return s, nil
	case <-s.done:
		return nil, fmt.Errorf("%s exited before it started (%v): %s", bin, s.err, s.lastLines())
	case <-time.After(startTimeout):
		s.stop()
		return nil, fmt.Errorf("%s printed no started line within %v: %s", bin, startTimeout, s.lastLines())
	}
}

func (s *wirebook) keep(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tail) == 20 {
		s.tail = append(s.tail[:0], s.tail[1:]...)
	}
	s.tail = append(s.tail, strings.TrimRight(line, "\n"))
}

func (s *wirebook) lastLines() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.tail) == 0 {
		return "(no output)"
	}
	return strings.Join(s.tail, "\n")
}

// stop sends SIGINT, as Ctrl-C would, and kills the child if it has not
// exited within stopTimeout. It returns how long the exit took.
func (s *wirebook) stop() (time.Duration, error) {
	began := time.Now()
	if err := s.cmd.Process.Signal(os.Interrupt); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return 0, err
	}
	select {
	case <-s.done:
		return time.Since(began), nil
	case <-time.After(stopTimeout):
		s.cmd.Process.Kill()
		<-s.done
		return time.Since(began), fmt.Errorf("wirebook did not exit within %v of SIGINT; killed", stopTimeout)
	}
}

// alive reports an error when the child has exited while being measured.
func (s *wirebook) alive() error {
	select {
	case <-s.done:
		return fmt.Errorf("wirebook exited (%v): %s", s.err, s.lastLines())
	default:
		return nil
	}
}

func (s *wirebook) rssKiB() (int64, error) { return rssKiB(s.cmd.Process.Pid) }
