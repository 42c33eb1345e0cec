//go:build !js && !wasip1

package codegen

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"wirebook/server/wireproto"
	"wirebook/wasm/target"
)

// The two cells of the lesson whose bodies are not text to print at the end.
const (
	imageCell  = "GET /files/wirebook.png"
	streamCell = "GET /stream"
)

// pngBytes is the start of a PNG, with the NUL, high and invalid UTF-8
// bytes that make a terminal print garbage (or curl refuse to).
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\xff\xfe\x80\x00")

// imageServer answers every request with pngBytes as image/png, as the
// course's file server answers the image cell.
func imageServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(pngBytes)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// streamLines are what streamServer sends, one flushed chunk each.
var streamLines = []string{"Hello", "Nǐn hǎo"}

// streamServer sends the first line, then holds the second back until seen
// is closed, that is until the client under test has shown the first. A
// client that waits for the whole body never gets the second: after a
// while the server gives up and ends the body, and held reports false.
func streamServer(t *testing.T, seen <-chan struct{}) (srv *httptest.Server, held func() bool) {
	t.Helper()
	var mu sync.Mutex
	ok := false
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, streamLines[0]+"\n")
		w.(http.Flusher).Flush()
		select {
		case <-seen:
		case <-time.After(10 * time.Second):
			return
		case <-r.Context().Done():
			return
		}
		mu.Lock()
		ok = true
		mu.Unlock()
		_, _ = io.WriteString(w, streamLines[1]+"\n")
	}))
	t.Cleanup(srv.Close)
	return srv, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return ok
	}
}

// cellAt parses a cell of the lesson and points it at srv.
func cellAt(t *testing.T, text string, srv *httptest.Server) (wireproto.Request, string) {
	t.Helper()
	r, err := wireproto.ParseRequest(text)
	if err != nil {
		t.Fatal(err)
	}
	url, err := target.URL(r, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	return r, url
}

// snippetCmd runs a generated curl command or Python snippet in dir.
func snippetCmd(t *testing.T, ctx context.Context, lang, code, dir string) *exec.Cmd {
	t.Helper()
	var cmd *exec.Cmd
	if lang == "curl" {
		tool(t, "curl")
		cmd = exec.CommandContext(ctx, tool(t, "sh"), "-c", code)
	} else {
		cmd = exec.CommandContext(ctx, tool(t, "python3"), "-c", code)
	}
	cmd.Dir = dir
	return cmd
}

// generate writes r as lang ("curl" or "python") taking the body as body.
func generate(lang string, r wireproto.Request, base string, body Body) string {
	if lang == "curl" {
		return Curl(r, base, body)
	}
	return Python(r, base, body)
}

func TestImageCellSavesItsBytesToAFile(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"curl", "python"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			srv := imageServer(t)
			r, url := cellAt(t, imageCell, srv)
			body := BodyFor(false, url, "")
			if body != Save {
				t.Fatalf("BodyFor(the image cell) = %v, want Save", body)
			}
			code := generate(lang, r, srv.URL, body)
			dir := t.TempDir()
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			var stderr bytes.Buffer
			cmd := snippetCmd(t, ctx, lang, code, dir)
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%v\n%s%s\ncode:\n%s", err, out, stderr.Bytes(), code)
			}
			got, err := os.ReadFile(filepath.Join(dir, "wirebook.png"))
			if err != nil || !bytes.Equal(got, pngBytes) {
				t.Fatalf("wirebook.png = %q, %v; want the %d bytes served\ncode:\n%s", got, err, len(pngBytes), code)
			}
			if bytes.Contains(out, []byte("IHDR")) || !bytes.Contains(out, []byte("200")) ||
				!bytes.Contains(bytes.ToLower(out), []byte("content-type: image/png")) {
				t.Fatalf("the terminal shows, want the status and headers but no body bytes:\n%s\ncode:\n%s", out, code)
			}
		})
	}
}

func TestStreamCellShowsEachLineAsItComes(t *testing.T) {
	t.Parallel()
	for _, lang := range []string{"curl", "python"} {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			seen := make(chan struct{})
			srv, held := streamServer(t, seen)
			r, url := cellAt(t, streamCell, srv)
			body := BodyFor(true, url, "")
			code := generate(lang, r, srv.URL, body)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			var stderr bytes.Buffer
			cmd := snippetCmd(t, ctx, lang, code, t.TempDir())
			cmd.Stderr = &stderr
			lines := readLines(t, cmd, streamLines[0], seen)
			if err := cmd.Wait(); err != nil {
				t.Fatalf("%v\n%s\ncode:\n%s", err, stderr.Bytes(), code)
			}
			if !held() {
				t.Fatalf("%q was not shown until the body ended: the snippet waits for the whole stream\noutput:\n%s\ncode:\n%s",
					streamLines[0], strings.Join(lines, "\n"), code)
			}
			if tail := lines[max(0, len(lines)-2):]; strings.Join(tail, "\n") != strings.Join(streamLines, "\n") {
				t.Fatalf("output ends %q, want %q\ncode:\n%s", tail, streamLines, code)
			}
		})
	}
}

// readLines starts cmd and reads its output a line at a time, closing seen
// the moment the line want has been printed. It returns every line once
// the output ends, carriage returns removed.
func readLines(t *testing.T, cmd *exec.Cmd, want string, seen chan<- struct{}) []string {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == want && seen != nil {
			close(seen)
			seen = nil
		}
		lines = append(lines, line)
	}
	return lines
}
