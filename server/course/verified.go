package course

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// verified remembers what bcrypt said of recent credentials, for a while,
// so that a lecture hall running the course's login cells costs one bcrypt
// comparison per distinct login, not one per student (about 75 ms of a
// core each: a thousand students would queue for a minute, and most would
// be told the server is busy). The course sends every student the same
// right password and the same wrong one, so both verdicts are kept. Caddy's
// basic_auth keeps such a cache of accepted logins for the same reason. It
// keeps the guarantees of the pool in passwords.go:
//
//   - Guessing is as slow as ever: a password not asked about in the last
//     verifiedFor goes through the pool to bcrypt. Only a repeat of the
//     very same user and password is answered from the cache, and its
//     answer is the one bcrypt gave.
//   - Unknown users are treated as known ones are: their logins are
//     compared against the decoy and their verdicts cached alike, so
//     neither a first nor a repeated login tells whether a name exists.
//   - A hit's speed tells only that these exact credentials were asked
//     about lately, and its answer (200 or 401) is what the asker would
//     get anyway: nothing about a password they did not already send.
//   - The cache holds no password: its keys are HMAC-SHA256 of the user,
//     the stored hash and the password under a key drawn when the process
//     starts, which dies with it. A changed password (a new hash) never
//     hits an old entry.
//   - It is bounded: at most maxVerified accepted and maxVerified rejected
//     entries, each for verifiedFor. The two are bounded apart, so a flood
//     of wrong passwords can push out only other wrong passwords, never a
//     class's accepted login.
type verified struct {
	key [32]byte
	now func() time.Time

	mu                 sync.Mutex
	accepted, rejected map[[sha256.Size]byte]time.Time // key → when it expires
}

const (
	maxVerified = 4096
	verifiedFor = 10 * time.Minute
)

func newVerified() *verified {
	v := &verified{now: time.Now, accepted: make(map[[sha256.Size]byte]time.Time), rejected: make(map[[sha256.Size]byte]time.Time)}
	rand.Read(v.key[:]) // never fails (crypto/rand)
	return v
}

// sum is the cache's key for these credentials.
func (v *verified) sum(name string, hash []byte, password string) [sha256.Size]byte {
	m := hmac.New(sha256.New, v.key[:])
	for _, part := range [][]byte{[]byte(name), hash, []byte(password)} {
		var n [4]byte
		n[0], n[1], n[2], n[3] = byte(len(part)>>24), byte(len(part)>>16), byte(len(part)>>8), byte(len(part))
		m.Write(n[:]) // lengths first, so no two splits of the same bytes share a key
		m.Write(part)
	}
	var k [sha256.Size]byte
	m.Sum(k[:0])
	return k
}

// lookup reports what bcrypt said of the credentials of k lately, if it
// was asked.
func (v *verified) lookup(k [sha256.Size]byte) (accepted, found bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if found = v.fresh(v.accepted, k); found {
		return true, true
	}
	return false, v.fresh(v.rejected, k)
}

// fresh reports whether m holds k unexpired, dropping it if it expired.
func (v *verified) fresh(m map[[sha256.Size]byte]time.Time, k [sha256.Size]byte) bool {
	exp, ok := m[k]
	if ok && !v.now().Before(exp) {
		delete(m, k)
		return false
	}
	return ok
}

// add remembers bcrypt's verdict on the credentials of k. When that
// verdict's half of the cache is full it first drops what has expired,
// then, if it must, any entry: that only costs its owner one more bcrypt
// comparison.
func (v *verified) add(k [sha256.Size]byte, accepted bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	m := v.rejected
	if accepted {
		m = v.accepted
	}
	now := v.now()
	if len(m) >= maxVerified {
		for old, exp := range m {
			if !now.Before(exp) {
				delete(m, old)
			}
		}
		for old := range m {
			if len(m) < maxVerified {
				break
			}
			delete(m, old)
		}
	}
	m[k] = now.Add(verifiedFor)
}
