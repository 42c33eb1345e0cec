package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
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

	forms := 0
	for name, content := range files {
		served := content
		if small, err := os.ReadFile(formPath(dir, name, content, "")); err == nil {
			forms++
			if path.Ext(name) == ".woff" || len(small) >= len(content) {
				t.Errorf("%s has a minified form of %d B, from %d B", name, len(small), len(content))
			}
			served = small
		} else if path.Ext(name) != ".woff" {
			t.Errorf("%s: no minified form: %v", name, err)
		}
		for suffix, encoding := range map[string]string{".br": "br", ".gz": "gzip"} {
			forms++
			b, err := os.ReadFile(formPath(dir, name, content, suffix))
			if err != nil {
				t.Errorf("%s: no %s form: %v", name, suffix, err)
				continue
			}
			if got := testkit.Decode(t, encoding, b); !bytes.Equal(got, served) {
				t.Errorf("%s%s does not decode to the file the server serves", name, suffix)
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
	if len(left) != forms {
		t.Errorf("dist holds %q, want the %d forms of the %d files and nothing else", left, forms, len(files))
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
	edited := []byte(strings.Repeat("console.log('edited');\n", 50))
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

func TestPrecompressRemakesFormsMadeBeforeMinifying(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	css := files["app.css"]
	writeFiles(t, dir, map[string][]byte{"app.css": css})
	old := formPath(dir, "app.css", css, ".br")
	writeFiles(t, dir, map[string][]byte{"dist/" + filepath.Base(old): []byte("brotli of the unminified file")})
	if err := precompress(dir, io.Discard); err != nil {
		t.Fatal(err)
	}
	small, err := os.ReadFile(formPath(dir, "app.css", css, ""))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(old)
	if got := testkit.Decode(t, "br", b); !bytes.Equal(got, small) {
		t.Errorf("the brotli form is %q, want the minified file's", b)
	}
}

func TestPrecompressRefusesAScriptThatDoesNotParse(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFiles(t, dir, map[string][]byte{"boot.js": []byte("p { color: red; }\n")})
	err := precompress(dir, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "boot.js") {
		t.Errorf("precompress of a script that does not parse = %v, want an error naming it", err)
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
	w = httptest.NewRecorder()
	f.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	if want := "body{margin:0}"; !strings.HasPrefix(w.Body.String(), want) {
		t.Errorf("the server answers app.css without Accept-Encoding with %.40q…, want the minified %q…", w.Body.String(), want)
	}
}
