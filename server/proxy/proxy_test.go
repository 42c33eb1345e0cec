package proxy

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestRealIP(t *testing.T) {
	t.Parallel()
	trusted, err := ParseTrusted("127.0.0.1/32, 10.0.0.0/8, ::1")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		peer string
		xff  []string // header lines
		want string   // RemoteAddr the handler sees
	}{
		{"trusted peer: the forwarded client is used", "127.0.0.1:40000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"trusted IPv6 peer: the forwarded client is used", "[::1]:40000", []string{"2001:db8::7"}, "2001:db8::7"},
		{"untrusted peer: the header is ignored", "192.0.2.1:40000", []string{"203.0.113.9"}, "192.0.2.1:40000"},
		{"untrusted peer that claims a trusted hop: still ignored", "192.0.2.1:40000", []string{"203.0.113.9, 127.0.0.1"}, "192.0.2.1:40000"},
		{"trusted peer without the header keeps its address", "127.0.0.1:40000", nil, "127.0.0.1:40000"},
		{"a hop left of an untrusted one is not believed", "127.0.0.1:40000", []string{"198.51.100.1, 203.0.113.9"}, "203.0.113.9"},
		{"trusted hops are skipped from the right", "127.0.0.1:40000", []string{"203.0.113.9, 10.1.2.3, 10.4.5.6"}, "203.0.113.9"},
		{"every hop trusted: the leftmost is the client", "127.0.0.1:40000", []string{"10.1.2.3, 10.4.5.6"}, "10.1.2.3"},
		{"the list may span header lines", "127.0.0.1:40000", []string{"203.0.113.9", "10.4.5.6"}, "203.0.113.9"},
		{"an IPv4-mapped hop is read as IPv4", "127.0.0.1:40000", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"malformed header is ignored", "127.0.0.1:40000", []string{"not-an-ip"}, "127.0.0.1:40000"},
		{"a hop with a port is malformed", "127.0.0.1:40000", []string{"203.0.113.9:1234"}, "127.0.0.1:40000"},
		{"an empty hop is malformed", "127.0.0.1:40000", []string{"203.0.113.9,,10.1.2.3"}, "127.0.0.1:40000"},
		{"junk left of the client is never read", "127.0.0.1:40000", []string{"garbage, 203.0.113.9"}, "203.0.113.9"},
		{"a bad hop right of the client spoils the header", "127.0.0.1:40000", []string{"203.0.113.9, garbage"}, "127.0.0.1:40000"},
		{"an IPv6 zone is malformed", "127.0.0.1:40000", []string{"fe80::1%eth0"}, "127.0.0.1:40000"},
		{"an empty header is ignored", "127.0.0.1:40000", []string{""}, "127.0.0.1:40000"},
		{"more hops than MaxHops are ignored", "127.0.0.1:40000", []string{manyHops(MaxHops + 1)}, "127.0.0.1:40000"},
		{"a peer address that does not parse is left alone", "@unix", []string{"203.0.113.9"}, "@unix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got string
			h := RealIP(trusted)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				got = r.RemoteAddr
			}))
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			h.ServeHTTP(httptest.NewRecorder(), r)
			if got != tt.want {
				t.Errorf("RemoteAddr = %q, want %q", got, tt.want)
			}
			if r.RemoteAddr != tt.peer {
				t.Errorf("the caller's request was changed: RemoteAddr %q, want %q", r.RemoteAddr, tt.peer)
			}
		})
	}
}

func manyHops(n int) string {
	s := "203.0.113.9"
	for range n - 1 {
		s += ", 10.0.0.1"
	}
	return s
}

func TestRealIPWithoutTrustIsTheHandlerItself(t *testing.T) {
	t.Parallel()
	called := false
	next := http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true })
	h := RealIP(nil)(next)
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:40000"
	r.Header.Set("X-Forwarded-For", "203.0.113.9")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if !called {
		t.Fatal("next was not called")
	}
	if r.RemoteAddr != "127.0.0.1:40000" {
		t.Errorf("RemoteAddr = %q with nothing trusted", r.RemoteAddr)
	}
}

func TestParseTrusted(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      string
		want    []netip.Prefix
		wantErr bool
	}{
		{"empty trusts no one", "", nil, false},
		{"a bare IPv4 address is a /32", "127.0.0.1", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, false},
		{"a bare IPv6 address is a /128", "::1", []netip.Prefix{netip.MustParsePrefix("::1/128")}, false},
		{"CIDRs are comma separated and trimmed", " 10.0.0.0/8 ,192.168.1.0/24 ", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("192.168.1.0/24")}, false},
		{"host bits are masked", "127.0.0.1/8", []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}, false},
		{"a name is refused", "proxy.local", nil, true},
		{"a bad prefix length is refused", "10.0.0.0/33", nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseTrusted(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("prefix %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}
