package target

import (
	"strconv"
	"strings"

	"wirebook/server/wireproto"
)

// Ports are the course's four servers' ports on a student's host, in the
// order of wirebook's -course-ports: Basic auth (/secure), the file server
// (at /), the request echo (at every path), the app (/hello, /json …).
type Ports [4]int

// CoursePorts are the course's own, as its notebook laid them out.
var CoursePorts = Ports{2502, 2503, 2504, 2505}

const (
	auth = iota
	files
	echo
	app
)

// ParsePorts reads the page's list "2502,2503,2504,2505"; anything that is
// not four ports is the course's own.
func ParsePorts(s string) Ports {
	var p Ports
	rest, more := s, true
	for i := range p {
		var f string
		f, rest, more = strings.Cut(rest, ",")
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 || n > 65535 || more != (i < len(p)-1) {
			return CoursePorts
		}
		p[i] = n
	}
	return p
}

// Student is where a wire cell goes when the "send to" switch names a
// student's host instead of wirebook: url (absolute, as the cell resolved
// it against the page) moved to the course server on host that answers it.
// wirebook serves every course server's routes under one address, so a
// path on the page's origin picks the server: /secure the auth server,
// /files/… the file server and /echo/… the echo without their prefix, the
// rest the app. A cell that names a course port already goes to the same
// server on host (the lesson writes the course's own ports, 2502 … 2505).
// /ws/… stays with wirebook (the course's servers have no WebSocket), and
// so does a URL on any other host or port.
func Student(url, pageOrigin, host string, ports Ports) string {
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
		p := port(authority)
		for i := range ports {
			if p == ports[i] || p == CoursePorts[i] {
				return scheme + "://" + host + ":" + strconv.Itoa(ports[i]) + path
			}
		}
		return url
	}
	to := app
	for _, r := range studentRoutes {
		if under(path, r.prefix) {
			if r.server < 0 {
				return url
			}
			to = r.server
			if r.strip {
				path = strip(path, r.prefix)
			}
			break
		}
	}
	return "http://" + host + ":" + strconv.Itoa(ports[to]) + path
}

// studentRoutes are the paths on wirebook's one address that another course
// server than the app answers; -1 stays with wirebook.
var studentRoutes = [...]struct {
	prefix string
	server int
	strip  bool // the course's server serves it at its root
}{
	{"/ws/", -1, false},
	{"/secure", auth, false},
	{"/files", files, true},
	{"/echo", echo, true},
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
