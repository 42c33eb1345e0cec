package course

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"sync"
	"time"
)

// verified remembers credentials bcrypt has accepted, for a while, so that
// a lecture hall logging in with the course's one demo password costs one
// bcrypt comparison, not one per student (about 75 ms of a core each: a
// thousand students would queue for a minute). Caddy's basic_auth keeps
// such a cache for the same reason. It keeps the guarantees of the pool in
// passwords.go:
//
//   - Only an accepted password is remembered. A wrong one, or any password
//     for an unknown user, always goes through the pool to bcrypt (the
//     decoy for an unknown user), so checks stay bounded and an unknown
//     user still costs what a known one with a wrong password does.
//   - A hit answers 200, which the right password earns anyway, so its
//     speed tells an attacker nothing the answer does not. A miss costs
//     what it did before the cache.
//   - The cache holds no password: its keys are HMAC-SHA256 of the user,
//     the stored hash and the password under a key drawn when the process
//     starts, which dies with it. A changed password (a new hash) never
//     hits an old entry.
//   - It is bounded: at most maxVerified entries, each for verifiedFor.
type verified struct {
	key [32]byte
	now func() time.Time

	mu      sync.Mutex
	expires map[[sha256.Size]byte]time.Time
}

const (
	maxVerified = 4096
	verifiedFor = 10 * time.Minute
)

func newVerified() *verified {
	v := &verified{now: time.Now, expires: make(map[[sha256.Size]byte]time.Time)}
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

// has reports whether bcrypt accepted the credentials of k recently.
func (v *verified) has(k [sha256.Size]byte) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	exp, ok := v.expires[k]
	if ok && !v.now().Before(exp) {
		delete(v.expires, k)
		return false
	}
	return ok
}

// add remembers that bcrypt accepted the credentials of k. When the cache
// is full it first drops what has expired, then, if it must, any entry:
// that only costs its owner one more bcrypt comparison.
func (v *verified) add(k [sha256.Size]byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	now := v.now()
	if len(v.expires) >= maxVerified {
		for old, exp := range v.expires {
			if !now.Before(exp) {
				delete(v.expires, old)
			}
		}
		for old := range v.expires {
			if len(v.expires) < maxVerified {
				break
			}
			delete(v.expires, old)
		}
	}
	v.expires[k] = now.Add(verifiedFor)
}
