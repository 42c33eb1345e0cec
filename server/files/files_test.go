package files

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/internal/testkit"
	"wirebook/web"
)

// marker is the content of the secret file beside the served folder; no
// response may ever contain it.
const marker = "WIREBOOK-SECRET-7f3a9c"

// logBuffer collects what the handler logs; requests run on server
// goroutines, so writes are locked.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func testLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, nil)), buf
}

// serve starts h on a loopback test server and returns it with a client
// that reports redirects instead of following them.
func serve(t *testing.T, h http.Handler) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return srv, &c
}

func sampleServer(t *testing.T) (*httptest.Server, *http.Client) {
	t.Helper()
	log, _ := testLogger()
	return serve(t, New(web.Sample(), WithLogger(log)))
}

// link is one anchor of a listing, as a browser would see it.
type link struct{ text, href string }

func parseListing(t *testing.T, body string) (title string, links []link) {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	doc.Find("ul li a").Each(func(_ int, a *goquery.Selection) {
		href, _ := a.Attr("href")
		links = append(links, link{a.Text(), href})
	})
	return doc.Find("h1").Text(), links
}

func TestListingOfTheSampleFolder(t *testing.T) {
	t.Parallel()
	srv, c := sampleServer(t)

	resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/", nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d, want 200", resp.StatusCode)
	}
	if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("Content-Type %q", got)
	}
	title, links := parseListing(t, body)
	if title != "Directory listing for /" {
		t.Errorf("title %q", title)
	}
	want := []link{{"greetings.txt", "greetings.txt"}, {"hello.html", "hello.html"}, {"wirebook.png", "wirebook.png"}}
	if fmt.Sprint(links) != fmt.Sprint(want) {
		t.Errorf("links %v, want %v (sorted, relative, no .. at the root)", links, want)
	}
}

func TestListingMarksFoldersAndSortsLikePython(t *testing.T) {
	t.Parallel()
	log, _ := testLogger()
	srv, c := serve(t, New(fstest.MapFS{
		"b.txt":          {Data: []byte("b")},
		"A.txt":          {Data: []byte("a")},
		"c/inner.txt":    {Data: []byte("c")},
		"c/deeper/x.txt": {Data: []byte("x")},
		"a:b/y.txt":      {Data: []byte("y")},
	}, WithLogger(log)))

	tests := []struct {
		name, path, title string
		want              []link
	}{
		{
			name:  "root is case-insensitive by name, folders end in a slash, a colon is escaped",
			path:  "/",
			title: "Directory listing for /",
			want:  []link{{"A.txt", "A.txt"}, {"a:b/", "a%3Ab/"}, {"b.txt", "b.txt"}, {"c/", "c/"}},
		},
		{
			name:  "a subfolder starts with a link to its parent",
			path:  "/c/",
			title: "Directory listing for /c/",
			want:  []link{{"../", "../"}, {"deeper/", "deeper/"}, {"inner.txt", "inner.txt"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			title, links := parseListing(t, body)
			if title != tt.title {
				t.Errorf("title %q, want %q", title, tt.title)
			}
			if fmt.Sprint(links) != fmt.Sprint(tt.want) {
				t.Errorf("links %v, want %v", links, tt.want)
			}
		})
	}
}

func TestFilesCarryTheirContentType(t *testing.T) {
	t.Parallel()
	srv, c := sampleServer(t)
	tests := []struct {
		file, ctype string
	}{
		{"greetings.txt", "text/plain; charset=utf-8"},
		{"hello.html", "text/html; charset=utf-8"},
		{"wirebook.png", "image/png"},
	}
	for _, tt := range tests {
		t.Run(tt.file+" is "+tt.ctype, func(t *testing.T) {
			t.Parallel()
			want, err := fs.ReadFile(web.Sample(), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/"+tt.file, nil, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := resp.Header.Get("Content-Length"); got != fmt.Sprint(len(want)) {
				t.Errorf("Content-Length %q, want %d", got, len(want))
			}
			if body != string(want) {
				t.Errorf("body differs from the file (%d bytes, want %d)", len(body), len(want))
			}
		})
	}
}

func TestHeadSendsHeadersWithoutBody(t *testing.T) {
	t.Parallel()
	srv, c := sampleServer(t)
	tests := []struct {
		name, path, ctype string
	}{
		{"a file keeps its length and type", "/greetings.txt", "text/plain; charset=utf-8"},
		{"a listing is still HTML", "/", "text/html; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodHead, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusOK || body != "" {
				t.Fatalf("status %d body %q, want 200 and no body", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
		})
	}
	greetings, _ := fs.ReadFile(web.Sample(), "greetings.txt")
	resp, _ := testkit.Do(t, c, http.MethodHead, srv.URL+"/greetings.txt", nil, nil)
	if resp.ContentLength != int64(len(greetings)) {
		t.Errorf("HEAD Content-Length %d, want %d", resp.ContentLength, len(greetings))
	}
}

func TestRangeAndConditionalRequests(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "greetings.txt")
	if err := os.WriteFile(file, []byte("Hello\nBonjour\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2021, 6, 10, 21, 21, 1, 0, time.UTC)
	if err := os.Chtimes(file, mod, mod); err != nil {
		t.Fatal(err)
	}
	log, _ := testLogger()
	h, err := NewDir(dir, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	srv, c := serve(t, h)
	lastMod := mod.Format(http.TimeFormat)

	tests := []struct {
		name   string
		header http.Header
		status int
		body   string
	}{
		{"a plain GET names the modification time", nil, http.StatusOK, "Hello\nBonjour\n"},
		{"a range gets only its bytes", http.Header{"Range": {"bytes=0-4"}}, http.StatusPartialContent, "Hello"},
		{"an unchanged file is a 304", http.Header{"If-Modified-Since": {lastMod}}, http.StatusNotModified, ""},
		{"a changed file is sent again", http.Header{"If-Modified-Since": {mod.Add(-time.Hour).Format(http.TimeFormat)}}, http.StatusOK, "Hello\nBonjour\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/greetings.txt", tt.header, nil)
			if resp.StatusCode != tt.status || body != tt.body {
				t.Errorf("got %d %q, want %d %q", resp.StatusCode, body, tt.status, tt.body)
			}
			if got := resp.Header.Get("Last-Modified"); got != lastMod {
				t.Errorf("Last-Modified %q, want %q", got, lastMod)
			}
		})
	}
}

func TestMissingIsAnEscapedHTML404(t *testing.T) {
	t.Parallel()
	srv, c := sampleServer(t)
	tests := []struct {
		name, path, shows string
	}{
		{"a missing file is named", "/no-such-file.txt", "/no-such-file.txt"},
		{"a file asked for as a folder is missing", "/greetings.txt/", "/greetings.txt/"},
		{"a path under a file is missing", "/greetings.txt/more", "/greetings.txt/more"},
		{"markup in the path is shown as text", "/%3Cscript%3Ealert(1)%3C!--.txt", "&lt;script&gt;alert(1)&lt;!--.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusNotFound {
				t.Fatalf("status %d, want 404", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if !strings.Contains(body, tt.shows) {
				t.Errorf("body does not show %q:\n%s", tt.shows, body)
			}
			if strings.Contains(body, "<script") {
				t.Errorf("body holds unescaped markup:\n%s", body)
			}
		})
	}
}

func TestOnlyGetAndHeadAreAllowed(t *testing.T) {
	t.Parallel()
	srv, c := sampleServer(t)
	for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions, "BREW"} {
		t.Run(method+" is a 405", func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, method, srv.URL+"/greetings.txt", nil, nil)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status %d, want 405", resp.StatusCode)
			}
			if got := resp.Header.Get("Allow"); got != "GET, HEAD" {
				t.Errorf("Allow %q", got)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q", got)
			}
			if !strings.Contains(body, method) {
				t.Errorf("body does not name %s:\n%s", method, body)
			}
		})
	}
}

func TestFolderWithoutSlashRedirects(t *testing.T) {
	t.Parallel()
	log, _ := testLogger()
	h := New(fstest.MapFS{
		"sub/a.txt": {Data: []byte("a")},
		"a:b/c.txt": {Data: []byte("c")},
	}, WithLogger(log))
	mux := http.NewServeMux()
	mux.Handle("/", h)
	mux.Handle("/files/", http.StripPrefix("/files", h))
	mux.Handle("/files", http.StripPrefix("/files", h))
	srv, c := serve(t, mux)

	tests := []struct {
		name, path, location, resolved string
	}{
		{"a folder gets its slash", "/sub", "sub/", "/sub/"},
		{"the query survives", "/sub?sort=name", "sub/?sort=name", "/sub/?sort=name"},
		{"a colon cannot turn into a scheme", "/a:b", "a%3Ab/", "/a:b/"},
		{"under a prefix the location stays relative", "/files/sub", "sub/", "/files/sub/"},
		{"the mount point itself", "/files", "files/", "/files/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusMovedPermanently || body != "" {
				t.Fatalf("got %d %q, want 301 and no body", resp.StatusCode, body)
			}
			loc := resp.Header.Get("Location")
			if loc != tt.location {
				t.Errorf("Location %q, want %q", loc, tt.location)
			}
			u, err := resp.Request.URL.Parse(loc)
			if err != nil {
				t.Fatal(err)
			}
			if got := u.Path + strings.TrimSuffix("?"+u.RawQuery, "?"); got != tt.resolved {
				t.Errorf("Location resolves to %q, want %q", got, tt.resolved)
			}
		})
	}
}

func TestListingLinksWorkUnderAPrefix(t *testing.T) {
	t.Parallel()
	log, _ := testLogger()
	h := New(web.Sample(), WithLogger(log))
	mux := http.NewServeMux()
	mux.Handle("/files/", http.StripPrefix("/files", h))
	mux.Handle("/other/", http.StripPrefix("/other/", h))
	srv, c := serve(t, mux)

	for _, mount := range []string{"/files/", "/other/"} {
		t.Run("mounted at "+mount, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+mount, nil, nil)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("listing status %d", resp.StatusCode)
			}
			_, links := parseListing(t, body)
			if len(links) != 3 {
				t.Fatalf("links %v, want the 3 sample files", links)
			}
			for _, l := range links {
				u, err := resp.Request.URL.Parse(l.href)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(u.Path, mount) {
					t.Errorf("link %q resolves to %q, outside %s", l.href, u.Path, mount)
				}
				if r, _ := testkit.Do(t, c, http.MethodGet, u.String(), nil, nil); r.StatusCode != http.StatusOK {
					t.Errorf("link %q: status %d", l.href, r.StatusCode)
				}
			}
		})
	}
}

func TestIndexPageReplacesTheListing(t *testing.T) {
	t.Parallel()
	log, _ := testLogger()
	srv, c := serve(t, New(fstest.MapFS{
		"site/index.html":         {Data: []byte("<p>home</p>")},
		"site/other.txt":          {Data: []byte("other")},
		"old/index.htm":           {Data: []byte("<p>old home</p>")},
		"odd/index.html/keep.txt": {Data: []byte("not an index")},
	}, WithLogger(log)))

	tests := []struct {
		name, path, ctype, body string
	}{
		{"index.html is served for its folder", "/site/", "text/html; charset=utf-8", "<p>home</p>"},
		{"index.htm is the fallback, as in Python", "/old/", "text/html; charset=utf-8", "<p>old home</p>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusOK || body != tt.body {
				t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, body, tt.body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
		})
	}

	t.Run("a folder named index.html is listed, not served", func(t *testing.T) {
		t.Parallel()
		resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/odd/", nil, nil)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if _, links := parseListing(t, body); fmt.Sprint(links) != fmt.Sprint([]link{{"../", "../"}, {"index.html/", "index.html/"}}) {
			t.Errorf("links %v", links)
		}
	})
}

// noSeekFS hides Seek, as an fs.FS is allowed to.
type noSeekFS struct{ fs.FS }

type noSeekFile struct{ fs.File }

func (n noSeekFS) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil {
		return nil, err
	}
	return noSeekFile{f}, nil
}

func TestFileSystemsWithoutSeekStillServeWholeFiles(t *testing.T) {
	t.Parallel()
	mod := time.Date(2021, 6, 10, 0, 0, 0, 0, time.UTC)
	log, _ := testLogger()
	srv, c := serve(t, New(noSeekFS{fstest.MapFS{
		"a.txt": {Data: []byte("whole"), ModTime: mod},
		"blob":  {Data: []byte{0, 1, 2}},
	}}, WithLogger(log)))

	tests := []struct {
		name, method, path, ctype, body, length string
	}{
		{"GET sends the body", http.MethodGet, "/a.txt", "text/plain; charset=utf-8", "whole", "5"},
		{"HEAD sends none", http.MethodHead, "/a.txt", "text/plain; charset=utf-8", "", "5"},
		{"no extension is octet-stream", http.MethodGet, "/blob", "application/octet-stream", "\x00\x01\x02", "3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, tt.method, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != http.StatusOK || body != tt.body {
				t.Fatalf("got %d %q, want 200 %q", resp.StatusCode, body, tt.body)
			}
			if got := resp.Header.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := resp.Header.Get("Content-Length"); got != tt.length {
				t.Errorf("Content-Length %q, want %q", got, tt.length)
			}
		})
	}
	resp, _ := testkit.Do(t, c, http.MethodGet, srv.URL+"/a.txt", nil, nil)
	if got, want := resp.Header.Get("Last-Modified"), mod.Format(http.TimeFormat); got != want {
		t.Errorf("Last-Modified %q, want %q", got, want)
	}
}

// jail lays out parent/secret.txt beside parent/served and plants symlinks
// in served that point back out. It returns the served folder.
func jail(t testing.TB) string {
	t.Helper()
	parent := t.TempDir()
	served := filepath.Join(parent, "served")
	write := func(name, data string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		if err := os.Symlink(target, filepath.Join(served, name)); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(parent, "secret.txt"), marker)
	write(filepath.Join(served, "greetings.txt"), "hello")
	write(filepath.Join(served, "sub", "a.txt"), "a")
	link("../secret.txt", "escape.txt")
	link("..", "escape-dir")
	link(filepath.Join(parent, "secret.txt"), "sub/abs-escape.txt")
	link("greetings.txt", "inside-link.txt")
	link("sub", "inside-dir")
	return served
}

func TestSymlinksOutOfTheFolderAreRefused(t *testing.T) {
	t.Parallel()
	served := jail(t)
	log, logs := testLogger()
	h, err := NewDir(served, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	srv, c := serve(t, h)

	tests := []struct {
		name, path string
		status     int
		body       string
	}{
		{"a relative link to a file outside", "/escape.txt", http.StatusNotFound, ""},
		{"a link to the parent folder", "/escape-dir/secret.txt", http.StatusNotFound, ""},
		{"listing through a link to the parent", "/escape-dir/", http.StatusNotFound, ""},
		{"an absolute link to a file outside", "/sub/abs-escape.txt", http.StatusNotFound, ""},
		{"a link that stays inside is followed", "/inside-link.txt", http.StatusOK, "hello"},
		{"a folder link that stays inside is followed", "/inside-dir/a.txt", http.StatusOK, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+tt.path, nil, nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			if strings.Contains(body, marker) {
				t.Fatal("the secret leaked")
			}
			if tt.body != "" && body != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
		})
	}

	t.Run("the listing shows links with @ and folders with /", func(t *testing.T) {
		t.Parallel()
		_, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/", nil, nil)
		_, links := parseListing(t, body)
		want := []link{
			{"escape-dir@", "escape-dir"}, {"escape.txt@", "escape.txt"},
			{"greetings.txt", "greetings.txt"}, {"inside-dir@", "inside-dir/"},
			{"inside-link.txt@", "inside-link.txt"}, {"sub/", "sub/"},
		}
		if fmt.Sprint(links) != fmt.Sprint(want) {
			t.Errorf("links %v, want %v", links, want)
		}
	})

	t.Run("the refusal is logged for the operator", func(t *testing.T) {
		t.Parallel()
		testkit.Do(t, c, http.MethodGet, srv.URL+"/escape.txt", nil, nil)
		if got := logs.String(); !strings.Contains(got, "escape.txt") || !strings.Contains(got, "level=WARN") {
			t.Errorf("log %q does not warn about escape.txt", got)
		}
	})

	// The same folder through os.DirFS does follow the link: this is what
	// proves the fixture reaches the secret and that os.Root is what stops it.
	t.Run("os.DirFS would have leaked it", func(t *testing.T) {
		t.Parallel()
		srv, c := serve(t, New(os.DirFS(served), WithLogger(log)))
		if _, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/escape.txt", nil, nil); body != marker {
			t.Fatalf("os.DirFS gave %q; the fixture no longer reaches the secret", body)
		}
	})
}

func TestNewDirNeedsAFolder(t *testing.T) {
	t.Parallel()
	if _, err := NewDir(filepath.Join(t.TempDir(), "absent")); err == nil {
		t.Fatal("NewDir of a missing folder succeeded")
	}
}

// What a traversal's answer must say, so each row proves which layer
// stopped it.
const (
	refusedByRule     = "bad path"                // 400: our path rule, before any lookup
	refusedByNetHTTP  = "400 Bad Request"         // 400: net/http, before any handler
	missingInFolder   = "No file or folder named" // 404: a canonical name that is not there (or os.Root refused it)
	rootListingAnswer = "Directory listing for /"
)

// traversals are request targets written on the wire as they are, because
// http.Client would clean them.
var traversals = []struct {
	target string
	status int
	says   string
}{
	{"/../secret.txt", 400, refusedByRule},
	{"/../../secret.txt", 400, refusedByRule},
	{"/..", 400, refusedByRule},
	{"/../", 400, refusedByRule},
	{"/./../secret.txt", 400, refusedByRule},
	{"/sub/../../secret.txt", 400, refusedByRule},
	{"/sub/./../../secret.txt", 400, refusedByRule},
	{"/sub/..", 400, refusedByRule},
	{"/%2e%2e/secret.txt", 400, refusedByRule},
	{"/%2E%2E/%2E%2E/secret.txt", 400, refusedByRule},
	{"/.%2e/secret.txt", 400, refusedByRule},
	{"/%2e./secret.txt", 400, refusedByRule},
	{"/sub/%2e%2e/%2e%2e/secret.txt", 400, refusedByRule},
	{"/..%2fsecret.txt", 400, refusedByRule},
	{"/..%2Fsecret.txt", 400, refusedByRule},
	{"/%2e%2e%2fsecret.txt", 400, refusedByRule},
	{"/sub%2f..%2f..%2fsecret.txt", 400, refusedByRule},
	{"/..%5csecret.txt", 400, refusedByRule},
	{"/%5c..%5csecret.txt", 400, refusedByRule},
	{`/..\secret.txt`, 400, refusedByRule},
	{`/\..\secret.txt`, 400, refusedByRule},
	{"/%00", 400, refusedByRule},
	{"/greetings.txt%00.png", 400, refusedByRule},
	{"/\x00", 400, refusedByNetHTTP},
	{"//etc/passwd", 400, refusedByRule},
	{"///secret.txt", 400, refusedByRule},
	{"/sub//a.txt", 400, refusedByRule},
	{"/%c0%ae%c0%ae/secret.txt", 400, refusedByRule},
	{"/%c0%af..%c0%afsecret.txt", 400, refusedByRule},
	{"/%e0%80%ae%e0%80%ae/secret.txt", 400, refusedByRule},
	{"/%ff", 400, refusedByRule},
	{"/%u002e%u002e/secret.txt", 400, refusedByNetHTTP},
	{"http://localhost/../secret.txt", 400, refusedByRule},
	{"/%252e%252e/secret.txt", 404, missingInFolder},
	{"/..%252fsecret.txt", 404, missingInFolder},
	{"/..;/secret.txt", 404, missingInFolder},
	{"/...", 404, missingInFolder},
	{"/secret.txt", 404, missingInFolder},
	{"/etc/passwd", 404, missingInFolder},
	{"/escape.txt", 404, missingInFolder},
	{"/escape-dir/secret.txt", 404, missingInFolder},
	{"/sub/abs-escape.txt", 404, missingInFolder},
	{"/?../secret.txt", 200, rootListingAnswer},
}

// rawGet writes target into a request line by hand and reads the answer.
func rawGet(t *testing.T, addr, target string) (int, string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, "GET "+target+" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestTraversalNeverLeavesTheFolder(t *testing.T) {
	t.Parallel()
	log, _ := testLogger()
	h, err := NewDir(jail(t), WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, h)
	addr := srv.Listener.Addr().String()

	for _, tt := range traversals {
		t.Run(fmt.Sprintf("%q is a %d", tt.target, tt.status), func(t *testing.T) {
			t.Parallel()
			status, body := rawGet(t, addr, tt.target)
			if strings.Contains(body, marker) {
				t.Fatalf("the secret leaked: %d %q", status, body)
			}
			if status != tt.status || !strings.Contains(body, tt.says) {
				t.Errorf("got %d %q, want %d saying %q", status, body, tt.status, tt.says)
			}
		})
	}
}

func TestListingEscapesHostileNames(t *testing.T) {
	t.Parallel()
	names := []string{
		"<script>alert(1)<!--.txt",
		"<img src=x onerror=alert(1)>.txt",
		"'><svg onload=alert(1)>.txt",
		`a"b.txt`,
		"?x.txt",
		"#.txt",
		"javascript:alert(1)",
		"x y & z.txt",
		"100%.txt",
		"%2e%2e.txt",
		"&lt;b&gt;.txt",
		"...",
		"a;b=c,d.txt",
		"ünï 日本.txt",
	}
	// A folder with a hostile name too; its listing is fetched through its link.
	const hostileDir = `dir"><script>x`
	dir := t.TempDir()
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(n), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, hostileDir), 0o755); err != nil {
		t.Fatal(err)
	}
	log, _ := testLogger()
	h, err := NewDir(dir, WithLogger(log))
	if err != nil {
		t.Fatal(err)
	}
	srv, c := serve(t, h)

	resp, body := testkit.Do(t, c, http.MethodGet, srv.URL+"/", nil, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	for _, raw := range []string{"<script", "<img", "<svg", `"b.txt`, `href="javascript:`} {
		if strings.Contains(body, raw) {
			t.Errorf("listing holds %q unescaped", raw)
		}
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Find("script, img, svg").Length(); n != 0 {
		t.Errorf("the listing parsed into %d injected elements", n)
	}
	_, links := parseListing(t, body)
	if len(links) != len(names)+1 {
		t.Fatalf("%d links, want %d: %v", len(links), len(names)+1, links)
	}

	shown := map[string]bool{}
	for _, l := range links {
		t.Run("link "+l.text, func(t *testing.T) {
			shown[l.text] = true
			u, err := resp.Request.URL.Parse(l.href)
			if err != nil {
				t.Fatalf("href %q: %v", l.href, err)
			}
			if u.Host != resp.Request.URL.Host || u.Scheme != "http" {
				t.Fatalf("href %q leaves the server: %v", l.href, u)
			}
			r, got := testkit.Do(t, c, http.MethodGet, u.String(), nil, nil)
			if r.StatusCode != http.StatusOK {
				t.Fatalf("href %q: status %d", l.href, r.StatusCode)
			}
			if l.text == hostileDir+"/" {
				if title, _ := parseListing(t, got); title != "Directory listing for /"+hostileDir+"/" {
					t.Errorf("folder title %q", title)
				}
			} else if got != l.text {
				t.Errorf("href %q fetched %q, want the file %q", l.href, got, l.text)
			}
		})
	}
	for _, n := range append(names, hostileDir+"/") {
		if !shown[n] {
			t.Errorf("%q is not shown as text", n)
		}
	}
}

// FuzzPath sends arbitrary request targets through the same parser the
// server uses: whatever the path, no answer is a 500 and none holds the
// secret beside the folder.
func FuzzPath(f *testing.F) {
	for _, tt := range traversals {
		f.Add(tt.target)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h, err := NewDir(jail(f), WithLogger(log))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, target string) {
		req, err := http.ReadRequest(bufio.NewReader(strings.NewReader("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n")))
		if err != nil {
			return // net/http answers 400 itself before any handler runs
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%q: status %d", target, rec.Code)
		}
		if strings.Contains(rec.Body.String(), marker) {
			t.Fatalf("%q leaked the secret", target)
		}
		if u, err := url.Parse(rec.Header().Get("Location")); err != nil || u.IsAbs() || u.Host != "" {
			t.Fatalf("%q redirected off the server: %q", target, rec.Header().Get("Location"))
		}
	})
}
