package accesslog

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLogWritesOneLinePerRequest(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := Log(&buf, "main")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		_, _ = w.Write([]byte("short and stout"))
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/pot", nil))

	line := buf.String()
	if strings.Count(line, "\n") != 1 {
		t.Fatalf("want exactly one log line, got %q", line)
	}
	for _, want := range []string{"method=GET", "path=/pot", "status=418", "bytes=15", "duration="} {
		if !strings.Contains(line, want) {
			t.Errorf("log line %q lacks %q", line, want)
		}
	}
}

func TestLogForwardsFlush(t *testing.T) {
	t.Parallel()
	var flushErr error = errNotRun
	h := Log(io.Discard, "main")(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("x"))
		flushErr = http.NewResponseController(w).Flush()
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/stream", nil))
	if flushErr != nil {
		t.Fatalf("Flush through the access log: %v", flushErr)
	}
	if !rec.Flushed {
		t.Fatal("the recorder was not flushed")
	}
}

var errNotRun = errorString("handler did not run")

type errorString string

func (e errorString) Error() string { return string(e) }

func TestRecoverAnswers500AndLogs(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	h := Log(&buf, "main")(Recover(log)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {
		panic("boom")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/boom", nil))
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "Internal Server Error") {
		t.Errorf("body lacks the error page: %q", rec.Body.String())
	}
	if !strings.Contains(buf.String(), "panic=boom") || !strings.Contains(buf.String(), "status=500") {
		t.Errorf("log lacks the panic or the 500: %q", buf.String())
	}
}

func TestLogNamesTheClient(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, remoteAddr, want string
	}{
		{"a peer's port is dropped", "192.0.2.1:40000", "client=192.0.2.1 "},
		{"an IPv6 peer loses its brackets", "[2001:db8::1]:40000", "client=2001:db8::1 "},
		{"an address a proxy middleware set is kept", "203.0.113.9", "client=203.0.113.9 "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			h := Log(&buf, "main")(http.NotFoundHandler())
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remoteAddr
			h.ServeHTTP(httptest.NewRecorder(), r)
			if !strings.Contains(buf.String(), tt.want) {
				t.Errorf("log line %q lacks %q", buf.String(), tt.want)
			}
		})
	}
}
