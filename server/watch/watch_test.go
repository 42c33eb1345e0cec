package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"wirebook/server/watch"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// bound is how long a change may take to be reported: the debounce, plus
// slack for a loaded machine.
const bound = 2 * time.Second

// started runs a watch on paths and returns the channel its onChange
// calls go to; the watch stops, and is waited for, when the test ends.
func started(t *testing.T, paths ...string) <-chan struct{} {
	t.Helper()
	w, err := watch.New(paths)
	if err != nil {
		t.Fatal(err)
	}
	changes := make(chan struct{}, 16)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		if err := w.Run(ctx, func() { changes <- struct{}{} }); err != nil {
			t.Error(err)
		}
	})
	t.Cleanup(func() { cancel(); wg.Wait() })
	return changes
}

// once waits for one onChange, then checks no second one follows for the
// same burst.
func once(t *testing.T, changes <-chan struct{}) {
	t.Helper()
	select {
	case <-changes:
	case <-time.After(bound):
		t.Fatalf("no change reported within %v", bound)
	}
	select {
	case <-changes:
		t.Fatal("one burst reported twice")
	case <-time.After(3 * watch.Quiet):
	}
}

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFileChanges(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		save func(t *testing.T, dir, file string)
	}{
		{"a write is a change", func(t *testing.T, _, file string) { write(t, file, "# Two\n") }},
		{"a save by rename over the file, as vim does, is one change", func(t *testing.T, dir, file string) {
			write(t, filepath.Join(dir, "4913"), "")
			os.Remove(filepath.Join(dir, "4913"))
			if err := os.Rename(file, file+"~"); err != nil {
				t.Fatal(err)
			}
			write(t, file, "# Two\n")
			os.Remove(file + "~")
		}},
		{"an atomic save through a temp file is one change", func(t *testing.T, dir, file string) {
			tmp := filepath.Join(dir, ".lesson.md.tmp")
			write(t, tmp, "# Two\n")
			if err := os.Rename(tmp, file); err != nil {
				t.Fatal(err)
			}
		}},
		{"removing the file is a change", func(t *testing.T, _, file string) {
			if err := os.Remove(file); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			file := filepath.Join(dir, "lesson.md")
			write(t, file, "# One\n")
			changes := started(t, file)
			tc.save(t, dir, file)
			once(t, changes)
		})
	}
}

func TestFileKeepsWatchingAfterRenameOver(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "lesson.md")
	write(t, file, "# One\n")
	changes := started(t, file)
	for i := range 3 {
		tmp := filepath.Join(dir, ".tmp")
		write(t, tmp, "# Save "+string(rune('0'+i))+"\n")
		if err := os.Rename(tmp, file); err != nil {
			t.Fatal(err)
		}
		once(t, changes)
	}
}

func TestOtherFilesInTheFoldersOfAFileAreNotChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "lesson.md")
	write(t, file, "# One\n")
	changes := started(t, file)
	write(t, filepath.Join(dir, "other.md"), "# Other\n")
	select {
	case <-changes:
		t.Fatal("a file beside the watched one was reported")
	case <-time.After(3 * watch.Quiet):
	}
}

func TestFolderChanges(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "01-intro.md"), "# Intro\n")
	changes := started(t, dir)

	write(t, filepath.Join(dir, "02-new.md"), "# New\n")
	once(t, changes)
	if err := os.Rename(filepath.Join(dir, "02-new.md"), filepath.Join(dir, "03-new.md")); err != nil {
		t.Fatal(err)
	}
	once(t, changes)
	if err := os.Remove(filepath.Join(dir, "01-intro.md")); err != nil {
		t.Fatal(err)
	}
	once(t, changes)

	// An editor's scratch files are not changes.
	write(t, filepath.Join(dir, ".03-new.md.swp"), "swap")
	write(t, filepath.Join(dir, "03-new.md~"), "backup")
	select {
	case <-changes:
		t.Fatal("an editor's scratch file was reported")
	case <-time.After(3 * watch.Quiet):
	}
}

func TestMissingPathIsAnError(t *testing.T) {
	t.Parallel()
	if _, err := watch.New([]string{filepath.Join(t.TempDir(), "nope.md")}); err == nil {
		t.Fatal("watching a missing file: no error")
	}
	if _, err := watch.New(nil); err == nil {
		t.Fatal("watching nothing: no error")
	}
}

func TestCancelStops(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- watch.Watch(ctx, []string{t.TempDir()}, func() {}) }()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(bound):
		t.Fatal("Watch did not return after its context ended")
	}
}
