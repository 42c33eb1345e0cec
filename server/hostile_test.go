package main

// The whole program under hostile input: every route on -addr and every
// course port, over real TCP, with requests written byte by byte so that
// nothing a client library would clean, refuse or encode gets in the way.
//
// Every answer, whatever was sent, must keep the same rules (see check):
// no 5xx, no byte of a file outside the served folder, no HTML that a
// payload added an element or attribute to, no body without a Content-Type,
// no JSON with a raw < or >. And the log must hold no panic.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"nhooyr.io/websocket"

	"wirebook/server/internal/harness"
	"wirebook/server/wireproto"
)

// TestHostileInput runs every category against one wirebook with all its
// listeners, serving a temporary folder whose parent holds a secret.
func TestHostileInput(t *testing.T) {
	t.Parallel()
	s := besiege(t)
	t.Run("categories", func(t *testing.T) {
		t.Run("path traversal", s.traversal)
		t.Run("reflected XSS", s.xss)
		t.Run("oversized", s.oversized)
		t.Run("malformed requests", s.malformed)
		t.Run("malformed Basic auth", s.basicAuth)
		t.Run("WebSocket handshakes", s.wsHandshakes)
		t.Run("WebSocket frames", s.wsFrames)
		t.Run("relay messages", s.relayMessages)
		t.Run("half-open connections", s.halfOpen)
		t.Run("malformed lessons", s.malformedLessons)
		t.Run("hostile lesson content", s.hostileLesson)
	})
	s.lingering.Wait()
	for _, msg := range s.lingered {
		t.Error(msg)
	}
	for _, line := range s.in.logLines() {
		if strings.Contains(strings.ToLower(line), "panic") || strings.Contains(line, " status=500") {
			t.Errorf("the log holds a failure: %s", line)
		}
	}
	s.logCounts(t)
}

// siege is one wirebook and what the attack needs to know about it.
type siege struct {
	in      *instance
	addr    map[string]string // listener name → host:port
	secrets []string          // must never appear in an answer

	// lingering watches half-open connections until the server drops them.
	lingering sync.WaitGroup

	mu       sync.Mutex
	counts   map[string]int // inputs sent, by category
	lingered []string       // half-open connections the server kept
}

// secret is in a file beside the served folder: reading it means escaping.
const secret = "WIREBOOK-SECRET-7d1f0c"

// siegeHash is bcrypt, cost 4, of siegePassword, for the user Ana.
const (
	siegeHash     = "$2a$04$dgRdw/6QTmzzqoYffYkUiuDljV3Mlhkx2t0RBRdHZDTQtzCRRt1/K"
	siegePassword = "open sesame"
)

func besiege(t *testing.T) *siege {
	t.Helper()
	parent := t.TempDir()
	served := filepath.Join(parent, "served")
	mustWrite(t, filepath.Join(parent, "secret.txt"), secret+"\n")
	mustWrite(t, filepath.Join(served, "greetings.txt"), "Hello\nBonjour\n")
	mustWrite(t, filepath.Join(served, "sub", "inner.txt"), "inside\n")
	// Symlinks out of the folder: os.Root refuses to follow them.
	for name, target := range map[string]string{"escape.txt": "../secret.txt", "up": ".."} {
		if err := os.Symlink(target, filepath.Join(served, name)); err != nil {
			t.Fatal(err)
		}
	}
	// Files whose names are payloads: the listing shows every one of them.
	for _, p := range xssPayloads {
		mustWrite(t, filepath.Join(served, fileName(p.text)), "plain text\n")
	}
	mustWrite(t, filepath.Join(served, fileName(dirPayload), "x.txt"), "x\n")

	// A user of our own, hashed at bcrypt's least cost: under -race one
	// comparison at the default cost takes most of a second, and the
	// decoy compared for unknown names costs what the users' hashes cost.
	users := filepath.Join(parent, "users.txt")
	mustWrite(t, users, "Ana:"+siegeHash+"\n")
	in := start(t, "-course-ports=0,0,0,0", "-files", served, "-users", users)
	s := &siege{in: in, addr: map[string]string{}, counts: map[string]int{},
		secrets: []string{secret, "root:x:0:0"}}
	for name, u := range in.urls {
		s.addr[name] = strings.TrimPrefix(u, "http://")
	}
	if len(s.addr) != 5 {
		t.Fatalf("listeners %v, want main and the four course ports", slices.Sorted(maps.Keys(s.addr)))
	}
	return s
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (s *siege) count(category string, n int) {
	s.mu.Lock()
	s.counts[category] += n
	s.mu.Unlock()
}

func (s *siege) logCounts(t *testing.T) {
	s.mu.Lock()
	defer s.mu.Unlock()
	total := 0
	var parts []string
	for _, c := range slices.Sorted(maps.Keys(s.counts)) {
		total += s.counts[c]
		parts = append(parts, fmt.Sprintf("%s %d", c, s.counts[c]))
	}
	t.Logf("%d hostile inputs: %s", total, strings.Join(parts, ", "))
}

// reply is one answer read off a raw connection.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// send writes req on a fresh connection to listener and reads one answer.
// The write runs beside the read, so a server that answers before it has
// read everything (a 413, a 431) is heard rather than reset.
func (s *siege) send(t *testing.T, listener, req string) (reply, bool) {
	t.Helper()
	return s.sendThen(t, listener, req, false)
}

// sendThen is send that, with closeWrite, also says the request is over
// by shutting down the connection's sending side.
func (s *siege) sendThen(t *testing.T, listener, req string, closeWrite bool) (reply, bool) {
	t.Helper()
	c, err := net.Dial("tcp", s.addr[listener])
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	wrote := make(chan struct{})
	go func() {
		defer close(wrote)
		if _, err := io.WriteString(c, req); err == nil && closeWrite {
			c.(*net.TCPConn).CloseWrite()
		}
	}()
	defer func() { c.Close(); <-wrote }()
	method, _, _ := strings.Cut(req, " ")
	resp, err := http.ReadResponse(bufio.NewReader(c), &http.Request{Method: method})
	if err != nil {
		t.Errorf("%s %s: no answer: %v", listener, describe(req), err)
		return reply{}, false
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("%s %s: reading the body: %v", listener, describe(req), err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: body}, true
}

// expect sends req and checks its status and every general rule.
func (s *siege) expect(t *testing.T, listener, req string, want int) reply {
	t.Helper()
	r, ok := s.send(t, listener, req)
	if !ok {
		return r
	}
	if r.status != want {
		t.Errorf("%s %s: status %d, want %d; body %q", listener, describe(req), r.status, want, clip(r.body))
	}
	s.check(t, listener+" "+describe(req), r)
	return r
}

// check holds every answer to the rules that do not depend on the input.
func (s *siege) check(t *testing.T, what string, r reply) {
	t.Helper()
	// 501 and 505 are net/http's answers to a transfer coding or an HTTP
	// version it does not implement (RFC 9112 §6.1, RFC 9110 §15.6.6): the
	// rows that send those expect them. Any other 5xx is a fault.
	if r.status >= 500 && r.status != http.StatusNotImplemented && r.status != http.StatusHTTPVersionNotSupported {
		t.Errorf("%s: status %d; a client's input is never the server's fault", what, r.status)
	}
	var head bytes.Buffer
	r.header.Write(&head)
	for _, leak := range s.secrets {
		if bytes.Contains(r.body, []byte(leak)) || bytes.Contains(head.Bytes(), []byte(leak)) {
			t.Errorf("%s: the answer holds %q, from outside the served folder", what, leak)
		}
	}
	ct := r.header.Get("Content-Type")
	if len(r.body) > 0 && ct == "" {
		t.Errorf("%s: a body without a Content-Type, which a browser would sniff", what)
	}
	media, _, _ := mime.ParseMediaType(ct)
	switch media {
	case "text/html":
		for _, p := range injected(t, r.body, coursePage) {
			t.Errorf("%s: %s\nbody: %s", what, p, clip(r.body))
		}
	case "application/json":
		if bytes.ContainsAny(r.body, "<>") {
			t.Errorf("%s: JSON with a raw < or >, which an HTML parser reading it would see as a tag: %s", what, clip(r.body))
		}
		if !json.Valid(r.body) {
			t.Errorf("%s: invalid JSON: %s", what, clip(r.body))
		}
	}
}

// testHost is the Host every raw request names; a WebSocket handshake's
// Origin must match it.
const testHost = "localhost"

// rawGet is a GET request as a client would send it: Host, then headers
// ("Name: value" each), then Connection: close.
func rawGet(target string, headers ...string) string {
	return rawReq("GET", target, "", headers...)
}

func rawReq(method, target, body string, headers ...string) string {
	var b strings.Builder
	b.WriteString(method + " " + target + " HTTP/1.1\r\nHost: " + testHost + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	if body != "" {
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	}
	b.WriteString("Connection: close\r\n\r\n" + body)
	return b.String()
}

// describe is a request's first line, short enough for a failure message.
func describe(req string) string {
	line, _, _ := strings.Cut(req, "\r\n")
	return strconv.Quote(string(clip([]byte(line))))
}

func clip(b []byte) []byte {
	if len(b) > 300 {
		return append(b[:300:300], "…"...)
	}
	return b
}

// ---- path traversal ----

// traversalPaths are ways out of the served folder, written as a path on the
// file server's own port; on -addr each is sent under /files too. want is
// the file server's answer: 400 for a path it refuses as written, 404 for a
// name that could exist but does not, and net/http's 400 for a request line
// that does not parse.
var traversalPaths = []struct {
	path string
	want int
}{
	{"/../secret.txt", 400},
	{"/../../../../etc/passwd", 400},
	{"/sub/../../secret.txt", 400},
	{"/./../secret.txt", 400},
	{"/%2e%2e/secret.txt", 400},
	{"/%2E%2E/secret.txt", 400},
	{"/.%2e/secret.txt", 400},
	{"/%2e./secret.txt", 400},
	{"/%2e%2e/%2e%2e/%2e%2e/etc/passwd", 400},
	{"/%2e%2e/", 400}, // a listing of the parent would name the secret
	{"/..", 400},
	{"/../", 400},
	{"/..%2fsecret.txt", 400},
	{"/..%2Fsecret.txt", 400},
	{"/%2e%2e%2fsecret.txt", 400},
	{"/%2e%2e%2f%2e%2e%2fetc%2fpasswd", 400},
	{"/%2fetc%2fpasswd", 400},
	{`/..\secret.txt`, 400},
	{`/..\..\secret.txt`, 400},
	{"/..%5csecret.txt", 400},
	{"/..%5C..%5Csecret.txt", 400},
	{"/%2e%2e%5csecret.txt", 400},
	{`/C:\secret.txt`, 400},
	{"/secret.txt%00", 400},
	{"/../secret.txt%00.png", 400},
	{"/..%00/secret.txt", 400},
	{"/%c0%ae%c0%ae/secret.txt", 400},       // overlong UTF-8 for "."
	{"/%c0%af..%c0%afsecret.txt", 400},      // overlong UTF-8 for "/"
	{"/%e0%80%ae%e0%80%ae/secret.txt", 400}, // three-byte overlong "."
	{"//etc/passwd", 400},
	{"///secret.txt", 400},
	{"/....//secret.txt", 400},
	{"/sub//../../secret.txt", 400},
	{"/%252e%252e/secret.txt", 404},         // decoded once: a folder named %2e%2e
	{"/..%252fsecret.txt", 404},             // decoded once: a file named ..%2fsecret.txt
	{"/.../secret.txt", 404},                // "..." is an ordinary name
	{"/..;/secret.txt", 404},                // so is "..;"
	{"/%ef%bc%8e%ef%bc%8e/secret.txt", 404}, // fullwidth dots are ordinary letters
	{"/escape.txt", 404},                    // a symlink to ../secret.txt
	{"/up/secret.txt", 404},                 // through a symlink to ..
	{"/up/", 404},
	{"/%u002e%u002e/secret.txt", 400}, // not percent-encoding: net/http refuses it
	{"/%zz/secret.txt", 400},
}

func (s *siege) traversal(t *testing.T) {
	t.Parallel()
	for _, tt := range traversalPaths {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			// The file server, in origin form and in absolute form.
			s.expect(t, "files", rawGet(tt.path), tt.want)
			s.expect(t, "main", rawGet("/files"+tt.path), tt.want)
			s.expect(t, "files", rawGet("http://"+s.addr["files"]+tt.path), tt.want)
			s.expect(t, "main", rawGet("http://"+s.addr["main"]+"/files"+tt.path), tt.want)
			s.count("path traversal", 4)

			// Everything else must not reach a file either. The echo answers
			// every path it can parse; the others have nothing there.
			_, err := url.ParseRequestURI(tt.path) // as net/http reads the request line
			parsed := err == nil
			other := map[bool]int{true: 404, false: 400}[parsed]
			echo := map[bool]int{true: 200, false: 400}[parsed]
			s.expect(t, "main", rawGet(tt.path), other)
			s.expect(t, "main", rawGet("/static"+tt.path), other)
			s.expect(t, "main", rawGet("/echo"+tt.path), echo)
			s.expect(t, "echo", rawGet(tt.path), echo)
			s.expect(t, "app", rawGet(tt.path), other)
			s.expect(t, "auth", rawGet(tt.path), other)
			s.count("path traversal", 6)
		})
	}
	t.Run("a relative request target", func(t *testing.T) {
		t.Parallel()
		for _, l := range []string{"main", "files"} {
			s.expect(t, l, rawGet("../secret.txt"), 400)
			s.expect(t, l, rawGet("secret.txt"), 400)
		}
		s.count("path traversal", 4)
	})
}

// ---- reflected XSS ----

// An xssPayload carries its marker in every element, attribute or script it
// would add, so an injection is told apart from the page's own markup.
type xssPayload struct{ text, marker string }

var xssPayloads = func() []xssPayload {
	raw := []string{
		`<script>wbx01()</script>`,
		`<img src=x onerror=wbx02()>`,
		`"><svg onload=wbx03()>`,
		`'><svg/onload=wbx04()>`,
		`</title><script>wbx05()</script>`,
		`</textarea><script>wbx06()</script>`,
		`</pre></blockquote><wbx07>`,
		`<a href="javascript:wbx08()">x</a>`,
		`<iframe srcdoc="<script>wbx09()</script>">`,
		`<base href="//evil.example/wbx10">`,
		`<meta http-equiv="refresh" content="0;url=javascript:wbx11()">`,
		`<!--<script>wbx12()</script>-->`,
		`<style>@import "//evil.example/wbx13";</style>`,
		`<math><mtext><table><mglyph><style><img src=x onerror=wbx14()>`,
		`<svg><script>wbx15()</script></svg>`,
		`&lt;script&gt;wbx16()&lt;/script&gt;`,
		`<scr<script>ipt>wbx17()</script>`,
		`<div wbx18 onmouseover="wbx18()">`,
		`javascript:wbx19()`,
		`<object data="javascript:wbx20()">`,
		"<img\tsrc=x\tonerror=wbx21()>",
		`<<script>wbx22()//<</script>`,
		`<form action="javascript:wbx23()"><button>wbx23</button></form>`,
		`+ADw-script+AD4-wbx24()+ADw-/script+AD4-`,
		`<noscript><p title="</noscript><img src=x onerror=wbx25()>">`,
		`" autofocus onfocus="wbx26()`,
		`<template><script>wbx27()</script></template>`,
		`<a href="&#106;avascript:wbx28()">x</a>`,
	}
	ps := make([]xssPayload, len(raw))
	for i, r := range raw {
		ps[i] = xssPayload{text: r, marker: fmt.Sprintf("wbx%02d", i+1)}
	}
	return ps
}()

// dirPayload names a folder, so that a listing's title reflects it.
const dirPayload = `<svg onload=wbx99()>`

// fileName makes a payload a legal file name ("/" is the only byte, with
// NUL, that a name cannot hold).
func fileName(p string) string { return strings.ReplaceAll(p, "/", "∕") }

// rawPath writes a payload into a request target as little encoded as the
// request line allows: only what would end the target or break its
// parsing (space, %, ?, #) is escaped, so < > " ' reach the server raw.
func rawPath(p string) string {
	return strings.NewReplacer(" ", "%20", "\t", "%09", "%", "%25", "?", "%3F", "#", "%23").Replace(p)
}

// rawQuery is rawPath for one query value: & ; + = would split or change it.
func rawQuery(p string) string {
	return strings.NewReplacer("&", "%26", ";", "%3B", "+", "%2B", "=", "%3D").Replace(rawPath(p))
}

// An xssTarget sends one payload somewhere it may be reflected.
type xssTarget struct {
	name     string
	listener string
	req      func(p string) string
	want     int
	// reflects: the answer shows the payload, so its marker must be in the
	// page, as text or inside an escaped attribute value.
	reflects bool
}

func formBody(p string) string {
	return url.Values{"name": {p}, p: {"value"}}.Encode()
}

func multipartBody(p string) (string, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("name", p)
	w.WriteField(p, "value")
	f, _ := w.CreateFormFile("upload", p)
	f.Write([]byte(p))
	w.Close()
	return b.String(), w.FormDataContentType()
}

var xssTargets = []xssTarget{
	{"404 page, path encoded", "main", func(p string) string { return rawGet("/" + url.PathEscape(p)) }, 404, true},
	{"404 page, path raw", "main", func(p string) string { return rawGet("/" + rawPath(p)) }, 404, true},
	{"echo, path encoded", "main", func(p string) string { return rawGet("/echo/" + url.PathEscape(p)) }, 200, true},
	{"echo, path raw", "main", func(p string) string { return rawGet("/echo/" + rawPath(p)) }, 200, true},
	{"echo port, path raw", "echo", func(p string) string { return rawGet("/" + rawPath(p)) }, 200, true},
	{"echo, query raw", "main", func(p string) string { return rawGet("/echo/q?x=" + rawQuery(p)) }, 200, true},
	{"echo port, query raw", "echo", func(p string) string { return rawGet("/q?" + rawPath(p)) }, 200, true},
	{"echo, User-Agent", "main", func(p string) string { return rawGet("/echo/ua", "User-Agent: "+p) }, 200, true},
	{"echo, Referer", "main", func(p string) string { return rawGet("/echo/ref", "Referer: "+p) }, 200, true},
	{"echo port, X-INE-Student", "echo", func(p string) string { return rawGet("/h", "X-INE-Student: "+p) }, 200, true},
	{"echo port, an arbitrary header", "echo", func(p string) string { return rawGet("/h", "X-Wbx: "+p) }, 200, true},
	{"file server 404, path raw", "main", func(p string) string { return rawGet("/files/" + rawPath(fileName(p)) + ".missing") }, 404, true},
	{"file server port 404, path encoded", "files", func(p string) string { return rawGet("/" + url.PathEscape(fileName(p)) + ".missing") }, 404, true},
	{"static 404, path encoded", "main", func(p string) string { return rawGet("/static/" + url.PathEscape(fileName(p))) }, 404, true},
	{"file served by its hostile name", "main", func(p string) string { return rawGet("/files/" + url.PathEscape(fileName(p))) }, 200, false},
	{"folder redirect, query raw", "main", func(p string) string { return rawGet("/files/sub?" + rawPath(p)) }, 301, false},
	{"greeting, X-INE-Student", "main", func(p string) string { return rawGet("/greeting", "X-INE-Student: "+p) }, 200, true},
	{"app port greeting, X-INE-Student", "app", func(p string) string { return rawGet("/greeting?lang=fr", "X-INE-Student: "+p) }, 200, true},
	{"greeting, unknown lang", "main", func(p string) string { return rawGet("/greeting?lang=" + url.QueryEscape(p)) }, 400, true},
	{"app port greeting, unknown lang raw", "app", func(p string) string { return rawGet("/greeting?lang=" + rawQuery(p)) }, 400, true},
	{"json, query", "main", func(p string) string { return rawGet("/json?" + formBody(p)) }, 200, false},
	{"app port json, query raw", "app", func(p string) string { return rawGet("/json?x=" + url.QueryEscape(p)) }, 200, false},
	{"json, form fields", "main", func(p string) string {
		return rawReq("POST", "/json", formBody(p), "Content-Type: application/x-www-form-urlencoded")
	}, 200, false},
	{"app port json, multipart fields and file name", "app", func(p string) string {
		body, ct := multipartBody(p)
		return rawReq("PUT", "/json", body, "Content-Type: "+ct)
	}, 200, false},
	{"secure, Basic user name", "main", func(p string) string {
		return rawGet("/secure", "Authorization: Basic "+base64.StdEncoding.EncodeToString([]byte(p+":pw")))
	}, 401, false},
	{"auth port 404, path raw", "auth", func(p string) string { return rawGet("/" + rawPath(p)) }, 404, false},
	{"WebSocket endpoint, query raw", "main", func(p string) string { return rawGet("/ws/relay?" + rawPath(p)) }, 426, false},
}

func (s *siege) xss(t *testing.T) {
	t.Parallel()
	for _, tgt := range xssTargets {
		t.Run(tgt.name, func(t *testing.T) {
			t.Parallel()
			for _, p := range xssPayloads {
				r := s.expect(t, tgt.listener, tgt.req(p.text), tgt.want)
				if tgt.reflects && !reflected(t, r.body, p.marker) {
					t.Errorf("%s: payload %q is not shown at all; this target is meant to reflect it", tgt.name, p.text)
				}
				s.checkJSONRoundTrip(t, tgt.name, p.text, r)
			}
			s.count("reflected XSS", len(xssPayloads))
		})
	}
	t.Run("listings of hostile file names", func(t *testing.T) {
		t.Parallel()
		for _, l := range []struct{ listener, path string }{
			{"main", "/files/"}, {"files", "/"},
			{"main", "/files/" + url.PathEscape(fileName(dirPayload)) + "/"},
			{"files", "/" + url.PathEscape(fileName(dirPayload)) + "/"},
		} {
			r := s.expect(t, l.listener, rawGet(l.path), 200)
			doc := parse(t, r.body)
			if l.path == "/files/" || l.path == "/" {
				// Every name is listed, as text, and its link leads back to it.
				for _, p := range xssPayloads {
					name := fileName(p.text)
					link := doc.Find("a").FilterFunction(func(_ int, a *goquery.Selection) bool { return a.Text() == name })
					if link.Length() != 1 {
						t.Errorf("%s %s: no link whose text is %q", l.listener, l.path, name)
						continue
					}
					href, _ := link.Attr("href")
					if u, err := url.Parse(href); err != nil || u.Scheme != "" || u.Path != name {
						t.Errorf("%s %s: link to %q is %q, not a relative link to that name", l.listener, l.path, name, href)
					}
				}
			} else if title := doc.Find("title").Text(); !strings.Contains(title, dirPayload) {
				t.Errorf("%s %s: title %q does not name the folder %q as text", l.listener, l.path, title, dirPayload)
			}
		}
		s.count("reflected XSS", 4)
	})
}

// checkJSONRoundTrip: a payload sent as a field to /json comes back whole,
// as a string, however it is escaped.
func (s *siege) checkJSONRoundTrip(t *testing.T, target, p string, r reply) {
	t.Helper()
	if media, _, _ := mime.ParseMediaType(r.header.Get("Content-Type")); media != "application/json" {
		return
	}
	var fields map[string]string
	if err := json.Unmarshal(r.body, &fields); err != nil {
		t.Errorf("%s: %v", target, err)
		return
	}
	if v, ok := fields["x"]; ok {
		if v != p {
			t.Errorf("%s: x came back as %q, want %q", target, v, p)
		}
		return
	}
	if fields["name"] != p || fields[p] != "value" {
		t.Errorf("%s: fields %q do not hold name=%q and %q=value", target, fields, p, p)
	}
}

// A pageKind says which elements and attributes an answer may hold.
type pageKind int

const (
	// coursePage is every HTML page a route answers with: the error page,
	// the listing, the echo, the greeting, the redirect. They are built of
	// a handful of elements and attributes; anything else was injected.
	coursePage pageKind = iota
	// lessonPage is the lesson, built from a Markdown lesson: richer, so
	// only what can run code or redirect the page is refused.
	lessonPage
)

var (
	courseTags = set("html", "head", "body", "meta", "title", "h1", "h3", "p", "hr", "ul", "li", "a", "pre", "blockquote")
	// courseAttrs: lang on <html>, charset on <meta>, href on <a>.
	courseAttrs = set("lang", "charset", "href")
	// lessonForbidden can run code, load a document or redirect the page.
	lessonForbidden = set("iframe", "frame", "object", "embed", "base", "form", "svg", "math", "style", "template", "applet")
)

// ourForm is the lesson header's Download form: it posts to the lesson's
// export on this server, and nothing a lesson writes can carry its marker
// (prose is rendered without raw HTML).
func ourForm(n *html.Node) bool {
	marked := slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == "data-export-form" })
	return marked && strings.HasPrefix(attr(n, "action"), "/export/") && attr(n, "method") == "post"
}

func set(items ...string) map[string]bool {
	m := map[string]bool{}
	for _, i := range items {
		m[i] = true
	}
	return m
}

// injected parses body as a browser would and lists every element and
// attribute a payload could have added. It is structural: text that reads
// "<script>" is fine, a <script> element is not.
func injected(t *testing.T, body []byte, kind pageKind) []string {
	t.Helper()
	var problems []string
	doc := parse(t, body)
	for _, n := range doc.Find("*").Nodes {
		tag := n.Data
		switch {
		case strings.Contains(tag, "wbx"):
			problems = append(problems, "an injected element <"+tag+">")
		case tag == "script" && !ourScript(n, kind):
			problems = append(problems, "a <script> that is not the client's")
		case tag == "meta" && attr(n, "http-equiv") != "":
			problems = append(problems, "a <meta http-equiv>")
		case kind == coursePage && !courseTags[tag]:
			problems = append(problems, "an element <"+tag+"> no route writes")
		case kind == lessonPage && tag == "form" && ourForm(n):
			// The header's Download, which the page itself writes.
		case kind == lessonPage && lessonForbidden[tag]:
			problems = append(problems, "an element <"+tag+"> the lesson page never holds")
		}
		for _, a := range n.Attr {
			key := strings.ToLower(a.Key)
			switch {
			case strings.Contains(key, "wbx"):
				problems = append(problems, fmt.Sprintf("an injected attribute %s on <%s>", a.Key, tag))
			case strings.HasPrefix(key, "on"):
				problems = append(problems, fmt.Sprintf("an event handler %s on <%s>", a.Key, tag))
			case kind == coursePage && !courseAttrs[key]:
				problems = append(problems, fmt.Sprintf("an attribute %s on <%s> no route writes", a.Key, tag))
			case isURLAttr(key) && dangerousURL(a.Val):
				problems = append(problems, fmt.Sprintf("%s=%q on <%s>", a.Key, a.Val, tag))
			}
		}
	}
	return problems
}

func parse(t *testing.T, body []byte) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing HTML: %v", err) // x/net/html parses anything; this is a reader failure
	}
	return doc
}

// ourScript is a script of the lesson page: an empty element loading a
// file from /static/.
func ourScript(n *html.Node, kind pageKind) bool {
	return kind == lessonPage && strings.HasPrefix(attr(n, "src"), "/static/") && n.FirstChild == nil
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func isURLAttr(key string) bool {
	switch key {
	case "href", "src", "action", "formaction", "data", "xlink:href", "poster", "background":
		return true
	}
	return false
}

// dangerousURL is a URL that runs script or embeds a document when
// followed. Browsers drop tabs and newlines inside a URL and leading
// spaces and controls before its scheme, so those are dropped here too.
func dangerousURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(v))
	return strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text/html")
}

// reflected reports whether marker is in the page as text or in an
// attribute value (where the parser has already decoded escapes).
func reflected(t *testing.T, body []byte, marker string) bool {
	t.Helper()
	doc := parse(t, body)
	if strings.Contains(doc.Text(), marker) {
		return true
	}
	for _, n := range doc.Find("*").Nodes {
		for _, a := range n.Attr {
			if strings.Contains(a.Val, marker) {
				return true
			}
		}
	}
	return false
}

// ---- oversized input ----

func (s *siege) oversized(t *testing.T) {
	t.Parallel()
	big := strings.Repeat("a", 40<<10) // past 32 KiB and net/http's 4 KiB of slack
	const maxBody = 1 << 20
	listeners := []string{"main", "auth", "files", "echo", "app"}
	t.Run("headers", func(t *testing.T) {
		t.Parallel()
		many := make([]string, 400)
		for i := range many {
			many[i] = fmt.Sprintf("X-Pad-%d: %s", i, strings.Repeat("b", 100))
		}
		for _, l := range listeners {
			s.expect(t, l, rawGet("/", "X-Big: "+big), http.StatusRequestHeaderFieldsTooLarge)
			s.expect(t, l, rawGet("/", many...), http.StatusRequestHeaderFieldsTooLarge)
			s.expect(t, l, rawGet("/"+big), http.StatusRequestHeaderFieldsTooLarge)
			s.expect(t, l, rawGet("/?q="+big), http.StatusRequestHeaderFieldsTooLarge)
			s.count("oversized", 4)
		}
		// Just under the cap is an ordinary request.
		s.expect(t, "main", rawGet("/hello", "X-Big: "+big[:28<<10]), http.StatusOK)
		s.count("oversized", 1)
	})
	t.Run("bodies to /json", func(t *testing.T) {
		t.Parallel()
		form := "Content-Type: application/x-www-form-urlencoded"
		atCap := "a=" + strings.Repeat("b", maxBody-2)
		overCap := atCap + "b"
		chunked := func(body string) string {
			var b strings.Builder
			b.WriteString("POST /json HTTP/1.1\r\nHost: " + testHost + "\r\n" + form + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
			for len(body) > 0 {
				n := min(len(body), 64<<10)
				fmt.Fprintf(&b, "%x\r\n%s\r\n", n, body[:n])
				body = body[n:]
			}
			b.WriteString("0\r\n\r\n")
			return b.String()
		}
		part := func(file bool, size int) (string, string) {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			var pw io.Writer
			if file {
				pw, _ = w.CreateFormFile("upload", "big.bin")
			} else {
				pw, _ = w.CreateFormField("field")
			}
			pw.Write(bytes.Repeat([]byte("c"), size))
			w.Close()
			return b.String(), "Content-Type: " + w.FormDataContentType()
		}
		manyParts := func(n int) (string, string) {
			var b bytes.Buffer
			w := multipart.NewWriter(&b)
			for i := range n {
				w.WriteField("f"+strconv.Itoa(i), "v")
			}
			w.Close()
			return b.String(), "Content-Type: " + w.FormDataContentType()
		}
		manyPartHeaders := func() (string, string) {
			var b strings.Builder
			b.WriteString("--B\r\nContent-Disposition: form-data; name=\"f\"\r\n")
			for i := range 12000 {
				fmt.Fprintf(&b, "X-%d: y\r\n", i)
			}
			b.WriteString("\r\nv\r\n--B--\r\n")
			return b.String(), "Content-Type: multipart/form-data; boundary=B"
		}
		bigField, bigFieldCT := part(false, maxBody)
		bigFile, bigFileCT := part(true, maxBody)
		parts, partsCT := manyParts(2000)
		hdrs, hdrsCT := manyPartHeaders()
		for _, l := range []string{"main", "app"} {
			s.expect(t, l, rawReq("POST", "/json", atCap, form), http.StatusOK)
			s.expect(t, l, rawReq("POST", "/json", overCap, form), http.StatusRequestEntityTooLarge)
			s.expect(t, l, rawReq("PUT", "/json", overCap+strings.Repeat("b", maxBody), form), http.StatusRequestEntityTooLarge)
			s.expect(t, l, chunked(overCap), http.StatusRequestEntityTooLarge)
			s.expect(t, l, rawReq("POST", "/json", bigField, bigFieldCT), http.StatusRequestEntityTooLarge)
			s.expect(t, l, rawReq("POST", "/json", bigFile, bigFileCT), http.StatusRequestEntityTooLarge)
			// Go's multipart reader stops at 1000 parts and 10000 part
			// headers: a malformed form, not an oversized body.
			s.expect(t, l, rawReq("POST", "/json", parts, partsCT), http.StatusBadRequest)
			s.expect(t, l, rawReq("POST", "/json", hdrs, hdrsCT), http.StatusBadRequest)
			// A body that says it is bigger than the cap is refused unread.
			s.expect(t, l, "POST /json HTTP/1.1\r\nHost: "+testHost+"\r\n"+form+"\r\nContent-Length: 1099511627776\r\nConnection: close\r\n\r\na=b", http.StatusRequestEntityTooLarge)
			s.count("oversized", 9)
		}
		// Routes that take no body answer without reading one.
		s.expect(t, "main", rawReq("POST", "/echo/x", overCap), http.StatusOK)
		s.expect(t, "echo", rawReq("PUT", "/x", overCap), http.StatusOK)
		s.expect(t, "main", rawReq("POST", "/hello", overCap), http.StatusMethodNotAllowed)
		s.expect(t, "files", rawReq("PUT", "/greetings.txt", overCap), http.StatusMethodNotAllowed)
		s.count("oversized", 4)
	})
}

// ---- malformed requests ----

// malformedRequests are answered by net/http before any handler runs, the
// same way on every listener.
var malformedRequests = []struct {
	name string
	req  string
	want int
}{
	{"NUL in the method", "GE\x00T / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a method with a space", "G T / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a method with a slash", "GET/ / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"HTTP/9.9", "GET / HTTP/9.9\r\nHost: localhost\r\n\r\n", 505},
	{"HTTP/2.0 as text", "GET / HTTP/2.0\r\nHost: localhost\r\n\r\n", 505},
	{"HTTP/0.9", "GET / HTTP/0.9\r\nHost: localhost\r\n\r\n", 505},
	{"a version that is not one", "GET / HTTP/x.y\r\nHost: localhost\r\n\r\n", 400},
	{"no version", "GET /\r\nHost: localhost\r\n\r\n", 400},
	{"a bare method", "GET\r\n\r\n", 400},
	{"two spaces in the request line", "GET  / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"bad percent-encoding", "GET /%zz HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a lone percent sign", "GET /% HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"NUL in the path", "GET /a\x00b HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a control byte in the path", "GET /a\x01b HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"DEL in the path", "GET /a\x7fb HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a header line without a colon", "GET / HTTP/1.1\r\nHost: localhost\r\nno colon here\r\n\r\n", 400},
	{"a space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400},
	{"a header name that is not a token", "GET / HTTP/1.1\r\nHost: localhost\r\nX<y>: 1\r\n\r\n", 400},
	{"NUL in a header value", "GET / HTTP/1.1\r\nHost: localhost\r\nX-A: a\x00b\r\n\r\n", 400},
	{"a bare CR in a header value", "GET / HTTP/1.1\r\nHost: localhost\r\nX-A: a\rb\r\n\r\n", 400},
	{"no Host in HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400},
	{"two Host headers", "GET / HTTP/1.1\r\nHost: localhost\r\nHost: y\r\n\r\n", 400},
	{"a Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
	{"a Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
	{"a Content-Length that is not a number", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: abc\r\n\r\n", 400},
	{"a negative Content-Length", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n", 400},
	{"two different Content-Lengths", "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", 400},
	{"an unknown transfer coding", "POST / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501},
	{"an unknown Expect", "GET / HTTP/1.1\r\nHost: localhost\r\nExpect: the-unexpected\r\n\r\n", 417},
	{"a line folded into the request line", "GET /\r\n HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"leading empty lines", "\r\n\r\nGET / HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a huge request line", "GET /" + strings.Repeat("x", 64<<10) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 431},
	{"binary garbage line", "\xff\xfe\xfd\r\n\r\n", 400},
}

// routedRequests reach the handlers of -addr; each states its own answer.
var routedRequests = []struct {
	name string
	req  string
	want int
}{
	{"invalid UTF-8 in the path to the echo", "GET /echo/\xff\xfe HTTP/1.1\r\nHost: localhost\r\n\r\n", 200},
	{"invalid UTF-8 in the query to the echo", "GET /echo/a?b=\xff HTTP/1.1\r\nHost: localhost\r\n\r\n", 200},
	{"invalid UTF-8 in the path to the file server", "GET /files/\xff HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"encoded invalid UTF-8 to the file server", "GET /files/%ff%fe HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"invalid UTF-8 in /json's query", "GET /json?a=%ff HTTP/1.1\r\nHost: localhost\r\n\r\n", 200},
	{"invalid UTF-8 as a greeting language", "GET /greeting?lang=%ff HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"invalid UTF-8 as a student's name", "GET /greeting HTTP/1.1\r\nHost: localhost\r\nX-INE-Student: \xff\xfe\r\n\r\n", 200},
	{"a query that does not parse, to /json", "GET /json?a=%zz HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a query with a semicolon, to /json", "GET /json?a=1;b=2 HTTP/1.1\r\nHost: localhost\r\n\r\n", 400},
	{"a form that does not parse", "POST /json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 5\r\n\r\na=%zz", 400},
	{"a multipart form without its boundary", "POST /json HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data\r\nContent-Length: 3\r\n\r\nabc", 400},
	{"a multipart form cut short", "POST /json HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: 12\r\n\r\n--B\r\nabc\r\n\r\n", 400},
	{"a chunk size that is not hex", "POST /json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n", 400},
	{"an unknown method", "FOO /hello HTTP/1.1\r\nHost: localhost\r\n\r\n", 405},
	{"a lower-case method", "get /hello HTTP/1.1\r\nHost: localhost\r\n\r\n", 405},
	{"a very long method", strings.Repeat("M", 8000) + " /hello HTTP/1.1\r\nHost: localhost\r\n\r\n", 405},
	{"TRACE", "TRACE / HTTP/1.1\r\nHost: localhost\r\n\r\n", 405},
	{"CONNECT in authority form", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", 405},
	{"the asterisk form with GET", "GET * HTTP/1.1\r\nHost: localhost\r\n\r\n", 404},
	{"OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n", 200},
	{"the HTTP/2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 405},
	// The absolute form's authority overrides Host (RFC 9112 §3.2.2), so
	// it must name wirebook too: evil.example is DNS rebinding's Host.
	{"an absolute URI for another host", "GET http://evil.example/hello HTTP/1.1\r\nHost: localhost\r\n\r\n", 421},
	{"an absolute URI with another scheme", "GET ftp://x/hello HTTP/1.1\r\nHost: localhost\r\n\r\n", 421},
	{"an absolute URI for wirebook", "GET http://localhost/hello HTTP/1.1\r\nHost: localhost\r\n\r\n", 200},
	{"a folded header (obs-fold) is joined with a space", "GET /echo/fold HTTP/1.1\r\nHost: localhost\r\nX-Folded: a\r\n b\r\n\r\n", 200},
	{"bare LF line ends", "GET /hello HTTP/1.1\nHost: localhost\n\n", 200},
	{"both Content-Length and chunked", "POST /json HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 200},
	{"HTTP/1.0 without Host", "GET /hello HTTP/1.0\r\n\r\n", 200},
}

func (s *siege) malformed(t *testing.T) {
	t.Parallel()
	for _, tt := range malformedRequests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, l := range []string{"main", "auth", "files", "echo", "app"} {
				s.expect(t, l, tt.req, tt.want)
			}
			s.count("malformed requests", 5)
		})
	}
	t.Run("a body shorter than its Content-Length", func(t *testing.T) {
		t.Parallel()
		// The client sends 3 of the 10 bytes it announced, then hangs up.
		req := rawReq("POST", "/json", "", "Content-Type: application/x-www-form-urlencoded", "Content-Length: 10") + "a=b"
		r, ok := s.sendThen(t, "main", req, true)
		if ok {
			if r.status != http.StatusBadRequest {
				t.Errorf("status %d, want 400", r.status)
			}
			s.check(t, "a short body", r)
		}
		s.count("malformed requests", 1)
	})
	for _, tt := range routedRequests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := s.expect(t, "main", tt.req, tt.want)
			s.count("malformed requests", 1)
			if strings.Contains(tt.name, "obs-fold") && !bytes.Contains(r.body, []byte("X-Folded: a b")) {
				// RFC 9112 §5.2: replace the fold with a space, or refuse it.
				t.Errorf("the folded header did not arrive as %q: %s", "X-Folded: a b", clip(r.body))
			}
		})
	}
}

// ---- Basic auth ----

func (s *siege) basicAuth(t *testing.T) {
	t.Parallel()
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	valid := b64("Ana:" + siegePassword)
	tests := []struct {
		name, value string
		want        int
	}{
		{"the scheme alone", "Basic", 401},
		{"the scheme and a space", "Basic ", 401},
		{"not base64", "Basic !!!", 401},
		{"base64 of no colon", "Basic " + b64("Ana"), 401},
		{"base64 without its padding", "Basic " + strings.TrimRight(b64("Ana:x"), "="), 401},
		{"URL-safe base64", "Basic " + strings.NewReplacer("+", "-", "/", "_").Replace(b64("Dav?d:>>>?")), 401},
		{"two spaces after the scheme", "Basic  " + valid, 401},
		{"another scheme", "Bearer " + valid, 401},
		{"Digest", `Digest username="David", realm="x", nonce="1", uri="/secure", response="0"`, 401},
		{"the scheme glued to the credentials", "Basic" + valid, 401},
		{"a huge value", "Basic " + b64("Ana:"+strings.Repeat("p", 20<<10)), 401},
		{"a NUL in the password", "Basic " + b64("Ana:"+siegePassword+"\x00"), 401},
		{"a NUL in the user", "Basic " + b64("A\x00na:"+siegePassword), 401},
		{"non-UTF-8 credentials", "Basic " + b64("\xff\xfe:\xff"), 401},
		{"an empty user", "Basic " + b64(":"+siegePassword), 401},
		{"an empty password", "Basic " + b64("Ana:"), 401},
		{"the user in another case", "Basic " + b64("ana:"+siegePassword), 401},
		{"a password over bcrypt's 72 bytes", "Basic " + b64("Ana:"+siegePassword+strings.Repeat("x", 80)), 401},
		{"only a colon", "Basic " + b64(":"), 401},
		// RFC 9110 §11.1: the scheme is case-insensitive, and Go's
		// Request.BasicAuth reads it so. A client that writes "basic" is
		// right, and is let in.
		{"lower-case scheme with the right password", "basic " + valid, 200},
		{"upper-case scheme with the right password", "BASIC " + valid, 200},
		{"the right password (control)", "Basic " + valid, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, l := range []string{"main", "auth"} {
				r := s.expect(t, l, rawGet("/secure", "Authorization: "+tt.value), tt.want)
				if tt.want == 401 && !strings.HasPrefix(r.header.Get("WWW-Authenticate"), "Basic ") {
					t.Errorf("%s: a 401 without a Basic challenge: %q", l, r.header.Get("WWW-Authenticate"))
				}
			}
			s.count("malformed Basic auth", 2)
		})
	}
	t.Run("two Authorization headers, the first one wrong", func(t *testing.T) {
		t.Parallel()
		s.expect(t, "auth", rawGet("/secure", "Authorization: Basic "+b64("Ana:wrong"), "Authorization: Basic "+valid), 401)
		s.count("malformed Basic auth", 1)
	})
}

// ---- WebSockets ----

const wsKey = "dGhlIHNhbXBsZSBub25jZQ==" // RFC 6455 §1.3's sample key

func wsHandshake(path string, headers ...string) string {
	return rawReq("GET", path, "", append([]string{"Upgrade: websocket", "Connection: Upgrade",
		"Sec-WebSocket-Key: " + wsKey, "Sec-WebSocket-Version: 13"}, headers...)...)
}

func (s *siege) wsHandshakes(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/ws/relay", "/ws/stream"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			tests := []struct {
				name    string
				headers []string
				want    int
			}{
				{"a foreign Origin", []string{"Origin: http://evil.example"}, 403},
				{"the page's host on another port", []string{"Origin: http://" + testHost + ":1"}, 403},
				{"a host that only starts like the page's", []string{"Origin: http://" + testHost + ".evil.example"}, 403},
				{"an opaque Origin", []string{"Origin: null"}, 403},
				{"an Origin that is not a URL", []string{"Origin: ::::"}, 403},
				{"the page's own Origin", []string{"Origin: http://" + testHost}, 101},
				// A page always sends Origin. A program need not, but
				// an upgrade that says nothing would pass the Origin
				// check by silence, so it is refused.
				{"no Origin", nil, 403},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) { s.expectUpgrade(t, wsHandshake(path, tt.headers...), tt.want) })
			}
			raw := []struct {
				name string
				req  string
				want int
			}{
				{"no Sec-WebSocket-Key", rawReq("GET", path, "", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Version: 13", "Origin: http://"+testHost), 400},
				{"an old protocol version", rawReq("GET", path, "", "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Key: "+wsKey, "Sec-WebSocket-Version: 8", "Origin: http://"+testHost), 400},
				{"an upgrade to something else", rawReq("GET", path, "", "Upgrade: h2c", "Connection: Upgrade", "Origin: http://"+testHost), 426},
				{"a plain GET", rawGet(path), 426},
				{"a POST with the upgrade headers", strings.Replace(wsHandshake(path), "GET", "POST", 1), 405},
			}
			for _, tt := range raw {
				t.Run(tt.name, func(t *testing.T) { s.expectUpgrade(t, tt.req, tt.want) })
			}
			s.count("WebSocket abuse", len(tests)+len(raw))
		})
	}
}

// expectUpgrade sends a handshake and checks the status; a 101 is closed at
// once from our side.
func (s *siege) expectUpgrade(t *testing.T, req string, want int) {
	t.Helper()
	if want != http.StatusSwitchingProtocols {
		s.expect(t, "main", req, want)
		return
	}
	if c, _ := s.upgrade(t, req, want); c != nil {
		c.Close()
	}
}

// upgrade sends a handshake on a fresh connection and reads the answer's
// head; on a 101 it returns the connection and its reader for frames.
func (s *siege) upgrade(t *testing.T, req string, want int) (net.Conn, *bufio.Reader) {
	t.Helper()
	c, err := net.Dial("tcp", s.addr["main"])
	if err != nil {
		t.Fatal(err)
	}
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodGet})
	if err != nil {
		c.Close()
		t.Errorf("%s: no answer: %v", describe(req), err)
		return nil, nil
	}
	if resp.StatusCode != want {
		c.Close()
		t.Errorf("%s: status %d, want %d", describe(req), resp.StatusCode, want)
		return nil, nil
	}
	return c, br
}

// wsFrame encodes one WebSocket frame (RFC 6455 §5.2). A client must mask
// its frames; masked false writes one a client may not send.
func wsFrame(fin bool, rsv, op byte, masked bool, payload []byte) []byte {
	b0 := rsv<<4 | op
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	m := byte(0)
	if masked {
		m = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, m|byte(n))
	case n < 1<<16:
		b = append(b, m|126)
		b = binary.BigEndian.AppendUint16(b, uint16(n))
	default:
		b = append(b, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if !masked {
		return append(b, payload...)
	}
	key := [4]byte{0x12, 0x34, 0x56, 0x78}
	b = append(b, key[:]...)
	for i, c := range payload {
		b = append(b, c^key[i%4])
	}
	return b
}

const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
)

func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// readClose reads frames until the server's close frame and returns its
// status code: 1005 for a close without one, 0 if the connection ended
// without a close frame. Messages before it (greetings) are skipped.
func readClose(br *bufio.Reader) (int, error) {
	for {
		var h [2]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return 0, nil
			}
			return 0, err
		}
		n := uint64(h[1] & 0x7f)
		switch n {
		case 126:
			var l [2]byte
			if _, err := io.ReadFull(br, l[:]); err != nil {
				return 0, err
			}
			n = uint64(binary.BigEndian.Uint16(l[:]))
		case 127:
			var l [8]byte
			if _, err := io.ReadFull(br, l[:]); err != nil {
				return 0, err
			}
			n = binary.BigEndian.Uint64(l[:])
		}
		if h[1]&0x80 != 0 {
			return 0, errors.New("the server masked a frame (RFC 6455 §5.1 forbids it)")
		}
		if n > 1<<20 {
			return 0, fmt.Errorf("a %d-byte frame from the server", n)
		}
		payload := make([]byte, n)
		if _, err := io.ReadFull(br, payload); err != nil {
			return 0, err
		}
		if h[0]&0x0f == opClose {
			if len(payload) < 2 {
				return 1005, nil
			}
			return int(binary.BigEndian.Uint16(payload)), nil
		}
	}
}

func (s *siege) wsFrames(t *testing.T) {
	t.Parallel()
	frameBytes := func(typ wireproto.FrameType) []byte {
		f := wireproto.Frame{Type: typ, ID: 1, Status: 200, Proto: "HTTP/1.1"}
		b, err := f.AppendBinary(nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	// A frame that claims 2^62 bytes, then sends past the relay's limit:
	// nhooyr counts the bytes as they come, not the length announced.
	huge := append([]byte{0x82, 0xff}, binary.BigEndian.AppendUint64(nil, 1<<62)...)
	huge = append(huge, 1, 2, 3, 4) // the mask key
	huge = append(huge, make([]byte, 65<<10)...)
	const (
		protocolError = 1002
		unsupported   = 1003
		policy        = 1008
		tooBig        = 1009
		dropped       = 0 // the TCP connection closed without a close frame
	)
	tests := []struct {
		name   string
		frames [][]byte
		relay  int // the close code /ws/relay answers with
		stream int // and /ws/stream, where a viewer may send no message at all
	}{
		// RFC 6455 §5.1: the server closes the connection, and MAY send a
		// close frame first; nhooyr does not.
		{"an unmasked frame", [][]byte{wsFrame(true, 0, opBinary, false, []byte("x"))}, dropped, dropped},
		{"a reserved bit set", [][]byte{wsFrame(true, 4, opBinary, true, []byte("x"))}, protocolError, protocolError},
		{"a reserved opcode", [][]byte{wsFrame(true, 0, 0x3, true, []byte("x"))}, protocolError, protocolError},
		{"a reserved control opcode", [][]byte{wsFrame(true, 0, 0xb, true, nil)}, protocolError, protocolError},
		{"a ping over 125 bytes", [][]byte{wsFrame(true, 0, opPing, true, make([]byte, 126))}, protocolError, protocolError},
		{"a fragmented ping", [][]byte{wsFrame(false, 0, opPing, true, []byte("x"))}, protocolError, protocolError},
		{"a continuation with nothing to continue", [][]byte{wsFrame(true, 0, opContinuation, true, []byte("x"))}, protocolError, protocolError},
		{"a close with an invalid code", [][]byte{wsFrame(true, 0, opClose, true, closePayload(999, ""))}, protocolError, protocolError},
		{"a close with a one-byte payload", [][]byte{wsFrame(true, 0, opClose, true, []byte{3})}, protocolError, protocolError},
		{"a frame claiming 2^62 bytes", [][]byte{huge}, tooBig, policy},
		{"a message over the relay's 64 KiB", [][]byte{wsFrame(true, 0, opBinary, true, make([]byte, 65<<10))}, tooBig, policy},
		{"text where binary frames are expected", [][]byte{wsFrame(true, 0, opText, true, []byte("GET /hello"))}, unsupported, policy},
		{"text that is not UTF-8", [][]byte{wsFrame(true, 0, opText, true, []byte{0xff, 0xfe})}, unsupported, policy},
		{"binary that is no relay frame", [][]byte{wsFrame(true, 0, opBinary, true, []byte("\x00garbage"))}, policy, policy},
		{"a frame only the server sends", [][]byte{wsFrame(true, 0, opBinary, true, frameBytes(wireproto.FrameHead))}, policy, policy},
		{"a message split across fragments, then garbage", [][]byte{
			wsFrame(false, 0, opBinary, true, []byte("\x01")),
			wsFrame(true, 0, opText, true, []byte("x")),
		}, protocolError, policy},
		// A clean close is answered with a clean close, and whatever
		// follows it is never read.
		{"a close, then garbage", [][]byte{
			wsFrame(true, 0, opClose, true, closePayload(1000, "bye")),
			[]byte("\x00\xff garbage after the close \xff\x00"),
		}, 1000, 1000},
	}
	for _, path := range []string{"/ws/relay", "/ws/stream"} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			origin := "Origin: http://" + testHost
			for _, tt := range tests {
				want := map[string]int{"/ws/relay": tt.relay, "/ws/stream": tt.stream}[path]
				c, br := s.upgrade(t, wsHandshake(path, origin), http.StatusSwitchingProtocols)
				if c == nil {
					continue
				}
				for _, f := range tt.frames {
					if _, err := c.Write(f); err != nil {
						break // the server may have closed already; its close frame is still to read
					}
				}
				got, err := readClose(br)
				c.Close()
				if err != nil {
					t.Errorf("%s: reading the close: %v", tt.name, err)
				} else if got != want {
					t.Errorf("%s: closed with %d, want %d", tt.name, got, want)
				}
				s.count("WebSocket abuse", 1)
			}
		})
	}
}

// relayMessages speaks the relay's protocol through a real WebSocket
// client, with requests no page should send.
func (s *siege) relayMessages(t *testing.T) {
	t.Parallel()
	main := "http://" + s.addr["main"]
	t.Run("targets the relay must refuse", func(t *testing.T) {
		t.Parallel()
		rc := s.dialRelay(t)
		refused := []string{
			"http://169.254.169.254/latest/meta-data/", // cloud metadata
			"http://127.0.0.1:22/",                     // a loopback port that is not ours
			"http://[::1]:1/",
			"http://0.0.0.0:" + portOf(s.addr["main"]) + "/hello", // ours, spelled as every interface
			"http://evil.example/",
			"file:///etc/passwd",
			"gopher://127.0.0.1:" + portOf(s.addr["main"]) + "/",
			"http://" + s.addr["main"] + "@evil.example/",
			"http://127.0.0.1:" + portOf(s.addr["main"]) + ".evil.example/",
			"not a url",
			"",
		}
		for i, target := range refused {
			last, body := rc.relay(uint32(i+1), target)
			if last.Type != wireproto.FrameError {
				t.Errorf("relay to %q ended with %s, want an error frame", target, last.Type)
			}
			for _, leak := range s.secrets {
				if bytes.Contains(body, []byte(leak)) || strings.Contains(last.Message, leak) {
					t.Errorf("relay to %q leaked %q", target, leak)
				}
			}
		}
		// The connection survives every refusal: the student fixes the cell.
		if last, _ := rc.relay(99, main+"/hello"); last.Type != wireproto.FrameEnd {
			t.Errorf("after the refusals, /hello ended with %s, want end", last.Type)
		}
		s.count("WebSocket abuse", len(refused)+1)
	})
	t.Run("traversal through the relay", func(t *testing.T) {
		t.Parallel()
		rc := s.dialRelay(t)
		for i, p := range []string{"/../secret.txt", "/%2e%2e/secret.txt", "/escape.txt", "/up/secret.txt"} {
			_, body := rc.relay(uint32(i+1), "http://"+s.addr["files"]+p)
			if bytes.Contains(body, []byte(secret)) {
				t.Errorf("the relay brought back the secret from %s", p)
			}
		}
		s.count("path traversal", 4)
	})
	t.Run("requests the relay must not write", func(t *testing.T) {
		t.Parallel()
		rc := s.dialRelay(t)
		type hd = wireproto.Header
		smuggle := "GET /secure HTTP/1.1\r\nHost: x\r\n\r\n"
		// The request line's target comes from the URL the page resolved,
		// so that is where a smuggled line would have to ride.
		targets := []string{"/hello HTTP/1.1\r\nHost: x\r\n\r\n" + smuggle, "/hello HTTP/1.1", "/hello\x00"}
		for i, target := range targets {
			id := uint32(100 + i)
			rc.send(wireproto.Frame{Type: wireproto.FrameSend, ID: id, URL: main + target, Request: wireproto.Request{Method: "GET", Target: target}})
			fs, err := rc.c.Collect(rc.ctx, id)
			if err != nil {
				t.Fatalf("target %d: %v", i, err)
			}
			if len(fs) != 1 || fs[0].Type != wireproto.FrameError || !strings.HasPrefix(fs[0].Message, "cannot send this request: ") && !strings.HasPrefix(fs[0].Message, "refused: ") {
				t.Errorf("target %q got %d frames, last %+v; want one error saying it was not sent", target, len(fs), fs[len(fs)-1])
			}
		}
		requests := []wireproto.Request{
			{Method: "GET /secure HTTP/1.1\r\n\r\nGET", Target: "/hello"},
			{Method: "GET", Target: "/hello", Headers: []hd{{Name: "X", Value: "a\r\n\r\n" + smuggle}}},
			{Method: "GET", Target: "/hello", Headers: []hd{{Name: "X\r\n\r\n" + smuggle, Value: "z"}}},
			{Method: "GET", Target: "/hello", Headers: []hd{{Name: "X", Value: "a\x00b"}}},
			{Method: "POST", Target: "/hello", Headers: []hd{{Name: "Content-Length", Value: "2"}}, Body: "hi" + smuggle},
			{Method: "POST", Target: "/hello", Headers: []hd{{Name: "Content-Length", Value: "5"}, {Name: "Transfer-Encoding", Value: "chunked"}}, Body: "0\r\n\r\n" + smuggle},
			{Method: "POST", Target: "/hello", Headers: []hd{{Name: "Transfer-Encoding", Value: "chunked, identity"}}, Body: smuggle},
			{Method: "POST", Target: "/hello", Headers: []hd{{Name: "Content-Length", Value: "5"}, {Name: "Content-Length", Value: "6"}}, Body: "hello"},
		}
		for i, req := range requests {
			id := uint32(i + 1)
			rc.send(wireproto.Frame{Type: wireproto.FrameSend, ID: id, URL: main + "/hello", Request: req})
			fs, err := rc.c.Collect(rc.ctx, id)
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			if len(fs) != 1 || fs[0].Type != wireproto.FrameError || !strings.HasPrefix(fs[0].Message, "cannot send this request: ") {
				t.Errorf("request %d (%q) got %d frames, last %+v; want one error saying it was not sent", i, req.String(), len(fs), fs[len(fs)-1])
			}
		}
		if last, _ := rc.relay(99, main+"/hello"); last.Type != wireproto.FrameEnd {
			t.Errorf("after the refusals, /hello ended with %s, want end", last.Type)
		}
		s.count("request smuggling", len(targets)+len(requests))
	})
	t.Run("an ID already in flight closes the connection", func(t *testing.T) {
		t.Parallel()
		rc := s.dialRelay(t)
		stream := harness.GetFrame(7, main+"/stream")
		rc.send(stream)
		rc.send(stream)
		for {
			if _, _, err := rc.c.WS.Read(rc.ctx); err != nil {
				if got := websocket.CloseStatus(err); got != websocket.StatusPolicyViolation {
					t.Errorf("closed with %v (%v), want %v", got, err, websocket.StatusPolicyViolation)
				}
				break
			}
		}
		s.count("WebSocket abuse", 1)
	})
}

// relayClient is one page's WebSocket to /ws/relay.
type relayClient struct {
	t   *testing.T
	ctx context.Context
	c   *harness.RelayConn
}

// dialRelay connects as the lesson page does. Its time limit starts here,
// when the subtest runs, not when it was queued behind the others.
func (s *siege) dialRelay(t *testing.T) *relayClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 15*time.Second)
	t.Cleanup(cancel)
	c, _, err := harness.DialRelay(ctx, "http://"+s.addr["main"], nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return &relayClient{t: t, ctx: ctx, c: c}
}

func (rc *relayClient) send(f wireproto.Frame) {
	rc.t.Helper()
	if err := rc.c.Send(rc.ctx, f); err != nil {
		rc.t.Fatal(err)
	}
}

// relay sends one request and reads its frames to the last one; body is
// every header line and body byte that came back.
func (rc *relayClient) relay(id uint32, target string) (last wireproto.Frame, body []byte) {
	rc.t.Helper()
	fs, err := rc.c.Get(rc.ctx, id, target)
	if err != nil {
		rc.t.Fatalf("relaying %s: %v", target, err)
	}
	for _, f := range fs {
		body = append(body, f.Data...)
		for _, h := range f.Headers {
			body = append(body, h.Name+": "+h.Value+"\n"...)
		}
	}
	return fs[len(fs)-1], body
}

func portOf(hostport string) string {
	_, port, _ := net.SplitHostPort(hostport)
	return port
}

// halfOpen opens a thousand connections that never finish a request, then
// checks the server still answers, then lets them go.
func (s *siege) halfOpen(t *testing.T) {
	t.Parallel()
	const n = 1000
	starts := []string{
		"",         // connect and say nothing
		"GET /hel", // half a request line
		"GET /ws/relay HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n", // half a handshake
		"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",                        // a TLS ClientHello to a plain port
	}
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for i := range n {
		c, err := net.Dial("tcp", s.addr["main"])
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		conns = append(conns, c)
		if p := starts[i%len(starts)]; p != "" {
			if _, err := io.WriteString(c, p); err != nil {
				t.Fatalf("connection %d: %v", i, err)
			}
		}
	}
	s.count("half-open connections", n)

	// With all of them open, a student's request and WebSocket still work.
	s.expect(t, "main", rawGet("/hello"), http.StatusOK)
	if c, _ := s.upgrade(t, wsHandshake("/ws/stream", "Origin: http://"+testHost), http.StatusSwitchingProtocols); c != nil {
		c.Close()
	}

	// ReadHeaderTimeout (5 s) frees a half-open connection on its own. One
	// of each kind is left to it, watched outside this subtest (which would
	// otherwise hold one of the two parallel slots for the whole wait); the
	// rest are closed now.
	keep := conns[:len(starts)]
	for _, c := range conns[len(starts):] {
		c.Close()
	}
	conns = nil
	for i, c := range keep {
		s.lingering.Go(func() {
			defer c.Close()
			limit := readHeaderTimeout + 5*time.Second
			c.SetReadDeadline(time.Now().Add(limit))
			_, err := io.Copy(io.Discard, c) // whatever the server says, until it hangs up
			if errors.Is(err, os.ErrDeadlineExceeded) {
				s.mu.Lock()
				s.lingered = append(s.lingered, fmt.Sprintf("half-open connection %q was still open %v after it began", starts[i], limit))
				s.mu.Unlock()
			}
		})
	}
}

// ---- lessons ----

// malformedLessons are refused at start with the file and line to fix,
// whatever is wrong, and never with a panic.
func (s *siege) malformedLessons(t *testing.T) {
	t.Parallel()
	const head = "# A lesson\n\nProse.\n\n" // lines 1-4; a cell's fence is line 5
	tests := []struct {
		name   string
		lesson string
		line   int
	}{
		{"a header line without a colon", head + "```http\nGET /hello\nno colon\n```\n", 7},
		{"a request line without a target", head + "```http\nGET\n```\n", 6},
		{"a target before the method", head + "```http\n/hello GET\n```\n", 6},
		{"a lower-case method", head + "```http\nget /hello\n```\n", 6},
		{"a method with a control byte", head + "```http\nG\x01T /hello\n```\n", 6},
		{"a target that is neither path nor URL", head + "```http\nGET hello\n```\n", 6},
		{"a javascript: target", head + "```http\nGET javascript:alert(1)\n```\n", 6},
		{"a broken percent-escape", head + "```http\nGET /a%zz\n```\n", 6},
		{"a NUL in the target", head + "```http\nGET /a\x00b\n```\n", 6},
		{"credentials in the URL", head + "```http\nGET http://u:p@127.0.0.1/\n```\n", 6},
		{"an IPv6 host without its bracket", head + "```http\nGET http://[::1/\n```\n", 6},
		{"a port out of range", head + "```http\nGET http://127.0.0.1:99999/\n```\n", 6},
		{"an unsupported HTTP version", head + "```http\nGET /hello HTTP/2\n```\n", 6},
		{"an unknown option", head + "```http bogus\nGET /hello\n```\n", 5},
		{"an unknown transport", head + "```http transport=carrier-pigeon\nGET /hello\n```\n", 5},
		{"an option given twice", head + "```http stream stream\nGET /hello\n```\n", 5},
		{"an empty cell", head + "```http\n```\n", 5},
		{"a cell never closed", head + "```http\nGET /hello\n", 5},
		{"a cell inside a list", head + "- item\n\n  ```http\n  GET /hello\n  ```\n", 7},
		{"invalid UTF-8", head + "Caf\xe9\n\n```http\nGET /hello\n```\n", 5},
		{"no title", "Prose.\n\n```http\nGET /hello\n```\n", 1},
		{"no cells", "# A lesson\n\nOnly prose.\n", 1},
		{"an empty file", "", 1},
		{"over the 1 MiB limit", head + strings.Repeat("word ", 220000) + "\n```http\nGET /hello\n```\n", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "lesson.md")
			mustWrite(t, path, tt.lesson)
			err := runRecovering(t, "-addr", "127.0.0.1:0", "-lesson", path)
			if err == nil {
				t.Fatal("run accepted the lesson")
			}
			if want := path + ":" + strconv.Itoa(tt.line) + ":"; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not name %s", err, want)
			}
			s.count("malformed lessons", 1)
		})
	}
}

// runRecovering runs the program and turns a panic into a test failure
// that names it, instead of a crashed test binary.
func runRecovering(t *testing.T, args ...string) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("run panicked: %v", p)
		}
	}()
	return run(t.Context(), args, io.Discard, io.Discard)
}

// hostileLesson is a lesson that parses but carries markup a teacher's
// file should never get onto thirty screens: raw HTML, script URLs, and
// cells whose text tries to close the textarea it is shown in.
func (s *siege) hostileLesson(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("# A lesson <script>wbx01()</script>\n\n")
	for _, p := range xssPayloads {
		fmt.Fprintf(&b, "Prose %s and [a link](javascript:%s()) and ![an image](javascript:%s()) and <%s onclick=x()>.\n\n", p.text, p.marker, p.marker, p.marker)
		fmt.Fprintf(&b, "## %s\n\n", p.text)
		fmt.Fprintf(&b, "```http\nGET /echo/%s\nX-Payload: %s\n```\n\n", url.PathEscape(p.text), p.text)
	}
	path := filepath.Join(t.TempDir(), "hostile.md")
	mustWrite(t, path, b.String())
	in := start(t, "-lesson", path)
	_, page := get(t, in.urls["main"]+"/lessons/hostile")
	for _, p := range injected(t, []byte(page), lessonPage) {
		t.Errorf("the lesson page carries %s", p)
	}
	// Each cell's text is in its textarea, whole, as text.
	doc := parse(t, []byte(page))
	areas := doc.Find("textarea[data-request]")
	if areas.Length() != len(xssPayloads) {
		t.Fatalf("%d request cells on the page, want %d", areas.Length(), len(xssPayloads))
	}
	areas.Each(func(i int, a *goquery.Selection) {
		p := xssPayloads[i]
		if want := "X-Payload: " + p.text; !strings.Contains(a.Text(), want) {
			t.Errorf("cell %d shows %q, want it to hold %q", i+1, a.Text(), want)
		}
	})
	s.count("hostile lesson content", 1+3*len(xssPayloads))
}

// TestInjectedSeesWhatAPayloadAdds checks the checker: each payload written
// into a page unescaped is found, and escaped it is not. A few payloads are
// inert as HTML text (a comment, entities, UTF-7, a bare javascript: URL,
// a quote that closes no attribute) and only matter inside an attribute.
func TestInjectedSeesWhatAPayloadAdds(t *testing.T) {
	t.Parallel()
	inertAsText := set("wbx12", "wbx16", "wbx19", "wbx24", "wbx26")
	page := func(body string) []byte {
		return []byte("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>t</title></head><body><p>" + body + "</p></body></html>")
	}
	for _, p := range xssPayloads {
		t.Run(p.marker, func(t *testing.T) {
			t.Parallel()
			found := injected(t, page(p.text), coursePage)
			if inertAsText[p.marker] {
				if len(found) > 0 {
					t.Errorf("inert payload %q reported: %q", p.text, found)
				}
			} else if len(found) == 0 {
				t.Errorf("payload %q written raw into a page was not found", p.text)
			}
			if found := injected(t, page(html.EscapeString(p.text)), coursePage); len(found) > 0 {
				t.Errorf("payload %q, escaped, reported: %q", p.text, found)
			}
			if !reflected(t, page(html.EscapeString(p.text)), p.marker) {
				t.Errorf("the escaped payload's marker %s was not seen as reflected", p.marker)
			}
		})
	}
	t.Run("a javascript: link in a listing", func(t *testing.T) {
		t.Parallel()
		if found := injected(t, page("<a href=\" JaVa\tScRiPt:wbx()\">x</a>"), coursePage); len(found) == 0 {
			t.Error("a javascript: href was not found")
		}
	})
}
