package course

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"time"
)

// bcrypt is slow on purpose: a cost-10 comparison takes tens of
// milliseconds of one core. Unbounded, 48 clients sending wrong passwords
// kept every core busy and took /hello's p99 from 0.6 ms to 548 ms on a
// 2-core machine. So password checks run in a pool a core smaller than the
// machine, a request waits briefly for a slot, and past that wait it is
// told to come back (respond.Unavailable).

// errBusy is why checkPassword gave up: every slot stayed taken for the
// whole wait.
var errBusy = errors.New("every password check is busy")

// defaultPasswordChecks leaves one core to the rest of the server, so the
// other endpoints stay quick while /secure is under attack; on one core
// there is nothing to leave.
func defaultPasswordChecks() int {
	return max(1, runtime.GOMAXPROCS(0)-1)
}

// checkPassword reports whether password is name's. It takes a slot of the
// pool first, waiting at most passwordWait or until ctx ends. An unknown
// name is compared against the decoy, so it costs what a known one does,
// and the slot is taken before the name is looked up, so a busy answer
// tells nothing either.
func (c *Course) checkPassword(ctx context.Context, name, password string) (bool, error) {
	if err := c.takeSlot(ctx); err != nil {
		return false, err
	}
	defer func() { <-c.passwordSlots }()
	hash, known := c.users[name]
	if !known {
		hash = c.decoy
	}
	return c.compare(hash, []byte(password)) == nil && known, nil
}

func (c *Course) takeSlot(ctx context.Context) error {
	select {
	case c.passwordSlots <- struct{}{}:
		return nil
	default: // busy: wait, but not for long
	}
	wait := time.NewTimer(c.passwordWait)
	defer wait.Stop()
	select {
	case c.passwordSlots <- struct{}{}:
		return nil
	case <-wait.C:
		return errBusy
	case <-ctx.Done():
		return ctx.Err()
	}
}

// busyReason is the plain-text body of a /secure request that found every
// password check busy.
func (c *Course) busyReason() string {
	return "Too many logins at once: this server checks " + strconv.Itoa(cap(c.passwordSlots)) +
		" password(s) at a time, and bcrypt is slow on purpose. Try again in a second.\n"
}
