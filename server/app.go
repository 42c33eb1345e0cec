package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"wirebook/server/course"
	"wirebook/server/files"
	"wirebook/server/greetings"
	"wirebook/server/lesson"
	"wirebook/server/page"
	"wirebook/server/relay"
	"wirebook/server/wsstream"
	"wirebook/web"
)

// Bounds on what a client may make the server hold. Headers and idle
// connections are capped by http.Server; bodies by each handler's cap.
const (
	readHeaderTimeout = 5 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 32 << 10
	// shutdownGrace is how long live streams get to end after Ctrl-C; the
	// course promises the server is gone within 2 s.
	shutdownGrace = 1500 * time.Millisecond
)

// app is the wired program: its handlers and the listeners they serve on.
type app struct {
	cfg       config
	log       *slog.Logger
	course    *course.Course
	files     http.Handler
	page      *page.Handler
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

func newApp(cfg config, logOut io.Writer) (*app, error) {
	a := &app{cfg: cfg, log: slog.New(slog.NewTextHandler(logOut, nil))}

	root := web.Sample()
	if cfg.files != "" {
		// os.Root refuses symlinks that point out of the folder, for the
		// greetings as for the file server.
		r, err := os.OpenRoot(cfg.files)
		if err != nil {
			return nil, fmt.Errorf("-files: %w", err)
		}
		root = r.FS()
	}
	a.files = files.New(root, files.WithLogger(a.log))
	greets, err := greetings.Load(root,
		greetings.WithCount(cfg.streamCount),
		greetings.WithMaxDelay(cfg.streamMaxDelay),
	)
	if err != nil {
		return nil, err
	}

	users := course.DemoUsers()
	if cfg.users != "" {
		f, err := os.Open(cfg.users)
		if err != nil {
			return nil, fmt.Errorf("-users: %w", err)
		}
		users, err = course.ParseUsers(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("-users %s: %w", cfg.users, err)
		}
	}
	if demoUserExposed(cfg) {
		a.log.Warn("the demo user David, whose password the course prints, can sign in to /secure from anywhere on this network; pass -users FILE to choose your own users", "addr", cfg.addr)
	}
	a.course = course.New(
		course.WithGreetings(greets),
		course.WithUsers(users),
		course.WithRedirectTo(cfg.redirectTo),
		course.WithMaxBodyBytes(cfg.maxBody),
	)

	// The wire transport may reach wirebook's own listeners (added once
	// they listen, when their ports are known) and what -relay-allow names.
	a.relay = relay.New(relay.WithAllowedHosts(cfg.relayAllow...), relay.WithLogger(a.log))
	a.wsStream = wsstream.New(greets, wsstream.WithLogger(a.log))

	name, src := web.DefaultLessonName, web.DefaultLesson()
	if cfg.lesson != "" {
		name = cfg.lesson
		if src, err = os.ReadFile(cfg.lesson); err != nil {
			return nil, fmt.Errorf("-lesson: %w", err)
		}
	}
	l, err := lesson.Parse(name, src)
	if err != nil {
		return nil, err
	}
	if a.page, err = page.New(l, web.Static(), page.WithLogger(a.log)); err != nil {
		return nil, err
	}

	a.listeners = []listener{{name: "main", addr: cfg.addr, handler: a.routes()}}
	if cfg.coursePorts.enabled {
		host, _, err := net.SplitHostPort(cfg.addr)
		if err != nil {
			return nil, fmt.Errorf("-addr %q: %w", cfg.addr, err)
		}
		at := func(port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
		a.listeners = append(a.listeners,
			listener{name: "auth", addr: at(cfg.coursePorts.auth), handler: a.middleware("auth", a.course.Secure())},
			listener{name: "files", addr: at(cfg.coursePorts.files), handler: a.middleware("files", a.files)},
			listener{name: "echo", addr: at(cfg.coursePorts.echo), handler: a.middleware("echo", course.Echo())},
			listener{name: "app", addr: at(cfg.coursePorts.app), handler: a.middleware("app", a.course.App())},
		)
	}
	return a, nil
}

// serve listens on every address, then serves until ctx ends. Streams and
// WebSockets watch the servers' base context, which is cancelled first on
// shutdown so they end at once instead of holding Shutdown for their full
// length.
func (a *app) serve(ctx context.Context) error {
	for i := range a.listeners {
		l := &a.listeners[i]
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			for _, open := range a.listeners[:i] {
				open.ln.Close()
			}
			return fmt.Errorf("listen for %s on %s: %w", l.name, l.addr, err)
		}
		l.ln = ln
		if err := a.relay.AllowHosts(ln.Addr().String()); err != nil {
			return err
		}
	}

	base, cancelStreams := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelStreams()
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
		go func() { errc <- srv.Serve(l.ln) }()
		if i > 0 {
			attrs = append(attrs, l.name, l.ln.Addr().String())
		}
	}
	a.log.Info("wirebook started", attrs...)

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
	}
	stopAt := time.Now()
	cancelStreams()
	shutCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	var wg sync.WaitGroup
	for _, srv := range servers {
		wg.Go(func() {
			if serr := srv.Shutdown(shutCtx); serr != nil {
				srv.Close() // a connection would not go idle in time; cut it
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
	a.log.Info("wirebook stopped", "took", time.Since(stopAt).Round(time.Millisecond))
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
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
