package relay

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
)

// policy is the set of places the relay may send a request to. The relay
// runs on the student's own machine, next to whatever else listens there
// (a database on 5432, a cloud metadata service on 169.254.169.254), so it is
// an SSRF risk by design: it reaches wirebook's own listeners and the hosts
// the user listed with -relay-allow, and nothing else. A policy is immutable;
// the Relay swaps in a new one when hosts are added.
type policy struct {
	addrs map[netip.AddrPort]bool // IP literals, unmapped
	names map[string]bool         // "name:port", lower case
}

var loopbacks = []netip.Addr{netip.AddrFrom4([4]byte{127, 0, 0, 1}), netip.IPv6Loopback()}

// with returns a copy of p that also allows hostports. An entry is
// "host:port", or a bare host meaning ports 80 and 443. An unspecified IP
// (0.0.0.0 or [::], what a listener on every interface reports) stands for
// the loopback address a client on this machine would dial. Invalid entries
// are returned as errors and left out.
func (p *policy) with(hostports ...string) (*policy, []error) {
	q := &policy{addrs: make(map[netip.AddrPort]bool), names: make(map[string]bool)}
	if p != nil {
		for k := range p.addrs {
			q.addrs[k] = true
		}
		for k := range p.names {
			q.names[k] = true
		}
	}
	var errs []error
	for _, hp := range hostports {
		if err := q.add(hp); err != nil {
			errs = append(errs, err)
		}
	}
	return q, errs
}

func (p *policy) add(hostport string) error {
	host, port, err := net.SplitHostPort(hostport)
	ports := []uint16{80, 443}
	if err != nil {
		host = strings.TrimSuffix(strings.TrimPrefix(hostport, "["), "]")
	} else {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return errors.New("relay: allowed host " + strconv.Quote(hostport) + " has a bad port")
		}
		ports = []uint16{uint16(n)}
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return errors.New("relay: allowed host " + strconv.Quote(hostport) + " has an IPv6 zone")
		}
		ips := []netip.Addr{ip.Unmap()}
		switch {
		case ip.Unmap() == netip.IPv4Unspecified():
			ips = loopbacks[:1]
		case ip == netip.IPv6Unspecified():
			ips = loopbacks // a dual-stack listener answers on both
		}
		for _, ip := range ips {
			for _, port := range ports {
				p.addrs[netip.AddrPortFrom(ip, port)] = true
			}
		}
		return nil
	}
	host = strings.ToLower(host)
	if !isHostName(host) || looksNumeric(host) {
		return errors.New("relay: allowed host " + strconv.Quote(hostport) + " is neither an IP address nor a host name")
	}
	for _, port := range ports {
		p.names[host+":"+strconv.Itoa(int(port))] = true
	}
	return nil
}

// refusal is an error whose message is shown to the student as it is.
type refusal struct{ msg string }

func (e *refusal) Error() string { return e.msg }

func refused(why string) error { return &refusal{msg: "refused: " + why} }

const allowHint = " (allow it with -relay-allow)"

// target is a URL that passed check: where to dial and what to call it.
type target struct {
	u    *url.URL
	host string // lower case, IPv6 without brackets
	port uint16
}

func (t target) String() string { return net.JoinHostPort(t.host, strconv.Itoa(int(t.port))) }

// check parses raw and decides whether it may be sent. The rules are strict
// on purpose: the host must be a canonical IP literal, "localhost", or a name
// listed exactly, so that no spelling the resolver or kernel reads
// differently (2130706433, 0x7f.1, 017700000001 and 127.1 all mean 127.0.0.1
// to inet_aton) can slip past a string comparison.
func (p *policy) check(raw string) (target, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return target{}, refused("the URL " + strconv.Quote(raw) + " cannot be read: " + err.Error())
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return target{}, refused("only http:// and https:// URLs can be sent, not " + strconv.Quote(u.Scheme+":"))
	}
	if u.User != nil {
		return target{}, refused("user:password@ in the URL is not sent; send an Authorization header instead")
	}
	if u.Opaque != "" || u.Host == "" {
		return target{}, refused("the URL " + strconv.Quote(raw) + " has no host")
	}
	t := target{u: u, host: strings.ToLower(u.Hostname()), port: 80}
	if u.Scheme == "https" {
		t.port = 443
	}
	if ps := u.Port(); ps != "" {
		n, err := strconv.ParseUint(ps, 10, 16)
		if err != nil || n == 0 {
			return target{}, refused("port " + strconv.Quote(ps) + " is not a port number (1 to 65535)")
		}
		t.port = uint16(n)
	}
	if ip, err := netip.ParseAddr(t.host); err == nil {
		if ip.Zone() != "" {
			return target{}, refused("IPv6 zones (" + t.host + ") are not allowed")
		}
		if !p.addrs[netip.AddrPortFrom(ip.Unmap(), t.port)] {
			return target{}, refused(t.String() + " is not one of wirebook's own addresses" + allowHint)
		}
		return t, nil
	}
	if looksNumeric(t.host) {
		return target{}, refused(t.host + " is not a host wirebook may reach: an IPv4 address is written as four decimal numbers, e.g. 127.0.0.1")
	}
	if t.host == "localhost" {
		if !p.names[t.String()] && !p.addrs[netip.AddrPortFrom(loopbacks[0], t.port)] && !p.addrs[netip.AddrPortFrom(loopbacks[1], t.port)] {
			return target{}, refused(t.String() + " is not one of wirebook's own addresses" + allowHint)
		}
		return t, nil
	}
	if !p.names[t.String()] {
		return target{}, refused(t.String() + " is not one of wirebook's own addresses" + allowHint)
	}
	return t, nil
}

// permit is the dial-time check of one resolved address: name is the host
// the URL named ("" for an IP literal). An allowed IP:port is always fine. A
// name may also reach the loopback (localhost) or a public address (a listed
// name), never a private, link-local or loopback one through DNS, so a
// listed name whose DNS answer changes to 127.0.0.1 or 169.254.169.254
// (DNS rebinding) is still refused.
func (p *policy) permit(ip netip.Addr, port uint16, name string) bool {
	ip = ip.Unmap()
	if p.addrs[netip.AddrPortFrom(ip, port)] {
		return true
	}
	if name == "" || ip.Zone() != "" || !p.names[net.JoinHostPort(name, strconv.Itoa(int(port)))] {
		return false
	}
	if name == "localhost" {
		return ip.IsLoopback()
	}
	return ip.IsGlobalUnicast() && !ip.IsPrivate() && !isSpecial(ip)
}

// special holds the ranges that IsGlobalUnicast counts as global but that
// are no one's public address: shared address space (carrier NAT) and the
// IPv4-in-IPv6 translation prefixes that can wrap a private address.
var special = []netip.Prefix{
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2002::/16"),
}

func isSpecial(ip netip.Addr) bool {
	for _, p := range special {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

type dialNameKey struct{}

// control runs on every socket the relay opens, after the address is
// resolved and before connect(2): whatever path led to the dial, the
// address it connects to must pass permit.
func (p *policy) control(ctx context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return refused("cannot check the address " + strconv.Quote(address))
	}
	name, _ := ctx.Value(dialNameKey{}).(string)
	if !p.permit(ap.Addr(), ap.Port(), name) {
		what := ap.String()
		if name != "" {
			what = name + " resolved to " + ap.Addr().String() + ", which"
		}
		return refused(what + " is not one of wirebook's own addresses" + allowHint)
	}
	return nil
}

// isHostName reports whether s is a DNS name of letters, digits, hyphens
// and dots; anything else is refused rather than handed to a resolver.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// looksNumeric reports whether s could be read as an IPv4 address in one of
// inet_aton's other forms: digits, dots and hex, with no letter beyond a-f
// and x. Such a string is never taken as a host name.
func looksNumeric(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || c == 'x' || c == '.') {
			return false
		}
	}
	// "cafe.beef" is all hex letters but a fine name; inet_aton needs each
	// part to start with a digit.
	for part := range strings.SplitSeq(s, ".") {
		if part == "" || part[0] < '0' || part[0] > '9' {
			return false
		}
	}
	return true
}
