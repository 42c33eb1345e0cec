package main

import (
	"bufio"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestParseFuzzOutput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		out         string
		execs       int64
		corpus      int64
		failureHas  string
		wantFailure bool
	}{
		{
			name: "the last progress line has the totals",
			out: `fuzz: elapsed: 0s, gathering baseline coverage: 0/51 completed
fuzz: elapsed: 0s, gathering baseline coverage: 51/51 completed, now fuzzing with 2 workers
fuzz: elapsed: 3s, execs: 47012 (15670/sec), new interesting: 2 (total: 53)
fuzz: elapsed: 5s, execs: 79534 (16010/sec), new interesting: 3 (total: 54)
PASS
ok  	wirebook/server/wireproto	5.112s
`,
			execs: 79534, corpus: 54,
		},
		{
			name: "a failure names the input file and the test's complaint",
			out: `fuzz: elapsed: 2s, execs: 1200 (600/sec), new interesting: 0 (total: 10)
--- FAIL: FuzzPath (2.01s)
    --- FAIL: FuzzPath (0.00s)
        files_test.go:840: path "a/../.." escaped the root

    Failing input written to testdata/fuzz/FuzzPath/3f2a9c
    To re-run:
    go test -run=FuzzPath/3f2a9c
FAIL
`,
			execs: 1200, corpus: 10, wantFailure: true, failureHas: "testdata/fuzz/FuzzPath/3f2a9c",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := parseFuzzOutput([]byte(tt.out))
			if r.execs != tt.execs || r.corpus != tt.corpus {
				t.Errorf("execs %d corpus %d, want %d and %d", r.execs, r.corpus, tt.execs, tt.corpus)
			}
			if (r.failure != "") != tt.wantFailure || !strings.Contains(r.failure, tt.failureHas) {
				t.Errorf("failure %q, want one: %v, holding %q", r.failure, tt.wantFailure, tt.failureHas)
			}
			if tt.wantFailure && !strings.Contains(r.failure, "escaped the root") {
				t.Errorf("failure %q lacks the test's message", r.failure)
			}
		})
	}
}

func TestFindFuzzTargets(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	write := func(path, src string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(root, path)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, path), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a/a_test.go", `package a
import "testing"
func FuzzOne(f *testing.F) {}
func TestNotFuzz(t *testing.T) {}
func FuzzWrongParam(t *testing.T) {}
type x struct{}
func (x) FuzzMethod(f *testing.F) {}
`)
	write("b/c/c_test.go", "package c\nimport \"testing\"\nfunc FuzzTwo(f *testing.F) {}\n")
	write("b/c/c.go", "package c\nfunc FuzzNotATest(f *int) {}\n")
	write("b/testdata/t_test.go", "package t\nimport \"testing\"\nfunc FuzzInTestdata(f *testing.F) {}\n")
	write(".hidden/h_test.go", "package h\nimport \"testing\"\nfunc FuzzHidden(f *testing.F) {}\n")

	got, err := findFuzzTargets(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []fuzzTarget{{pkg: "./a", name: "FuzzOne"}, {pkg: "./b/c", name: "FuzzTwo"}}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("target %d = %v, want %v", i, got[i], want[i])
		}
	}
}

// TestFaultServer checks each fault is what the soak says it is, as Go's
// own client sees it.
func TestFaultServer(t *testing.T) {
	t.Parallel()
	s, err := newFaultServer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.close)
	tr := &http.Transport{Proxy: nil, DisableKeepAlives: true}
	t.Cleanup(tr.CloseIdleConnections)
	client := &http.Client{Transport: tr}

	open := func(path, token string) (*bufio.Reader, *http.Response) {
		t.Helper()
		return openFault(t, client, s.addr(), path, token)
	}

	t.Run("reset is a connection reset after the first bytes", func(t *testing.T) {
		br, _ := open("/reset", "r")
		s.release("r")
		_, err := io.ReadAll(br)
		if !errors.Is(err, syscall.ECONNRESET) {
			t.Errorf("read after the first bytes: %v, want ECONNRESET", err)
		}
	})
	t.Run("truncated is a chunked body cut before its last chunk", func(t *testing.T) {
		br, resp := open("/truncated", "t")
		if len(resp.TransferEncoding) != 1 || resp.TransferEncoding[0] != "chunked" {
			t.Errorf("Transfer-Encoding %v, want chunked", resp.TransferEncoding)
		}
		s.release("t")
		_, err := io.ReadAll(br)
		if !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Errorf("read after the first chunk: %v, want io.ErrUnexpectedEOF", err)
		}
	})
	t.Run("stall sends nothing after the first bytes", func(t *testing.T) { checkStall(t, s.addr()) })
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	cfg, err := parseFlags([]string{"-steps", "load, nginx", "-load", "10s"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.steps) != 2 || cfg.steps[0] != "load" || cfg.steps[1] != "nginx" || cfg.load != 10*time.Second {
		t.Errorf("steps %q load %v", cfg.steps, cfg.load)
	}
	for _, args := range [][]string{
		{"-steps", "load,nope"},
		{"-vanish", "1.5"},
		{"-viewers", "1"},
		{"stray"},
	} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("parseFlags(%q) = nil error", args)
		}
	}
}

// openFault asks the fault server for path and reads the first line, which
// every fault sends before it misbehaves.
func openFault(t *testing.T, client *http.Client, addr, path, token string) (*bufio.Reader, *http.Response) {
	t.Helper()
	resp, err := client.Get("http://" + addr + path + "?token=" + token)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != faultPrefix {
		t.Fatalf("%s: first line %q, %v", path, line, err)
	}
	return br, resp
}

// checkStall checks that /stall sends nothing after its first line.
func checkStall(t *testing.T, addr string) {
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /stall HTTP/1.1\r\nHost: x\r\n\r\n")
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(resp.Body).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	// A stall cannot be seen to last forever; 100 ms of silence after
	// the first line, on a loopback where it came at once, is the claim.
	c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
	n, err := resp.Body.Read(make([]byte, 1))
	var ne net.Error
	if n != 0 || !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("read %d bytes, %v; want a timeout", n, err)
	}
}
