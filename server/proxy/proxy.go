// Package proxy decides who the client of a request is when wirebook runs
// behind a reverse proxy. The proxy's connection is the one wirebook sees,
// so the client's address arrives in X-Forwarded-For, a header anyone can
// send: it is believed only from a peer on the -trust-proxy list, and
// ignored from everyone else.
//
// Only X-Forwarded-For is read. wirebook reads nothing from
// X-Forwarded-Proto, X-Forwarded-Host or Forwarded, so there is nothing to
// trust there; a proxy may send them for its own logs. The request echo still
// shows every header as it came: it teaches what was sent, not who sent it.
package proxy

import (
	"errors"
	"net/http"
	"net/netip"
	"strings"
)

// MaxHops bounds how many X-Forwarded-For entries are read. A real chain has
// a few; a longer one is not worth the work of walking it.
const MaxHops = 32

// ParseTrusted reads a -trust-proxy value: comma-separated CIDRs
// ("127.0.0.1/32, 10.0.0.0/8") or bare IP addresses, meaning that address
// alone. The empty string trusts no one.
func ParseTrusted(list string) ([]netip.Prefix, error) {
	var prefixes []netip.Prefix
	var errs []error
	for s := range strings.SplitSeq(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if ip, err := netip.ParseAddr(s); err == nil && ip.Zone() == "" {
			ip = ip.Unmap()
			prefixes = append(prefixes, netip.PrefixFrom(ip, ip.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			errs = append(errs, errors.New("proxy: "+s+" is neither a CIDR (127.0.0.1/32) nor an IP address"))
			continue
		}
		// 127.0.0.1/8 means 127.0.0.0/8; keep what the user meant, not
		// the host bits they happened to write.
		prefixes = append(prefixes, p.Masked())
	}
	return prefixes, errors.Join(errs...)
}

// RealIP returns middleware that, for a request whose immediate peer is in
// trusted, replaces r.RemoteAddr with the client X-Forwarded-For names, as
// chi's middleware.RealIP does (an IP address without a port), for the
// handlers and the access log after it. A request from any other peer, or
// with a header that does not parse, keeps its RemoteAddr. With no trusted
// prefix the middleware is next itself.
func RealIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if client, ok := Client(r, trusted); ok {
				r = r.WithContext(r.Context()) // a shallow copy: a handler must not change the request it was given
				r.RemoteAddr = client.String()
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Client returns the address X-Forwarded-For names as r's client, if r's
// peer (RemoteAddr) is in trusted. The header lists each hop's peer in
// order, every proxy appending the one it saw, so it is read from the right:
// the first entry not in trusted is the client, since no proxy we trust
// vouches for anything left of it; if every entry is trusted, the leftmost
// is. Entries left of the client are the client's own words and are not
// read; an entry up to the client that is not an IP address makes the
// header unreadable, and ok is false.
func Client(r *http.Request, trusted []netip.Prefix) (client netip.Addr, ok bool) {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil || !contains(trusted, peer.Addr()) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, line := range r.Header.Values("X-Forwarded-For") {
		for hop := range strings.SplitSeq(line, ",") {
			hops = append(hops, strings.TrimSpace(hop))
			if len(hops) > MaxHops {
				return netip.Addr{}, false
			}
		}
	}
	for i := len(hops) - 1; i >= 0; i-- {
		ip, err := netip.ParseAddr(hops[i])
		if err != nil || ip.Zone() != "" {
			return netip.Addr{}, false
		}
		client, ok = ip.Unmap(), true
		if !contains(trusted, client) {
			break
		}
	}
	return client, ok
}

func contains(prefixes []netip.Prefix, ip netip.Addr) bool {
	ip = ip.Unmap()
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
