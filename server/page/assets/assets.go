// Package assets serves bodies that never change while the server runs (the
// lesson page and its static files) from memory, each in up to three
// encodings made ahead of time: identity, brotli and gzip, chosen by the
// request's Accept-Encoding.
//
// A static file answers to two names. Its own ("app.wasm") is revalidated on
// every use. Its content-hashed name ("app.3f2a9c1e0b7d.wasm") is cached for
// a year and never revalidated: new content gets a new name, so a page that
// links only hashed names costs a returning visitor nothing but its own 304.
//
// The brotli and gzip forms are made at build time by server/tools/precompress,
// into dist/ beside the files, under the hashed name plus ".br" or ".gz"
// (dist/app.3f2a9c1e0b7d.wasm.br). Naming them by the content they were made
// from means a stale one can never be served: after an edit it is simply
// not found, and the file goes out uncompressed until the next build.
//
// The build may also leave a smaller identity form under the hashed name
// itself (dist/app.3f2a9c1e0b7d.css, the stylesheet minified); then that is
// the file's body, and the brotli and gzip forms are made from it, so that
// every encoding carries the same bytes.
package assets

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DistDir is the folder, inside the static file system, of the precompressed
// forms. It is not served itself.
const DistDir = "dist"

// Suffixes of the precompressed forms in DistDir.
const (
	BrotliSuffix = ".br"
	GzipSuffix   = ".gz"
)

// Cache-Control values: a hashed name never changes content, anything else
// may change on the next start and is revalidated (a 304 when it has not).
const (
	Immutable   = "public, max-age=31536000, immutable"
	Revalidated = "no-cache"
)

// hashLen is how many hex digits of the SHA-256 a hashed name carries: 48
// bits, far more than enough to tell one build of a file from the next.
const hashLen = 12

// HashedName is the content-hashed name of the file name holding content:
// the first 12 hex digits of its SHA-256 before the extension
// ("app.wasm" → "app.3f2a9c1e0b7d.wasm", "js/x.js" → "js/x.<hash>.js").
func HashedName(name string, content []byte) string {
	return hashedName(name, sha256.Sum256(content))
}

func hashedName(name string, sum [sha256.Size]byte) string {
	ext := path.Ext(path.Base(name))
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:])[:hashLen] + ext
}

// Content is a body and its precompressed forms (nil when absent).
type Content struct {
	Type     string // Content-Type
	Identity []byte
	Brotli   []byte
	Gzip     []byte
}

// File answers GET and HEAD with one body. Every header value is made once,
// in NewFile, and the bodies are written straight from memory.
type File struct {
	identity, br, gz variant // br and gz have a nil body when absent
	contentType      []string
	cacheControl     []string
	vary             []string // nil when there is only the identity form
}

// variant is one encoding of the body with its own header values. A strong
// ETag names exact bytes, so each encoding has its own: Apache's mod_deflate
// convention of a suffix on the identity tag.
type variant struct {
	body     []byte
	etag     string
	etagHdr  []string
	length   []string
	encoding []string // Content-Encoding; nil for identity
}

// NewFile serves c with the given Cache-Control. A precompressed form no
// smaller than the identity body is dropped: it would cost bytes, not save
// them.
func NewFile(c Content, cacheControl string) *File {
	return newFile(c, sha256.Sum256(c.Identity), cacheControl)
}

func newFile(c Content, sum [sha256.Size]byte, cacheControl string) *File {
	tag := hex.EncodeToString(sum[:16])
	f := &File{
		identity:     newVariant(c.Identity, `"`+tag+`"`, ""),
		contentType:  []string{c.Type},
		cacheControl: []string{cacheControl},
	}
	if len(c.Brotli) > 0 && len(c.Brotli) < len(c.Identity) {
		f.br = newVariant(c.Brotli, `"`+tag+`-br"`, "br")
	}
	if len(c.Gzip) > 0 && len(c.Gzip) < len(c.Identity) {
		f.gz = newVariant(c.Gzip, `"`+tag+`-gz"`, "gzip")
	}
	if f.br.body != nil || f.gz.body != nil {
		f.vary = []string{"Accept-Encoding"}
	}
	return f
}

func newVariant(body []byte, etag, encoding string) variant {
	v := variant{
		body:    body,
		etag:    etag,
		etagHdr: []string{etag},
		length:  []string{strconv.Itoa(len(body))},
	}
	if encoding != "" {
		v.encoding = []string{encoding}
	}
	return v
}

var (
	nosniff     = []string{"nosniff"}
	bytesRanges = []string{"bytes"}
)

// ServeHTTP answers GET and HEAD with the encoding the request prefers; a
// matching If-None-Match is a 304. Range is honoured on the identity body
// only: a ranged request gets identity bytes whatever it accepts, so that
// byte offsets mean offsets into the file. Any other method is a 405 without
// a body; a caller that wants to explain checks the method first. (The
// package writes no HTML, so the build step that names files can use it
// without the templates.)
func (f *File) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		w.WriteHeader(http.StatusMethodNotAllowed)
		return
	}
	v := f.choose(r)

	// Header values are shared, never mutated, so setting them allocates
	// nothing per request. These go on a 304 as well (RFC 9110 §15.4.5).
	hd := w.Header()
	hd["Etag"] = v.etagHdr
	hd["Cache-Control"] = f.cacheControl
	hd["X-Content-Type-Options"] = nosniff
	if f.vary != nil {
		hd["Vary"] = f.vary
	}
	if inm := r.Header["If-None-Match"]; len(inm) > 0 && etagMatches(inm, v.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}

	hd["Content-Type"] = f.contentType
	if v.encoding == nil {
		hd["Accept-Ranges"] = bytesRanges
		if _, ranged := r.Header["Range"]; ranged {
			// ServeContent knows Range, If-Range and 416; it finds our ETag
			// and Content-Type in the header and keeps them.
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(v.body))
			return
		}
	} else {
		hd["Content-Encoding"] = v.encoding
	}
	hd["Content-Length"] = v.length
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(v.body)
	}
}

func (f *File) choose(r *http.Request) *variant {
	if f.vary == nil {
		return &f.identity
	}
	if _, ranged := r.Header["Range"]; ranged {
		return &f.identity
	}
	switch negotiate(r.Header["Accept-Encoding"], f.br.body != nil, f.gz.body != nil) {
	case "br":
		return &f.br
	case "gzip":
		return &f.gz
	}
	return &f.identity
}

// ETag is the identity body's strong ETag, quoted.
func (f *File) ETag() string { return f.identity.etag }

// Server is a set of static files, each under its name and its hashed name.
type Server struct {
	files     map[string]*File  // by name and by hashed name
	hashed    map[string]string // name → hashed name
	unencoded []string          // names with neither a brotli nor a gzip form
}

// Load reads every file of fsys (but DistDir) into memory, with the forms
// server/tools/precompress left for it in DistDir. Like go:embed, it leaves out
// names starting with "." or "_", so an os.DirFS serves what the embedded
// folder would.
func Load(fsys fs.FS) (*Server, error) {
	s := &Server{files: map[string]*File{}, hashed: map[string]string{}}
	err := Walk(fsys, func(name string, body []byte) error {
		sum := sha256.Sum256(body)
		hashed := hashedName(name, sum)
		c := Content{Type: contentType(name, body), Identity: body}
		small, err := readOptional(fsys, path.Join(DistDir, hashed))
		if err != nil {
			return err
		}
		if small != nil {
			c.Identity = small
		}
		if c.Brotli, err = readOptional(fsys, path.Join(DistDir, hashed+BrotliSuffix)); err != nil {
			return err
		}
		if c.Gzip, err = readOptional(fsys, path.Join(DistDir, hashed+GzipSuffix)); err != nil {
			return err
		}
		if c.Brotli == nil && c.Gzip == nil {
			s.unencoded = append(s.unencoded, name)
		}
		s.files[name] = newFile(c, sum, Revalidated)
		s.files[hashed] = newFile(c, sum, Immutable)
		s.hashed[name] = hashed
		return nil
	})
	if err != nil {
		return nil, err
	}
	for name, hashed := range s.hashed {
		if _, clash := s.hashed[hashed]; clash {
			// Whichever came second would shadow the other in s.files.
			return nil, fmt.Errorf("%s: its hashed name is the name of another file", name)
		}
	}
	return s, nil
}

// Walk calls fn with every static file of fsys: every file but those in
// DistDir and, like go:embed, those whose name starts with "." or "_". The
// build step that makes the compressed forms and Load that serves them walk
// the same set through it.
func Walk(fsys fs.FS, fn func(name string, body []byte) error) error {
	return fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case name != "." && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")):
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		case d.IsDir() && name == DistDir:
			return fs.SkipDir
		case d.IsDir():
			return nil
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return err
		}
		return fn(name, body)
	})
}

func readOptional(fsys fs.FS, name string) ([]byte, error) {
	b, err := fs.ReadFile(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

// Hashed is the hashed name of name, false if there is no such file.
func (s *Server) Hashed(name string) (string, bool) {
	h, ok := s.hashed[name]
	return h, ok
}

// File is the file served under name, a plain or a hashed name.
func (s *Server) File(name string) (*File, bool) {
	f, ok := s.files[name]
	return f, ok
}

// Stale reports whether name looks like the hashed name of one of the files
// but with another hash: a page from before the file changed asks for it.
func (s *Server) Stale(name string) bool {
	ext := path.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	dot := strings.LastIndexByte(stem, '.')
	if dot < 0 || len(stem)-dot-1 != hashLen {
		return false
	}
	if _, err := hex.DecodeString(stem[dot+1:]); err != nil {
		return false
	}
	_, known := s.hashed[stem[:dot]+ext]
	return known
}

// Unencoded are the files that have neither a brotli nor a gzip form: the
// precompress step did not run since they last changed.
func (s *Server) Unencoded() []string { return slices.Sorted(slices.Values(s.unencoded)) }

// contentType is fixed for the page's own kinds of file, so the host's
// mime.types cannot change what instantiateStreaming (application/wasm) or
// a nosniff script (a JavaScript type) insists on.
func contentType(name string, body []byte) string {
	switch ext := path.Ext(name); ext {
	case ".wasm":
		return "application/wasm"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return http.DetectContentType(body)
	}
}
