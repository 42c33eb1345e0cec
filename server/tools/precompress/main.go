// Command precompress writes the brotli and gzip forms of the lesson page's
// static files, where package wirebook/server/page/assets looks for them:
// for every file of the folder, dist/<hashed name>.br and .gz, the hashed
// name carrying the file's content hash (app.wasm →
// dist/app.3f2a9c1e0b7d.wasm.br). The wasm task runs it after building the
// client:
//
//	go run ./server/tools/precompress web/static
//
// It runs once per build, so it spends what it takes on the smallest output:
// brotli at quality 11 with the largest window, gzip at level 9 (about 7 s
// for a 2.6 MB app.wasm). A form whose name is already there is up to date,
// since the name says which content it was made from, and is kept; so a
// rebuild after a CSS edit compresses the CSS only. Forms of content no
// longer in the folder are removed, so the server does not embed them.
//
// Stylesheets and scripts are minified first, into dist/<hashed name>
// itself, and their forms made from that: the server serves the minified
// bytes in every encoding. It pays where comments explain the code and
// locals have long names, as in the Go toolchain's wasm_exec.js: 3 KB of
// the lesson page's first visit.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/tdewolff/minify/v2"
	"github.com/tdewolff/minify/v2/css"
	"github.com/tdewolff/minify/v2/js"

	"wirebook/server/page/assets"
)

func main() {
	dir := "web/static"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := precompress(dir, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

// encoders are the forms made of every file, by suffix; size is the
// length of what will be written.
var encoders = []struct {
	suffix string
	encode func(w io.Writer, size int) (io.WriteCloser, error)
}{
	{assets.BrotliSuffix, func(w io.Writer, size int) (io.WriteCloser, error) {
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: brotliWindow(size)}), nil
	}},
	{assets.GzipSuffix, func(w io.Writer, _ int) (io.WriteCloser, error) {
		return gzip.NewWriterLevel(w, gzip.BestCompression)
	}},
}

// brotliWindow is the smallest window (log2 of its size, RFC 7932 §9.1)
// that holds the whole file, up to brotli's largest: a larger one finds no
// more matches and only costs the encoder memory and time.
func brotliWindow(size int) int {
	lg := 10
	for lg < 24 && 1<<lg-16 < size {
		lg++
	}
	return lg
}

// minifiers make the smaller identity form of a file, by extension.
var minifiers = map[string]minify.MinifierFunc{
	".css": css.Minify,
	".js":  js.Minify,
}

// minified is the identity form the server will serve for the file name
// holding content, and whether it differs from content.
func minified(name string, content []byte) ([]byte, bool, error) {
	mf, ok := minifiers[path.Ext(name)]
	if !ok {
		return content, false, nil
	}
	var b bytes.Buffer
	if err := mf(minify.New(), &b, bytes.NewReader(content), nil); err != nil {
		return nil, false, fmt.Errorf("%s: minify: %w", name, err)
	}
	if b.Len() >= len(content) {
		return content, false, nil
	}
	return b.Bytes(), true, nil
}

// precompress brings dir/dist up to date with the files of dir, and reports
// each file's sizes to out.
func precompress(dir string, out io.Writer) error {
	fsys := os.DirFS(dir)
	keep := map[string]bool{} // slash paths under dist of the forms of today's files
	err := assets.Walk(fsys, func(name string, content []byte) error {
		hashed := assets.HashedName(name, content)
		line := fmt.Sprintf("%s %d B", name, len(content))
		content, small, err := minified(name, content)
		if err != nil {
			return err
		}
		// A new minified form means the encoded ones were made from
		// something else (by a build before minifying): they are made again.
		remake := false
		if small {
			form := path.Join(assets.DistDir, hashed)
			keep[form] = true
			if remake, err = writeOnce(filepath.Join(dir, filepath.FromSlash(form)), content, identity); err != nil {
				return fmt.Errorf("%s: %w", form, err)
			}
			line += fmt.Sprintf(", minified %d B", len(content))
		}
		for _, e := range encoders {
			form := path.Join(assets.DistDir, hashed+e.suffix)
			keep[form] = true
			target := filepath.Join(dir, filepath.FromSlash(form))
			if remake {
				if _, err := write(target, content, e.encode); err != nil {
					return fmt.Errorf("%s: %w", form, err)
				}
			} else if _, err := writeOnce(target, content, e.encode); err != nil {
				return fmt.Errorf("%s: %w", form, err)
			}
			info, err := os.Stat(target)
			if err != nil {
				return err
			}
			line += fmt.Sprintf(", %s %d B", strings.TrimPrefix(e.suffix, "."), info.Size())
		}
		_, err = fmt.Fprintln(out, line)
		return err
	})
	if err != nil {
		return err
	}
	return removeStale(dir, keep)
}

// identity writes content as it is.
func identity(w io.Writer, _ int) (io.WriteCloser, error) { return nopCloser{w}, nil }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

// writeOnce writes target unless it is there, since its name says which
// content it holds, and reports whether it wrote it.
func writeOnce(target string, content []byte, encode func(io.Writer, int) (io.WriteCloser, error)) (bool, error) {
	_, err := os.Stat(target)
	if !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	_, err = write(target, content, encode)
	return err == nil, err
}

// write encodes content into target through a temporary file renamed into
// place, so that an interrupted build cannot leave a truncated form under a
// name that says it is complete. The temporary name starts with a dot, which
// go:embed skips.
func write(target string, content []byte, encode func(io.Writer, int) (io.WriteCloser, error)) (fs.FileInfo, error) {
	if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), ".precompress-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	enc, err := encode(tmp, len(content))
	if err == nil {
		_, err = enc.Write(content)
	}
	if err == nil {
		err = enc.Close()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644) // CreateTemp makes it 0600
	}
	if err == nil {
		err = os.Rename(tmp.Name(), target)
	}
	if err != nil {
		return nil, err
	}
	return os.Stat(target)
}

// removeStale deletes every file under dir/dist that keep does not name.
func removeStale(dir string, keep map[string]bool) error {
	fsys := os.DirFS(dir)
	err := fs.WalkDir(fsys, assets.DistDir, func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || keep[name] {
			return err
		}
		return os.Remove(filepath.Join(dir, filepath.FromSlash(name)))
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil // no dist folder: nothing was ever compressed, nothing to remove
	}
	return err
}
