//go:build !js && !wasip1

// These tests run the generated code for real (python3, sh and curl, against
// a loopback server), so they need a host with processes: not GOOS=js. They
// fail, never skip, when a tool is missing: they are the only proof that
// Copy as curl/Python works, and .ci/run installs what they need.

package codegen

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"wirebook/server/wireproto"
	"wirebook/wasm/target"
)

// execCases are codegenCases plus requests meant to break quoting.
func execCases(t *testing.T) []wireproto.Request {
	t.Helper()
	texts := []string{
		"POST /echo\nX-A: ' \" \\ ` $ ! * ? ~ # ; & | < > ( ) { } [ ]\n\n'\"\\`$!*?~#;&|<>(){}[]\n\\\n'",
		"POST /echo\nContent-Type: text/plain; charset=utf-8\n\n\u2028 \u00a0 😀 \x7f \x01 \t end",
		"PUT /echo\nContent-Type: application/x-www-form-urlencoded\n\nq=a+b%26c%3Dd&empty=&x=%F0%9F%98%80",
		"POST /echo\nAuthorization: Basic " + "dXNlcjpwYTpzcyQnIg==" + "\n\n-",
	}
	var reqs []wireproto.Request
	for _, tc := range codegenCases {
		texts = append(texts, tc.text)
	}
	for _, text := range texts {
		r, err := wireproto.ParseRequest(text)
		if err != nil {
			t.Fatalf("ParseRequest(%q): %v", text, err)
		}
		reqs = append(reqs, r)
	}
	return reqs
}

// runPython runs script once over all snippets, NUL-separated on stdin (a
// snippet never holds a NUL: pyQuote escapes it): one interpreter start
// instead of one per snippet, which is most of the cost.
func runPython(t *testing.T, python, script string, snippets []string) (output string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-c", script)
	cmd.Stdin = strings.NewReader(strings.Join(snippets, "\x00"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s\n(requests missing? Debian: apt-get install python3-requests)", err, out)
	}
	return string(out)
}

// pyEach runs RUN on each snippet, names the failing snippets and exits 1 if any failed.
const pyEach = `
import sys, io, contextlib, traceback
failed = 0
for i, src in enumerate(sys.stdin.read().split('\0')):
    try:
        RUN
    except Exception:
        failed += 1
        print(f'--- snippet {i}:\n{src}\n', file=sys.stderr)
        traceback.print_exc()
sys.exit(1 if failed else 0)
`

// tool finds a program the tests run, or fails the test.
func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed, and these tests run the generated code with it (Debian: apt-get install python3-requests curl)", name)
	}
	return p
}

func TestPythonSnippetsParse(t *testing.T) {
	t.Parallel()
	python := tool(t, "python3")
	var snippets []string
	for _, r := range execCases(t) {
		for _, body := range []Body{Print, Stream, Save} {
			snippets = append(snippets, Python(r, testBase, body))
		}
	}
	runPython(t, python, strings.Replace(pyEach, "RUN", "import ast; ast.parse(src)", 1), snippets)
}

// received is what the loopback server saw of one request.
type received struct {
	method, uri string
	header      http.Header
	body        []byte
}

// recorder starts a loopback server that records the last request to each
// path and answers 204; lookup takes a target made by uniqueTarget.
func recorder(t *testing.T) (*httptest.Server, func(uri string) (received, bool)) {
	t.Helper()
	var mu sync.Mutex
	got := map[string]received{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got[r.URL.Path] = received{r.Method, r.RequestURI, r.Header.Clone(), body}
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	return srv, func(target string) (received, bool) {
		path, _, _ := strings.Cut(target, "?")
		path, _ = url.PathUnescape(path)
		mu.Lock()
		defer mu.Unlock()
		r, ok := got[path]
		return r, ok
	}
}

// uniqueTarget gives each request its own path on the recorder, keeping its
// query, so parallel runs cannot read each other's record.
func uniqueTarget(r wireproto.Request, i int) wireproto.Request {
	path, query, hasQuery := strings.Cut(r.Target, "?")
	if j := strings.Index(path, "://"); j >= 0 {
		if k := strings.IndexByte(path[j+3:], '/'); k >= 0 {
			path = path[j+3+k:]
		} else {
			path = ""
		}
	}
	r.Target = "/" + string(rune('a'+i%26)) + string(rune('a'+i/26)) + path
	if hasQuery {
		r.Target += "?" + query
	}
	return r
}

// checkReceived compares what the server saw with what the cell says.
// Headers are compared by name with their values joined, since requests
// merges repeats; forms by their decoded pairs, since requests re-encodes.
func checkReceived(t *testing.T, r wireproto.Request, base string, got received) {
	t.Helper()
	if got.method != r.Method {
		t.Errorf("method = %q, want %q", got.method, r.Method)
	}
	// requests re-quotes some characters ({ } to %7B %7D); what the
	// server decodes must still be the same.
	want, _ := target.URL(r, base)
	gu, err1 := url.PathUnescape(got.uri)
	wu, err2 := url.PathUnescape(strings.TrimPrefix(want, base))
	if err1 != nil || err2 != nil || gu != wu {
		t.Errorf("request URI = %q, want %q", got.uri, strings.TrimPrefix(want, base))
	}
	user, pass, auth := basicAuth(r.Headers)
	if auth >= 0 {
		req := http.Request{Header: got.header}
		u, p, ok := req.BasicAuth()
		if !ok || u != user || p != pass {
			t.Errorf("basic auth = %q, %q, %v; want %q, %q", u, p, ok, user, pass)
		}
	}
	names := map[string][]string{}
	for i, h := range r.Headers {
		if i != auth {
			k := http.CanonicalHeaderKey(h.Name)
			names[k] = append(names[k], h.Value)
		}
	}
	for name, values := range names {
		sep := ", "
		if name == "Cookie" {
			sep = "; "
		}
		if g, w := strings.Join(got.header.Values(name), sep), strings.Join(values, sep); g != w {
			t.Errorf("header %s = %q, want %q", name, g, w)
		}
	}
	if _, isForm := formPairs(r); isForm {
		gq, err1 := url.ParseQuery(string(got.body))
		wq, err2 := url.ParseQuery(r.Body)
		if err1 != nil || err2 != nil || !mapsEqual(gq, wq) {
			t.Errorf("form = %v (%v), want %v (%v)", gq, err1, wq, err2)
		}
	} else if r.Method != "HEAD" && !bytes.Equal(got.body, []byte(r.Body)) {
		t.Errorf("body = %q, want %q", got.body, r.Body)
	}
}

func mapsEqual(a, b url.Values) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

func TestCurlCommandsSendTheCell(t *testing.T) {
	t.Parallel()
	sh := tool(t, "sh")
	tool(t, "curl")
	srv, lookup := recorder(t)
	for i, r := range execCases(t) {
		if strings.Contains(r.Body, "\x00") {
			continue // argv cannot carry NUL; Curl documents it
		}
		r := uniqueTarget(r, i)
		t.Run(r.Method+" "+r.Target, func(t *testing.T) {
			t.Parallel()
			cmd := Curl(r, srv.URL, Print)
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, sh, "-c", cmd+" -sS -o /dev/null").CombinedOutput()
			if err != nil {
				t.Fatalf("%v\n%s\ncommand:\n%s", err, out, cmd)
			}
			got, ok := lookup(r.Target)
			if !ok {
				t.Fatalf("server saw no request\ncommand:\n%s", cmd)
			}
			checkReceived(t, r, srv.URL, got)
		})
	}
}

func TestPythonSnippetsSendTheCell(t *testing.T) {
	t.Parallel()
	python := tool(t, "python3")
	srv, lookup := recorder(t)
	var reqs []wireproto.Request
	var snippets []string
	for i, r := range execCases(t) {
		r := uniqueTarget(r, i)
		reqs = append(reqs, r)
		snippets = append(snippets, Python(r, srv.URL, Print))
	}
	// One interpreter for all: importing requests is slow. A snippet that
	// fails names itself in the output.
	run := "import requests\n" +
		strings.Replace(pyEach, "RUN", "with contextlib.redirect_stdout(io.StringIO()): exec(compile(src, f'snippet{i}', 'exec'), {})", 1)
	runPython(t, python, run, snippets)
	for i, r := range reqs {
		t.Run(r.Method+" "+r.Target, func(t *testing.T) {
			got, ok := lookup(r.Target)
			if !ok {
				t.Fatalf("server saw no request\nsnippet:\n%s", snippets[i])
			}
			checkReceived(t, r, srv.URL, got)
		})
	}
}
