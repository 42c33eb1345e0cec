// Package guard holds the checks every listener runs before a handler sees
// a request: whom the request is addressed to (DNS rebinding), how long the
// client may take to send and to read, and framing an intermediary could
// read differently (request smuggling). Each is a middleware; routes.go
// applies them in one visible order.
package guard

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"wirebook/server/respond"
)

// Hosts is the set of names a request's Host may carry besides the
// addresses wirebook is reached by. A page on evil.example whose name the
// attacker re-points at 127.0.0.1 (DNS rebinding) becomes same-origin with
// wirebook in the browser's eyes, and could drive the relay; the one thing
// it cannot change is the Host header, which names evil.example.
type Hosts struct {
	names map[string]bool // lower case, no port, no trailing dot
}

// NewHosts allows localhost and its subdomains (RFC 6761 §6.3: they never
// leave the machine), and the given names (from -hosts), which may be host
// names or IPs with or without a port; the port is ignored.
func NewHosts(names ...string) Hosts {
	h := Hosts{names: map[string]bool{"localhost": true}}
	for _, n := range names {
		if n = hostname(n); n != "" {
			h.names[n] = true
		}
	}
	return h
}

// Allows reports whether a request with this Host, received on a
// connection to local, is addressed to wirebook: a name in the set, a
// loopback IP, or the very IP the connection reached (so a listener on
// 0.0.0.0 answers to the machine's LAN address, whatever it is today). A
// request without a Host (HTTP/1.0) names nothing to rebind and passes.
func (h Hosts) Allows(host string, local net.Addr) bool {
	name := hostname(host)
	if name == "" || h.names[name] || strings.HasSuffix(name, ".localhost") {
		return true
	}
	ip, err := netip.ParseAddr(name)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	if ip.IsLoopback() {
		return true
	}
	if local == nil {
		return false
	}
	l, err := netip.ParseAddrPort(local.String())
	return err == nil && l.Addr().Unmap().WithZone("") == ip.WithZone("")
}

// Check answers 421 Misdirected Request (RFC 9110 §15.5.20: "not able to
// produce a response" for this authority) to a request whose Host is not
// allowed, naming the flag that allows it.
func (h Hosts) Check(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		if !h.Allows(r.Host, local) {
			respond.Error(w, r, http.StatusMisdirectedRequest,
				"This wirebook does not answer to the host name "+hostname(r.Host)+
					". It answers to localhost and to the addresses it listens on; start it with -hosts "+hostname(r.Host)+" if that name is really yours.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hostname is host without its port, brackets or trailing dot, lower case.
func hostname(host string) string {
	host = strings.TrimSpace(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return strings.ToLower(strings.TrimSuffix(host, "."))
}

// RequireOrigin refuses a WebSocket upgrade without an Origin header. Every
// browser sends one, and the upgrade's Origin check (same host, or a
// listed pattern) is what keeps other sites' pages off the relay; a request
// without it would pass that check by saying nothing.
func RequireOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isUpgrade(r) && r.Header.Get("Origin") == "" {
			respond.Error(w, r, http.StatusForbidden,
				"A WebSocket upgrade must say where it comes from: this request has no Origin header.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// CloseAfterChunked closes the connection after any request whose body is
// chunked. RFC 9112 §6.3 says a server that gets both Transfer-Encoding and
// Content-Length "MUST close the connection after responding": the two
// lengths are how request smuggling through a proxy starts. net/http drops
// Content-Length before a handler can see it, so the handler cannot tell
// the two apart; closing after every chunked request covers both, and costs
// only a new connection to the rare client that sends a chunked body.
func CloseAfterChunked(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.TransferEncoding) > 0 {
			w.Header().Set("Connection", "close")
		}
		next.ServeHTTP(w, r)
	})
}

// Deadlines bounds how long a client may take to send its body (read) and
// to take the response (write): a client that asks for app.wasm and never
// reads would otherwise hold a goroutine and a socket until the kernel
// gives up, minutes later. WebSocket upgrades are exempt, as the
// conversation outlives any one deadline; streaming handlers (/stream) move
// the write deadline forward before each write, so the bound is per write.
func Deadlines(read, write time.Duration) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !isUpgrade(r) {
				rc := http.NewResponseController(w)
				now := time.Now()
				// Not every ResponseWriter supports deadlines (httptest's
				// recorder doesn't); then there is nothing to bound.
				_ = rc.SetReadDeadline(now.Add(read))
				_ = rc.SetWriteDeadline(now.Add(write))
			}
			next.ServeHTTP(w, r)
		})
	}
}

func isUpgrade(r *http.Request) bool {
	return r.Header.Get("Upgrade") != ""
}
