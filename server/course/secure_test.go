package course

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wirebook/server/internal/testkit"
)

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// The notebook's two cells, against the demo user (cost-10 hash). They run
// at once from one address, so the second waits for the first's check: on
// a loaded machine under -race that takes seconds, past the default wait.
func TestSecureNotebook(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(WithPasswordWait(MaxPasswordWait)).Secure())

	tests := []struct {
		name     string
		password string
		want     int
		wantBody string
	}{
		{"David with his password is greeted", "4bYaDZCFsTY4", http.StatusOK, "Hello, David!"},
		{"David with a bad password is refused", "badpass", http.StatusUnauthorized, "Unauthorized Access"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, url+"/secure",
				http.Header{"Authorization": {basic("David", tt.password)}}, nil)
			testkit.WantStatus(t, resp, tt.want)
			testkit.WantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
			if body != tt.wantBody {
				t.Errorf("body = %q, want %q", body, tt.wantBody)
			}
		})
	}
}

// cheapUsers hashes at bcrypt's minimum cost so the many rows below stay fast.
func cheapUsers(t *testing.T) Users {
	t.Helper()
	h, err := bcrypt.GenerateFromPassword([]byte("s3cret:with colon"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return Users{"Ana": h}
}

func TestSecureAuthorization(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(WithUsers(cheapUsers(t))).Secure())
	huge := strings.Repeat("A", 64<<10)

	tests := []struct {
		name   string
		header []string // Authorization values; nil sends none
		want   int
	}{
		{"good credentials", []string{basic("Ana", "s3cret:with colon")}, http.StatusOK},
		{"the scheme is case-insensitive", []string{"bAsIc " + strings.TrimPrefix(basic("Ana", "s3cret:with colon"), "Basic ")}, http.StatusOK},
		{"no header", nil, http.StatusUnauthorized},
		{"wrong password", []string{basic("Ana", "s3cret")}, http.StatusUnauthorized},
		{"unknown user", []string{basic("Eve", "s3cret:with colon")}, http.StatusUnauthorized},
		{"user names are case-sensitive", []string{basic("ana", "s3cret:with colon")}, http.StatusUnauthorized},
		{"empty header", []string{""}, http.StatusUnauthorized},
		{"scheme alone", []string{"Basic"}, http.StatusUnauthorized},
		{"scheme and a space", []string{"Basic "}, http.StatusUnauthorized},
		{"Bearer token", []string{"Bearer abc.def.ghi"}, http.StatusUnauthorized},
		{"Digest", []string{`Digest username="Ana", realm="x"`}, http.StatusUnauthorized},
		{"credentials not base64", []string{"Basic !!!not-base64!!!"}, http.StatusUnauthorized},
		{"credentials without a colon", []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("Ana"))}, http.StatusUnauthorized},
		{"credentials sent raw", []string{"Basic Ana:s3cret:with colon"}, http.StatusUnauthorized},
		{"empty user and password", []string{basic("", "")}, http.StatusUnauthorized},
		{"huge base64 garbage", []string{"Basic " + huge}, http.StatusUnauthorized},
		{"huge password", []string{basic("Ana", huge)}, http.StatusUnauthorized},
		{"huge unknown user", []string{basic(huge, "x")}, http.StatusUnauthorized},
		{"two headers, the first bad", []string{"Bearer x", basic("Ana", "s3cret:with colon")}, http.StatusUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var h http.Header
			if tt.header != nil {
				h = http.Header{"Authorization": tt.header}
			}
			resp, body := testkit.Do(t, c, http.MethodGet, url+"/secure", h, nil)
			testkit.WantStatus(t, resp, tt.want)
			testkit.WantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
			if tt.want == http.StatusOK {
				if body != "Hello, Ana!" {
					t.Errorf("body = %q, want %q", body, "Hello, Ana!")
				}
				testkit.WantHeader(t, resp, "WWW-Authenticate", "")
				return
			}
			if body != "Unauthorized Access" {
				t.Errorf("body = %q, want %q", body, "Unauthorized Access")
			}
			testkit.WantHeader(t, resp, "WWW-Authenticate", `Basic realm="Authentication Required"`)
		})
	}
}

func TestSecureWithNoUsersRefusesEveryone(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(WithUsers(Users{})).Secure())
	resp, _ := testkit.Do(t, c, http.MethodGet, url+"/secure",
		http.Header{"Authorization": {basic("David", "4bYaDZCFsTY4")}}, nil)
	testkit.WantStatus(t, resp, http.StatusUnauthorized)
}

// An unknown name is checked against a decoy of the users' cost, so its 401
// takes as long as a wrong password's.
func TestDecoyCostMatchesUsers(t *testing.T) {
	t.Parallel()
	hashAt := func(cost int) []byte {
		h, err := bcrypt.GenerateFromPassword([]byte("pw"), cost)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	low, mid := hashAt(bcrypt.MinCost), hashAt(bcrypt.MinCost+1)

	tests := []struct {
		name  string
		users Users
		want  int
	}{
		{"demo user", DemoUsers(), bcrypt.DefaultCost},
		{"no users", Users{}, bcrypt.MinCost},
		{"cheap users", Users{"a": low}, bcrypt.MinCost},
		{"mixed costs take the highest", Users{"a": low, "b": mid}, bcrypt.MinCost + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := bcrypt.Cost(New(WithUsers(tt.users)).decoy)
			if err != nil {
				t.Fatalf("decoy is not a bcrypt hash: %v", err)
			}
			if got != tt.want {
				t.Errorf("decoy cost = %d, want %d", got, tt.want)
			}
		})
	}
}

// holdFirstCheck makes c's first password check wait until release is
// closed, and closes entered once it has begun: a pool saturated on demand.
func holdFirstCheck(c *Course) (entered, release chan struct{}) {
	entered, release = make(chan struct{}), make(chan struct{})
	var once sync.Once
	compare := c.compare
	c.compare = func(hash, password []byte) error {
		once.Do(func() {
			close(entered)
			<-release
		})
		return compare(hash, password)
	}
	return entered, release
}

// asClient serves h with the remote address named by the request's
// X-Test-Client header, so one test can speak as several clients.
func asClient(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip := r.Header.Get("X-Test-Client"); ip != "" {
			r.RemoteAddr = ip + ":1234"
		}
		h.ServeHTTP(w, r)
	})
}

// login sends Ana's correct password as client ip and returns the status.
func login(t *testing.T, c *http.Client, url, ip string) int {
	return loginAs(t, c, url, ip, "Ana", "s3cret:with colon")
}

// loginAs sends user's password as client ip and returns the status.
func loginAs(t *testing.T, c *http.Client, url, ip, user, password string) int {
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/secure", nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", basic(user, password))
	req.Header.Set("X-Test-Client", ip)
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Logins past the pool of password checks and a short wait are told to come
// back later, known or not: 429 when the client's own share is taken, 503
// when the whole pool is. A login that finds a slot free goes through.
// Without the pool, a flood of them took every core (bcrypt is slow on
// purpose) and starved every other endpoint.
func TestSecureWhenEveryPasswordCheckIsBusy(t *testing.T) {
	t.Parallel()
	c := New(WithUsers(cheapUsers(t)), WithPasswordChecks(1), WithPasswordWait(20*time.Millisecond))
	entered, release := holdFirstCheck(c)
	url, client := serve(t, asClient(c.Secure()))

	first := make(chan int, 1)
	go func() { first <- login(t, client, url, "192.0.2.1") }()
	<-entered // the only slot is taken until release

	tests := []struct {
		name, ip, user string
		want           int
		wantBody       string
	}{
		{"the same client is a 429", "192.0.2.1", "Ana", http.StatusTooManyRequests, "Too many logins from you at once"},
		{"another client is a 503", "192.0.2.2", "Ana", http.StatusServiceUnavailable, "Too many logins at once"},
		{"an unknown user is a 503 too", "192.0.2.2", "Eve", http.StatusServiceUnavailable, "Too many logins at once"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A password other than the held login's: the same one would
			// wait for that login's verdict (TestAClassLoggingInAtOnceCostsOneCheck).
			resp, body := testkit.Do(t, client, http.MethodGet, url+"/secure", http.Header{
				"Authorization": {basic(tt.user, "not "+tt.name)}, "X-Test-Client": {tt.ip}}, nil)
			testkit.WantStatus(t, resp, tt.want)
			testkit.WantHeader(t, resp, "Retry-After", "1")
			testkit.WantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
			testkit.WantHeader(t, resp, "WWW-Authenticate", "")
			wantContains(t, body, tt.wantBody, "Try again")
		})
	}

	close(release)
	if got := <-first; got != http.StatusOK {
		t.Errorf("the login holding the slot got %d, want 200", got)
	}
	for _, ip := range []string{"192.0.2.1", "192.0.2.2"} {
		if got := login(t, client, url, ip); got != http.StatusOK {
			t.Errorf("%s: status %d once the pool is free, want 200", ip, got)
		}
	}
}

// A client flooding /secure keeps at most its share of logins ahead of
// another client's: the other's correct login gets the next free slot
// instead of queueing behind the whole flood and timing out.
func TestAFloodingClientDoesNotStarveAnother(t *testing.T) {
	t.Parallel()
	c := New(WithUsers(cheapUsers(t)), WithPasswordChecks(1), WithPasswordWait(time.Second))
	entered, release := holdFirstCheck(c)
	compare := c.compare
	c.compare = func(hash, password []byte) error { // every check after the held one takes 400 ms, as bcrypt on a busy core
		err := compare(hash, password)
		time.Sleep(400 * time.Millisecond)
		return err
	}
	url, client := serve(t, asClient(c.Secure()))

	var flood sync.WaitGroup
	flood.Go(func() { loginAs(t, client, url, "192.0.2.1", "Ana", "the held guess") })
	<-entered
	for i := range 5 { // five more guesses from the flooding client
		flood.Go(func() { loginAs(t, client, url, "192.0.2.1", "Ana", fmt.Sprint("guess ", i)) })
	}
	waitForLogins(t, c, "192.0.2.1", 6)
	other := make(chan int, 1)
	go func() { other <- login(t, client, url, "192.0.2.2") }()
	waitForLogins(t, c, "192.0.2.2", 1)
	close(release)
	// Without shares the other login queues behind the flood's five, two
	// seconds of checks, past its one-second wait.
	if got := <-other; got != http.StatusOK {
		t.Errorf("the other client's login got %d, want 200", got)
	}
	flood.Wait()
}

// waitForLogins waits until client has n logins holding or waiting for a
// password check.
func waitForLogins(t *testing.T, c *Course, client string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.clients.mu.Lock()
		sh := c.clients.m[client]
		got := 0
		if sh != nil {
			got = sh.refs
		}
		c.clients.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d logins waiting after 10 s, want %d", client, got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

// A login that arrives while the pool is busy and gets a slot within the
// wait is served, not refused.
func TestSecureWaitsBrieflyForASlot(t *testing.T) {
	t.Parallel()
	c := New(WithUsers(cheapUsers(t)), WithPasswordChecks(1), WithPasswordWait(MaxPasswordWait))
	entered, release := holdFirstCheck(c)
	url, client := serve(t, c.Secure())
	good := http.Header{"Authorization": {basic("Ana", "s3cret:with colon")}}

	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/secure", nil)
		req.Header = good.Clone()
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	<-entered
	time.AfterFunc(50*time.Millisecond, func() { close(release) })
	resp, _ := testkit.Do(t, client, http.MethodGet, url+"/secure", good, nil)
	testkit.WantStatus(t, resp, http.StatusOK)
}

func TestPasswordOptionsAreClamped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []Option
		wantSlots int
		wantWait  time.Duration
	}{
		{"defaults", nil, defaultPasswordChecks(), DefaultPasswordWait},
		{"a client's share is at most the pool", []Option{WithPasswordChecks(2), WithPasswordChecksPerClient(5)}, 2, DefaultPasswordWait},
		{"below the bounds", []Option{WithPasswordChecks(-1), WithPasswordWait(-time.Second)}, 1, 0},
		{"above the bounds", []Option{WithPasswordChecks(1 << 20), WithPasswordWait(time.Hour)}, MaxPasswordChecks, MaxPasswordWait},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := New(tt.opts...)
			if cap(c.passwordSlots) != tt.wantSlots || c.passwordWait != tt.wantWait {
				t.Errorf("slots %d, wait %v; want %d, %v", cap(c.passwordSlots), c.passwordWait, tt.wantSlots, tt.wantWait)
			}
		})
	}
}
