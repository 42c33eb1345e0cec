package relay

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	p, errs := (*policy)(nil).with("127.0.0.1:2500", "[::1]:2500", "localhost:2505", "kdm.training", "[::]:2600", "0.0.0.0:2700")
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	tests := []struct {
		name, url string
		want      string // "" if allowed, else part of the refusal
	}{
		{"allowed IPv4 listener", "http://127.0.0.1:2500/hello", ""},
		{"allowed IPv6 listener", "http://[::1]:2500/hello", ""},
		{"localhost on an allowed IP's port", "http://localhost:2500/", ""},
		{"localhost listed by name", "http://localhost:2505/", ""},
		{"listed name on its default port", "http://kdm.training/", ""},
		{"listed name, https", "https://kdm.training/", ""},
		{"listed name in capitals", "http://KDM.Training/", ""},
		{"IPv6 any-address listener reached on ::1", "http://[::1]:2600/", ""},
		{"IPv6 any-address listener reached on 127.0.0.1", "http://127.0.0.1:2600/", ""},
		{"IPv4 any-address listener reached on 127.0.0.1", "http://127.0.0.1:2700/", ""},
		{"upper-case scheme", "HTTP://127.0.0.1:2500/", ""},
		{"IPv4 any-address listener is not reached on ::1", "http://[::1]:2700/", "[::1]:2700 is not one"},
		{"the any-address itself", "http://0.0.0.0:2700/", "0.0.0.0:2700 is not one"},
		{"listed name on another port", "http://kdm.training:8080/", "kdm.training:8080 is not one"},
		{"subdomain of a listed name", "http://www.kdm.training/", "www.kdm.training:80 is not one"},
		{"ws scheme", "ws://127.0.0.1:2500/", `not "ws:"`},
		{"mailto", "mailto:ada@example.com", `not "mailto:"`},
		{"opaque http", "http:127.0.0.1:2500", "has no host"},
		{"relative URL", "/hello", `not ":"`},
		{"user only", "http://ada@127.0.0.1:2500/", "user:password@"},
		{"port past 65535", "http://127.0.0.1:65536/", "not a port number"},
		{"control character", "http://127.0.0.1:2500/\x7f", "cannot be read"},
		{"IPv4 with a leading zero", "http://127.0.0.01:2500/", "four decimal numbers"},
		{"percent-escaped host", "http://%31%32%37.0.0.1:2500/", "cannot be read"},
		{"IPv4-mapped IPv6 of a foreign port", "http://[::ffff:169.254.169.254]/", "is not one"},
		{"name with an underscore", "http://metadata_internal/", "metadata_internal:80 is not one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := p.check(tt.url)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("check(%q) = %v, want allowed", tt.url, err)
			case tt.want != "" && err == nil:
				t.Errorf("check(%q) allowed it, want refused: %s", tt.url, tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("check(%q) = %q, want it to say %q", tt.url, err, tt.want)
			case tt.want != "" && !strings.HasPrefix(err.Error(), "refused: "):
				t.Errorf("check(%q) = %q, want it to start with refused:", tt.url, err)
			}
		})
	}
}

func TestPermit(t *testing.T) {
	t.Parallel()
	p, _ := (*policy)(nil).with("127.0.0.1:2500", "localhost:2505", "kdm.training:80", "rebind.test:80")
	ip := netip.MustParseAddr
	tests := []struct {
		name string
		ip   netip.Addr
		port uint16
		host string // as the URL named it; "" for an IP literal
		want bool
	}{
		{"allowed IP literal", ip("127.0.0.1"), 2500, "", true},
		{"allowed IP, IPv4-mapped", ip("::ffff:127.0.0.1"), 2500, "", true},
		{"other port of an allowed IP", ip("127.0.0.1"), 2501, "", false},
		{"listed localhost on 127.0.0.1", ip("127.0.0.1"), 2505, "localhost", true},
		{"listed localhost on ::1", ip("::1"), 2505, "localhost", true},
		{"listed localhost on another loopback", ip("127.0.0.2"), 2505, "localhost", true},
		{"listed localhost on a public IP", ip("93.184.215.14"), 2505, "localhost", false},
		{"listed name on a public IP", ip("93.184.215.14"), 80, "kdm.training", true},
		{"listed name on a public IPv6", ip("2606:2800:21f:cb07:6820:80da:af6b:8b2c"), 80, "kdm.training", true},
		{"listed name rebound to loopback", ip("127.0.0.1"), 80, "rebind.test", false},
		{"listed name rebound to metadata", ip("169.254.169.254"), 80, "rebind.test", false},
		{"listed name rebound to a private network", ip("10.0.0.1"), 80, "rebind.test", false},
		{"listed name rebound to carrier NAT", ip("100.64.0.1"), 80, "rebind.test", false},
		{"listed name rebound to IPv6 loopback", ip("::1"), 80, "rebind.test", false},
		{"listed name rebound to IPv6 unique-local", ip("fd00::1"), 80, "rebind.test", false},
		{"listed name rebound to NAT64 of loopback", ip("64:ff9b::7f00:1"), 80, "rebind.test", false},
		{"listed name rebound to 6to4 of a private IP", ip("2002:a00:1::1"), 80, "rebind.test", false},
		{"listed name rebound to the any-address", ip("0.0.0.0"), 80, "rebind.test", false},
		{"listed name rebound to multicast", ip("224.0.0.1"), 80, "rebind.test", false},
		{"listed name rebound to an allowed listener", ip("127.0.0.1"), 2500, "rebind.test", true},
		{"unlisted name on a public IP", ip("93.184.215.14"), 80, "example.com", false},
		{"listed name on another port", ip("93.184.215.14"), 8080, "kdm.training", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := p.permit(tt.ip, tt.port, tt.host); got != tt.want {
				t.Errorf("permit(%v, %d, %q) = %v, want %v", tt.ip, tt.port, tt.host, got, tt.want)
			}
		})
	}
}

func TestListedNameRebindingToALocalAddressIsRefused(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }, nil)
	_, port, _ := net.SplitHostPort(addr)
	other := freeAddr(t)
	_, otherPort, _ := net.SplitHostPort(other)

	rl := New(WithAllowedHosts(addr, "rebind.test:"+otherPort, "rebind.test:80", "own.test:"+port))
	rl.lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
		switch host {
		case "rebind.test": // first answer public, now local: the attack
			return []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("169.254.169.254")}, nil
		case "own.test":
			return []netip.Addr{netip.MustParseAddr("127.0.0.1")}, nil
		}
		return nil, errors.New("no such host")
	}
	c := connect(t, serveRelay(t, rl))

	wantError(t, c.get("http://rebind.test:" + otherPort + "/")[0], "refused: rebind.test resolved to 127.0.0.1, which is not one of wirebook's own addresses")
	wantError(t, c.get("http://rebind.test/")[0], "refused: rebind.test resolved to 127.0.0.1")
	// A listed name that resolves to an allowed listener is fine.
	if fs := c.get("http://own.test:" + port + "/"); body(fs) != "hi" || last(fs).Type != wireproto.FrameEnd {
		t.Errorf("own.test: frames %+v, want body hi", fs)
	}
}

func TestControlChecksEveryConnect(t *testing.T) {
	t.Parallel()
	// Even a dial that skipped dialChecked cannot connect where the policy
	// does not allow: the socket's control function refuses first.
	addr := upstream(t, func(http.ResponseWriter, *http.Request) {}, nil)
	rl := New(WithAllowedHosts(freeAddr(t)))
	c, err := rl.dialer.DialContext(t.Context(), "tcp", addr)
	if err == nil {
		c.Close()
		t.Fatalf("dialled %s, which is not allowed", addr)
	}
	var ref *refusal
	if !errors.As(err, &ref) || !strings.Contains(err.Error(), addr+" is not one of wirebook's own addresses") {
		t.Errorf("err = %v, want a refusal naming %s", err, addr)
	}
}

func TestParseHosts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, list string
		want       []string
		err        string
	}{
		{"empty", "", nil, ""},
		{"names and addresses", " kdm.training, 127.0.0.1:8080 ,[::1]:9000,", []string{"kdm.training", "127.0.0.1:8080", "[::1]:9000"}, ""},
		{"bad port", "kdm.training:http", nil, `"kdm.training:http" has a bad port`},
		{"port zero", "127.0.0.1:0", nil, "has a bad port"},
		{"numeric name", "2130706433", nil, "neither an IP address nor a host name"},
		{"name with a slash", "kdm.training/x", nil, "neither an IP address nor a host name"},
		{"IPv6 zone", "[fe80::1%eth0]:80", nil, "zone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseHosts(tt.list)
			if tt.err == "" {
				if err != nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
					t.Errorf("ParseHosts(%q) = %q, %v; want %q", tt.list, got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseHosts(%q) error = %v, want %q", tt.list, err, tt.err)
			}
		})
	}
}

func TestAllowHostsWhileServing(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "hi") }, nil)
	rl := New()
	c := connect(t, serveRelay(t, rl))

	wantError(t, c.get("http://" + addr + "/")[0], "refused")
	if err := rl.AllowHosts(addr, "bad host"); err == nil || !strings.Contains(err.Error(), "bad host") {
		t.Errorf("AllowHosts error = %v, want one naming the bad entry", err)
	}
	if fs := c.get("http://" + addr + "/"); body(fs) != "hi" {
		t.Errorf("after AllowHosts: frames %+v, want body hi", fs)
	}
}

func TestRefusal(t *testing.T) {
	t.Parallel()
	r := New(WithAllowedHosts("127.0.0.1:2500", "kdm.training"), WithLogger(slog.New(slog.DiscardHandler)))
	tests := []struct {
		name, url string
		want      string // "" if allowed, else the whole refusal
	}{
		{"an allowed listener", "http://127.0.0.1:2500/hello", ""},
		{"a listed name", "https://kdm.training/", ""},
		{"a host not listed names the flag that allows it", "http://example.com/", "refused: example.com:80 is not one of wirebook's own addresses (allow it with -relay-allow)"},
		{"another port of an allowed address", "http://127.0.0.1:2501/", "refused: 127.0.0.1:2501 is not one of wirebook's own addresses (allow it with -relay-allow)"},
		{"not http", "ftp://kdm.training/", `refused: only http:// and https:// URLs can be sent, not "ftp:"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := r.Refusal(tt.url); got != tt.want {
				t.Errorf("Refusal(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestRefusalFollowsAllowHosts(t *testing.T) {
	t.Parallel()
	r := New(WithLogger(slog.New(slog.DiscardHandler)))
	if r.Refusal("http://example.com/") == "" {
		t.Fatal("a relay allowing nothing allowed example.com")
	}
	if err := r.AllowHosts("example.com"); err != nil {
		t.Fatal(err)
	}
	if got := r.Refusal("http://example.com/"); got != "" {
		t.Errorf("after AllowHosts, Refusal = %q, want allowed", got)
	}
}
