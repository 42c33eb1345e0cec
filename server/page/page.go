// Package page serves the lesson page and the static files it loads.
//
// The lesson is fixed for the life of the server, so the page is rendered
// once, in New, and every GET / is the same bytes with the same ETag.
package page

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"

	"wirebook/server/lesson"
	"wirebook/server/respond"
	"wirebook/templates"
	"wirebook/web"
)

// The client's files in the static file system. app.wasm and wasm_exec.js
// are build output (go tool task build), not committed, so either may be
// missing; boot.js and app.css are committed.
const (
	wasmFile     = "app.wasm"
	wasmExecFile = "wasm_exec.js"
	bootFile     = "boot.js"
	cssFile      = "app.css"
	highlightCSS = "highlight.css"
)

// ClientMissing is what the log and the page say when app.wasm is absent.
const ClientMissing = "client not built: run go tool task build"

// Snippet is the Go source that answers a route, highlighted as HTML.
type Snippet struct {
	Route string // "GET /json"
	File  string // "server/course/json.go"
	Line  int
	HTML  string // chroma's output for our own source; written unescaped
}

// Handler serves GET / (the page) and, through Static, /static/….
type Handler struct {
	page        []byte
	etag        string
	static      fs.FS
	staticETags map[string]string // file name → strong ETag
	clientBuilt bool
}

type config struct {
	log      *slog.Logger
	snippets func(path string) (Snippet, bool)
	assetURL func(name string) string
}

// Option configures New.
type Option func(*config)

// WithLogger is where New reports a missing client. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithSnippets looks up the server code for a request path, to show once
// beside the first cell of each route. The default is web.SnippetFor.
func WithSnippets(lookup func(path string) (Snippet, bool)) Option {
	return func(c *config) { c.snippets = lookup }
}

// WithAssetURL maps a static file name ("app.css") to the URL the page
// loads it from. The default is "/static/" + name; content-hashed names
// plug in here.
func WithAssetURL(f func(name string) string) Option { return func(c *config) { c.assetURL = f } }

// New renders the page for l. static holds app.css, boot.js and, once
// built, app.wasm and wasm_exec.js; a missing client is logged, not an
// error, so the lesson can still be read.
func New(l *lesson.Lesson, static fs.FS, opts ...Option) (*Handler, error) {
	c := config{
		log:      slog.Default(),
		snippets: defaultSnippets,
		assetURL: func(name string) string { return "/static/" + name },
	}
	for _, o := range opts {
		o(&c)
	}
	if l == nil {
		return nil, errors.New("page: no lesson")
	}

	h := &Handler{static: static}
	var err error
	if h.staticETags, err = hashFiles(static); err != nil {
		return nil, fmt.Errorf("page: static files: %w", err)
	}
	for _, need := range []string{cssFile, bootFile} {
		if _, ok := h.staticETags[need]; !ok {
			return nil, fmt.Errorf("page: static files lack %s", need)
		}
	}
	_, hasWasm := h.staticETags[wasmFile]
	_, hasExec := h.staticETags[wasmExecFile]
	h.clientBuilt = hasWasm && hasExec
	if !h.clientBuilt {
		c.log.Warn(ClientMissing, "app.wasm", hasWasm, "wasm_exec.js", hasExec)
	}

	v := view(l, c)
	v.ClientBuilt = h.clientBuilt
	if _, ok := h.staticETags[highlightCSS]; ok {
		v.Assets.HighlightCSS = c.assetURL(highlightCSS)
	}
	var b bytes.Buffer
	if err := templates.LessonPage(v).Render(context.Background(), &b); err != nil {
		return nil, fmt.Errorf("page: render: %w", err)
	}
	scripts := []string{v.Assets.WasmExec, v.Assets.Boot}
	if err := checkScripts(b.Bytes(), scripts); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	h.page = b.Bytes()
	h.etag = etag(h.page)
	return h, nil
}

// defaultSnippets is the handler source generated into package web.
func defaultSnippets(path string) (Snippet, bool) {
	s, ok := web.SnippetFor(path)
	return Snippet{Route: s.Route, File: s.File, Line: s.Line, HTML: s.HTML}, ok
}

// view turns the parsed lesson into what the template shows.
func view(l *lesson.Lesson, c config) templates.LessonView {
	v := templates.LessonView{
		Title: l.Title,
		Assets: templates.LessonAssets{
			CSS:      c.assetURL(cssFile),
			WasmExec: c.assetURL(wasmExecFile),
			Boot:     c.assetURL(bootFile),
			Wasm:     c.assetURL(wasmFile),
		},
	}
	for _, h := range l.TOC {
		v.TOC = append(v.TOC, templates.LessonHeading{Level: h.Level, ID: h.ID, Text: h.Text})
	}
	shown := map[string]bool{} // routes whose snippet is already on the page
	for _, b := range l.Blocks {
		if b.Cell == nil {
			v.Blocks = append(v.Blocks, templates.LessonBlock{Prose: b.Prose})
			continue
		}
		cell := b.Cell
		cv := &templates.CellView{
			N:         cell.N,
			ID:        cell.ID,
			Text:      cell.Text,
			Stream:    cell.Stream,
			Transport: cell.Transport,
		}
		if s, ok := c.snippets(routePath(cell.Request.Target)); ok && !shown[s.Route] {
			shown[s.Route] = true
			cv.Snippet = &templates.SnippetView{Route: s.Route, File: s.File, Line: s.Line, HTML: s.HTML}
		}
		v.Blocks = append(v.Blocks, templates.LessonBlock{Cell: cv})
	}
	return v
}

// routePath is the path on the main address that serves target. A cell may
// call a course port directly, as the notebook did; the file server (2503)
// and the request echo (2504) are mounted under /files and /echo there.
func routePath(target string) string {
	u, err := url.Parse(target)
	if err != nil {
		return ""
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	if u.Host == "" {
		return p
	}
	_, port, _ := net.SplitHostPort(u.Host)
	switch port {
	case "2503":
		return "/files" + p
	case "2504":
		return "/echo" + p
	}
	return p
}

// checkScripts refuses a page that would run anything but the client: a
// <script> other than ours, an on* handler, a javascript: URL. The lesson
// package renders Markdown without raw HTML, so this never fires unless that
// guarantee is lost; it is checked once, at start, where a broken page stops
// the server instead of reaching every student in the class.
func checkScripts(page []byte, ours []string) error {
	allowed := map[string]bool{}
	for _, s := range ours {
		allowed[s] = true
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return nil
			}
			return z.Err()
		case html.StartTagToken, html.SelfClosingTagToken:
			t := z.Token()
			src := ""
			for _, a := range t.Attr {
				name := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(name, "on"):
					return fmt.Errorf("the page would carry an event handler attribute %s on <%s>", a.Key, t.Data)
				case (name == "href" || name == "src" || name == "action" || name == "formaction") &&
					strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
					return fmt.Errorf("the page would carry a javascript: URL on <%s>", t.Data)
				case name == "src":
					src = a.Val
				}
			}
			if t.Data == "script" && !allowed[src] {
				return fmt.Errorf("the page would carry a <script> that is not the client's (src %q)", src)
			}
		}
	}
}

// ServeHTTP answers GET and HEAD with the page; If-None-Match with its ETag
// is a 304.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		respond.Error(w, r, http.StatusMethodNotAllowed, r.Method+" is not allowed on the lesson page.")
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("ETag", h.etag)
	// The page changes only when the server restarts with another lesson or
	// client; revalidating costs a 304.
	hd.Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(h.page))
}

// Static serves the static files for a route mounted at /static/ (the
// prefix is stripped here). It lists no directories and names each file by
// its content so a browser revalidates with If-None-Match.
func (h *Handler) Static() http.Handler {
	files := http.FileServerFS(h.static)
	return http.StripPrefix("/static", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		tag, ok := h.staticETags[name]
		if !ok {
			msg := "No static file " + name + "."
			if name == wasmFile || name == wasmExecFile {
				msg = ClientMissing + "."
			}
			respond.Error(w, r, http.StatusNotFound, msg)
			return
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Cache-Control", "no-cache")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		files.ServeHTTP(w, r)
	}))
}

// ClientBuilt reports whether app.wasm and wasm_exec.js are being served.
func (h *Handler) ClientBuilt() bool { return h.clientBuilt }

func hashFiles(fsys fs.FS) (map[string]string, error) {
	tags := map[string]string{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		tags[p] = etag(b)
		return nil
	})
	return tags, err
}

func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}
