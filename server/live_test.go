package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

const liveLesson = "# Live lesson\n\nSome prose.\n\n## First heading\n\n```http\nGET /hello\n```\n"

// writeLesson replaces the lesson the way an editor's atomic save does:
// a new file renamed over the old.
func writeLesson(t *testing.T, path, text string) {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(path), ".save.tmp")
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
}

var versionAttr = regexp.MustCompile(`<html[^>]* data-version="([0-9a-f]+)"`)

// pageVersion fetches lesson live's page and returns its
// html[data-version] and body.
func pageVersion(t *testing.T, in *instance) (string, string) {
	t.Helper()
	return lessonVersion(t, in, "/lessons/live")
}

func lessonVersion(t *testing.T, in *instance, path string) (string, string) {
	t.Helper()
	res, body := get(t, in.urls["main"]+path)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %s", path, res.Status)
	}
	m := versionAttr.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page carries no html[data-version]")
	}
	return m[1], body
}

// events subscribes to the lesson's stream as a page of version v and
// returns its events as "name: data" strings.
func events(t *testing.T, in *instance, v string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, in.urls["main"]+"/events/lesson?lesson=live&v="+v, nil)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK {
		cancel()
		t.Fatalf("GET /events/lesson = %s", res.Status)
	}
	out := make(chan string, 16)
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		name := ""
		for sc.Scan() {
			line := sc.Text()
			if n, ok := strings.CutPrefix(line, "event: "); ok {
				name = n
			} else if d, ok := strings.CutPrefix(line, "data: "); ok && name != "" {
				out <- name + ": " + d
				name = ""
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return out
}

func nextEvent(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case ev := <-ch:
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no live-reload event within 5s")
		return ""
	}
}

func TestWatchReloadsAndReportsErrors(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "live.md")
	writeLesson(t, path, liveLesson)
	in := start(t, "-lesson", path, "-watch")
	v1, body := pageVersion(t, in)
	if !strings.Contains(body, `data-live="/events/lesson?lesson=live"`) {
		t.Fatal("the page of a watched lesson does not subscribe")
	}
	ev := events(t, in, v1)

	writeLesson(t, path, strings.Replace(liveLesson, "First heading", "Edited heading", 1))
	got := nextEvent(t, ev)
	v2, body := pageVersion(t, in)
	if got != "reloaded: "+v2 || v2 == v1 || !strings.Contains(body, "Edited heading") {
		t.Fatalf("after an edit: event %q, page version %s (was %s), edited heading shown: %v", got, v2, v1, strings.Contains(body, "Edited heading"))
	}

	writeLesson(t, path, strings.Replace(liveLesson, "GET /hello\n", "GET /hello\nno colon here\n", 1))
	got = nextEvent(t, ev)
	if !strings.HasPrefix(got, "failed: "+path+":9: ") {
		t.Fatalf("after breaking the lesson: event %q, want the error at %s:9", got, path)
	}
	if v, _ := pageVersion(t, in); v != v2 {
		t.Fatal("a broken lesson replaced the last good page")
	}
	// A page opened now learns of the error at once.
	if got := nextEvent(t, events(t, in, v2)); !strings.HasPrefix(got, "failed: ") {
		t.Fatalf("a new subscriber got %q, want the error", got)
	}

	writeLesson(t, path, strings.Replace(liveLesson, "First heading", "Fixed heading", 1))
	got = nextEvent(t, ev)
	v3, body := pageVersion(t, in)
	if got != "reloaded: "+v3 || !strings.Contains(body, "Fixed heading") {
		t.Fatalf("after the fix: event %q, page version %s", got, v3)
	}
	logs := strings.Join(in.logLines(), "\n")
	for _, want := range []string{`msg="course reloaded"`, `msg="the course does not load; serving its last good version"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log lacks %s", want)
		}
	}
}

func TestShutdownEndsLiveReloadStreams(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "live.md")
	writeLesson(t, path, liveLesson)
	in := start(t, "-lesson", path, "-watch")
	v, _ := pageVersion(t, in)
	res, err := http.Get(in.urls["main"] + "/events/lesson?lesson=live&v=" + v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	ended := make(chan error, 1)
	go func() { _, err := io.Copy(io.Discard, res.Body); ended <- err }()
	err, took := in.stop(t)
	if err != nil {
		t.Fatal(err)
	}
	if took > 2*time.Second {
		t.Errorf("stopping with a live stream open took %v, over the 2 s promised", took)
	}
	select {
	case <-ended:
	case <-time.After(2 * time.Second):
		t.Fatal("the live stream outlived the server")
	}
}

func TestWithoutWatchThereIsNothingToFollow(t *testing.T) {
	t.Parallel()
	in := start(t)
	if _, body := lessonVersion(t, in, "/lessons/files"); strings.Contains(body, "data-live") {
		t.Fatal("a page whose lesson cannot change subscribes")
	}
	if res, _ := get(t, in.urls["main"]+"/events/lesson?lesson=live"); res.StatusCode != http.StatusNotFound {
		t.Fatalf("GET /events/lesson without -watch = %s, want 404", res.Status)
	}
	var usage errUsage
	if err := run(t.Context(), []string{"-watch"}, io.Discard, io.Discard); !errors.As(err, &usage) {
		t.Fatalf("-watch without -lesson: %v, want a usage error", err)
	}
}
