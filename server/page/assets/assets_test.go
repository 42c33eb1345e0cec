package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/andybalholm/brotli"

	"wirebook/server/internal/testkit"
)

// css is long enough for both compressors to shrink it.
var css = []byte(strings.Repeat("body { margin: 0; padding: 0; }\n", 40))

func brotliOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := brotli.NewWriterLevel(&out, 5)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func do(t *testing.T, h http.Handler, method, target string, header ...string) (*http.Response, []byte) {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	resp := w.Result()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestHashedName(t *testing.T) {
	t.Parallel()
	h := HashedName("x", []byte("content"))
	hash := strings.TrimPrefix(h, "x.")
	if len(hash) != 12 || strings.Trim(hash, "0123456789abcdef") != "" {
		t.Fatalf("HashedName(x) = %q, want x.<12 hex digits>", h)
	}
	rows := []struct{ name, want string }{
		{"app.wasm", "app." + hash + ".wasm"},
		{"wasm_exec.js", "wasm_exec." + hash + ".js"},
		{"fonts/a.woff2", "fonts/a." + hash + ".woff2"},
		{"v1.2/LICENSE", "v1.2/LICENSE." + hash},
		{"x.min.js", "x.min." + hash + ".js"},
	}
	for _, row := range rows {
		if got := HashedName(row.name, []byte("content")); got != row.want {
			t.Errorf("HashedName(%q) = %q, want %q", row.name, got, row.want)
		}
	}
	if HashedName("x", []byte("other content")) == h {
		t.Error("two contents share a hashed name")
	}
}

func TestFileChoosesTheEncoding(t *testing.T) {
	t.Parallel()
	f := NewFile(Content{Type: "text/css; charset=utf-8", Identity: css, Brotli: brotliOf(t, css), Gzip: gzipOf(t, css)}, Immutable)
	rows := []struct {
		name     string
		header   []string
		encoding string // "" is identity
	}{
		{"a browser gets brotli", []string{"Accept-Encoding", "gzip, deflate, br, zstd"}, "br"},
		{"gzip only gets gzip", []string{"Accept-Encoding", "gzip"}, "gzip"},
		{"br;q=0 gets gzip", []string{"Accept-Encoding", "br;q=0, gzip"}, "gzip"},
		{"no Accept-Encoding gets identity", nil, ""},
		{"identity only gets identity", []string{"Accept-Encoding", "identity"}, ""},
		{"* gets brotli", []string{"Accept-Encoding", "*"}, "br"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, f, http.MethodGet, "/x.css", row.header...)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Encoding"); got != row.encoding {
				t.Errorf("Content-Encoding = %q, want %q", got, row.encoding)
			}
			if got := resp.Header.Get("Vary"); got != "Accept-Encoding" {
				t.Errorf("Vary = %q, want Accept-Encoding", got)
			}
			if got, want := resp.Header.Get("Content-Length"), strconv.Itoa(len(body)); got != want {
				t.Errorf("Content-Length = %s, body is %s bytes", got, want)
			}
			if got := resp.Header.Get("Content-Type"); got != "text/css; charset=utf-8" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := resp.Header.Get("Cache-Control"); got != Immutable {
				t.Errorf("Cache-Control = %q", got)
			}
			if !bytes.Equal(testkit.Decode(t, row.encoding, body), css) {
				t.Error("the body does not decode to the file")
			}
			// Ranges only make sense over identity bytes; advertising them on
			// an encoded body would invite offsets into the compressed stream.
			wantRanges, wantTag := "bytes", f.ETag()
			if row.encoding != "" {
				wantRanges = ""
				wantTag = strings.TrimSuffix(f.ETag(), `"`) + "-" + row.encoding[:2] + `"`
			}
			if got := resp.Header.Get("Accept-Ranges"); got != wantRanges {
				t.Errorf("Accept-Ranges = %q, want %q", got, wantRanges)
			}

			// The ETag names this encoding's bytes, and revalidates it.
			tag := resp.Header.Get("ETag")
			if tag != wantTag {
				t.Errorf("ETag = %s, want %s", tag, wantTag)
			}
			again, b := do(t, f, http.MethodGet, "/x.css", append(slices.Clone(row.header), "If-None-Match", tag)...)
			if again.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("revalidation = %d with %d bytes, want an empty 304", again.StatusCode, len(b))
			}
			for _, h := range []string{"ETag", "Cache-Control", "Vary"} {
				if again.Header.Get(h) != resp.Header.Get(h) {
					t.Errorf("the 304's %s = %q, the 200's %q", h, again.Header.Get(h), resp.Header.Get(h))
				}
			}
			if again.Header.Get("Content-Encoding") != "" || again.Header.Get("Content-Length") != "" {
				t.Errorf("the 304 describes a body it does not have: %v", again.Header)
			}
		})
	}
}

func TestFileConditionalsRangesAndMethods(t *testing.T) {
	t.Parallel()
	f := NewFile(Content{Type: "text/css; charset=utf-8", Identity: css, Brotli: brotliOf(t, css), Gzip: gzipOf(t, css)}, Revalidated)
	br := []string{"Accept-Encoding", "br"}
	brTag, _ := do(t, f, http.MethodGet, "/", br...)
	idTag := f.ETag()

	t.Run("another encoding's ETag is not a 304 for this one", func(t *testing.T) {
		t.Parallel()
		resp, _ := do(t, f, http.MethodGet, "/", "Accept-Encoding", "br", "If-None-Match", idTag)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "br" {
			t.Errorf("= %d %q, want the brotli body", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
	})
	t.Run("a list holding the ETag is a 304", func(t *testing.T) {
		t.Parallel()
		resp, _ := do(t, f, http.MethodGet, "/", "Accept-Encoding", "br", "If-None-Match", `"old", `+brTag.Header.Get("ETag"))
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("= %d, want 304", resp.StatusCode)
		}
	})
	t.Run("HEAD has the headers of GET and no body", func(t *testing.T) {
		t.Parallel()
		resp, body := do(t, f, http.MethodHead, "/", br...)
		if resp.StatusCode != http.StatusOK || len(body) != 0 {
			t.Fatalf("HEAD = %d with %d bytes", resp.StatusCode, len(body))
		}
		for _, h := range []string{"Content-Length", "Content-Encoding", "ETag", "Content-Type"} {
			if resp.Header.Get(h) != brTag.Header.Get(h) {
				t.Errorf("HEAD %s = %q, GET's %q", h, resp.Header.Get(h), brTag.Header.Get(h))
			}
		}
	})
	t.Run("a Range gets identity bytes of the file", func(t *testing.T) {
		t.Parallel()
		resp, body := do(t, f, http.MethodGet, "/", "Accept-Encoding", "br", "Range", "bytes=5-10")
		if resp.StatusCode != http.StatusPartialContent || resp.Header.Get("Content-Encoding") != "" {
			t.Fatalf("= %d %q, want a 206 of identity bytes", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		if !bytes.Equal(body, css[5:11]) {
			t.Errorf("body = %q, want %q", body, css[5:11])
		}
		if resp.Header.Get("ETag") != idTag {
			t.Errorf("ETag = %s, want the identity tag %s", resp.Header.Get("ETag"), idTag)
		}
	})
	t.Run("an If-Range with an old ETag gets the whole file", func(t *testing.T) {
		t.Parallel()
		resp, body := do(t, f, http.MethodGet, "/", "Range", "bytes=5-10", "If-Range", `"old"`)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, css) {
			t.Errorf("= %d with %d bytes, want the whole file", resp.StatusCode, len(body))
		}
	})
	t.Run("POST is a 405 naming GET and HEAD", func(t *testing.T) {
		t.Parallel()
		resp, _ := do(t, f, http.MethodPost, "/")
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("= %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
	})
}

func TestFileDropsFormsThatDoNotShrink(t *testing.T) {
	t.Parallel()
	tiny := []byte("a")
	f := NewFile(Content{Type: "text/plain", Identity: tiny, Brotli: brotliOf(t, tiny), Gzip: gzipOf(t, tiny)}, Revalidated)
	resp, body := do(t, f, http.MethodGet, "/", "Accept-Encoding", "br, gzip")
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, tiny) {
		t.Errorf("Content-Encoding %q for a body compression makes larger", resp.Header.Get("Content-Encoding"))
	}
	if resp.Header.Get("Vary") != "" {
		t.Errorf("Vary = %q for a body that does not vary", resp.Header.Get("Vary"))
	}
}

// staticFS is a static folder as the build leaves it: app.css with both
// forms, boot.js with a brotli form made for an older boot.js, app.wasm
// with no forms at all.
func staticFS(t *testing.T) fstest.MapFS {
	oldBoot := []byte(strings.Repeat("/* boot, before the edit */\n", 20))
	boot := []byte(strings.Repeat("/* boot */\n", 50))
	return fstest.MapFS{
		"app.css":      {Data: css},
		"boot.js":      {Data: boot},
		"app.wasm":     {Data: []byte("\x00asm\x01\x00\x00\x00")},
		".app.css.swp": {Data: []byte("an editor's")},
		"dist/" + HashedName("app.css", css) + ".br":        {Data: brotliOf(t, css)},
		"dist/" + HashedName("app.css", css) + ".gz":        {Data: gzipOf(t, css)},
		"dist/" + HashedName("boot.js", oldBoot) + ".br":    {Data: brotliOf(t, oldBoot)},
		"dist/" + HashedName("boot.js", oldBoot)[:5] + ".x": {Data: []byte("junk")},
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	fsys := staticFS(t)
	s, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	serve := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := s.File(strings.TrimPrefix(r.URL.Path, "/"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		f.ServeHTTP(w, r)
	})
	hashed := func(name string) string {
		h, ok := s.Hashed(name)
		if !ok {
			t.Fatalf("Hashed(%q) not found", name)
		}
		return h
	}
	rows := []struct {
		name     string
		path     string
		status   int
		ctype    string
		cache    string
		encoding string
	}{
		{"the hashed name is immutable and precompressed", "/" + hashed("app.css"), 200, "text/css; charset=utf-8", Immutable, "br"},
		{"the plain name is revalidated and precompressed", "/app.css", 200, "text/css; charset=utf-8", Revalidated, "br"},
		{"a form made for older content is not served", "/" + hashed("boot.js"), 200, "text/javascript; charset=utf-8", Immutable, ""},
		{"wasm is application/wasm, as instantiateStreaming requires", "/" + hashed("app.wasm"), 200, "application/wasm", Immutable, ""},
		{"an unknown hash is not found", "/app.0123456789ab.css", 404, "", "", ""},
		{"a dot file is not served, as go:embed would not embed it", "/.app.css.swp", 404, "", "", ""},
		{"the dist folder is not served", "/dist/" + hashed("app.css") + ".br", 404, "", "", ""},
		{"a precompressed form is not served by a plain name either", "/app.css.br", 404, "", "", ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp, body := do(t, serve, http.MethodGet, row.path, "Accept-Encoding", "gzip, br")
			if resp.StatusCode != row.status {
				t.Fatalf("GET %s = %d, want %d", row.path, resp.StatusCode, row.status)
			}
			if row.status != 200 {
				return
			}
			if got := resp.Header.Get("Content-Type"); got != row.ctype {
				t.Errorf("Content-Type = %q, want %q", got, row.ctype)
			}
			if got := resp.Header.Get("Cache-Control"); got != row.cache {
				t.Errorf("Cache-Control = %q, want %q", got, row.cache)
			}
			if got := resp.Header.Get("Content-Encoding"); got != row.encoding {
				t.Errorf("Content-Encoding = %q, want %q", got, row.encoding)
			}
			plain := strings.TrimPrefix(row.path, "/")
			for name := range fsys {
				if h, _ := s.Hashed(name); h == plain {
					plain = name
				}
			}
			if !bytes.Equal(testkit.Decode(t, row.encoding, body), fsys[plain].Data) {
				t.Errorf("the body is not %s", plain)
			}
		})
	}

	if got, want := s.Unencoded(), []string{"app.wasm", "boot.js"}; !slices.Equal(got, want) {
		t.Errorf("Unencoded() = %q, want %q", got, want)
	}
	if _, ok := s.Hashed("dist/" + hashed("app.css") + ".br"); ok {
		t.Error("a precompressed form got a hashed name of its own")
	}
	staleRows := []struct {
		name  string
		stale bool
	}{
		{"app.0123456789ab.css", true},
		{"app.0123456789ab.wasm", true},
		{"nope.0123456789ab.css", false},
		{"app.0123456789a.css", false},
		{"app.0123456789zz.css", false},
		{"app.css", false},
	}
	for _, row := range staleRows {
		if got := s.Stale(row.name); got != row.stale {
			t.Errorf("Stale(%q) = %v, want %v", row.name, got, row.stale)
		}
	}
}

func TestLoadServesTheSmallerIdentityFormInEveryEncoding(t *testing.T) {
	t.Parallel()
	small := bytes.Repeat([]byte("body{margin:0;padding:0}"), 40)
	hashed := HashedName("app.css", css)
	s, err := Load(fstest.MapFS{
		"app.css":                {Data: css},
		"dist/" + hashed:         {Data: small},
		"dist/" + hashed + ".br": {Data: brotliOf(t, small)},
		"dist/" + hashed + ".gz": {Data: gzipOf(t, small)},
	})
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.File(hashed)
	if !ok {
		t.Fatalf("no file under %s", hashed)
	}
	for _, encoding := range []string{"", "gzip", "br"} {
		resp, body := do(t, f, http.MethodGet, "/", "Accept-Encoding", encoding)
		if got := resp.Header.Get("Content-Encoding"); got != encoding {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q", encoding, got)
		}
		if !bytes.Equal(testkit.Decode(t, encoding, body), small) {
			t.Errorf("Accept-Encoding %q: the body is not the smaller form", encoding)
		}
	}
	if _, ok := s.File("dist/" + hashed); ok {
		t.Error("the smaller form is served under its own name")
	}
}

func TestLoadRefusesANameThatIsAnotherFilesHashedName(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"app.css":                  {Data: css},
		HashedName("app.css", css): {Data: []byte("an impostor")},
	}
	if _, err := Load(fsys); err == nil {
		t.Error("Load succeeded with one name for two files")
	}
}

// BenchmarkFileBrotli is the request every page load makes for app.wasm.
// Its allocations are the header map and recorder, not the handler's.
func BenchmarkFileBrotli(b *testing.B) {
	f := NewFile(Content{Type: "application/wasm", Identity: css, Brotli: brotliOf(b, css), Gzip: gzipOf(b, css)}, Immutable)
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
	w := &discard{h: http.Header{}}
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		f.ServeHTTP(w, r)
	}
	if w.h.Get("Content-Encoding") != "br" {
		b.Fatal("not brotli")
	}
}

// discard is a ResponseWriter that reuses its header, so that the benchmark
// counts only what the handler allocates.
type discard struct{ h http.Header }

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(b []byte) (int, error) { return len(b), nil }
func (d *discard) WriteHeader(int)             {}
