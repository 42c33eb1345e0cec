package course

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"wirebook/server/internal/testkit"
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
