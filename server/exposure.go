package main

import (
	"net"
	"net/netip"
	"strings"
)

// demoUserExposed reports whether the course's demo user answers /secure
// to more than this machine: no -users file, and an -addr that is not a
// loopback address. The course prints David's password, so on a classroom
// network anyone can sign in as him.
func demoUserExposed(cfg config) bool {
	if cfg.users != "" {
		return false
	}
	host, _, err := net.SplitHostPort(cfg.addr)
	return err != nil || !isLoopback(host)
}

// isLoopback reports whether host can only be reached from this machine.
// "" and 0.0.0.0 listen on every interface; a host name other than
// localhost (RFC 6761 §6.3 keeps it on loopback) may resolve to any
// address, so it counts as reachable.
func isLoopback(host string) bool {
	if strings.EqualFold(strings.TrimSuffix(host, "."), "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
