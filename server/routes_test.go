package main

import (
	"bytes"
	"errors"
	"flag"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// Every route names the methods it admits, on every listener, and any other
// method is a 405 whose Allow header lists them: the WebSocket endpoints
// too, which chi's replaced 405 handler once answered without Allow.
func TestWrongMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	in := start(t, "-course-ports=0,0,0,0")
	tests := []struct {
		listener, method, path, allow string
	}{
		{"main", "POST", "/", "GET, HEAD"},
		{"main", "POST", "/lessons/files", "GET, HEAD"},
		{"main", "PUT", "/static/app.css", "GET, HEAD"},
		{"main", "POST", "/favicon.ico", "GET, HEAD"},
		{"main", "POST", "/ws/relay", "GET"},
		{"main", "POST", "/ws/stream", "GET"},
		{"main", "POST", "/events/lesson", "GET"},
		{"main", "PUT", "/export/files", "GET, HEAD, POST"},
		{"main", "DELETE", "/export/files", "GET, HEAD, POST"},
		{"main", "DELETE", "/files/greetings.txt", "GET, HEAD"},
		{"main", "POST", "/hello", "GET, HEAD"},
		{"main", "PUT", "/greeting", "GET, HEAD"},
		{"main", "DELETE", "/stream", "GET, HEAD"},
		{"main", "POST", "/redirect", "GET, HEAD"},
		{"main", "POST", "/notfound", "GET, HEAD"},
		{"main", "PATCH", "/json", "GET, HEAD, POST, PUT"},
		{"main", "OPTIONS", "/json", "GET, HEAD, POST, PUT"},
		{"main", "POST", "/secure", "GET, HEAD"},
		{"app", "POST", "/hello", "GET, HEAD"},
		{"app", "DELETE", "/json", "GET, HEAD, POST, PUT"},
		{"auth", "POST", "/secure", "GET, HEAD"},
		{"files", "PUT", "/greetings.txt", "GET, HEAD"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.listener+tt.path, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, tt.method, in.urls[tt.listener]+tt.path, "name=David")
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status %d, want 405", resp.StatusCode)
			}
			if got := resp.Header.Values("Allow"); !slices.Equal(got, []string{tt.allow}) {
				t.Errorf("Allow %q, want one line %q", got, tt.allow)
			}
			if !strings.Contains(body, tt.allow) {
				t.Errorf("the error page does not name %s:\n%s", tt.allow, body)
			}
		})
	}
	t.Run("the echo answers every method", func(t *testing.T) {
		t.Parallel()
		for _, u := range []string{in.urls["echo"] + "/any", in.urls["main"] + "/echo/any"} {
			if resp, _ := do(t, "DELETE", u, ""); resp.StatusCode != http.StatusOK {
				t.Errorf("DELETE %s: %d, want 200", u, resp.StatusCode)
			}
		}
	})
}

// DNS rebinding: a page on a name the attacker points at 127.0.0.1 sends
// its own name as Host, and is refused on every listener, WebSocket
// upgrades included; the names wirebook is really reached by pass.
func TestForeignHostIsMisdirected(t *testing.T) {
	t.Parallel()
	in := start(t, "-course-ports=0,0,0,0", "-hosts", "teacher.local")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(in.urls["main"], "http://"))
	tests := []struct {
		name, listener, path, host string
		header                     []string
		want                       int
	}{
		{"a rebound name on the page", "main", "/", "rebind.evil.example:" + port, nil, http.StatusMisdirectedRequest},
		{"a rebound name on a course port", "app", "/hello", "rebind.evil.example", nil, http.StatusMisdirectedRequest},
		{"a rebound name on the echo", "echo", "/", "rebind.evil.example", nil, http.StatusMisdirectedRequest},
		{"a rebound name upgrading to the relay, Origin matching", "main", "/ws/relay", "rebind.evil.example:" + port,
			[]string{"Origin", "http://rebind.evil.example:" + port, "Upgrade", "websocket", "Connection", "Upgrade",
				"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13"}, http.StatusMisdirectedRequest},
		{"localhost", "main", "/hello", "localhost:" + port, nil, http.StatusOK},
		{"the loopback IP", "main", "/hello", "127.0.0.1:" + port, nil, http.StatusOK},
		{"a name given with -hosts", "main", "/hello", "teacher.local:" + port, nil, http.StatusOK},
		{"an upgrade without Origin", "main", "/ws/relay", "127.0.0.1:" + port,
			[]string{"Upgrade", "websocket", "Connection", "Upgrade",
				"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13"}, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(http.MethodGet, in.urls[tt.listener]+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Host = tt.host
			for i := 0; i+1 < len(tt.header); i += 2 {
				req.Header.Set(tt.header[i], tt.header[i+1])
			}
			resp, err := noRedirects.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("status %d, want %d", resp.StatusCode, tt.want)
			}
		})
	}
}

func TestHelpExitsZeroAndReadsLikeTheReadme(t *testing.T) {
	t.Parallel()
	var out bytes.Buffer
	err := run(t.Context(), []string{"-h"}, &out, &out)
	if !errors.Is(err, flag.ErrHelp) || exitCode(err, &out) != 0 {
		t.Fatalf("-h: err %v, exit %d, want flag.ErrHelp and 0", err, exitCode(err, &out))
	}
	for _, want := range []string{"wirebook serves", "Usage:", "-addr", "-course-ports", "-hosts", "-lesson",
		"-users", "Examples:", "-addr 0.0.0.0:2500", "-lesson lessons/"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("-h does not say %q:\n%s", want, out.String())
		}
	}
	for _, bad := range [][]string{{"-no-such-flag"}, {"stray-argument"}, {"-stream-count", "0"}} {
		if got := exitCode(run(t.Context(), bad, &out, &out), &out); got != 2 {
			t.Errorf("%q exits %d, want 2", bad, got)
		}
	}
}

// A listener on every interface is reached at each of the machine's
// addresses: students on a LAN open the page at its LAN IP, and the relay
// must count that address as wirebook's own.
func TestReachedAt(t *testing.T) {
	t.Parallel()
	ifaces := func() ([]net.Addr, error) {
		return []net.Addr{
			&net.IPNet{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(8, 32)},
			&net.IPNet{IP: net.IPv4(192, 168, 1, 5), Mask: net.CIDRMask(24, 32)},
			&net.IPNet{IP: net.ParseIP("fe80::1"), Mask: net.CIDRMask(64, 128)},
			&net.IPNet{IP: net.ParseIP("2001:db8::5"), Mask: net.CIDRMask(64, 128)},
		}, nil
	}
	failing := func() ([]net.Addr, error) { return nil, errors.New("no interfaces") }
	tests := []struct {
		name   string
		addr   net.Addr
		ifaces func() ([]net.Addr, error)
		want   []string
	}{
		{"a loopback listener is itself", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2500}, ifaces,
			[]string{"127.0.0.1:2500"}},
		{"0.0.0.0 adds every IPv4 address", &net.TCPAddr{IP: net.IPv4zero, Port: 2500}, ifaces,
			[]string{"0.0.0.0:2500", "127.0.0.1:2500", "192.168.1.5:2500"}},
		{"[::] adds every address but link-local", &net.TCPAddr{IP: net.IPv6unspecified, Port: 2500}, ifaces,
			[]string{"[::]:2500", "127.0.0.1:2500", "192.168.1.5:2500", "[2001:db8::5]:2500"}},
		{"no interface list keeps the listener", &net.TCPAddr{IP: net.IPv4zero, Port: 2500}, failing,
			[]string{"0.0.0.0:2500"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := reachedAt(tt.addr, tt.ifaces); !slices.Equal(got, tt.want) {
				t.Errorf("reachedAt(%v) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}
