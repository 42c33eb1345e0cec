package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"wirebook/server/internal/testkit"
	"wirebook/server/page/assets"
)

var files = map[string][]byte{
	"app.css":      []byte(strings.Repeat("body { margin: 0; }\n", 50)),
	"boot.js":      []byte(strings.Repeat("console.log('boot');\n", 30)),
	"fonts/a.woff": []byte(strings.Repeat("font", 100)),
}

func writeFiles(t *testing.T, dir string, files map[string][]byte) {
	t.Helper()
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func formPath(dir, name string, content []byte, suffix string) string {
	return filepath.Join(dir, assets.DistDir, filepath.FromSlash(assets.HashedName(name, content)+suffix))
}

func TestPrecompressWritesEveryFormTheServerLooksFor(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	writeFiles(t, dir, map[string][]byte{
		".hidden.js":                     []byte("not embedded"),
		"_draft.css":                     []byte("not embedded"),
		"dist/app.0123456789ab.css.br":   []byte("a form of an older app.css"),
		"dist/fonts/a.0123456789ab.woff": []byte("a form of an older font"),
	})
	var out bytes.Buffer
	if err := precompress(dir, &out); err != nil {
		t.Fatal(err)
	}

	for name, content := range files {
		for suffix, encoding := range map[string]string{".br": "br", ".gz": "gzip"} {
			b, err := os.ReadFile(formPath(dir, name, content, suffix))
			if err != nil {
				t.Errorf("%s: no %s form: %v", name, suffix, err)
				continue
			}
			if got := testkit.Decode(t, encoding, b); !bytes.Equal(got, content) {
				t.Errorf("%s%s does not decode to the file", name, suffix)
			}
		}
		if !strings.Contains(out.String(), name+" ") {
			t.Errorf("the report does not name %s: %q", name, out.String())
		}
	}

	var left []string
	_ = filepath.WalkDir(filepath.Join(dir, "dist"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, filepath.Base(p))
		}
		return err
	})
	if len(left) != 2*len(files) {
		t.Errorf("dist holds %q, want the 2 forms of each of %d files and nothing else", left, len(files))
	}

	checkServerServesTheForms(t, dir)
}

func TestPrecompressKeepsUpToDateForms(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, files)
	if err := precompress(dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	// A marker in place of one form shows whether a second run rewrites it.
	kept := formPath(dir, "app.css", files["app.css"], ".br")
	if err := os.WriteFile(kept, []byte("marker"), 0o644); err != nil {
		t.Fatal(err)
	}
	edited := []byte(strings.Repeat("p { color: red; }\n", 50))
	writeFiles(t, dir, map[string][]byte{"boot.js": edited})
	if err := precompress(dir, io.Discard); err != nil {
		t.Fatal(err)
	}

	if b, _ := os.ReadFile(kept); string(b) != "marker" {
		t.Error("a form named for the current content was made again")
	}
	if _, err := os.Stat(formPath(dir, "boot.js", edited, ".br")); err != nil {
		t.Errorf("the edited file has no form: %v", err)
	}
	if _, err := os.Stat(formPath(dir, "boot.js", files["boot.js"], ".br")); err == nil {
		t.Error("the form of boot.js before the edit is still there")
	}
}

func TestPrecompressWithoutFolderFails(t *testing.T) {
	t.Parallel()
	if err := precompress(filepath.Join(t.TempDir(), "nope"), io.Discard); err == nil {
		t.Error("precompress of a missing folder succeeded")
	}
}

func TestBrotliWindowHoldsTheFile(t *testing.T) {
	t.Parallel()
	rows := []struct{ size, want int }{
		{0, 10}, {1008, 10}, {1009, 11}, {2_696_036, 22}, {1 << 30, 24},
	}
	for _, row := range rows {
		if got := brotliWindow(row.size); got != row.want {
			t.Errorf("brotliWindow(%d) = %d, want %d", row.size, got, row.want)
		}
	}
}

// checkServerServesTheForms is the contract with the server: it finds
// every form in dir, and serves it.
func checkServerServesTheForms(t *testing.T, dir string) {
	t.Helper()
	s, err := assets.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if plain := s.Unencoded(); len(plain) != 0 {
		t.Errorf("the server finds no form for %q", plain)
	}
	f, ok := s.File("app.css")
	if !ok {
		t.Fatal("the server has no app.css")
	}
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Accept-Encoding", "br")
	w := httptest.NewRecorder()
	f.ServeHTTP(w, r)
	if w.Header().Get("Content-Encoding") != "br" {
		t.Errorf("the server answers app.css with Content-Encoding %q, want br", w.Header().Get("Content-Encoding"))
	}
}
