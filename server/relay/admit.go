package relay

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"wirebook/server/wireproto"
)

// queueTick is how often a waiting send looks at its place in line. A
// Queued frame goes out only when the place has moved by a tenth since the
// last one, so a full line of 4 096 costs a few frames a second per page,
// not one per request answered ahead of it.
const queueTick = 250 * time.Millisecond

// admission hands out the relay's in-flight slots first come, first
// served. A send that finds every slot taken waits in a bounded line
// instead of being refused: a class pressing "Run all" at once is a burst
// of a few seconds, and a student would rather see "queued (40 ahead)" than
// an error to retry by hand. A freed slot goes straight to the first in
// line, so a newcomer never jumps ahead of one who waits.
type admission struct {
	mu      sync.Mutex
	free    int       // slots not taken; > 0 only while no one waits
	waiting []*ticket // in arrival order, so sorted by n
	max     int       // how many may wait
	next    uint64
}

// ticket is one send's place in line.
type ticket struct {
	n       uint64
	granted chan struct{} // closed once a slot is the ticket's own
}

func newAdmission(slots, maxQueue int) *admission {
	return &admission{free: slots, max: maxQueue}
}

// enter takes a slot at once (t nil) or a place in line with ahead others
// before it; ok is false when every slot is taken and the line is full,
// and ahead is then how many wait.
func (q *admission) enter() (t *ticket, ahead int, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.free > 0 {
		q.free--
		return nil, 0, true
	}
	if len(q.waiting) >= q.max {
		return nil, len(q.waiting), false
	}
	q.next++
	t = &ticket{n: q.next, granted: make(chan struct{})}
	q.waiting = append(q.waiting, t)
	return t, len(q.waiting) - 1, true
}

// ahead is how many wait before t, or -1 if t has left the line.
func (q *admission) ahead(t *ticket) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if i, found := q.find(t); found {
		return i
	}
	return -1
}

func (q *admission) find(t *ticket) (int, bool) {
	return slices.BinarySearchFunc(q.waiting, t.n, func(w *ticket, n uint64) int { return cmp.Compare(w.n, n) })
}

// leave takes t out of the line. It reports true if a slot was handed to
// t first: the caller then holds it, to use or release.
func (q *admission) leave(t *ticket) (granted bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	i, found := q.find(t)
	if !found {
		return true
	}
	q.waiting = slices.Delete(q.waiting, i, i+1)
	return false
}

// release gives a slot back: to the first in line, if anyone waits.
func (q *admission) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.waiting) == 0 {
		q.free++
		return
	}
	t := q.waiting[0]
	q.waiting[0] = nil
	q.waiting = q.waiting[1:]
	close(t.granted)
}

// queued is how many sends wait for a slot.
func (q *admission) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.waiting)
}

// admit takes a slot for send id, waiting in line when every slot is
// taken and telling the page its place with Queued frames. It returns
// true once the slot is taken (release it with r.admission.release);
// else msg is the Error frame to send, "" if emit failed and no one reads.
func (r *Relay) admit(ctx context.Context, id uint32, emit func(*wireproto.Frame) error) (msg string, ok bool) {
	t, ahead, ok := r.admission.enter()
	switch {
	case !ok && r.maxQueue == 0:
		return "the server is busy: it is relaying " + strconv.Itoa(r.maxTotal) + " requests already; try again in a moment", false
	case !ok:
		return "the server is busy: " + strconv.Itoa(ahead) + " requests are queued ahead of yours; try again in a moment", false
	case t == nil:
		return "", true
	}
	told := ahead
	if emit(&wireproto.Frame{Type: wireproto.FrameQueued, ID: id, Ahead: ahead}) != nil {
		r.abandon(t)
		return "", false
	}
	limit := time.NewTimer(r.queueWait)
	defer limit.Stop()
	tick := time.NewTicker(queueTick)
	defer tick.Stop()
	for {
		select {
		case <-t.granted:
			return "", true
		case <-tick.C:
			n := r.admission.ahead(t)
			if n < 0 || !moved(told, n) {
				continue // a slot came (granted says so next), or not far enough
			}
			told = n
			if emit(&wireproto.Frame{Type: wireproto.FrameQueued, ID: id, Ahead: n}) != nil {
				r.abandon(t)
				return "", false
			}
		case <-limit.C:
			n := r.admission.ahead(t)
			if r.admission.leave(t) {
				return "", true // the slot came as the time ran out: use it
			}
			return "the server is busy: this request waited " + seconds(r.queueWait) + " in the queue, with " +
				strconv.Itoa(n) + " still ahead of it; try again in a moment", false
		case <-ctx.Done():
			r.abandon(t)
			if context.Cause(ctx) == errCancelled {
				return "cancelled while queued", false
			}
			return "cancelled: the page or the server is closing", false
		}
	}
}

// abandon takes t out of the line, passing on a slot it was just given.
func (r *Relay) abandon(t *ticket) {
	if r.admission.leave(t) {
		r.admission.release()
	}
}

// moved says whether a place in line has changed enough to tell the page:
// by a tenth of where it last was, so 4 000 ahead is retold every 400,
// and the last ten one by one.
func moved(told, now int) bool {
	d := told - now
	if d < 0 {
		d = -d
	}
	return d > 0 && 10*d >= told
}
