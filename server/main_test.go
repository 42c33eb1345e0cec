package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"wirebook/server/internal/testkit"
)

// instance is a whole wirebook started through run(), as a user starts it.
type instance struct {
	urls   map[string]string // listener name → "http://host:port"
	cancel context.CancelFunc
	done   chan error

	mu  sync.Mutex
	log []string
}

// start runs the program with args plus a free port for every listener and
// returns once its start line names the addresses it listens on.
func start(t *testing.T, args ...string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	in := &instance{urls: map[string]string{}, cancel: cancel, done: make(chan error, 1)}
	args = append([]string{"-addr", "127.0.0.1:0"}, args...)
	go func() {
		err := run(ctx, args, pw, pw)
		pw.Close()
		in.done <- err
	}()
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			line := sc.Text()
			in.mu.Lock()
			in.log = append(in.log, line)
			in.mu.Unlock()
			if strings.Contains(line, `msg="wirebook started"`) {
				in.parseStart(line)
				close(started)
			}
		}
		_, _ = io.Copy(io.Discard, pr)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-in.done:
		case <-time.After(5 * time.Second):
			t.Error("wirebook did not stop within 5s of its context ending")
		}
	})
	select {
	case <-started:
	case err := <-in.done:
		t.Fatalf("wirebook exited before starting: %v", err)
	case <-time.After(30 * time.Second): // a bound, not a wait: a loaded CI machine renders the pages slowly
		t.Fatal("wirebook did not log its start within 30s")
	}
	return in
}

// parseStart reads `url=http://127.0.0.1:N/ auth=127.0.0.1:M …`.
func (in *instance) parseStart(line string) {
	for _, field := range strings.Fields(line) {
		k, v, ok := strings.Cut(field, "=")
		if !ok {
			continue
		}
		switch k {
		case "url":
			in.urls["main"] = strings.TrimSuffix(v, "/")
		case "auth", "files", "echo", "app":
			in.urls[k] = "http://" + v
		}
	}
}

func (in *instance) logLines() []string {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]string(nil), in.log...)
}

// stop cancels the program's context and returns run's error and how long
// it took to return.
func (in *instance) stop(t *testing.T) (error, time.Duration) {
	t.Helper()
	began := time.Now()
	in.cancel()
	select {
	case err := <-in.done:
		in.done <- err // Cleanup reads it again
		return err, time.Since(began)
	case <-time.After(5 * time.Second):
		t.Fatal("run did not return within 5s")
		return nil, 0
	}
}

// noRedirects is a client like the course's notebook shows it: it reports a
// 301 instead of following it.
var noRedirects = &http.Client{
	Timeout:       30 * time.Second, // a login under -race on a loaded machine takes seconds
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

func get(t *testing.T, url string, header ...string) (*http.Response, string) {
	t.Helper()
	return do(t, http.MethodGet, url, "", header...)
}

func do(t *testing.T, method, url, body string, header ...string) (*http.Response, string) {
	t.Helper()
	h := http.Header{}
	for i := 0; i+1 < len(header); i += 2 {
		h.Set(header[i], header[i+1])
	}
	return testkit.Do(t, noRedirects, method, url, h, strings.NewReader(body))
}

// TestBadLessonIsRefusedWithFileAndLine: a teacher's broken lesson must stop
// the server at start with a message that points at the line to fix.
func TestBadLessonIsRefusedWithFileAndLine(t *testing.T) {
	t.Parallel()
	path := t.TempDir() + "/broken.md"
	lesson := "# A lesson\n\nSome prose.\n\n```http\nGET /hello\nno colon here\n```\n"
	if err := os.WriteFile(path, []byte(lesson), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run(t.Context(), []string{"-addr", "127.0.0.1:0", "-lesson", path}, io.Discard, io.Discard)
	if err == nil {
		t.Fatal("run accepted a lesson whose cell has a header line without a colon")
	}
	if want := path + ":7:"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %s", err, want)
	}
}
