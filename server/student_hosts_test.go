package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wirebook/server/internal/student"
	"wirebook/server/wireproto"
)

func TestStudentHostsFlag(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want []string // studentTargets
		err  string
	}{
		{"none by default", nil, nil, ""},
		{"the course's ports on each host", []string{"-student-hosts", "192.0.2.7, localhost"},
			[]string{"192.0.2.7:2502", "192.0.2.7:2503", "192.0.2.7:2504", "192.0.2.7:2505", "localhost:2502", "localhost:2503", "localhost:2504", "localhost:2505"}, ""},
		{"the configured course ports", []string{"-student-hosts", "::1", "-course-ports=3002,3003,3004,3005"},
			[]string{"[::1]:3002", "[::1]:3003", "[::1]:3004", "[::1]:3005"}, ""},
		{"a port left to the system is the course's own", []string{"-student-hosts", "192.0.2.7", "-course-ports=0,0,0,0"},
			[]string{"192.0.2.7:2502", "192.0.2.7:2503", "192.0.2.7:2504", "192.0.2.7:2505"}, ""},
		{"a host with a port is refused", []string{"-student-hosts", "192.0.2.7:2505"}, nil, "give the host alone"},
		{"a spelling inet_aton reads as an address is refused", []string{"-student-hosts", "127.1"}, nil, "neither an IP address nor a host name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseFlags(tt.args, io.Discard)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want one saying %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.studentTargets(); !slices.Equal(got, tt.want) {
				t.Errorf("targets = %q, want %q", got, tt.want)
			}
		})
	}
}

// The relay reaches a student's course ports, and nothing else on that host.
func TestStudentHostsOpenTheCoursePortsOnly(t *testing.T) {
	t.Parallel()
	s := student.Start(t)
	other := httptest.NewServer(http.NotFoundHandler()) // on the same host, not a course port
	t.Cleanup(other.Close)
	// The course ports point at the student's servers, and wirebook opens
	// none of its own there.
	cfg, err := parseFlags([]string{"-addr", "127.0.0.1:0", "-student-hosts", s.Host,
		"-course-ports=" + s.Ports(), "-course-ports=false"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.relay.Wait)
	send := func(url string) wireproto.Frame {
		var last wireproto.Frame
		a.relay.Send(context.Background(), wireproto.Frame{Type: wireproto.FrameSend, ID: 1, URL: url,
			Request: wireproto.Request{Method: "GET", Target: url}}, func(f *wireproto.Frame) error {
			if f.Type == wireproto.FrameHead || f.Type == wireproto.FrameError {
				last = *f
			}
			return nil
		})
		return last
	}
	if f := send("http://" + s.Host + ":" + strconv.Itoa(s.App) + "/hello"); f.Type != wireproto.FrameHead || f.Status != 200 {
		t.Errorf("the student's app: %+v, want a 200 head", f)
	}
	if f := send(other.URL + "/"); f.Type != wireproto.FrameError || !strings.Contains(f.Message, "is not one of wirebook's own addresses") {
		t.Errorf("another port on the student's host: %+v, want refused", f)
	}
}
