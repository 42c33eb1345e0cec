package target

import (
	"strconv"
	"strings"

	"wirebook/server/wireproto"
)

// The course's ports, as its notebook laid them out: where a student's own
// servers listen when they follow the course.
const (
	PortAuth  = 2502 // Basic auth (/secure)
	PortFiles = 2503 // the file server, at /
	PortEcho  = 2504 // the request echo, at every path
	PortApp   = 2505 // the app: /hello, /greeting, /stream, /json …
)

// Student is where a wire cell goes when the "send to" switch names a
// student's host instead of wirebook: url (absolute, as the cell resolved
// it against the page) moved to the course port that serves it on host.
// wirebook serves every course port's routes under one address, so a path
// on the page's origin picks its port: /secure to 2502, /files/… to 2503
// and /echo/… to 2504 without their prefix, the rest to 2505. A cell that
// names a course port already keeps it and only changes host. /ws/… stays
// with wirebook (the course's servers have no WebSocket), and so does a URL
// on any other host or port.
func Student(url, pageOrigin, host string) string {
	scheme, rest, ok := strings.Cut(url, "://")
	if !ok || host == "" {
		return url
	}
	authority, path := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, path = rest[:i], rest[i:]
	}
	if strings.Contains(host, ":") && !strings.HasPrefix(host, "[") {
		host = "[" + host + "]" // an IPv6 address
	}
	_, po, _ := strings.Cut(pageOrigin, "://")
	if !wireproto.EqualFold(authority, po) {
		if p := port(authority); p >= PortAuth && p <= PortApp {
			return scheme + "://" + host + ":" + strconv.Itoa(p) + path
		}
		return url
	}
	to := PortApp
	for _, r := range studentRoutes {
		if under(path, r.prefix) {
			if r.port == 0 {
				return url
			}
			to = r.port
			if r.strip {
				path = strip(path, r.prefix)
			}
			break
		}
	}
	return "http://" + host + ":" + strconv.Itoa(to) + path
}

// studentRoutes are the paths on wirebook's one address that belong to
// another course port than the app's; port 0 stays with wirebook.
var studentRoutes = [...]struct {
	prefix string
	port   int
	strip  bool // the course's server serves it at its root
}{
	{"/ws/", 0, false},
	{"/secure", PortAuth, false},
	{"/files", PortFiles, true},
	{"/echo", PortEcho, true},
}

// under reports whether path is prefix or a path below it; a prefix that
// ends in / matches only below.
func under(path, prefix string) bool {
	if !strings.HasPrefix(path, prefix) {
		return false
	}
	rest := path[len(prefix):]
	return strings.HasSuffix(prefix, "/") || rest == "" || strings.IndexByte("/?#", rest[0]) >= 0
}

// strip takes prefix off path, leaving at least "/".
func strip(path, prefix string) string {
	path = path[len(prefix):]
	if path == "" || path[0] != '/' {
		path = "/" + path
	}
	return path
}

// port is the port an authority names, or 0.
func port(authority string) int {
	i := strings.LastIndexByte(authority, ':')
	if i < 0 || strings.HasSuffix(authority, "]") {
		return 0
	}
	n, _ := strconv.Atoi(authority[i+1:])
	return n
}
