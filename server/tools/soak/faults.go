package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"wirebook/server/internal/harness"
)

// faultServer is an upstream that misbehaves on purpose, written on raw TCP
// so each fault is exactly the bytes it claims to be:
//
//	/stall     a head and a few body bytes, then nothing, ever
//	/reset     a head and a few body bytes, then a TCP reset (RST)
//	/truncated a chunked body whose connection closes before the last chunk
//
// A fault that must happen mid-body waits for release(token), called when
// the relay's client has the first chunk; otherwise the reset could reach
// the relay before the bytes it follows and the fault would be a different
// one.
type faultServer struct {
	ln   net.Listener
	wg   sync.WaitGroup
	stop chan struct{}

	mu    sync.Mutex
	gates map[string]chan struct{}
}

// fault bodies begin with this, so the relay has a chunk to report.
const faultPrefix = "the first bytes of a body that will not end well\n"

func newFaultServer() (*faultServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &faultServer{ln: ln, stop: make(chan struct{}), gates: map[string]chan struct{}{}}
	s.wg.Go(s.accept)
	return s, nil
}

func (s *faultServer) addr() string { return s.ln.Addr().String() }

// close stops accepting, ends every stalled connection and waits.
func (s *faultServer) close() {
	close(s.stop)
	s.ln.Close()
	s.wg.Wait()
}

func (s *faultServer) accept() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Go(func() { s.serve(c.(*net.TCPConn)) })
	}
}

func (s *faultServer) gate(token string) chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.gates[token]
	if !ok {
		g = make(chan struct{})
		s.gates[token] = g
	}
	return g
}

// release lets the fault of token happen.
func (s *faultServer) release(token string) {
	g := s.gate(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-g:
	default:
		close(g)
	}
}

func (s *faultServer) serve(c *net.TCPConn) {
	defer c.Close()
	// A closed connection from the other side, or the soak stopping, ends
	// every wait below.
	gone := make(chan struct{})
	go func() {
		select {
		case <-s.stop:
			c.SetReadDeadline(time.Now())
		case <-gone:
		}
	}()
	defer close(gone)
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	token := req.URL.Query().Get("token")
	switch req.URL.Path {
	case "/stall":
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n%s", faultPrefix)
		_, _ = br.ReadByte() // until the relay gives up and closes, or the soak stops
	case "/reset":
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n%s", faultPrefix)
		s.await(token)
		c.SetLinger(0) // Close sends RST, not FIN
	case "/truncated":
		fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", len(faultPrefix), faultPrefix)
		s.await(token)
		// Close: FIN where the next chunk's size line should be
	default:
		fmt.Fprintf(c, "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
	}
}

func (s *faultServer) await(token string) {
	select {
	case <-s.gate(token):
	case <-s.stop:
	case <-time.After(10 * time.Second): // a lost client; fault anyway
	}
}

// fault is one misbehaviour and what the relay must say about it.
type fault struct {
	name        string
	path        string
	cancelAfter time.Duration // for a stall: how long to watch it hang before Cancel
	want        string        // in the Error frame's message
}

func faultsToTest(stall time.Duration) []fault {
	return []fault{
		{name: "stall", path: "/stall", cancelAfter: stall, want: "cancelled"},
		{name: "reset", path: "/reset", want: "the server reset the connection before the body ended"},
		{name: "truncated", path: "/truncated", want: "truncated chunked body"},
	}
}

// faultResult is what the relay said about each fault, over every round.
type faultResult struct {
	rounds   int
	ok       int
	messages map[string][]string // fault → distinct messages
	errs     harness.ErrorLog
	control  harness.Outcome // a well-behaved exchange through the same relay
	took     time.Duration
}

func (r *faultResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d relays (%d rounds × %d faults) through /ws/relay in %v: %d answered as expected, %d not",
		r.rounds*len(r.messages), r.rounds, len(r.messages), r.took.Round(time.Millisecond), r.ok, r.errs.N.Load())
	for _, name := range slices.Sorted(maps.Keys(r.messages)) {
		fmt.Fprintf(&b, "\n    %-9s → %q", name, strings.Join(r.messages[name], `" | "`))
	}
	return b.String()
}

// runFaults relays every fault rounds times, all rounds at once, each on
// its own connection; the stalled ones are cancelled after stall.
func runFaults(ctx context.Context, base string, up *faultServer, rounds int, stall time.Duration) *faultResult {
	client := &http.Client{Transport: &http.Transport{Proxy: nil}}
	defer client.CloseIdleConnections()
	faults := faultsToTest(stall)
	r := &faultResult{rounds: rounds, messages: map[string][]string{}}
	for _, f := range faults {
		r.messages[f.name] = nil
	}
	began := time.Now()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for round := range rounds {
		for _, f := range faults {
			wg.Go(func() {
				token := fmt.Sprintf("%s-%d", f.name, round)
				target := "http://" + up.addr() + f.path + "?token=" + token
				out, err := harness.RelayOnce(ctx, client, base, target, harness.Hooks{
					CancelAfter:  f.cancelAfter,
					OnFirstChunk: func() { up.release(token) },
				})
				if ctx.Err() != nil {
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if out.Message != "" && !slices.Contains(r.messages[f.name], out.Message) {
					r.messages[f.name] = append(r.messages[f.name], out.Message)
				}
				switch {
				case err != nil:
					r.errs.Add("%s: %v", f.name, err)
				case out.End:
					r.errs.Add("%s: the relay reported a complete body of %d bytes", f.name, out.Bytes)
				case !strings.Contains(out.Message, f.want):
					r.errs.Add("%s: error %q lacks %q", f.name, out.Message, f.want)
				case out.Status != 200 || out.Bytes != len(faultPrefix):
					r.errs.Add("%s: head %d and %d body bytes before the error, want 200 and %d", f.name, out.Status, out.Bytes, len(faultPrefix))
				default:
					r.ok++
				}
			})
		}
	}
	wg.Wait()
	r.took = time.Since(began)
	out, err := harness.RelayOnce(ctx, client, base, base+"/hello", harness.Hooks{})
	r.control = out
	if err != nil || !out.End || out.Status != 200 {
		r.errs.Add("control /hello through the relay: %+v, %v", out, err)
	}
	return r
}

func (r *faultResult) failed() error {
	if n := r.errs.N.Load(); n > 0 {
		return errors.New(strings.Join(r.errs.Snapshot(), "; "))
	}
	return nil
}
