package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"nhooyr.io/websocket"

	"wirebook/server/internal/harness"
)

// nginxResult is each check made through the proxy.
type nginxResult struct {
	checks   []string // one line each, "ok …" or "FAILED …"
	failures int
}

func (r *nginxResult) check(name string, err error, detail string) {
	if err != nil {
		r.failures++
		r.checks = append(r.checks, "FAILED "+name+": "+err.Error())
		return
	}
	r.checks = append(r.checks, "ok "+name+": "+detail)
}

// runNginx starts two wirebooks and nginx in front of them, checks the
// page, the wire transport, both streams and the forwarded client through
// the proxy, then stops one wirebook while clients keep asking.
func runNginx(ctx context.Context, bin, nginxBin, dir string) (*nginxResult, error) {
	listen, err := harness.FreePort()
	if err != nil {
		return nil, err
	}
	// The relay reaches the cell's URL, which through the proxy is the
	// proxy's address: each instance must allow it.
	args := []string{"-stream-max-delay", "300ms", "-relay-allow", listen, "-trust-proxy", "127.0.0.2/32"}
	a, err := harness.Start(ctx, bin, dir, "nginx-a", args...)
	if err != nil {
		return nil, err
	}
	defer a.Kill()
	b, err := harness.Start(ctx, bin, dir, "nginx-b", args...)
	if err != nil {
		return nil, err
	}
	defer b.Kill()
	ndir := dir + "/nginx"
	if err := os.Mkdir(ndir, 0o755); err != nil {
		return nil, err
	}
	ng, err := harness.StartNginx(ctx, nginxBin, harness.NginxConfig{Dir: ndir, Listen: listen, Upstreams: []string{a.Addr, b.Addr}, Bind: "127.0.0.2"})
	if err != nil {
		return nil, err
	}
	defer ng.Stop()
	r := &nginxResult{}
	checkThroughProxy(ctx, r, "http://"+listen, a, b)
	return r, nil
}

// checkThroughProxy makes each check of runNginx through the proxy at base,
// in front of instances a and b.
func checkThroughProxy(ctx context.Context, r *nginxResult, base string, a, b *harness.Child) {
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	checkPage(ctx, r, client, base)
	checkStreams(ctx, r, client, base)
	detail, err := forwardedCheck(ctx, base, a, b)
	r.check("X-Forwarded-For", err, detail)
	fo, err := failover(ctx, client, base, a, b)
	r.check("stop one instance", err, fo.String())
	took, err := b.Interrupt(5 * time.Second)
	if err == nil {
		err = b.CleanExit()
	}
	r.check("stop instance B", err, fmt.Sprintf("exited in %v, clean log", took.Round(time.Millisecond)))
}

// checkPage checks the lesson page and a relayed /hello through the proxy.
func checkPage(ctx context.Context, r *nginxResult, client *http.Client, base string) {
	resp, body, err := get(ctx, client, base+"/lessons/app")
	if err == nil && (resp.StatusCode != 200 || !strings.Contains(body, "data-cell")) {
		err = fmt.Errorf("status %d, %d bytes, data-cell present: %v", resp.StatusCode, len(body), strings.Contains(body, "data-cell"))
	}
	r.check("page", err, fmt.Sprintf("GET /lessons/app 200, %d bytes with its request cells", len(body)))

	out, err := harness.RelayOnce(ctx, client, base, base+"/hello", harness.Hooks{})
	if err == nil && (!out.End || out.Status != 200 || out.Bytes == 0) {
		err = fmt.Errorf("relayed /hello: %+v", out)
	}
	r.check("wire transport", err, fmt.Sprintf("/ws/relay → %s/hello: head %d, %d body bytes, end", base, out.Status, out.Bytes))
}

// checkStreams checks that both streams come through unbuffered.
func checkStreams(ctx context.Context, r *nginxResult, client *http.Client, base string) {
	first, last, lines, err := streamTiming(ctx, client, base+"/stream")
	if err == nil && (lines != 10 || last-first < 100*time.Millisecond) {
		err = fmt.Errorf("%d lines, first at %v, last at %v: the body was buffered", lines, first, last)
	}
	r.check("/stream", err, fmt.Sprintf("%d lines, the first at %v, the last at %v", lines, first.Round(time.Millisecond), last.Round(time.Millisecond)))

	msgs, err := wsStreamCount(ctx, client, base)
	if err == nil && msgs != 10 {
		err = fmt.Errorf("%d messages, want 10", msgs)
	}
	r.check("/ws/stream", err, fmt.Sprintf("%d messages, then a normal close", msgs))
}

func get(ctx context.Context, client *http.Client, url string, header ...string) (*http.Response, string, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, "", err
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, string(b), err
}

// streamTiming reads /stream line by line and says when the first and the
// last line arrived, measured from the request.
func streamTiming(ctx context.Context, client *http.Client, url string) (first, last time.Duration, lines int, err error) {
	began := time.Now()
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	br := bufio.NewReader(resp.Body)
	for {
		_, err := br.ReadString('\n')
		if err == io.EOF {
			return first, last, lines, nil
		}
		if err != nil {
			return first, last, lines, err
		}
		lines++
		last = time.Since(began)
		if lines == 1 {
			first = last
		}
	}
}

func wsStreamCount(ctx context.Context, client *http.Client, base string) (int, error) {
	conn, _, err := harness.DialWS(ctx, base, "/ws/stream", harness.DialOptions{Origin: base, Client: client})
	if err != nil {
		return 0, err
	}
	defer conn.CloseNow()
	for n := 0; ; n++ {
		if _, _, err := conn.Read(ctx); err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure {
				return n, nil
			}
			return n, err
		}
	}
}

// forwardedCheck sends X-Forwarded-For: 203.0.113.9 twice: through nginx
// from 127.0.0.3, where nginx replaces it with the address it saw, and
// straight to an instance from 127.0.0.1, which is not the proxy. The
// access log must name 127.0.0.3 and 127.0.0.1: the proxy's word is taken,
// a client's is not.
func forwardedCheck(ctx context.Context, base string, a, b *harness.Child) (string, error) {
	from3 := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil,
		DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 3)}}).DialContext}}
	defer from3.CloseIdleConnections()
	plain := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	defer plain.CloseIdleConnections()
	const viaProxy, direct = "/echo/soak-through-the-proxy", "/echo/soak-straight-to-wirebook"
	if _, _, err := get(ctx, from3, base+viaProxy, "X-Forwarded-For", "203.0.113.9"); err != nil {
		return "", err
	}
	if _, _, err := get(ctx, plain, a.URL+direct, "X-Forwarded-For", "203.0.113.9"); err != nil {
		return "", err
	}
	var proxied, straight string
	harness.WaitFor(ctx, 5*time.Second, func() bool {
		proxied = a.LineFor(viaProxy) + b.LineFor(viaProxy)
		straight = a.LineFor(direct)
		return proxied != "" && straight != ""
	})
	gotProxied, gotStraight := harness.Field(proxied, "client"), harness.Field(straight, "client")
	if gotProxied != "127.0.0.3" || gotStraight != "127.0.0.1" {
		return "", fmt.Errorf("logged client %q through the proxy (want 127.0.0.3) and %q straight (want 127.0.0.1)", gotProxied, gotStraight)
	}
	return "through nginx the log names the client (127.0.0.3); sent straight, the header is ignored (127.0.0.1)", nil
}

// failoverResult counts what the clients saw while an instance stopped.
type failoverResult struct {
	requests, failed   int64 // plain requests
	streams, cut, lost int64 // /stream and /ws/stream: started, cut short mid-way, refused or empty
	served             [2]int
	stopTook           time.Duration
}

func (r failoverResult) String() string {
	return fmt.Sprintf("%d requests before, during and after instance A's stop (it took %v), %d failed; %d streams, %d cut short mid-way (they were on A), %d lost; A served %d, B %d",
		r.requests, r.stopTook.Round(time.Millisecond), r.failed, r.streams, r.cut, r.lost, r.served[0], r.served[1])
}

// failover keeps 8 clients asking through nginx and 4 watching streams,
// stops instance a with SIGINT once requests flow, and goes on until b has
// served a good number on its own. No request may fail, and no stream may
// be refused or answered with nothing; a stream that was running on a when
// it stopped may end early.
func failover(ctx context.Context, client *http.Client, base string, a, b *harness.Child) (failoverResult, error) {
	var r failoverResult
	loop, stop := context.WithCancel(ctx)
	defer stop()
	var fc failoverClients
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() { fc.ask(loop, client, base, w) })
	}
	for w := range 4 {
		wg.Go(func() { fc.watch(loop, client, base, w%2 == 0) })
	}
	harness.WaitFor(ctx, 10*time.Second, func() bool { return fc.n.Load() >= 200 && fc.streams.Load() >= 4 })
	var err error
	if a.Served("/hello", "/greeting", "/json") == 0 {
		err = errors.New("instance A served none of the first requests; nginx is not balancing")
	}
	r.stopTook, err = stopA(a, err)
	// b alone: let it serve 500 more, and every stream watcher start anew.
	bBefore, sBefore := b.TotalServed(), fc.streams.Load()
	harness.WaitFor(ctx, 20*time.Second, func() bool { return b.TotalServed() >= bBefore+500 && fc.streams.Load() >= sBefore+8 })
	stop()
	wg.Wait()
	r.requests, r.failed = fc.n.Load(), fc.bad.Load()
	r.streams, r.cut, r.lost = fc.streams.Load(), fc.cut.Load(), fc.lost.Load()
	r.served = [2]int{a.TotalServed(), b.TotalServed()}
	if (r.failed > 0 || r.lost > 0) && err == nil {
		err = fmt.Errorf("%d requests failed and %d streams were lost: %v", r.failed, r.lost, fc.errs.Snapshot())
	}
	return r, err
}

// stopA stops instance a with SIGINT and checks it went cleanly, keeping
// err if there already was one.
func stopA(a *harness.Child, err error) (time.Duration, error) {
	took, ierr := a.Interrupt(5 * time.Second)
	if err == nil && ierr != nil {
		err = ierr
	}
	if err == nil {
		err = a.CleanExit()
	}
	if err == nil && took > 2*time.Second {
		err = fmt.Errorf("instance A took %v to stop", took)
	}
	return took, err
}

// failoverClients are failover's clients and what they saw.
type failoverClients struct {
	n, bad, streams, cut, lost atomic.Int64
	errs                       harness.ErrorLog
}

// ask sends plain requests through the proxy until ctx ends.
func (fc *failoverClients) ask(ctx context.Context, client *http.Client, base string, w int) {
	paths := []string{"/hello", "/greeting?lang=fr", "/json?from=soak"}
	for i := w; ctx.Err() == nil; i++ {
		resp, _, err := get(ctx, client, base+paths[i%len(paths)])
		if ctx.Err() != nil {
			return
		}
		fc.n.Add(1)
		if err != nil {
			fc.bad.Add(1)
			fc.errs.Add("%v", err)
		} else if resp.StatusCode != 200 {
			fc.bad.Add(1)
			fc.errs.Add("status %s", resp.Status)
		}
	}
}

// watch watches one stream after another through the proxy until ctx ends.
func (fc *failoverClients) watch(ctx context.Context, client *http.Client, base string, ws bool) {
	for ctx.Err() == nil {
		var got int
		var err error
		kind := "/stream"
		if ws {
			got, err = wsStreamCount(ctx, client, base)
			kind = "/ws/stream"
		} else {
			_, _, got, err = streamTiming(ctx, client, base+"/stream")
		}
		if ctx.Err() != nil {
			return
		}
		fc.streams.Add(1)
		switch {
		case got == 0:
			fc.lost.Add(1)
			fc.errs.Add("%s: nothing arrived: %v", kind, err)
		case got < streamCount:
			fc.cut.Add(1)
		}
	}
}
