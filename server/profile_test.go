package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestProfileHelloUnderWrk serves /hello through the whole middleware stack
// to wrk, with the log written to a file, so `go test -cpuprofile` shows
// what wirebook's own layers cost (issue 14). It runs only when asked:
//
//	WIREBOOK_PROFILE=10s go test -run ProfileHello -cpuprofile cpu.out ./server
//	go tool pprof -top server.test cpu.out
func TestProfileHelloUnderWrk(t *testing.T) {
	d, err := time.ParseDuration(os.Getenv("WIREBOOK_PROFILE"))
	if err != nil {
		t.Skip("set WIREBOOK_PROFILE to a duration (e.g. 10s) to profile /hello under wrk")
	}
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("no wrk: go tool task wrk")
	}
	logFile, err := os.Create(t.TempDir() + "/access.log")
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0"}, logFile, logFile) }()
	var url string
	for deadline := time.Now().Add(30 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		url = startedURL(t, logFile.Name())
	}
	if url == "" {
		t.Fatal("wirebook did not log its start")
	}
	out, err := exec.CommandContext(ctx, wrk, "-t2", "-c32", "-d"+d.String(), url+"/hello").CombinedOutput()
	if err != nil {
		t.Fatalf("wrk: %v: %s", err, out)
	}
	t.Logf("%s", out)
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func startedURL(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, rest, ok := strings.Cut(sc.Text(), `msg="wirebook started" url=`); ok {
			u, _, _ := strings.Cut(rest, " ")
			return strings.TrimSuffix(u, "/")
		}
	}
	return ""
}
