// Package files is the course's file server: what `python -m http.server`
// does, in Go. A folder answers with an HTML listing of relative links, a file
// with its bytes and a Content-Type taken from its extension, anything else
// with the shared error page.
//
// Every request path must already be the canonical name of something inside
// the served folder. Nothing is cleaned or rewritten: a path with "..", ".",
// an empty segment, a backslash, a NUL, an encoded slash or invalid UTF-8 is
// refused with 400 before the file system is touched. Browsers and HTTP
// clients resolve dot segments before sending (RFC 3986 §5.2.4), so only a
// hand-written request is ever refused, and refusing it whole, rather than
// cleaning "/sub/../../x" into "/x", keeps one rule that is easy to audit
// and a log line that shows the attempt. Symlinks are the one escape a path
// rule cannot see; NewDir serves through os.Root, whose kernel-level lookups
// refuse them.
package files

import (
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"wirebook/server/respond"
	"wirebook/templates"
)

// Option changes how the file server behaves.
type Option func(*server)

// WithLogger sets where the server reports surprising errors, such as a
// symlink that points out of the folder. The default is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(s *server) { s.log = l }
}

type server struct {
	root fs.FS
	log  *slog.Logger
}

// New serves root: the embedded sample folder (via fs.Sub) or any other
// fs.FS. For a folder on disk use NewDir, which also stops symlinks.
func New(root fs.FS, opts ...Option) http.Handler {
	s := &server{root: root, log: slog.Default()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// NewDir serves the folder dir through an os.Root, which resolves every path
// component relative to the open folder and refuses to leave it: a symlink
// whose target lies outside dir is stopped by the lookup itself, where a
// string check on the path could not see it. The Root stays open for as long
// as the handler lives.
func NewDir(dir string, opts ...Option) (http.Handler, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return New(r.FS(), opts...), nil
}

// indexPages are served in place of a listing, in Python's order.
var indexPages = []string{"index.html", "index.htm"}

// contentTypes win over mime.TypeByExtension, whose answer for these depends
// on the host's mime.types (a minimal container has none, and ServeContent
// would then sniff).
var contentTypes = map[string]string{
	".txt": "text/plain; charset=utf-8",
}

//wirebook:snippet /files/
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, wantDir, err := fileName(r)
	if err != nil {
		respond.Error(w, r, http.StatusBadRequest, err.Error())
		return
	}
	info, err := fs.Stat(s.root, name)
	switch {
	case err != nil:
		s.notFound(w, r, err)
	case info.IsDir() && !wantDir:
		redirectToSlash(w, r)
	case info.IsDir():
		s.serveDir(w, r, name)
	case wantDir || !info.Mode().IsRegular():
		s.notFound(w, r, nil) // "file.txt/" or a device, FIFO or socket
	default:
		s.serveFile(w, r, name)
	}
}

// fileName turns the request path into an fs.FS name ("." for the root) and
// whether it ended in a slash. It accepts the path with or without its
// leading slash, so both http.StripPrefix("/files", h) and
// http.StripPrefix("/files/", h) work.
func fileName(r *http.Request) (name string, wantDir bool, err error) {
	u := r.URL
	p := strings.TrimPrefix(u.Path, "/")
	bad := func(why string) (string, bool, error) {
		return "", false, errors.New("bad path " + strconv.Quote(u.EscapedPath()) + ": " + why)
	}
	switch {
	case !utf8.ValidString(p):
		return bad("it is not valid UTF-8")
	case strings.ContainsAny(p, "\\\x00"):
		return bad("it holds a backslash or a NUL byte")
	case strings.Contains(strings.ToLower(u.RawPath), "%2f"):
		return bad("an encoded slash (%2F) would hide a path separator")
	}
	if p == "" {
		// Both prefixes strip the mount point to "", from "/files" and from
		// "/files/"; only the original request tells which one was asked.
		return ".", u.Path == "/" || strings.HasSuffix(originalPath(r), "/"), nil
	}
	name, wantDir = strings.CutSuffix(p, "/")
	if !fs.ValidPath(name) {
		return bad(`it must name something inside this folder, with no "..", "." or empty segments`)
	}
	return name, wantDir, nil
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request, err error) {
	// Like Python, every failure to reach a file is a 404: an escaping symlink
	// or a permission problem is nothing the client can fix, and a distinct
	// status would tell it what exists outside the folder. The operator still
	// hears about the unexpected ones.
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("file server: cannot reach file", "path", r.URL.Path, "err", err)
	}
	respond.Error(w, r, http.StatusNotFound, "No file or folder named "+strconv.Quote(r.URL.Path)+" here.")
}

// redirectToSlash sends "/sub" to "/sub/", as Python does, because the
// listing's links are relative and would otherwise resolve against the
// parent. The Location is relative too: under a prefix we cannot see
// (http.StripPrefix), an absolute one would point to the wrong place, which
// is also why http.Redirect (it makes the path absolute) is not used.
func redirectToSlash(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == "" {
		// The mount point itself, e.g. "/files" under StripPrefix("/files"):
		// only the original request still holds its name.
		p = originalPath(r)
	}
	target := escapeName(path.Base(p)) + "/"
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	w.Header().Set("Location", target)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusMovedPermanently)
}

// originalPath is the path as the client sent it, before any StripPrefix;
// "/" when unknown (a request built in a test has no RequestURI).
func originalPath(r *http.Request) string {
	if u, err := url.ParseRequestURI(r.RequestURI); err == nil && u.Path != "" {
		return u.Path
	}
	return "/"
}

func (s *server) serveDir(w http.ResponseWriter, r *http.Request, dir string) {
	for _, index := range indexPages {
		name := path.Join(dir, index)
		if info, err := fs.Stat(s.root, name); err == nil && info.Mode().IsRegular() {
			s.serveFile(w, r, name)
			return
		}
	}
	list, err := fs.ReadDir(s.root, dir)
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	title := "/"
	var entries []templates.ListingEntry
	if dir != "." {
		title = "/" + dir + "/"
		entries = append(entries, templates.ListingEntry{Name: "../", Href: "../"})
	}
	title = "Directory listing for " + title
	// Python sorts case-insensitively; the byte order breaks ties so the
	// listing is the same on every run.
	slices.SortFunc(list, func(a, b fs.DirEntry) int {
		if c := strings.Compare(strings.ToLower(a.Name()), strings.ToLower(b.Name())); c != 0 {
			return c
		}
		return strings.Compare(a.Name(), b.Name())
	})
	for _, e := range list {
		entries = append(entries, s.entry(dir, e))
	}
	respond.HTML(w, r, http.StatusOK, templates.Listing(title, entries))
}

// entry marks folders with a trailing "/" and symlinks with "@", as Python's
// listing does. A symlink is a folder if its target is one; one that points
// out of the folder cannot be followed and is listed as a plain name.
func (s *server) entry(dir string, e fs.DirEntry) templates.ListingEntry {
	isDir := e.IsDir()
	if e.Type()&fs.ModeSymlink != 0 {
		if info, err := fs.Stat(s.root, path.Join(dir, e.Name())); err == nil {
			isDir = info.IsDir()
		}
	}
	name, href := e.Name(), escapeName(e.Name())
	if isDir {
		name, href = name+"/", href+"/"
	}
	if e.Type()&fs.ModeSymlink != 0 {
		name = e.Name() + "@"
	}
	return templates.ListingEntry{Name: name, Href: href}
}

// escapeName makes one file name a relative URL path segment. PathEscape
// leaves ':' alone, but "javascript:x" or "a:b.txt" as a relative reference
// would be read as a URL scheme (RFC 3986 §4.2), so ':' is escaped as well.
func escapeName(name string) string {
	return strings.ReplaceAll(url.PathEscape(name), ":", "%3A")
}

func (s *server) serveFile(w http.ResponseWriter, r *http.Request, name string) {
	f, err := s.root.Open(name)
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		s.notFound(w, r, err)
		return
	}
	ext := strings.ToLower(path.Ext(name))
	ctype, ok := contentTypes[ext]
	if !ok {
		ctype = mime.TypeByExtension(ext)
	}
	if ctype != "" {
		w.Header().Set("Content-Type", ctype)
	}
	content, ok := f.(io.ReadSeeker)
	if !ok {
		// An fs.FS need not seek. Without Range support the file is still
		// served whole, just as Python would.
		serveUnseekable(w, r, f, info.Size(), info.ModTime())
		return
	}
	// ServeContent answers Range, If-Modified-Since and HEAD, and sets
	// Content-Length; embedded files have no modification time and so no
	// Last-Modified.
	http.ServeContent(w, r, name, info.ModTime(), content)
}

func serveUnseekable(w http.ResponseWriter, r *http.Request, f io.Reader, size int64, mod time.Time) {
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	if !mod.IsZero() {
		w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
	}
	w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, f)
	}
}
