// Package accesslog is the middleware every wirebook listener shares: one
// log line per request, and a panic turned into a logged 500 instead of a
// dropped connection.
package accesslog

import (
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"wirebook/server/respond"
)

// Log writes one line per request: client, method, path, status, bytes,
// duration. The client is r.RemoteAddr's host: the peer, or the address a
// trusted proxy forwarded (proxy.RealIP sits outside Log).
// The wrapper it puts around the ResponseWriter forwards Flush and Hijack,
// without which /stream would buffer and WebSockets could not upgrade.
func Log(log *slog.Logger, listener string) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			defer func() {
				status := ww.Status()
				if status == 0 {
					status = http.StatusOK // a handler that wrote nothing answered 200
				}
				log.LogAttrs(r.Context(), slog.LevelInfo, "request",
					slog.String("listener", listener),
					slog.String("client", clientHost(r.RemoteAddr)),
					slog.String("method", r.Method),
					slog.String("path", r.URL.Path),
					slog.Int("status", status),
					slog.Int("bytes", ww.BytesWritten()),
					slog.Duration("duration", time.Since(start)),
				)
			}()
			next.ServeHTTP(ww, r)
		})
	}
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
