package harness

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"testing"
)

func TestStartedURL(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, line, want string
		ok               bool
	}{
		{"the started line", `time=2026-11-25T12:23:50.670Z level=INFO msg="wirebook started" url=http://127.0.0.1:39777/` + "\n", "http://127.0.0.1:39777", true},
		{"with the course ports after the URL", `time=x level=INFO msg="wirebook started" url=http://127.0.0.1:2500/ auth=127.0.0.1:2502 files=127.0.0.1:2503`, "http://127.0.0.1:2500", true},
		{"an access-log line with a url field", `time=x level=INFO msg=request url=http://127.0.0.1:1/`, "", false},
		{"the stopped line", `time=x level=INFO msg="wirebook stopped" took=88ms`, "", false},
	}
	for _, tt := range tests {
		got, ok := StartedURL(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestMain lets this test binary stand in for bin/wirebook: with
// HARNESS_FAKE_WIREBOOK set it behaves as that variable says.
func TestMain(m *testing.M) {
	switch os.Getenv("HARNESS_FAKE_WIREBOOK") {
	case "":
		os.Exit(m.Run())
	case "serves":
		// Prints the started line, then waits for SIGINT as wirebook does.
		sig := make(chan os.Signal, 1)
		signal.Notify(sig, os.Interrupt)
		fmt.Println(`time=x level=INFO msg="wirebook started" url=http://127.0.0.1:4242/`)
		<-sig
		fmt.Println(`time=x level=INFO msg="wirebook stopped" took=0ms`)
		os.Exit(0)
	case "fails":
		fmt.Fprintln(os.Stderr, "wirebook: listen for main on 127.0.0.1:0: address already in use")
		os.Exit(1)
	}
}

func fakeWirebook(t *testing.T, behaviour string) string {
	t.Setenv("HARNESS_FAKE_WIREBOOK", behaviour)
	// Under -race a program sleeps a second at exit unless told not to.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	return os.Args[0]
}

func TestStartReadsItsURLAndStopsItWithSIGINT(t *testing.T) {
	srv, err := Start(t.Context(), fakeWirebook(t, "serves"), t.TempDir(), "fake")
	if err != nil {
		t.Fatal(err)
	}
	if srv.URL != "http://127.0.0.1:4242" {
		t.Errorf("URL %q, want http://127.0.0.1:4242", srv.URL)
	}
	if err := srv.Alive(); err != nil {
		t.Errorf("alive after start: %v", err)
	}
	if _, err := srv.RSSKiB(); err != nil {
		t.Errorf("RSS of the child: %v", err)
	}
	took, err := srv.Stop()
	if err != nil {
		t.Fatal(err)
	}
	if took > StopTimeout {
		t.Errorf("stop took %v", took)
	}
	if srv.Alive() == nil {
		t.Error("alive after stop")
	}
	if !strings.Contains(srv.LastLines(), "wirebook stopped") {
		t.Errorf("the child's stopped line is not in its tail: %q", srv.LastLines())
	}
}

func TestStartLogFileReadsItsURLFromTheFileAndCountsAtExit(t *testing.T) {
	path := t.TempDir() + "/fake.log"
	srv, err := StartLogFile(t.Context(), fakeWirebook(t, "serves"), path, "fake")
	if err != nil {
		t.Fatal(err)
	}
	if srv.URL != "http://127.0.0.1:4242" || srv.Addr != "127.0.0.1:4242" {
		t.Errorf("URL %q, Addr %q, want http://127.0.0.1:4242", srv.URL, srv.Addr)
	}
	if _, err := srv.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := srv.CleanExit(); err != nil {
		t.Errorf("clean exit read from the file: %v", err)
	}
}

func TestStartLogFileSaysWhyItExited(t *testing.T) {
	_, err := StartLogFile(t.Context(), fakeWirebook(t, "fails"), t.TempDir()+"/fake.log", "fake")
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("error %v, want it to quote the child's last words", err)
	}
}

func TestStartSaysWhyItExited(t *testing.T) {
	_, err := Start(t.Context(), fakeWirebook(t, "fails"), "", "fake")
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("error %v, want it to quote the child's last words", err)
	}
}

func TestCleanExit(t *testing.T) {
	t.Parallel()
	const start = `time=T level=INFO msg="wirebook started" url=http://127.0.0.1:1/`
	const access = `time=T level=INFO msg=request listener=main client=127.0.0.1 method=GET path=/hello status=200`
	const stop = `time=T level=INFO msg="wirebook stopped" took=3ms`
	tests := []struct {
		name    string
		lines   []string
		exitErr error
		wantErr string // "" for a clean exit
	}{
		{"one stop line, last, is clean", []string{start, access, stop}, nil, ""},
		{"a line after the stop line", []string{start, stop, access}, nil, "the last line is not the stop line"},
		{"no stop line", []string{start, access}, nil, "0 stop lines"},
		{"two stop lines", []string{start, stop, stop}, nil, "2 stop lines"},
		{"a panic", []string{start, `time=T level=ERROR msg="panic serving request" panic=boom`, stop}, nil, "mention a panic"},
		{"an error line", []string{start, `time=T level=ERROR msg="relay: cannot encode a frame"`, stop}, nil, "error line"},
		{"a handler left running", []string{start, `time=T level=WARN msg="handlers still running at exit; their requests are cut off"`, stop}, nil, "error line"},
		{"a non-zero exit status", []string{start, stop}, errors.New("exit status 1"), "exit status 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := &Child{Name: "t", done: make(chan struct{}), exitErr: tt.exitErr,
				log: logCounts{requests: map[string]int{}, linesOf: map[string]string{}}}
			c.read(strings.NewReader(strings.Join(tt.lines, "\n")+"\n"), make(chan struct{}))
			close(c.done)
			err := c.CleanExit()
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("CleanExit: %v, want nil", err)
				}
				if c.URL != "http://127.0.0.1:1" || c.Served("/hello") != 1 {
					t.Errorf("url %q and %d /hello lines, want the start line's URL and 1", c.URL, c.Served("/hello"))
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("CleanExit: %v, want an error holding %q", err, tt.wantErr)
			}
		})
	}
}
