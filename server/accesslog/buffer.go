package accesslog

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// Buffer batches log lines on their way to a slow writer. Writing each
// access line to a file cost one write(2) per request, ~7 % of wirebook's
// CPU serving /hello under wrk (issue 14's profile); batched, a hundred
// milliseconds of lines go out in a few writes. Lines a person waits for
// (the start line, errors) go through Now, which writes them at once,
// after whatever is pending, so the log keeps its order.
//
// Close flushes what is pending: a wirebook that stops loses no line.
// Until Close, no goroutine runs: a write to an empty buffer arms a timer,
// which flushes once.
type Buffer struct {
	every     time.Duration
	afterFunc func(time.Duration, func()) (stop func() bool)

	mu     sync.Mutex
	w      *bufio.Writer
	armed  func() bool // stops the pending flush, or nil
	closed bool
}

// DefaultFlushEvery bounds how stale a tail -f of the log may be.
const DefaultFlushEvery = 100 * time.Millisecond

// BufferOption configures a Buffer.
type BufferOption func(*Buffer)

// WithFlushEvery sets how long a line may wait in the buffer.
func WithFlushEvery(d time.Duration) BufferOption {
	return func(b *Buffer) { b.every = d }
}

// WithAfterFunc replaces time.AfterFunc, for tests that fire the flush
// themselves.
func WithAfterFunc(f func(time.Duration, func()) (stop func() bool)) BufferOption {
	return func(b *Buffer) { b.afterFunc = f }
}

// NewBuffer buffers writes to out, 64 KiB at most: a full buffer is
// written at once, whatever the timer.
func NewBuffer(out io.Writer, opts ...BufferOption) *Buffer {
	b := &Buffer{
		every: DefaultFlushEvery,
		afterFunc: func(d time.Duration, f func()) func() bool {
			return time.AfterFunc(d, f).Stop
		},
		w: bufio.NewWriterSize(out, 64<<10),
	}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Write keeps p until the timer fires, the buffer fills, or Close. After
// Close it writes through.
func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.w.Write(p)
	if err != nil || b.closed {
		return n, cmpErr(err, b.w.Flush())
	}
	if b.armed == nil && b.w.Buffered() > 0 {
		b.armed = b.afterFunc(b.every, b.timerFlush)
	}
	return n, nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

func (b *Buffer) timerFlush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.armed = nil
	_ = b.w.Flush()
}

// Flush writes what is pending.
func (b *Buffer) Flush() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.flushLocked()
}

func (b *Buffer) flushLocked() error {
	if b.armed != nil {
		b.armed()
		b.armed = nil
	}
	return b.w.Flush()
}

// Close flushes what is pending and stops the timer; later writes go
// straight through. It does not close the writer underneath (stdout).
func (b *Buffer) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	return b.flushLocked()
}

// Now is a writer for lines that must not wait: each write goes out at
// once, after the lines buffered before it.
func (b *Buffer) Now() io.Writer { return nowWriter{b} }

type nowWriter struct{ b *Buffer }

func (n nowWriter) Write(p []byte) (int, error) {
	n.b.mu.Lock()
	defer n.b.mu.Unlock()
	c, err := n.b.w.Write(p)
	return c, cmpErr(err, n.b.flushLocked())
}
