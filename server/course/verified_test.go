package course

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// A lecture hall logs in with the course's one demo password: bcrypt runs
// once, not once per student. A wrong password, and any password for an
// unknown user, still runs bcrypt every time, and so does the right one
// once its entry has expired.
func TestAcceptedCredentialsAreComparedOnce(t *testing.T) {
	t.Parallel()
	c := New()
	var compares atomic.Int32
	compare := c.compare
	c.compare = func(hash, password []byte) error {
		compares.Add(1)
		return compare(hash, password)
	}
	now := time.Unix(1_000_000, 0)
	c.verified.now = func() time.Time { return now }
	h := c.Secure()
	login := func(user, password string) int {
		req := httptest.NewRequest(http.MethodGet, "/secure", nil)
		req.SetBasicAuth(user, password)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	steps := []struct {
		what           string
		user, password string
		code           int
		compares       int32 // bcrypt comparisons so far
	}{
		{"the first right login", "David", "4bYaDZCFsTY4", 200, 1},
		{"a hundred more", "David", "4bYaDZCFsTY4", 200, 1},
		{"a wrong password", "David", "4bYaDZCFsTY5", 401, 2},
		{"the same wrong password again", "David", "4bYaDZCFsTY5", 401, 3},
		{"the right password for an unknown user", "Eve", "4bYaDZCFsTY4", 401, 4},
		{"again", "Eve", "4bYaDZCFsTY4", 401, 5},
		{"another name with the right password", "david", "4bYaDZCFsTY4", 401, 6},
	}
	for _, s := range steps {
		n := 1
		if s.what == "a hundred more" {
			n = 100
		}
		for range n {
			if code := login(s.user, s.password); code != s.code {
				t.Fatalf("%s: %d, want %d", s.what, code, s.code)
			}
		}
		if got := compares.Load(); got != s.compares {
			t.Fatalf("after %s: %d bcrypt comparisons, want %d", s.what, got, s.compares)
		}
	}
	now = now.Add(verifiedFor)
	if code := login("David", "4bYaDZCFsTY4"); code != 200 || compares.Load() != 7 {
		t.Errorf("after the entry expired: %d, %d comparisons; want 200 and a comparison", code, compares.Load())
	}
}

// A hit needs no slot of the pool: a student whose login was accepted
// gets in while an attack keeps every password check busy.
func TestAcceptedCredentialsPassABusyPool(t *testing.T) {
	t.Parallel()
	c := New(WithPasswordChecks(1), WithPasswordWait(100*time.Millisecond))
	h := c.Secure()
	login := func(password string) int {
		req := httptest.NewRequest(http.MethodGet, "/secure", nil)
		req.SetBasicAuth("David", password)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	if code := login("4bYaDZCFsTY4"); code != 200 {
		t.Fatalf("first login: %d", code)
	}
	entered, release := holdFirstCheck(c)
	done := make(chan int)
	go func() { done <- login("wrong") }()
	<-entered // the pool's one check is taken
	if code := login("4bYaDZCFsTY4"); code != 200 {
		t.Errorf("an accepted login while the pool is busy: %d, want 200", code)
	}
	if code := login("another wrong one"); code != http.StatusServiceUnavailable && code != http.StatusTooManyRequests {
		t.Errorf("a wrong login while the pool is busy: %d, want 429 or 503", code)
	}
	close(release)
	if code := <-done; code != 401 {
		t.Errorf("the held wrong login: %d, want 401", code)
	}
}

// The cache stays bounded, and keys depend on every part.
func TestVerifiedIsBounded(t *testing.T) {
	t.Parallel()
	v := newVerified()
	for i := range maxVerified + 10 {
		v.add(v.sum("u", []byte("h"), string(rune(i))))
	}
	if n := len(v.expires); n > maxVerified {
		t.Errorf("%d entries, want at most %d", n, maxVerified)
	}
	if v.sum("ab", []byte("c"), "d") == v.sum("a", []byte("bc"), "d") {
		t.Error("two different credentials share a key")
	}
}
