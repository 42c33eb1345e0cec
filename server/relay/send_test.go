package relay

import (
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"wirebook/server/wireproto"
)

// types lists the frame types of fs, in order.
func types(fs []wireproto.Frame) []wireproto.FrameType {
	ts := make([]wireproto.FrameType, len(fs))
	for i, f := range fs {
		ts[i] = f.Type
	}
	return ts
}

// checkFrame returns the one Check frame of fs, which must come right
// before the End frame that closes them.
func checkFrame(t *testing.T, fs []wireproto.Frame) wireproto.Frame {
	t.Helper()
	if len(fs) < 2 || fs[len(fs)-2].Type != wireproto.FrameCheck || last(fs).Type != wireproto.FrameEnd {
		t.Fatalf("frames %v do not end with check, end", types(fs))
	}
	return fs[len(fs)-2]
}

func sendWithExpect(id uint32, url, expectations string) wireproto.Frame {
	return wireproto.Frame{Type: wireproto.FrameSend, ID: id, URL: url, Expect: expectations,
		Request: wireproto.Request{Method: "GET", Target: url}}
}

func TestExpectationsAreCheckedBeforeEnd(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "Hello")
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))

	c.send(sendWithExpect(3, "http://"+addr+"/hello", `HTTP 200
[Asserts]
header "Content-Type" == "text/html"
body == "Hello"
bytes count == 5
duration < 10000
`))
	fs := c.collect(3)
	if got := types(fs); !slices.Equal(got, []wireproto.FrameType{wireproto.FrameSent, wireproto.FrameHead, wireproto.FrameChunk, wireproto.FrameCheck, wireproto.FrameEnd}) {
		t.Fatalf("frames = %v, want sent, head, chunk, check, end", got)
	}
	want := []wireproto.CheckResult{
		{Line: 1, Pass: true, Text: "HTTP 200", Got: "200", Want: "200"},
		{Line: 3, Pass: false, Text: `header "Content-Type" == "text/html"`, Got: `"text/plain; charset=utf-8"`, Want: `== "text/html"`},
		{Line: 4, Pass: true, Text: `body == "Hello"`},
		{Line: 5, Pass: true, Text: "bytes count == 5"},
		{Line: 6, Pass: true, Text: "duration < 10000"},
	}
	got := checkFrame(t, fs).Checks
	if len(got) != len(want) {
		t.Fatalf("checks = %+v, want %d", got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.Pass != w.Pass || g.Text != w.Text {
			t.Errorf("check %d = %+v, want line %d pass %v %q", i, g, w.Line, w.Pass, w.Text)
		}
		if w.Got != "" && (g.Got != w.Got || g.Want != w.Want) {
			t.Errorf("check %d got/want = %q / %q, want %q / %q", i, g.Got, g.Want, w.Got, w.Want)
		}
	}
}

func TestBadExpectationIsAnErrorAndTheConnectionLives(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		io.WriteString(w, "ok")
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))
	url := "http://" + addr + "/"

	c.send(sendWithExpect(1, url, "HTTP 200\n[Asserts]\nbody frobnicates \"x\"\n"))
	fs := c.collect(1)
	if len(fs) != 1 {
		t.Fatalf("frames = %v, want one error", types(fs))
	}
	wantError(t, fs[0], "expectations, line 3: ")
	if n := hits.Load(); n != 0 {
		t.Errorf("the request was sent %d times despite bad expectations", n)
	}

	// The same ID, on the same connection, with good expectations.
	c.send(sendWithExpect(1, url, "HTTP 200\n"))
	if check := checkFrame(t, c.collect(1)); len(check.Checks) != 1 || !check.Checks[0].Pass {
		t.Errorf("after a bad block, checks = %+v, want HTTP 200 passing", check.Checks)
	}
}

func TestStreamedBodyWithExpectationsStillStreams(t *testing.T) {
	t.Parallel()
	parts := []string{"Hello\n", "Bonjour\n", "Hola\n"}
	release := make([]chan struct{}, len(parts))
	for i := range release {
		release[i] = make(chan struct{})
	}
	done := make(chan struct{})
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		for i, p := range parts {
			select {
			case <-release[i]:
			case <-done:
				return
			}
			io.WriteString(w, p)
			w.(http.Flusher).Flush()
		}
	}, done)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr))))
	c.send(sendWithExpect(1, "http://"+addr+"/stream", "HTTP 200\n[Asserts]\nbody == \"Hello\\nBonjour\\nHola\\n\"\nbody contains \"Ciao\"\n"))

	// Each part is let out only once the one before has been relayed: a
	// relay that waited for the whole body to check it would hang here.
	close(release[0])
	if sent := c.next(); sent.Type != wireproto.FrameSent {
		t.Fatalf("first frame = %v, want sent", sent.Type)
	}
	if head := c.next(); head.Type != wireproto.FrameHead {
		t.Fatalf("first frame = %v, want head", head.Type)
	}
	for i, p := range parts {
		if i > 0 {
			close(release[i])
		}
		if f := c.next(); f.Type != wireproto.FrameChunk || string(f.Data) != p {
			t.Fatalf("frame %d = %v %q, want chunk %q", i, f.Type, f.Data, p)
		}
	}
	if last := c.next(); last.SizeLine != "0" {
		t.Fatalf("after the body: %+v, want the last chunk", last)
	}
	check := c.next()
	if check.Type != wireproto.FrameCheck || len(check.Checks) != 3 {
		t.Fatalf("after the body: %+v, want a check frame of 3", check)
	}
	if !check.Checks[1].Pass || check.Checks[2].Pass {
		t.Errorf("checks = %+v, want the whole body equal and no Ciao", check.Checks)
	}
	if end := c.next(); end.Type != wireproto.FrameEnd {
		t.Errorf("after the check: %v, want end", end.Type)
	}
}

func TestTruncatedBodyFailsBodyChecks(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, strings.Repeat("0123456789", 100))
	}, nil)
	c := connect(t, serveRelay(t, New(WithAllowedHosts(addr), WithMaxBodyBytes(25))))
	c.send(sendWithExpect(1, "http://"+addr+"/", "HTTP 200\n[Asserts]\nbody contains \"0123\"\n"))
	check := checkFrame(t, c.collect(1))
	if len(check.Checks) != 2 || check.Checks[1].Pass || !strings.Contains(check.Checks[1].Got, "cut at 25 bytes") {
		t.Errorf("checks = %+v, want the body check failed for a truncated body", check.Checks)
	}
}

// Send is also called without a WebSocket, by wirebook check: the same
// frames, the same policy.
func TestSendWithoutAPage(t *testing.T) {
	t.Parallel()
	addr := upstream(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}, nil)
	rl := New(WithAllowedHosts(addr))
	t.Cleanup(rl.Wait)
	tests := []struct {
		name  string
		url   string
		want  []wireproto.FrameType
		error string
	}{
		{"an allowed target is sent and checked", "http://" + addr + "/", []wireproto.FrameType{wireproto.FrameSent, wireproto.FrameHead, wireproto.FrameCheck, wireproto.FrameEnd}, ""},
		{"another port is refused", "http://" + freeAddr(t) + "/", []wireproto.FrameType{wireproto.FrameError}, "is not one of wirebook's own addresses"},
		{"another host is refused", "http://169.254.169.254/", []wireproto.FrameType{wireproto.FrameError}, "is not one of wirebook's own addresses"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var fs []wireproto.Frame
			rl.Send(context.Background(), sendWithExpect(9, tt.url, "HTTP 418\n"), func(f *wireproto.Frame) error {
				fs = append(fs, *f)
				return nil
			})
			if got := types(fs); !slices.Equal(got, tt.want) {
				t.Fatalf("frames = %v, want %v", got, tt.want)
			}
			for _, f := range fs {
				if f.ID != 9 {
					t.Errorf("a %v frame has ID %d, want 9", f.Type, f.ID)
				}
			}
			if tt.error != "" {
				wantError(t, fs[0], tt.error)
			} else if check := fs[2]; !check.Checks[0].Pass {
				t.Errorf("HTTP 418 = %+v, want pass", check.Checks[0])
			}
		})
	}
}
