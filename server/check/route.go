package check

import (
	"errors"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Ports are the course's four servers, in the notebook's order.
type Ports struct{ Auth, Files, Echo, App int }

// CoursePorts are the ports the course's notebook calls, and so the ports a
// lesson's absolute URLs name: 2502 Basic auth, 2503 file server, 2504
// request echo, 2505 the app.
var CoursePorts = Ports{Auth: 2502, Files: 2503, Echo: 2504, App: 2505}

// defaultMainPort is wirebook's default -addr port, which a lesson may
// also name in a full URL.
const defaultMainPort = 2500

// A Route says where a cell's request goes: target is as the cell wrote it
// ("/hello", "http://127.0.0.1:2505/hello"); url is the absolute URL to
// send it to, or skip says why the cell is not sent.
type Route func(target string) (url, skip string, err error)

// server is one of the course's servers, by what its paths start with.
type server int

const (
	mainServer server = iota
	authServer
	filesServer
	echoServer
	appServer
)

// split cuts an absolute or relative target into the course port it names
// (0 for none: a relative target, or another port), and its path and
// query. Only loopback hosts and the course ports are read as the lesson's
// own servers; any other URL is returned as it is, in abs.
func split(target string) (port int, pathQuery, abs string, err error) {
	if strings.HasPrefix(target, "/") {
		return 0, target, "", nil
	}
	u, err := url.Parse(target)
	if err != nil || u.Host == "" {
		return 0, "", "", errors.New("cannot read the target " + strconv.Quote(target))
	}
	pathQuery = u.EscapedPath()
	if pathQuery == "" {
		pathQuery = "/"
	}
	if u.RawQuery != "" {
		pathQuery += "?" + u.RawQuery
	}
	p, _ := strconv.Atoi(u.Port())
	switch p {
	case CoursePorts.Auth, CoursePorts.Files, CoursePorts.Echo, CoursePorts.App:
		// The notebook's host (popbox.kdm.local) or 127.0.0.1: either way
		// the lesson means its course port, wherever it now listens.
		return p, pathQuery, "", nil
	case defaultMainPort:
		if isLoopback(u.Hostname()) {
			return 0, pathQuery, "", nil
		}
	}
	return 0, pathQuery, target, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// byPort is the server a course port stands for.
func byPort(port int) server {
	switch port {
	case CoursePorts.Auth:
		return authServer
	case CoursePorts.Files:
		return filesServer
	case CoursePorts.Echo:
		return echoServer
	case CoursePorts.App:
		return appServer
	}
	return mainServer
}

// byPath is the course server that answers pathQuery on wirebook's main
// address, and the path it has there: /files/… and /echo/… lose their
// prefix, as the course's file server and echo serve at /.
func byPath(pathQuery string) (server, string) {
	path, _, _ := strings.Cut(pathQuery, "?")
	switch {
	case path == "/secure":
		return authServer, pathQuery
	case path == "/files" || strings.HasPrefix(path, "/files/"):
		return filesServer, "/" + strings.TrimPrefix(strings.TrimPrefix(pathQuery, "/files"), "/")
	case path == "/echo" || strings.HasPrefix(path, "/echo/"):
		return echoServer, "/" + strings.TrimPrefix(strings.TrimPrefix(pathQuery, "/echo"), "/")
	}
	return appServer, pathQuery
}

// isWebSocket reports whether pathQuery is a WebSocket cell's: the page
// opens those in the browser, never through the relay, so check cannot
// send them either.
func isWebSocket(pathQuery string) bool { return strings.HasPrefix(pathQuery, "/ws/") }

const webSocketSkip = "a WebSocket cell: the page opens it in the browser, and check sends HTTP requests only"

// InProcess routes to a wirebook listening on main ("127.0.0.1:port") with
// the course's servers on ports: relative cells to main, a course port's
// cells to the port that stands for it.
func InProcess(main string, ports Ports) Route {
	return func(target string) (string, string, error) {
		port, pq, abs, err := split(target)
		switch {
		case err != nil:
			return "", "", err
		case isWebSocket(pq):
			return "", webSocketSkip, nil
		case abs != "":
			return abs, "", nil
		case port == 0:
			return "http://" + main + pq, "", nil
		}
		host, _, _ := net.SplitHostPort(main)
		return "http://" + net.JoinHostPort(host, strconv.Itoa(ports.of(byPort(port)))) + pq, "", nil
	}
}

// CourseHost routes every cell to the course's own servers on host, as the
// notebook laid them out: a relative cell to the server its path belongs
// to (/secure to auth, /files/… to the file server and /echo/… to the echo
// without their prefix, the rest to the app), a course port's cells to
// that server's port. WebSocket cells are skipped: the course's servers
// have none.
func CourseHost(host string, ports Ports) Route {
	return func(target string) (string, string, error) {
		port, pq, abs, err := split(target)
		switch {
		case err != nil:
			return "", "", err
		case abs != "":
			return abs, "", nil
		}
		if port == 0 && isWebSocket(pq) {
			return "", webSocketSkip, nil
		}
		srv := byPort(port)
		if port == 0 {
			srv, pq = byPath(pq)
		}
		return "http://" + net.JoinHostPort(host, strconv.Itoa(ports.of(srv))) + pq, "", nil
	}
}

// Target routes every cell's path and query to base ("http://host:8000",
// or with a path prefix "http://host/course").
func Target(base string) (Route, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, errors.New("want an http:// or https:// base URL, e.g. http://127.0.0.1:8000, not " + strconv.Quote(base))
	}
	prefix := strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/")
	return func(target string) (string, string, error) {
		_, pq, _, err := split(target)
		switch {
		case err != nil:
			return "", "", err
		case isWebSocket(pq):
			return "", webSocketSkip, nil
		}
		// A URL the lesson names outright keeps only its path and query.
		return prefix + pq, "", nil
	}, nil
}

func (p Ports) of(s server) int {
	switch s {
	case authServer:
		return p.Auth
	case filesServer:
		return p.Files
	case echoServer:
		return p.Echo
	}
	return p.App
}

// Hosts are the host:port entries a relay must allow for these ports on
// host: the course's four servers.
func (p Ports) Hosts(host string) []string {
	var hs []string
	for _, port := range []int{p.Auth, p.Files, p.Echo, p.App} {
		hs = append(hs, net.JoinHostPort(host, strconv.Itoa(port)))
	}
	return hs
}
