// Package testkit is the few helpers wirebook's tests share, so that no
// package keeps its own copy of "send a request and read the body" or
// "undo Content-Encoding" (go-httpbin's internal/testing/must and assert
// are the model: small, generic, failing the test where they are called).
package testkit

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"os/exec"
	"testing"

	"github.com/andybalholm/brotli"
)

// Must returns v, failing the test if err is not nil:
// f := testkit.Must(t, os.Open(name)).
func Must[T any](t testing.TB, v T, err error) T {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// Do sends a request with c and returns the response with its body read
// and closed. header's values replace the request's; body may be nil.
func Do(t testing.TB, c *http.Client, method, url string, header http.Header, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, url, err)
	}
	return resp, string(b)
}

// Get is Do for a GET with no header.
func Get(t testing.TB, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	return Do(t, c, http.MethodGet, url, nil, nil)
}

// WantStatus stops the test if resp's status is not want.
func WantStatus(t testing.TB, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d", resp.Request.Method, resp.Request.URL, resp.StatusCode, want)
	}
}

// WantHeader reports an error if resp's header name is not want.
func WantHeader(t testing.TB, resp *http.Response, name, want string) {
	t.Helper()
	if got := resp.Header.Get(name); got != want {
		t.Errorf("%s %s: %s = %q, want %q", resp.Request.Method, resp.Request.URL, name, got, want)
	}
}

// Decode undoes Content-Encoding ("", "br" or "gzip"), so a test compares
// what the browser sees.
func Decode(t testing.TB, encoding string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch encoding {
	case "":
		return body
	case "br":
		r = brotli.NewReader(bytes.NewReader(body))
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("gzip body: %v", err)
		}
		r = zr
	default:
		t.Fatalf("unexpected Content-Encoding %q", encoding)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("%s body: %v", encoding, err)
	}
	return b
}

// ValidNotebook fails the test unless the notebook file passes
// nbformat.validate, the check Jupyter runs on open. It uses a python3
// that can import nbformat: the one on PATH, else Debian's own, where
// apt-get puts python3-nbformat even when another python3 comes first on
// PATH. A missing nbformat fails the test: it never skips.
func ValidNotebook(t testing.TB, file string) {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import nbformat").Run() != nil {
			continue
		}
		out, err := exec.Command(p, "-c",
			"import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", file).CombinedOutput()
		if err != nil {
			t.Fatalf("nbformat.validate %s: %v\n%s", file, err, out)
		}
		return
	}
	t.Fatal("no python3 can import nbformat, and this test validates the notebook with it (Debian: apt-get install python3-nbformat)")
}
