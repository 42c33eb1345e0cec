package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"time"

	"wirebook/server/accesslog"
	"wirebook/server/course"
	"wirebook/server/files"
	"wirebook/server/greetings"
	"wirebook/server/guard"
	"wirebook/server/livereload"
	"wirebook/server/page"
	"wirebook/server/rawhead"
	"wirebook/server/relay"
	"wirebook/server/syllabus"
	"wirebook/server/wsstream"
	"wirebook/web"
)

// Bounds on what a client may make the server hold. Headers and idle
// connections are capped by http.Server; bodies by each handler's cap.
const (
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 32 << 10
	// bodyReadLimit bounds how long a client may take to send a request
	// body, so a slow sender cannot hold a connection open forever.
	bodyReadLimit = 30 * time.Second
	// writeLimit bounds how long a client may take to read a response that
	// is not a stream: app.wasm, the largest, is ~1 MiB before compression,
	// which a 2G phone on a classroom's Wi-Fi fetches well within it.
	writeLimit = 60 * time.Second
	// shutdownGrace is how long live streams get to end after Ctrl-C; the
	// course promises the server is gone within 2 s.
	shutdownGrace = 1500 * time.Millisecond
)

// app is the wired program: its handlers and the listeners they serve on.
type app struct {
	cfg       config
	log       *slog.Logger
	logs      *accesslog.Buffer // under log: access lines wait in it, the rest go through
	hosts     guard.Hosts
	course    *course.Course
	files     http.Handler
	page      *page.Handler
	live      *livereload.Hub
	relay     *relay.Relay
	wsStream  http.Handler
	listeners []listener

	// handlers counts requests being served on every listener, hijacked
	// ones (WebSockets) too, which http.Server.Shutdown does not wait for.
	handlers sync.WaitGroup
}

type listener struct {
	name    string // "main", "auth", "files", "echo", "app"
	addr    string
	handler http.Handler
	ln      net.Listener
}

// newApp builds every handler from cfg, in the order they depend on each
// other, and the listeners that serve them. Nothing listens yet.
func newApp(cfg config, logOut io.Writer) (*app, error) {
	logs := accesslog.NewBuffer(logOut)
	a := &app{cfg: cfg, logs: logs, log: slog.New(slog.NewTextHandler(logs.Now(), nil)), hosts: guard.NewHosts(cfg.hosts...)}
	root, err := servedFolder(cfg.files)
	if err != nil {
		return nil, err
	}
	a.files = files.New(root, files.WithLogger(a.log))
	greets, err := greetings.Load(root,
		greetings.WithCount(cfg.streamCount),
		greetings.WithMaxDelay(cfg.streamMaxDelay),
	)
	if err != nil {
		return nil, err
	}
	if a.course, err = a.newCourse(greets); err != nil {
		return nil, err
	}
	// The wire transport may reach wirebook's own listeners (added once
	// they listen, when their ports are known), what -relay-allow names,
	// and the course ports on -student-hosts.
	a.relay = relay.New(
		relay.WithAllowedHosts(cfg.relayAllow...),
		relay.WithAllowedHosts(cfg.studentTargets()...),
		relay.WithLogger(a.log),
		relay.WithMaxConns(cfg.maxRelays),
		relay.WithMaxTotal(cfg.maxInFlight),
		relay.WithMaxQueue(cfg.maxQueue),
		relay.WithQueueWait(cfg.queueWait),
		relay.WithIdleTimeout(cfg.relayIdle),
		relay.WithPingInterval(cfg.pingInterval),
	)
	a.wsStream = wsstream.New(greets,
		wsstream.WithLogger(a.log),
		wsstream.WithMaxConns(cfg.maxViewers),
		wsstream.WithPingInterval(cfg.pingInterval),
	)
	if a.page, err = a.newPage(); err != nil {
		return nil, err
	}
	a.live = a.newLive()
	a.listeners, err = a.newListeners()
	return a, err
}

// servedFolder is the folder the file server serves: -files, or the
// embedded sample. os.Root refuses symlinks that point out of the folder,
// for the greetings as for the file server.
func servedFolder(dir string) (fs.FS, error) {
	if dir == "" {
		return web.Sample(), nil
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("-files: %w", err)
	}
	return r.FS(), nil
}

func (a *app) newCourse(greets *greetings.Greetings) (*course.Course, error) {
	users, err := loadUsers(a.cfg.users)
	if err != nil {
		return nil, err
	}
	if demoUserExposed(a.cfg) {
		a.log.Warn("the demo user David, whose password the course prints, can sign in to /secure from anywhere on this network; pass -users FILE to choose your own users", "addr", a.cfg.addr)
	}
	opts := []course.Option{
		course.WithGreetings(greets),
		course.WithUsers(users),
		course.WithRedirectTo(a.cfg.redirectTo),
		course.WithMaxBodyBytes(a.cfg.maxBody),
		course.WithPasswordWait(a.cfg.passwordWait),
	}
	if a.cfg.passwordChecks > 0 { // else the course's default, sized to the CPUs
		opts = append(opts, course.WithPasswordChecks(a.cfg.passwordChecks))
	}
	return course.New(opts...), nil
}

// loadUsers reads -users, or gives the course's demo user.
func loadUsers(path string) (course.Users, error) {
	if path == "" {
		return course.DemoUsers(), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("-users: %w", err)
	}
	defer f.Close()
	users, err := course.ParseUsers(f)
	if err != nil {
		return nil, fmt.Errorf("-users %s: %w", path, err)
	}
	return users, nil
}

// newPage loads the course (-lesson, or the embedded one) and renders its
// pages. The page maps a cell's course port to the path that serves it on
// -addr from the configured ports, so a lesson that calls :2503 shows the
// file server's code whatever port it was given.
func (a *app) newPage() (*page.Handler, error) {
	course, _, err := loadCourse(a.cfg.lessons)
	if err != nil && len(a.cfg.lessons) > 0 {
		return nil, fmt.Errorf("-lesson: %w", err)
	}
	if err != nil {
		return nil, err
	}
	ports := a.cfg.coursePorts
	opts := []page.Option{}
	if a.cfg.watch {
		opts = append(opts, page.WithLiveReload(liveURL))
	}
	return page.New(course, web.Static(), append(opts,
		page.WithLogger(a.log),
		page.WithCoursePorts(map[int]string{ports.files: "/files", ports.echo: "/echo"}),
		page.WithStudentHosts(a.cfg.studentHosts),
		page.WithStudentPorts(ports.auth, ports.files, ports.echo, ports.app),
	)...)
}

// loadCourse reads the course from the lesson sources, or the embedded
// one, and gives the way to read a lesson's source file by the name its
// errors and its Lesson.Source use: from disk, or from the embedded files.
func loadCourse(sources []string) (*syllabus.Course, func(name string) ([]byte, error), error) {
	if len(sources) == 0 {
		c, err := syllabus.LoadFS(web.Lessons(), web.LessonsDir)
		return c, func(name string) ([]byte, error) { return fs.ReadFile(web.Lessons(), name) }, err
	}
	c, err := syllabus.Load(sources...)
	return c, os.ReadFile, err
}

// newListeners is -addr, and with -course-ports the course's four ports on
// the same host.
func (a *app) newListeners() ([]listener, error) {
	ls := []listener{{name: "main", addr: a.cfg.addr, handler: a.mainRoutes()}}
	ports := a.cfg.coursePorts
	if !ports.enabled {
		return ls, nil
	}
	host, _, err := net.SplitHostPort(a.cfg.addr)
	if err != nil {
		return nil, fmt.Errorf("-addr %q: %w", a.cfg.addr, err)
	}
	at := func(port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
	return append(ls,
		listener{name: "auth", addr: at(ports.auth), handler: a.authPort()},
		listener{name: "files", addr: at(ports.files), handler: a.filesPort()},
		listener{name: "echo", addr: at(ports.echo), handler: a.echoPort()},
		listener{name: "app", addr: at(ports.app), handler: a.appPort()},
	), nil
}

// listen opens every listener, so their addresses are known (a port 0 is
// given one) before serve starts; serve calls it if no one has.
func (a *app) listen() error {
	for i := range a.listeners {
		l := &a.listeners[i]
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			a.closeListeners()
			return fmt.Errorf("listen for %s on %s: %w", l.name, l.addr, err)
		}
		l.ln = ln
		if err := a.relay.AllowHosts(reachedAt(ln.Addr(), net.InterfaceAddrs)...); err != nil {
			return err
		}
	}
	return nil
}

// closeListeners closes the listeners open so far, when serving fails before it starts.
func (a *app) closeListeners() {
	for _, l := range a.listeners {
		if l.ln != nil {
			l.ln.Close()
		}
	}
}

// serve listens on every address, then serves until ctx ends. Streams and
// WebSockets watch the servers' base context, which is cancelled first on
// shutdown so they end at once instead of holding Shutdown for their full
// length.
func (a *app) serve(ctx context.Context) error {
	defer a.logs.Close() // after the stop line: every access line is written
	if a.listeners[0].ln == nil {
		if err := a.listen(); err != nil {
			return err
		}
	}
	base, cancelStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelStreams()
	stopWatch := func() {}
	if a.cfg.watch {
		var err error
		if stopWatch, err = a.watchLesson(base); err != nil {
			a.closeListeners()
			return err
		}
	}
	servers, errc := a.startServers(base)

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	stopAt := time.Now()
	cancelStreams()
	a.shutdown(servers)
	stopWatch()
	a.log.Info("wirebook stopped", "took", time.Since(stopAt).Round(time.Millisecond))
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// startServers serves every listener and logs the start line, which names
// each address (tests and tools read it to find the ports).
func (a *app) startServers(base context.Context) ([]*http.Server, <-chan error) {
	servers := make([]*http.Server, len(a.listeners))
	errc := make(chan error, len(a.listeners))
	attrs := []any{"url", "http://" + a.listeners[0].ln.Addr().String() + "/"}
	for i, l := range a.listeners {
		srv := &http.Server{
			Handler:           l.handler,
			ReadHeaderTimeout: readHeaderTimeout,
			IdleTimeout:       idleTimeout,
			MaxHeaderBytes:    maxHeaderBytes,
			BaseContext:       func(net.Listener) context.Context { return base },
			ErrorLog:          slog.NewLogLogger(a.log.Handler(), slog.LevelWarn),
		}
		servers[i] = srv
		ln := l.ln
		if l.name == "main" || l.name == "echo" { // they serve course.Echo, which shows heads as received
			ln = rawhead.Record(srv, ln)
		}
		go func() { errc <- srv.Serve(ln) }()
		if i > 0 {
			attrs = append(attrs, l.name, l.ln.Addr().String())
		}
	}
	a.log.Info("wirebook started", attrs...)
	return servers, errc
}

// shutdown stops every server within shutdownGrace, cutting connections
// that would not go idle in time.
func (a *app) shutdown(servers []*http.Server) {
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Go(func() {
			if serr := srv.Shutdown(shutCtx); serr != nil {
				srv.Close()
			}
		})
	}
	wg.Wait()
	// Relays and /ws/stream run on hijacked connections Shutdown does not
	// track; the cancelled base context has ended them, and this waits for
	// their goroutines to finish, so none outlives run or logs after the
	// stop line.
	a.relay.Wait()
	a.waitHandlers(shutCtx)
}

// waitHandlers waits for every handler to return, or for ctx to end; a
// handler that ignores its context must not hold the exit past the 2 s the
// course promises. No handler can start now: Shutdown has closed every
// listener and every connection it tracks.
func (a *app) waitHandlers(ctx context.Context) {
	done := make(chan struct{})
	go func() { a.handlers.Wait(); close(done) }()
	select {
	case <-done:
	case <-ctx.Done():
		a.log.Warn("handlers still running at exit; their requests are cut off")
	}
}

// reachedAt is every host:port a client may use to reach a listener on
// addr, for the relay's list of wirebook's own listeners. A listener on
// 0.0.0.0 or [::] answers on every address of the machine: students on a
// classroom LAN open the page at its LAN IP, and their relative cells go
// there, so each interface's address counts.
func reachedAt(addr net.Addr, interfaceAddrs func() ([]net.Addr, error)) []string {
	ap, err := netip.ParseAddrPort(addr.String())
	if err != nil || !ap.Addr().IsUnspecified() {
		return []string{addr.String()}
	}
	hosts := []string{addr.String()} // the relay reads it as loopback
	ifaces, err := interfaceAddrs()
	if err != nil {
		return hosts
	}
	v4only := ap.Addr().Unmap().Is4()
	for _, ia := range ifaces {
		prefix, err := netip.ParsePrefix(ia.String())
		ip := prefix.Addr()
		if err != nil || ip.IsLinkLocalUnicast() || (v4only && !ip.Is4()) {
			continue // a link-local address needs a zone the relay refuses
		}
		hosts = append(hosts, netip.AddrPortFrom(ip, ap.Port()).String())
	}
	return hosts
}
