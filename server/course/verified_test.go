package course

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A lecture hall runs the course's login cells, the demo password and the
// same wrong one: bcrypt runs once for each, not once per student. Each
// new password, for a known user or an unknown one alike, runs bcrypt; so
// does a repeat once its entry has expired.
func TestCredentialsAreComparedOncePerVerdict(t *testing.T) {
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
		{"the same wrong password, a hundred times", "David", "4bYaDZCFsTY5", 401, 2},
		{"another wrong password", "David", "4bYaDZCFsTY6", 401, 3},
		{"the right password for an unknown user", "Eve", "4bYaDZCFsTY4", 401, 4},
		{"again, a hundred times", "Eve", "4bYaDZCFsTY4", 401, 4},
		{"another name with the right password", "david", "4bYaDZCFsTY4", 401, 5},
		{"the right one again, after all that", "David", "4bYaDZCFsTY4", 200, 5},
	}
	for _, s := range steps {
		n := 1
		if strings.Contains(s.what, "a hundred") {
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
	if code := login("David", "4bYaDZCFsTY4"); code != 200 || compares.Load() != 6 {
		t.Errorf("after the entry expired: %d, %d comparisons; want 200 and a comparison", code, compares.Load())
	}
	if code := login("David", "4bYaDZCFsTY5"); code != 401 || compares.Load() != 7 {
		t.Errorf("a wrong password after its entry expired: %d, %d comparisons; want 401 and a comparison", code, compares.Load())
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

// The cache stays bounded, keys depend on every part, and a flood of
// wrong passwords cannot push out an accepted login.
func TestVerifiedIsBounded(t *testing.T) {
	t.Parallel()
	v := newVerified()
	class := v.sum("David", []byte("h"), "right")
	v.add(class, true)
	for i := range 2*maxVerified + 10 {
		v.add(v.sum("u", []byte("h"), string(rune(i))), false)
	}
	if n := len(v.rejected); n > maxVerified {
		t.Errorf("%d rejected entries, want at most %d", n, maxVerified)
	}
	if accepted, found := v.lookup(class); !accepted || !found {
		t.Errorf("after a flood of wrong passwords the class's login is %v, %v; want accepted and found", accepted, found)
	}
	for i := range maxVerified + 10 {
		v.add(v.sum("u", []byte("h"), string(rune(i))), true)
	}
	if n := len(v.accepted); n > maxVerified {
		t.Errorf("%d accepted entries, want at most %d", n, maxVerified)
	}
	if v.sum("ab", []byte("c"), "d") == v.sum("a", []byte("bc"), "d") {
		t.Error("two different credentials share a key")
	}
}

// A class presses Run on the login cells at once, before any verdict is
// cached: one bcrypt comparison each for the right password and the wrong
// one, not one per student, and no student is told the server is busy
// (one check at a time, 75 ms each, would have refused all but the first
// forty of a hundred).
func TestAClassLoggingInAtOnceCostsOneCheck(t *testing.T) {
	t.Parallel()
	// Cheap hashes and a long wait: under -race on a loaded machine a
	// cost-10 comparison alone can outlast a short one.
	c := New(WithUsers(cheapUsers(t)), WithPasswordChecks(1), WithPasswordWait(time.Minute))
	entered, release := holdFirstCheck(c)
	var compares atomic.Int32
	compare := c.compare
	c.compare = func(hash, password []byte) error {
		compares.Add(1)
		return compare(hash, password)
	}
	h := c.Secure()
	login := func(password string, ip int) int {
		req := httptest.NewRequest(http.MethodGet, "/secure", nil)
		req.SetBasicAuth("Ana", password)
		req.RemoteAddr = fmt.Sprintf("192.0.2.%d:1234", ip)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w.Code
	}
	const class = 100
	codes := make(chan int, 2*class)
	var wg sync.WaitGroup
	wg.Go(func() { codes <- login("s3cret:with colon", 0) })
	<-entered // the first login holds the only check
	for i := range class - 1 {
		wg.Go(func() { codes <- login("s3cret:with colon", i%250+1) })
	}
	for i := range class {
		wg.Go(func() { codes <- login("badpass", i%250+1) })
	}
	for c.judging.waiting() < 2 { // both logins are under way, the class behind them
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	close(codes)
	got := map[int]int{}
	for code := range codes {
		got[code]++
	}
	if got[200] != class || got[401] != class {
		t.Errorf("answers %v, want %d of 200 and %d of 401", got, class, class)
	}
	if n := compares.Load(); n != 2 {
		t.Errorf("%d bcrypt comparisons for a class's two logins, want 2", n)
	}
}
