package relay

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wirebook/server/wireproto"
)

// BenchmarkSend is one whole exchange through Relay.Send, the path every
// wire cell takes, against a loopback upstream: a small answer with a
// Content-Length, and a chunked one of ten flushed pieces like /stream's.
func BenchmarkSend(b *testing.B) {
	addr := upstreamB(b, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/chunked" {
			for range 10 {
				io.WriteString(w, "Hello, world!\n")
				w.(http.Flusher).Flush()
			}
			return
		}
		w.Header().Set("Content-Length", "13")
		io.WriteString(w, "Hello, world!")
	})
	rl := New(WithAllowedHosts(addr))
	b.Cleanup(rl.Wait)
	for _, path := range []string{"/hello", "/chunked"} {
		b.Run(strings.TrimPrefix(path, "/"), func(b *testing.B) {
			url := "http://" + addr + path
			f := wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: url,
				Request: wireproto.Request{Method: "GET", Target: path, Headers: []wireproto.Header{{Name: "X-B", Value: "1"}, {Name: "x-a", Value: "2"}}}}
			b.ReportAllocs()
			for b.Loop() {
				var end wireproto.FrameType
				rl.Send(context.Background(), f, func(out *wireproto.Frame) error {
					end = out.Type
					return nil
				})
				if end != wireproto.FrameEnd {
					b.Fatalf("the exchange ended with %v", end)
				}
			}
		})
	}
}

func upstreamB(b *testing.B, h http.HandlerFunc) string {
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}
