package testkit

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestDecodeUndoesEachEncoding(t *testing.T) {
	t.Parallel()
	const text = "Hello, wirebook"
	var gz, br bytes.Buffer
	zw := gzip.NewWriter(&gz)
	io.WriteString(zw, text)
	zw.Close()
	bw := brotli.NewWriter(&br)
	io.WriteString(bw, text)
	bw.Close()
	for enc, body := range map[string][]byte{"": []byte(text), "gzip": gz.Bytes(), "br": br.Bytes()} {
		if got := string(Decode(t, enc, body)); got != text {
			t.Errorf("Decode %q: %q, want %q", enc, got, text)
		}
	}
}

func TestDoSendsTheHeaderAndReadsTheBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Got", r.Header.Get("X-Send"))
		io.WriteString(w, r.Method)
	}))
	t.Cleanup(srv.Close)
	resp, body := Do(t, srv.Client(), http.MethodPost, srv.URL, http.Header{"X-Send": {"yes"}}, nil)
	WantStatus(t, resp, http.StatusOK)
	WantHeader(t, resp, "X-Got", "yes")
	if body != "POST" {
		t.Errorf("body %q, want POST", body)
	}
	if _, body := Get(t, srv.Client(), srv.URL); body != "GET" {
		t.Errorf("Get: body %q, want GET", body)
	}
}
