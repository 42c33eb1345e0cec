// Package watch tells a server that lesson files changed on disk, so it can
// re-parse them while an author edits.
//
// It watches folders, never files: editors save by writing a new file and
// renaming it over the old one (vim, JetBrains, most "atomic save"s), which
// a watch on the file itself loses with the old inode (fsnotify's own
// advice). A file is watched through its folder and events are kept for its
// name only.
//
// One save is many events (vim: create 4913, remove it, rename the file to
// file~, write the file, remove file~), so events are debounced: onChange
// runs once a burst has been quiet for Quiet, or MaxDelay after its first
// event if it never goes quiet.
package watch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Quiet is how long a burst of events must be still before onChange runs:
// long enough to gather one editor's save, short enough that an open page
// reloads well within the second the course promises.
const Quiet = 100 * time.Millisecond

// MaxDelay bounds the wait for a burst that never goes quiet (a file
// being copied in slowly): onChange runs at least this often while it lasts.
const MaxDelay = time.Second

// Watcher watches a set of files and folders. Make it with New, run it
// with Run.
type Watcher struct {
	w     *fsnotify.Watcher
	files map[string]bool // files watched through their folder, by absolute path
	dirs  map[string]bool // folders watched whole
}

// Watch watches paths until ctx ends, calling onChange once per burst of
// changes; see New and Run.
func Watch(ctx context.Context, paths []string, onChange func()) error {
	w, err := New(paths)
	if err != nil {
		return err
	}
	return w.Run(ctx, onChange)
}

// New starts watching paths: a file is watched for writes and for being
// created, renamed or removed; a folder for the same on any file directly in
// it (not in its subfolders), except hidden and backup files (.x.swp, x~,
// #x#, vim's 4913), which editors write beside the file they save. A path
// that does not exist is an error. Run must follow, or Close.
func New(paths []string) (*Watcher, error) {
	if len(paths) == 0 {
		return nil, errors.New("watch: nothing to watch")
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch: %w", err)
	}
	w := &Watcher{w: fw, files: map[string]bool{}, dirs: map[string]bool{}}
	for _, p := range paths {
		if err := w.add(p); err != nil {
			fw.Close()
			return nil, err
		}
	}
	return w, nil
}

func (w *Watcher) add(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	dir := abs
	if fi.IsDir() {
		w.dirs[abs] = true
	} else {
		w.files[abs] = true
		dir = filepath.Dir(abs)
	}
	if err := w.w.Add(dir); err != nil {
		return fmt.Errorf("watch %s: %w", path, err)
	}
	return nil
}

// Close stops watching, for a Watcher that will not Run.
func (w *Watcher) Close() error { return w.w.Close() }

// Run calls onChange once per burst of changes until ctx ends, then stops
// watching and returns nil. onChange runs on Run's goroutine, one call at a
// time; changes made while it runs make the next burst. An error from the
// system's watcher (its queue overflowed, so events were lost) counts as a
// change: re-reading is the safe answer.
func (w *Watcher) Run(ctx context.Context, onChange func()) error {
	defer w.w.Close()
	timer := time.NewTimer(0)
	if !timer.Stop() {
		<-timer.C
	}
	defer timer.Stop()
	var first time.Time // the pending burst's first event; zero when none
	note := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		wait := Quiet
		if left := first.Add(MaxDelay).Sub(now); left < wait {
			wait = max(left, 0)
		}
		timer.Reset(wait)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.w.Events:
			if !ok {
				return nil
			}
			if w.relevant(ev) {
				note()
			}
		case _, ok := <-w.w.Errors:
			if !ok {
				return nil
			}
			note()
		case <-timer.C:
			first = time.Time{}
			onChange()
		}
	}
}

// relevant keeps the events that may change a lesson: any but a change of
// mode (chmod, which touch and some backup tools cause) on a watched file,
// or on a file that is not an editor's scratch in a watched folder.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	if ev.Op == fsnotify.Chmod {
		return false
	}
	name := filepath.Clean(ev.Name)
	if w.files[name] {
		return true
	}
	return w.dirs[filepath.Dir(name)] && !scratch(filepath.Base(name))
}

// scratch reports whether base is a file an editor writes beside the one
// it saves: hidden (vim's .x.swp, emacs's .#x), a backup (x~), emacs's
// auto-save (#x#), or vim's probe for a writable folder (4913).
func scratch(base string) bool {
	return strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~") ||
		(strings.HasPrefix(base, "#") && strings.HasSuffix(base, "#")) || base == "4913"
}
