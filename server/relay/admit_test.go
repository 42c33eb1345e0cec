package relay

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"wirebook/server/wireproto"
)

// tape records the frames Send emits, per ID, and signals each one.
type tape struct {
	mu     sync.Mutex
	frames map[uint32][]wireproto.Frame
	got    chan wireproto.Frame
}

func newTape(n int) *tape {
	return &tape{frames: map[uint32][]wireproto.Frame{}, got: make(chan wireproto.Frame, n)}
}

func (tp *tape) emit(f *wireproto.Frame) error {
	tp.mu.Lock()
	tp.frames[f.ID] = append(tp.frames[f.ID], *f)
	tp.mu.Unlock()
	tp.got <- *f
	return nil
}

// next waits for the next frame of type typ, skipping others.
func (tp *tape) next(t *testing.T, typ wireproto.FrameType) wireproto.Frame {
	t.Helper()
	timeout := time.After(testTimeout)
	for {
		select {
		case f := <-tp.got:
			if f.Type == typ {
				return f
			}
		case <-timeout:
			t.Fatalf("timed out waiting for a %v frame", typ)
		}
	}
}

func (tp *tape) of(id uint32) []wireproto.Frame {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.frames[id]
}

// gated is an upstream that reports each request's path on started, then
// answers once it takes a token from release.
func gated(t *testing.T) (addr string, started chan string, release chan struct{}) {
	started, release = make(chan string, 2048), make(chan struct{})
	done := make(chan struct{})
	addr = upstream(t, func(w http.ResponseWriter, r *http.Request) {
		started <- r.URL.Path
		select {
		case <-release:
		case <-done:
		}
	}, done)
	return addr, started, release
}

// sendAsync runs Send for GET /path as relay id on a goroutine of its own,
// as a session does; the returned channel closes when Send returns.
func sendAsync(rl *Relay, ctx context.Context, id uint32, addr, path string, tp *tape) <-chan struct{} {
	returned := make(chan struct{})
	go func() {
		defer close(returned)
		f := wireproto.Frame{Type: wireproto.FrameSend, ID: id, URL: "http://" + addr + path,
			Request: wireproto.Request{Method: "GET", Target: path}}
		rl.Send(ctx, f, tp.emit)
	}()
	return returned
}

func nextPath(t *testing.T, started <-chan string) string {
	t.Helper()
	select {
	case p := <-started:
		return p
	case <-time.After(testTimeout):
		t.Fatal("timed out waiting for a request upstream")
		return ""
	}
}

// N+k sends with N slots: the k past the slots are told their place in
// line, reach the upstream in the order they came, and are all answered.
func TestQueuedSendsAreAnsweredInOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name         string
		slots, extra int
	}{
		{"one slot, three wait", 1, 3},
		{"two slots, five wait", 2, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, started, release := gated(t)
			rl := New(WithAllowedHosts(addr), WithMaxTotal(tt.slots))
			t.Cleanup(rl.Wait)
			tp := newTape(64)
			var returned []<-chan struct{}
			for i := range tt.slots {
				returned = append(returned, sendAsync(rl, t.Context(), uint32(i), addr, "/run"+strconv.Itoa(i), tp))
				nextPath(t, started)
			}
			for i := range tt.extra {
				id := uint32(tt.slots + i)
				returned = append(returned, sendAsync(rl, t.Context(), id, addr, "/wait"+strconv.Itoa(i), tp))
				if f := tp.next(t, wireproto.FrameQueued); f.ID != id || f.Ahead != i {
					t.Fatalf("send %d: queued frame %+v, want %d ahead", id, f, i)
				}
			}
			for i := range tt.extra {
				release <- struct{}{} // one answer ends, so the first in line starts
				if got, want := nextPath(t, started), "/wait"+strconv.Itoa(i); got != want {
					t.Fatalf("upstream got %s, want %s: the line was not kept", got, want)
				}
			}
			for range tt.slots {
				release <- struct{}{}
			}
			for i, r := range returned {
				waitFor(t, r, "send "+strconv.Itoa(i)+" to return")
				fs := tp.of(uint32(i))
				if end := last(fs); end.Type != wireproto.FrameEnd {
					t.Errorf("send %d ended with %+v", i, end)
				}
				if queued := fs[0].Type == wireproto.FrameQueued; queued != (i >= tt.slots) {
					t.Errorf("send %d: first frame %v; only those past the %d slots wait", i, fs[0].Type, tt.slots)
				}
			}
			if n := rl.admission.queued(); n != 0 {
				t.Errorf("%d still queued", n)
			}
		})
	}
}

// Only a full line, or a wait past the limit, is refused, and the
// message says which.
func TestQueueRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    []Option
		waiting int // sends that wait in line before the refused one
		want    string
	}{
		{"the line is full", []Option{WithMaxQueue(2)}, 2,
			"the server is busy: 2 requests are queued ahead of yours; try again in a moment"},
		{"no line at all", []Option{WithMaxQueue(0)}, 0,
			"the server is busy: it is relaying 1 requests already; try again in a moment"},
		{"the wait ran out", []Option{WithQueueWait(20 * time.Millisecond)}, 0,
			"the server is busy: this request waited 20ms in the queue, with 0 still ahead of it; try again in a moment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			addr, started, release := gated(t)
			rl := New(append([]Option{WithAllowedHosts(addr), WithMaxTotal(1)}, tt.opts...)...)
			t.Cleanup(rl.Wait)
			tp := newTape(64)
			returned := []<-chan struct{}{sendAsync(rl, t.Context(), 0, addr, "/", tp)}
			nextPath(t, started)
			for i := range tt.waiting {
				returned = append(returned, sendAsync(rl, t.Context(), uint32(1+i), addr, "/", tp))
				tp.next(t, wireproto.FrameQueued)
			}
			id := uint32(1 + tt.waiting)
			returned = append(returned, sendAsync(rl, t.Context(), id, addr, "/", tp))
			f := tp.next(t, wireproto.FrameError)
			if f.ID != id || f.Message != tt.want {
				t.Errorf("error frame %+v\nwant for %d: %s", f, id, tt.want)
			}
			for range 1 + tt.waiting {
				release <- struct{}{}
			}
			for i, r := range returned {
				waitFor(t, r, "send "+strconv.Itoa(i)+" to return")
			}
		})
	}
}

// A cancel frame for a send in line takes it out: it ends with an error,
// the one behind it moves up and is told so, and the line empties.
func TestCancelWhileQueuedFreesThePlace(t *testing.T) {
	t.Parallel()
	addr, started, release := gated(t)
	rl := New(WithAllowedHosts(addr), WithMaxTotal(1))
	c := connect(t, serveRelay(t, rl))
	url := "http://" + addr + "/"
	c.sendGet(1, url)
	nextPath(t, started)
	c.sendGet(2, url)
	c.sendGet(3, url)
	// Relay 1's frames go on meanwhile; its Sent frame is of no interest.
	next := func() wireproto.Frame {
		for {
			if f := c.next(); f.ID != 1 {
				return f
			}
		}
	}
	for _, ahead := range []int{0, 1} {
		if f := next(); f.ID != uint32(2+ahead) || f.Type != wireproto.FrameQueued || f.Ahead != ahead {
			t.Fatalf("got %+v, want %d queued with %d ahead", f, 2+ahead, ahead)
		}
	}
	c.send(wireproto.Frame{Type: wireproto.FrameCancel, ID: 2})
	// The error for 2 and the news for 3 may come in either order.
	for range 2 {
		switch f := next(); f.ID {
		case 2:
			wantError(t, f, "cancelled while queued")
		case 3:
			if f.Type != wireproto.FrameQueued || f.Ahead != 0 {
				t.Fatalf("after the cancel: %+v, want 3 told it is next", f)
			}
		default:
			t.Fatalf("unexpected %+v", f)
		}
	}
	release <- struct{}{}
	if end := last(c.collect(1)); end.Type != wireproto.FrameEnd {
		t.Fatalf("relay 1 ended with %+v", end)
	}
	nextPath(t, started)
	release <- struct{}{}
	if end := last(c.collect(3)); end.Type != wireproto.FrameEnd {
		t.Fatalf("relay 3 ended with %+v", end)
	}
	if n := rl.admission.queued(); n != 0 {
		t.Errorf("%d still queued", n)
	}
}

// A page that leaves takes its sends out of the line, and nothing of them
// is left running (goleak checks the goroutines at the end).
func TestPageLeavingEmptiesTheQueue(t *testing.T) {
	t.Parallel()
	addr, started, _ := gated(t)
	rl := New(WithAllowedHosts(addr), WithMaxTotal(1))
	u := serveRelay(t, rl)
	holder, leaver := connect(t, u), connect(t, u)
	holder.sendGet(1, "http://"+addr+"/")
	nextPath(t, started)
	for id := range uint32(3) {
		leaver.sendGet(id, "http://"+addr+"/")
		if f := leaver.next(); f.Type != wireproto.FrameQueued || f.Ahead != int(id) {
			t.Fatalf("send %d: %+v, want queued %d ahead", id, f, id)
		}
	}
	leaver.ws.CloseNow()
	deadline := time.Now().Add(testTimeout)
	for rl.admission.queued() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the sends of a page gone stay in line")
		}
		time.Sleep(time.Millisecond)
	}
}

// A class of 1 000 pressing Run at once on a relay of 256 slots (the
// default before the line): every send past the slots waits instead of
// being refused, and every one is answered once the upstream answers.
func TestAThousandSendsAreQueuedNotRefused(t *testing.T) {
	t.Parallel()
	const students = 1000
	open := make(chan struct{})
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-open:
		case <-done:
		}
		w.Write([]byte("Hello"))
	}, done)
	const slots = 256
	rl := New(WithAllowedHosts(addr), WithMaxTotal(slots))
	t.Cleanup(rl.Wait)
	tp := newTape(8 * students)
	var returned []<-chan struct{}
	for i := range students {
		returned = append(returned, sendAsync(rl, t.Context(), uint32(i), addr, "/", tp))
	}
	deadline := time.Now().Add(testTimeout)
	for rl.admission.queued() < students-slots {
		if time.Now().After(deadline) {
			t.Fatalf("%d queued, want %d", rl.admission.queued(), students-slots)
		}
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	close(open)
	for _, r := range returned {
		waitFor(t, r, "every send to return")
	}
	t.Logf("%d sends past %d slots answered in %v once the upstream answered", students, slots, time.Since(start))
	queued := 0
	for i := range students {
		fs := tp.of(uint32(i))
		if end := last(fs); end.Type != wireproto.FrameEnd {
			t.Fatalf("send %d ended with %+v", i, end)
		}
		if fs[0].Type == wireproto.FrameQueued {
			queued++
		}
	}
	if queued != students-slots {
		t.Errorf("%d sends were told they wait, want %d", queued, students-slots)
	}
}

// A place in line is retold when it moves by a tenth, so a long line
// costs a few frames, and the last ten places are each told.
func TestMovedIsATenth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		told, now int
		want      bool
	}{
		{4000, 3999, false},
		{4000, 3601, false},
		{4000, 3600, true},
		{10, 9, true},
		{1, 0, true},
		{0, 0, false},
		{5, 5, false},
	}
	for _, tt := range tests {
		if got := moved(tt.told, tt.now); got != tt.want {
			t.Errorf("moved(%d, %d) = %v, want %v", tt.told, tt.now, got, tt.want)
		}
	}
}
