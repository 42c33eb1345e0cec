package course

import (
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

// The notebook's two cells, against the demo user (cost-10 hash).
func TestSecureNotebook(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New().Secure())

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
			resp, body := do(t, c, http.MethodGet, url+"/secure",
				http.Header{"Authorization": {basic("David", tt.password)}}, nil)
			wantStatus(t, resp, tt.want)
			wantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
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
			resp, body := do(t, c, http.MethodGet, url+"/secure", h, nil)
			wantStatus(t, resp, tt.want)
			wantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
			if tt.want == http.StatusOK {
				if body != "Hello, Ana!" {
					t.Errorf("body = %q, want %q", body, "Hello, Ana!")
				}
				wantHeader(t, resp, "WWW-Authenticate", "")
				return
			}
			if body != "Unauthorized Access" {
				t.Errorf("body = %q, want %q", body, "Unauthorized Access")
			}
			wantHeader(t, resp, "WWW-Authenticate", `Basic realm="Authentication Required"`)
		})
	}
}

func TestSecureWithNoUsersRefusesEveryone(t *testing.T) {
	t.Parallel()
	url, c := serve(t, New(WithUsers(Users{})).Secure())
	resp, _ := do(t, c, http.MethodGet, url+"/secure",
		http.Header{"Authorization": {basic("David", "4bYaDZCFsTY4")}}, nil)
	wantStatus(t, resp, http.StatusUnauthorized)
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

// Logins past the pool of password checks and a short wait are told to come
// back later, known or not; a login that finds a slot free goes through.
// Without the pool, a flood of them took every core (bcrypt is slow on
// purpose) and starved every other endpoint.
func TestSecureWhenEveryPasswordCheckIsBusy(t *testing.T) {
	t.Parallel()
	c := New(WithUsers(cheapUsers(t)), WithPasswordChecks(1), WithPasswordWait(20*time.Millisecond))
	entered, release := holdFirstCheck(c)
	url, client := serve(t, c.Secure())
	good := http.Header{"Authorization": {basic("Ana", "s3cret:with colon")}}

	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url+"/secure", nil)
		req.Header = good.Clone()
		resp, err := client.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	<-entered // the only slot is taken until release

	for _, user := range []string{"Ana", "Eve"} {
		t.Run(user+" is a 503 while the pool is busy", func(t *testing.T) {
			resp, body := do(t, client, http.MethodGet, url+"/secure",
				http.Header{"Authorization": {basic(user, "s3cret:with colon")}}, nil)
			wantStatus(t, resp, http.StatusServiceUnavailable)
			wantHeader(t, resp, "Retry-After", "1")
			wantHeader(t, resp, "Content-Type", "text/plain; charset=utf-8")
			wantHeader(t, resp, "WWW-Authenticate", "")
			wantContains(t, body, "Too many logins at once", "Try again")
		})
	}

	close(release)
	if got := <-first; got != http.StatusOK {
		t.Errorf("the login holding the slot got %d, want 200", got)
	}
	resp, body := do(t, client, http.MethodGet, url+"/secure", good, nil)
	wantStatus(t, resp, http.StatusOK)
	if body != "Hello, Ana!" {
		t.Errorf("body = %q once the pool is free", body)
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
	resp, _ := do(t, client, http.MethodGet, url+"/secure", good, nil)
	wantStatus(t, resp, http.StatusOK)
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
