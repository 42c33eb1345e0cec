package accesslog

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer the timer's flush and the test may share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fakeTimer is an AfterFunc the test fires by hand.
type fakeTimer struct {
	mu    sync.Mutex
	armed []func()
	after []time.Duration
}

func (f *fakeTimer) afterFunc(d time.Duration, fn func()) func() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = append(f.armed, fn)
	f.after = append(f.after, d)
	return func() bool { return true }
}

func (f *fakeTimer) fire() {
	f.mu.Lock()
	fns := f.armed
	f.armed = nil
	f.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}

func TestBufferWritesWhenItsTimerFires(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	timer := &fakeTimer{}
	b := NewBuffer(&out, WithFlushEvery(50*time.Millisecond), WithAfterFunc(timer.afterFunc))
	b.Write([]byte("one\n"))
	b.Write([]byte("two\n"))
	if got := out.String(); got != "" {
		t.Fatalf("written before the timer fired: %q", got)
	}
	if len(timer.after) != 1 || timer.after[0] != 50*time.Millisecond {
		t.Fatalf("timers armed: %v, want one of 50ms", timer.after)
	}
	timer.fire()
	if got := out.String(); got != "one\ntwo\n" {
		t.Fatalf("after the timer: %q", got)
	}
	b.Write([]byte("three\n"))
	if len(timer.after) != 2 {
		t.Fatalf("a write after a flush armed %d timers in all, want 2", len(timer.after))
	}
	timer.fire()
	if got := out.String(); got != "one\ntwo\nthree\n" {
		t.Fatalf("after the second timer: %q", got)
	}
}

func TestBufferWritesWithItsRealTimer(t *testing.T) {
	t.Parallel()
	out := make(chanWriter, 1)
	b := NewBuffer(out, WithFlushEvery(time.Millisecond))
	defer b.Close()
	b.Write([]byte("line\n"))
	select {
	case got := <-out:
		if got != "line\n" {
			t.Fatalf("flushed %q", got)
		}
	case <-time.After(10 * time.Second): // a bound, not a wait
		t.Fatal("the timer never flushed the line")
	}
}

// chanWriter hands each write to the test.
type chanWriter chan string

func (c chanWriter) Write(p []byte) (int, error) {
	c <- string(p)
	return len(p), nil
}

func TestBufferCloseLosesNothing(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	b := NewBuffer(&out, WithAfterFunc((&fakeTimer{}).afterFunc)) // a timer that never fires
	for range 1000 {
		b.Write([]byte("request\n"))
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "request\n"); n != 1000 {
		t.Fatalf("%d lines after Close, want 1000", n)
	}
	b.Write([]byte("late\n"))
	if !strings.HasSuffix(out.String(), "late\n") {
		t.Fatal("a write after Close was not written through")
	}
}

func TestBufferNowKeepsTheOrder(t *testing.T) {
	t.Parallel()
	var out lockedBuffer
	b := NewBuffer(&out, WithAfterFunc((&fakeTimer{}).afterFunc))
	b.Write([]byte("access\n"))
	b.Now().Write([]byte("started\n"))
	if got := out.String(); got != "access\nstarted\n" {
		t.Fatalf("got %q, want the buffered line then the immediate one", got)
	}
}

// TestLineIsSlogsLine: tools and tests read the access line's fields as
// slog writes them, so the fast path must write the very same bytes.
func TestLineIsSlogsLine(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 0, 9, 12, 345678901, time.Local)
	for _, l := range []line{
		{time: at, listener: "main", client: "127.0.0.1", method: "GET", path: "/hello", status: 200, bytes: 5, duration: 12345 * time.Nanosecond},
		{time: at.Truncate(time.Second), listener: "files", client: "2001:db8::1", method: "DELETE", path: "/files/a%20b?x", status: 404, bytes: 0, duration: 3 * time.Second},
		{time: at.Add(999 * time.Microsecond), listener: "echo", client: "203.0.113.9", method: "POST", path: `/a\b`, status: 500, bytes: 1 << 20, duration: 0},
	} {
		var fast, slow bytes.Buffer
		if !l.write(&fast) {
			t.Fatalf("%+v: the fast path declined", l)
		}
		r := slog.NewRecord(l.time, slog.LevelInfo, "request", 0)
		r.AddAttrs(slog.String("listener", l.listener), slog.String("client", l.client),
			slog.String("method", l.method), slog.String("path", l.path),
			slog.Int("status", l.status), slog.Int("bytes", l.bytes), slog.Duration("duration", l.duration))
		if err := slog.NewTextHandler(&slow, nil).Handle(context.Background(), r); err != nil {
			t.Fatal(err)
		}
		if fast.String() != slow.String() {
			t.Errorf("fast %q\nslog %q", fast.String(), slow.String())
		}
	}
}

func TestLineLeavesQuotingToSlog(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/a b", "/a=b", `/a"b`, "/é", "", "/tab\t"} {
		l := line{time: time.Now(), listener: "main", client: "127.0.0.1", method: "GET", path: path}
		if l.write(&bytes.Buffer{}) {
			t.Errorf("path %q: the fast path wrote a line slog would quote", path)
		}
	}
}
