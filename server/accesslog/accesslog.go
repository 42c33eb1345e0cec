// Package accesslog is the middleware every wirebook listener shares: one
// log line per request, and a panic turned into a logged 500 instead of a
// dropped connection.
package accesslog

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"wirebook/server/respond"
)

// Log writes one line per request to out: client, method, path, status,
// bytes, duration, in slog's text format (tools and tests read its
// key=value fields). The client is r.RemoteAddr's host: the peer, or the
// address a trusted proxy forwarded (proxy.RealIP sits outside Log).
// The wrapper it puts around the ResponseWriter forwards Flush and Hijack,
// without which /stream would buffer and WebSockets could not upgrade.
//
// The line is appended into a pooled buffer rather than built by slog:
// slog's attributes and handler cost ~6 % of wirebook's CPU serving /hello
// (issue 14's profile). A line with a value slog would quote (a space, an
// "=", a quote, non-ASCII) goes through slog itself, so the two never
// differ. Lines go to out one Write each, from many goroutines at once, so
// out must be safe for that (a Buffer is).
func Log(out io.Writer, listener string) func(http.Handler) http.Handler {
	slow := slog.New(slog.NewTextHandler(out, nil))
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			defer func() {
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK // a handler that wrote nothing answered 200
				}
				now := time.Now()
				l := line{time: now, listener: listener, client: clientHost(r.RemoteAddr), method: r.Method,
					path: r.URL.Path, status: status, bytes: ww.BytesWritten(), duration: now.Sub(start)}
				if !l.write(out) {
					l.slog(r.Context(), slow)
				}
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

// line is one access line's fields.
type line struct {
	time                           time.Time
	listener, client, method, path string
	status, bytes                  int
	duration                       time.Duration
}

var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 256); return &b }}

// write writes l as slog's TextHandler would, unless a value needs the
// quoting it leaves to slog; it reports whether it wrote.
func (l line) write(out io.Writer) bool {
	if !plain(l.listener) || !plain(l.client) || !plain(l.method) || !plain(l.path) {
		return false
	}
	bp := linePool.Get().(*[]byte)
	b := append((*bp)[:0], "time="...)
	b = appendRFC3339Millis(b, l.time)
	b = append(b, " level=INFO msg=request listener="...)
	b = append(b, l.listener...)
	b = append(b, " client="...)
	b = append(b, l.client...)
	b = append(b, " method="...)
	b = append(b, l.method...)
	b = append(b, " path="...)
	b = append(b, l.path...)
	b = append(b, " status="...)
	b = strconv.AppendInt(b, int64(l.status), 10)
	b = append(b, " bytes="...)
	b = strconv.AppendInt(b, int64(l.bytes), 10)
	b = append(b, " duration="...)
	b = append(b, l.duration.String()...)
	b = append(b, '\n')
	_, _ = out.Write(b)
	*bp = b
	linePool.Put(bp)
	return true
}

func (l line) slog(ctx context.Context, log *slog.Logger) {
	log.LogAttrs(ctx, slog.LevelInfo, "request",
		slog.String("listener", l.listener),
		slog.String("client", l.client),
		slog.String("method", l.method),
		slog.String("path", l.path),
		slog.Int("status", l.status),
		slog.Int("bytes", l.bytes),
		slog.Duration("duration", l.duration),
	)
}

// plain reports whether slog's text format writes s as it is: not empty,
// printable ASCII, no space, "=" or quote (a stricter test than slog's own
// needsQuoting, which also passes printable non-ASCII).
func plain(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == '=' || c == '"' {
			return false
		}
	}
	return true
}

// appendRFC3339Millis is slog's time format: RFC 3339 in local time,
// milliseconds always three digits (log/slog's function of that name).
func appendRFC3339Millis(b []byte, t time.Time) []byte {
	const prefixLen = len("2006-01-02T15:04:05.000")
	n := len(b)
	t = t.Round(0).Truncate(time.Millisecond).Add(time.Millisecond / 10)
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b[:n+prefixLen], b[n+prefixLen+1:]...) // drop the 4th digit
}

// clientHost drops the port of "ip:port"; an address set by a proxy
// middleware has none.
func clientHost(addr string) string {
	if host, _, err := net.SplitHostPort(addr); err == nil {
		return host
	}
	return addr
}

// Recover turns a handler's panic into a logged 500. It sits inside Log so
// the access line shows the 500 too. http.ErrAbortHandler is re-panicked:
// it is net/http's way of saying "drop this connection", not a bug.
func Recover(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			defer func() {
				p := recover()
				if p == nil {
					return
				}
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", p, "stack", string(debug.Stack()))
				if ww, ok := w.(middleware.WrapResponseWriter); ok && ww.Status() != 0 {
					return // headers are gone; the client sees a cut body
				}
				respond.Error(w, r, http.StatusInternalServerError, "The server failed while answering; the failure is in its log.")
			}()
			next.ServeHTTP(w, r)
		})
	}
}
