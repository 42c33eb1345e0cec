package main

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"time"
)

// stampProxy is a reverse proxy in front of wirebook for row 4. wirebook
// logs nothing per greeting, so the proxy notes the time it reads each line
// of a /stream response from wirebook: the greeting's write plus one
// loopback hop. Everything else (the page, its assets, WebSockets) passes
// through untouched, so the page works as it does direct, whichever
// transport its cells use.
type stampProxy struct {
	ln  net.Listener
	srv *http.Server

	mu    sync.Mutex
	times []time.Time // when each line of the latest /stream was read
}

// listenStampProxy opens the proxy's port before wirebook starts, so
// wirebook can be told to let its wire transport reach it (-relay-allow).
func listenStampProxy() (*stampProxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return &stampProxy{ln: ln}, nil
}

func (p *stampProxy) Addr() string { return p.ln.Addr().String() }

// serve proxies to target until close.
func (p *stampProxy) serve(target *url.URL) {
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			// The page's origin is the proxy's; wirebook's WebSocket
			// endpoints compare Origin with Host, so Host stays the proxy's.
			pr.Out.Host = pr.In.Host
			if pr.Out.URL.Path == "/stream" {
				// Lines are counted in the bytes as sent.
				pr.Out.Header.Set("Accept-Encoding", "identity")
			}
		},
		FlushInterval: -1, // pass each chunk on the moment it is read
		ModifyResponse: func(resp *http.Response) error {
			if resp.Request.URL.Path == "/stream" {
				p.reset()
				resp.Body = &stampReader{ReadCloser: resp.Body, p: p}
			}
			return nil
		},
	}
	p.srv = &http.Server{Handler: rp, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := p.srv.Serve(p.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			p.ln.Close()
		}
	}()
}

func (p *stampProxy) close() error {
	if p.srv == nil {
		return p.ln.Close()
	}
	return p.srv.Close()
}

func (p *stampProxy) reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.times = nil
}

func (p *stampProxy) stamps() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.times...)
}

// stampReader notes the time of every newline it reads.
type stampReader struct {
	io.ReadCloser
	p *stampProxy
}

func (r *stampReader) Read(b []byte) (int, error) {
	n, err := r.ReadCloser.Read(b)
	if lines := bytes.Count(b[:n], []byte{'\n'}); lines > 0 {
		now := time.Now()
		r.p.mu.Lock()
		for range lines {
			r.p.times = append(r.p.times, now)
		}
		r.p.mu.Unlock()
	}
	return n, err
}
