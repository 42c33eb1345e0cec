package course

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"

	"wirebook/server/respond"
)

// bcrypt is slow on purpose: a cost-10 comparison takes tens of
// milliseconds of one core. Unbounded, 48 clients sending wrong passwords
// kept every core busy and took /hello's p99 from 0.6 ms to 548 ms on a
// 2-core machine. So password checks run in a pool a core smaller than the
// machine, a request waits briefly for a slot, and past that wait it is
// told to come back. Each client (remote address) may fill only so much of
// the pool's queue, so one flooding client cannot keep another's correct
// login waiting past the wait.

var (
	// errBusy: every slot of the pool stayed taken for the whole wait.
	errBusy = errors.New("every password check is busy")
	// errClientBusy: this client's own share stayed taken for the whole wait.
	errClientBusy = errors.New("this client's password checks are all busy")
)

// defaultPasswordChecks leaves one core to the rest of the server, so the
// other endpoints stay quick while /secure is under attack; on one core
// there is nothing to leave. Measured on 2 cores under 48 attackers:
// /hello p99 11 ms with 1 check at a time, 66 ms with 2, 1.5 s unbounded.
func defaultPasswordChecks() int {
	return max(1, runtime.GOMAXPROCS(0)-1)
}

// checkPassword reports whether password is name's. Credentials bcrypt
// judged a moment ago are not compared again (see verified). Any other
// login first takes a place of client's share, then a slot of the pool,
// waiting for both together at most passwordWait, or until ctx ends. An
// unknown name is compared against the decoy, so it costs what a known one
// does; both compute the cache's key and take a slot alike, so a busy
// answer tells nothing either.
func (c *Course) checkPassword(ctx context.Context, client, name, password string) (bool, error) {
	hash, known := c.users[name]
	if !known {
		hash = c.decoy
	}
	key := c.verified.sum(name, hash, password)
	if accepted, found := c.verified.lookup(key); found {
		return accepted && known, nil
	}
	// A class presses Run at once: the first of the same login asks
	// bcrypt, and the rest wait for its verdict instead of each taking a
	// slot (behind a single check, the fortieth would be told the server
	// is busy). A follower waits as long as a login waits for a slot; if
	// its leader was refused or gave up, it asks on its own, so it is
	// never refused for another client's share.
	f, leader := c.judging.join(key)
	if leader {
		f.ok, f.err = c.judge(ctx, client, key, hash, password, known)
		c.judging.done(key, f)
		return f.ok, f.err
	}
	wait := time.NewTimer(c.passwordWait)
	defer wait.Stop()
	select {
	case <-f.done:
		if f.err != nil {
			return c.judge(ctx, client, key, hash, password, known)
		}
		return f.ok, nil
	case <-wait.C:
		return false, errBusy
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// judging is the logins being compared now, by their key in verified.
type judging struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]*judgment
}

// judgment is one comparison's verdict, set before done is closed.
type judgment struct {
	done chan struct{}
	ok   bool
	err  error
}

// join returns the judgment of key under way, or starts one and makes the
// caller its leader, who must call done.
func (j *judging) join(key [sha256.Size]byte) (*judgment, bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if f, ok := j.m[key]; ok {
		return f, false
	}
	if j.m == nil {
		j.m = make(map[[sha256.Size]byte]*judgment)
	}
	f := &judgment{done: make(chan struct{})}
	j.m[key] = f
	return f, true
}

// waiting is how many judgments are under way, for tests.
func (j *judging) waiting() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.m)
}

// done ends the judgment of key: later logins look in verified instead.
func (j *judging) done(key [sha256.Size]byte, f *judgment) {
	j.mu.Lock()
	delete(j.m, key)
	j.mu.Unlock()
	close(f.done)
}

// judge takes a slot of the pool, has bcrypt compare password with hash,
// and remembers the verdict under key.
func (c *Course) judge(ctx context.Context, client string, key [sha256.Size]byte, hash []byte, password string, known bool) (bool, error) {
	release, err := c.takeSlot(ctx, client)
	if err != nil {
		return false, err
	}
	defer release()
	ok := c.compare(hash, []byte(password)) == nil && known
	c.verified.add(key, ok)
	return ok, nil
}

func (c *Course) takeSlot(ctx context.Context, client string) (release func(), err error) {
	share := c.clients.get(client, c.checksPerClient)
	wait := time.NewTimer(c.passwordWait)
	defer wait.Stop()
	select {
	case share.slots <- struct{}{}:
	case <-wait.C:
		c.clients.put(client, share)
		return nil, errClientBusy
	case <-ctx.Done():
		c.clients.put(client, share)
		return nil, ctx.Err()
	}
	select {
	case c.passwordSlots <- struct{}{}:
		return func() {
			<-c.passwordSlots
			<-share.slots
			c.clients.put(client, share)
		}, nil
	case <-wait.C:
		err = errBusy
	case <-ctx.Done():
		err = ctx.Err()
	}
	<-share.slots
	c.clients.put(client, share)
	return nil, err
}

// refuseLogin answers a login that found no free password check: 429 if
// its own client holds its whole share, 503 if the pool is full.
func (c *Course) refuseLogin(w http.ResponseWriter, err error) {
	if errors.Is(err, errClientBusy) {
		respond.TooManyRequests(w, passwordRetryAfter, "Too many logins from you at once: "+strconv.Itoa(c.checksPerClient)+
			" of yours are already being checked, and bcrypt is slow on purpose. Try again in a second.\n")
		return
	}
	respond.Unavailable(w, passwordRetryAfter, "Too many logins at once: this server checks "+strconv.Itoa(cap(c.passwordSlots))+
		" password(s) at a time, and bcrypt is slow on purpose. Try again in a second.\n")
}

// clientOf names the client of r for its share of the pool: its IP
// address, without the port, so one machine's connections share one.
func clientOf(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// shares holds each client's share of the pool while it has logins
// waiting or being checked; a client with none costs nothing.
type shares struct {
	mu sync.Mutex
	m  map[string]*share
}

type share struct {
	slots chan struct{}
	refs  int // logins of the client holding or waiting for a slot
}

func (s *shares) get(client string, size int) *share {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.m[client]
	if sh == nil {
		if s.m == nil {
			s.m = make(map[string]*share)
		}
		sh = &share{slots: make(chan struct{}, size)}
		s.m[client] = sh
	}
	sh.refs++
	return sh
}

func (s *shares) put(client string, sh *share) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sh.refs--; sh.refs == 0 {
		delete(s.m, client)
	}
}
