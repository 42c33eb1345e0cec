package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"testing"
)

func TestParseStartedURL(t *testing.T) {
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
		got, ok := parseStartedURL(tt.line)
		if ok != tt.ok || got != tt.want {
			t.Errorf("%s: %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestMain lets this test binary stand in for bin/wirebook: with
// BENCH_FAKE_WIREBOOK set it behaves as that variable says.
func TestMain(m *testing.M) {
	switch os.Getenv("BENCH_FAKE_WIREBOOK") {
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
	t.Setenv("BENCH_FAKE_WIREBOOK", behaviour)
	// Under -race a program sleeps a second at exit unless told not to.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	return os.Args[0]
}

func TestStartWirebookReadsItsURLAndStopsItWithSIGINT(t *testing.T) {
	srv, err := startWirebook(fakeWirebook(t, "serves"))
	if err != nil {
		t.Fatal(err)
	}
	if srv.URL != "http://127.0.0.1:4242" {
		t.Errorf("URL %q, want http://127.0.0.1:4242", srv.URL)
	}
	if err := srv.alive(); err != nil {
		t.Errorf("alive after start: %v", err)
	}
	if _, err := srv.rssKiB(); err != nil {
		t.Errorf("RSS of the child: %v", err)
	}
	took, err := srv.stop()
	if err != nil {
		t.Fatal(err)
	}
	if took > stopTimeout {
		t.Errorf("stop took %v", took)
	}
	if srv.alive() == nil {
		t.Error("alive after stop")
	}
	if !strings.Contains(srv.lastLines(), "wirebook stopped") {
		t.Errorf("the child's stopped line is not in its tail: %q", srv.lastLines())
	}
}

func TestStartWirebookSaysWhyItExited(t *testing.T) {
	_, err := startWirebook(fakeWirebook(t, "fails"))
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("error %v, want it to quote the child's last words", err)
	}
}
