// Package livereload tells open lesson pages that their lesson changed on
// disk: reload, or show why it no longer parses.
//
// Pages subscribe with Server-Sent Events (GET /events/lesson): the
// messages go one way, server to page; the browser's EventSource reconnects
// by itself after a server restart or a dropped Wi-Fi, needs no client
// library (it costs app.wasm a few hundred bytes, where a WebSocket client
// needs framing and a reconnect loop of ours), and is a plain GET that
// connect-src 'self' admits. The server side is net/http alone.
//
// The stream carries two events:
//
//	event: reloaded
//	data: <version>            the lesson parses; a page of another version reloads
//
//	event: failed
//	data: <file:line: reason>  the lesson no longer parses; the page shows it
//
// (Not "error": EventSource fires an event of that name itself when its
// connection drops, which a page would mistake for a broken lesson.)
//
// A subscriber names its lesson and the version it shows
// (?lesson=<id>&v=<version>, the page's html[data-version]). A page that
// connects showing a stale version is told "reloaded" at once, and one whose
// lesson is broken gets the error at once, so nothing is lost between a
// page's load and its subscription.
//
// A slow subscriber never holds up the others: a publish only marks each
// subscriber's lesson as changed, and each handler sends the lesson's
// latest state when it gets round to it, so bursts collapse to the last
// state.
package livereload

import (
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"wirebook/server/respond"
)

// Defaults for the options.
const (
	// DefaultMaxSubscribers bounds the open streams, one per open lesson
	// page: a class of 30 with a few tabs each fits many times over.
	DefaultMaxSubscribers = 256
	// DefaultHeartbeat is how often an idle stream gets a comment, under
	// the 30 to 60 s after which proxies and NATs drop a silent connection;
	// a write to a page that is gone also ends its handler.
	DefaultHeartbeat = 25 * time.Second
	// DefaultWriteTimeout bounds each write, as the server's 60 s bounds a
	// whole ordinary response: a page that stops reading is dropped.
	DefaultWriteTimeout = 10 * time.Second
)

// retryMillis is the reconnect delay the stream asks EventSource for
// (Chrome's default is 3 s): a page reconnects about a second after the
// author restarts the server.
const retryMillis = "1000"

// Hub holds each lesson's state and the pages subscribed to it.
type Hub struct {
	maxSubs      int
	heartbeat    time.Duration
	writeTimeout time.Duration
	log          *slog.Logger

	mu      sync.Mutex
	lessons map[string]*state
	subs    map[*subscriber]struct{}
}

type state struct {
	version string // the last version that parsed
	err     string // why the lesson does not parse now; "" when it does
}

type subscriber struct {
	lesson string
	wake   chan struct{} // cap 1: "your lesson changed", never blocks a publish
}

// Option configures New.
type Option func(*Hub)

// WithMaxSubscribers bounds the open streams; one more is a 503.
func WithMaxSubscribers(n int) Option { return func(h *Hub) { h.maxSubs = max(n, 1) } }

// WithHeartbeat is how often an idle stream gets a comment line.
func WithHeartbeat(d time.Duration) Option { return func(h *Hub) { h.heartbeat = d } }

// WithWriteTimeout bounds each write to a subscriber.
func WithWriteTimeout(d time.Duration) Option { return func(h *Hub) { h.writeTimeout = d } }

// WithLogger is where dropped subscribers are logged. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(h *Hub) { h.log = l } }

// New makes a hub with no lessons; Reloaded adds them.
func New(opts ...Option) *Hub {
	h := &Hub{
		maxSubs:      DefaultMaxSubscribers,
		heartbeat:    DefaultHeartbeat,
		writeTimeout: DefaultWriteTimeout,
		log:          slog.Default(),
		lessons:      map[string]*state{},
		subs:         map[*subscriber]struct{}{},
	}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Reloaded says lesson (its id; "" for the single lesson) parses and its
// page is now version. Its open pages of another version reload, and any
// error they show goes. The first call for a lesson only records it.
func (h *Hub) Reloaded(lesson, version string) {
	h.publish(lesson, func(s *state) bool {
		changed := s.version != version || s.err != ""
		s.version, s.err = version, ""
		return changed
	})
}

// Failed says lesson no longer parses, and why ("file:line: reason"); its
// pages keep the version they show and show msg until the next Reloaded.
func (h *Hub) Failed(lesson, msg string) {
	h.publish(lesson, func(s *state) bool {
		changed := s.err != msg
		s.err = msg
		return changed
	})
}

func (h *Hub) publish(lesson string, update func(*state) bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	s, ok := h.lessons[lesson]
	if !ok {
		s = &state{}
		h.lessons[lesson] = s
	}
	if !update(s) {
		return
	}
	for sub := range h.subs {
		if sub.lesson != lesson {
			continue
		}
		select {
		case sub.wake <- struct{}{}:
		default: // already woken; it will read the latest state
		}
	}
}

// Subscribers is how many streams are open.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// subscribe adds a subscriber to a known lesson; ok is false for a lesson
// the hub has never heard of, full when the cap is reached.
func (h *Hub) subscribe(lesson string) (sub *subscriber, known, full bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.lessons[lesson]; !ok {
		return nil, false, false
	}
	if len(h.subs) >= h.maxSubs {
		return nil, true, true
	}
	sub = &subscriber{lesson: lesson, wake: make(chan struct{}, 1)}
	h.subs[sub] = struct{}{}
	return sub, true, false
}

func (h *Hub) unsubscribe(sub *subscriber) {
	h.mu.Lock()
	delete(h.subs, sub)
	h.mu.Unlock()
}

// Version is the last version Reloaded gave lesson; "" for a lesson the hub
// does not know.
func (h *Hub) Version(lesson string) string {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.lessons[lesson]; ok {
		return s.version
	}
	return ""
}

func (h *Hub) current(lesson string) state {
	h.mu.Lock()
	defer h.mu.Unlock()
	return *h.lessons[lesson]
}

// ServeHTTP is the event stream (routes.go admits GET). It runs until the
// page goes, a write fails or times out, or the request's context ends —
// which the server's shutdown does.
func (h *Hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	lesson := q.Get("lesson")
	sub, known, full := h.subscribe(lesson)
	switch {
	case !known:
		respond.Error(w, r, http.StatusNotFound, "No lesson "+strconv.Quote(lesson)+" to follow.")
		return
	case full:
		w.Header().Set("Retry-After", "30")
		respond.Error(w, r, http.StatusServiceUnavailable, "Too many pages are following lesson changes; this one will not reload by itself.")
		return
	}
	defer h.unsubscribe(sub)

	rc := http.NewResponseController(w)
	// The server bounds a request's body read (30 s) and whole response
	// (60 s); a stream lives longer. A read deadline that passes would
	// cancel the request's context, so it is lifted; each write gets its
	// own deadline instead.
	_ = rc.SetReadDeadline(time.Time{})
	hdr := w.Header()
	hdr.Set("Content-Type", "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no") // nginx: do not buffer the stream
	w.WriteHeader(http.StatusOK)

	s := stream{w: w, rc: rc, timeout: h.writeTimeout}
	shown := q.Get("v") // the version the page shows
	errShown := ""      // the error it shows
	s.send("retry: " + retryMillis + "\n\n")
	heartbeat := time.NewTicker(h.heartbeat)
	defer heartbeat.Stop()
	for s.err == nil {
		now := h.current(lesson)
		switch {
		case now.err != "" && now.err != errShown:
			s.event("failed", now.err)
			errShown = now.err
		case now.err == "" && (now.version != shown || errShown != ""):
			s.event("reloaded", now.version)
			shown, errShown = now.version, ""
		}
		if s.err != nil {
			break
		}
		select {
		case <-r.Context().Done():
			return
		case <-sub.wake:
		case <-heartbeat.C:
			s.send(": \n\n")
		}
	}
	h.log.Debug("live-reload subscriber dropped", "lesson", lesson, "err", s.err)
}

// stream writes events, each flushed under its own deadline; the first
// error sticks and ends the handler.
type stream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	timeout time.Duration
	err     error
}

func (s *stream) send(text string) {
	if s.err != nil {
		return
	}
	_ = s.rc.SetWriteDeadline(time.Now().Add(s.timeout))
	if _, s.err = s.w.Write([]byte(text)); s.err == nil {
		s.err = s.rc.Flush()
	}
}

// event writes one event; a data line may not hold a newline, so each
// line of data is its own "data:" line, which EventSource joins with \n.
func (s *stream) event(name, data string) {
	var b strings.Builder
	b.WriteString("event: " + name + "\n")
	for line := range strings.Lines(data) {
		b.WriteString("data: " + strings.TrimRight(line, "\r\n") + "\n")
	}
	if data == "" {
		b.WriteString("data: \n")
	}
	b.WriteString("\n")
	s.send(b.String())
}
