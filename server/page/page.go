// Package page serves the lesson page and the static files it loads.
//
// The page is rendered and compressed once per lesson, in New and in each
// Replace (live authoring swaps in a re-parsed lesson), and every GET / in
// between is the same bytes with the same ETag. The page links its static files by content-hashed names, which
// browsers keep for a year without asking again (see package assets): a
// returning visitor costs one 304.
package page

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/andybalholm/brotli"
	"golang.org/x/net/html"

	"wirebook/server/lesson"
	"wirebook/server/page/assets"
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
	iconFile     = "favicon.ico"
)

// ClientMissing is what the log and the page say when app.wasm is absent.
const ClientMissing = "client not built: run go tool task build"

// StaticUncompressed is what the log says when static files lack their
// precompressed forms: they are served, only larger.
const StaticUncompressed = "static files served without brotli or gzip: run go tool task build"

// pageBrotliQuality compresses the page at start. The default lesson's
// 95 KiB page takes about 13 ms at quality 6 and 150 ms at 11, for 1.2 KiB
// less: not worth a slower start, least of all in tests that start many
// servers.
const pageBrotliQuality = 6

// Handler serves GET / (the page) and, through Static, /static/….
type Handler struct {
	page        atomic.Pointer[rendered] // swapped whole by Replace
	static      *assets.Server
	clientBuilt bool
	cfg         config
}

// rendered is one lesson's page, ready to serve, and its version.
type rendered struct {
	file    *assets.File
	version string
}

type config struct {
	log      *slog.Logger
	snippets func(path string) (web.Snippet, bool)
	assetURL func(name string) string
	mounts   map[int]string // course port → path prefix on the main address
	students []string       // hosts the "send to" switch offers (-student-hosts)
	ports    [4]int         // the course's servers' ports on those hosts
	liveURL  string         // the live-reload stream; "" without one
}

// Option configures New.
type Option func(*config)

// WithLogger is where New reports a missing client. The default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// WithSnippets looks up the server code for a request path, to show once
// beside the first cell of each route. The default is web.SnippetFor.
func WithSnippets(lookup func(path string) (web.Snippet, bool)) Option {
	return func(c *config) { c.snippets = lookup }
}

// WithAssetURL maps a static file name ("app.css") to the URL the page
// loads it from. The default is its content-hashed name under /static/
// ("/static/app.3f2a9c1e0b7d.css"), which Static serves as immutable.
func WithAssetURL(f func(name string) string) Option { return func(c *config) { c.assetURL = f } }

// WithCoursePorts says which course ports are served under a prefix on the
// main address (the file server's port under "/files", the echo's under
// "/echo"), so a cell that calls such a port directly, as the course's
// notebook did, is shown beside the code that answers it. The default is
// the course's own ports, 2503 and 2504.
func WithCoursePorts(mounts map[int]string) Option { return func(c *config) { c.mounts = mounts } }

// WithStudentHosts lists the hosts, besides wirebook itself, that the
// page's "send to" switch offers: a student running the course's servers on
// one of them sends the wire cells to its course ports, and the checks run
// against their own code. The relay must allow the same hosts
// (-student-hosts sets both). The default is none: the switch shows only
// wirebook, disabled.
func WithStudentHosts(hosts []string) Option {
	return func(c *config) { c.students = slices.Clone(hosts) }
}

// WithStudentPorts says where the course's servers listen on a student's
// host, as -course-ports gives them (auth, files, echo, app); a 0 keeps the
// course's own port, 2502 … 2505, as the relay does. The page hands them
// to the client with the "send to" switch.
func WithStudentPorts(auth, files, echo, app int) Option {
	return func(c *config) {
		for i, p := range [4]int{auth, files, echo, app} {
			if p != 0 {
				c.ports[i] = p
			}
		}
	}
}

// WithLiveReload has the page subscribe to the live-reload stream at url
// ("/events/lesson?lesson=" for the single lesson; see package livereload),
// so an open page reloads when the lesson changes on disk. The default is
// none: a lesson that cannot change needs no stream per student.
func WithLiveReload(url string) Option { return func(c *config) { c.liveURL = url } }

// New renders the page for l. static holds app.css, boot.js and, once
// built, app.wasm and wasm_exec.js, with their precompressed forms in
// static's dist folder (server/tools/precompress). A missing client or missing
// compressed forms are logged, not errors, so the lesson can still be read.
func New(l *lesson.Lesson, static fs.FS, opts ...Option) (*Handler, error) {
	c := config{
		log:      slog.Default(),
		snippets: web.SnippetFor,
		mounts:   map[int]string{2503: "/files", 2504: "/echo"},
		ports:    [4]int{2502, 2503, 2504, 2505},
	}
	for _, o := range opts {
		o(&c)
	}
	if l == nil {
		return nil, errors.New("page: no lesson")
	}

	h := &Handler{}
	var err error
	if h.static, err = assets.Load(static); err != nil {
		return nil, fmt.Errorf("page: static files: %w", err)
	}
	has := func(name string) bool { _, ok := h.static.Hashed(name); return ok }
	for _, need := range []string{cssFile, bootFile} {
		if !has(need) {
			return nil, fmt.Errorf("page: static files lack %s", need)
		}
	}
	hasWasm, hasExec := has(wasmFile), has(wasmExecFile)
	h.clientBuilt = hasWasm && hasExec
	if !h.clientBuilt {
		c.log.Warn(ClientMissing, "app.wasm", hasWasm, "wasm_exec.js", hasExec)
	}
	if plain := h.static.Unencoded(); len(plain) > 0 {
		c.log.Warn(StaticUncompressed, "files", plain)
	}
	if c.assetURL == nil {
		c.assetURL = h.hashedURL
	}
	h.cfg = c
	if err := h.Replace(l); err != nil {
		return nil, err
	}
	return h, nil
}

// Replace renders l and serves it from now on in place of the page before:
// requests already being answered finish with the old page, and the next
// get the new one. On an error the old page stays. It is safe to call
// while the handler serves; calls should not overlap (the last to finish
// wins).
func (h *Handler) Replace(l *lesson.Lesson) error {
	if l == nil {
		return errors.New("page: no lesson")
	}
	p, err := h.render(l)
	if err != nil {
		return err
	}
	h.page.Store(p)
	return nil
}

// Version is the version of the page being served (html[data-version]): a
// hash of the page itself, so an edit that changes nothing on the page (a
// blank line) is not a new version and reloads no one.
func (h *Handler) Version() string { return h.page.Load().version }

// render makes l's page. It renders twice: once without a version, whose
// hash is the version, then with it.
func (h *Handler) render(l *lesson.Lesson) (*rendered, error) {
	c := h.cfg
	v := view(l, c)
	v.ClientBuilt = h.clientBuilt
	v.LiveURL = c.liveURL
	if _, ok := h.static.Hashed(highlightCSS); ok {
		v.Assets.HighlightCSS = c.assetURL(highlightCSS)
	}
	if _, ok := h.static.Hashed(iconFile); ok {
		v.Assets.Icon = c.assetURL(iconFile)
	}
	var b bytes.Buffer
	if err := templates.LessonPage(v).Render(context.Background(), &b); err != nil {
		return nil, fmt.Errorf("page: render: %w", err)
	}
	sum := sha256.Sum256(b.Bytes())
	v.Version = hex.EncodeToString(sum[:8])
	b.Reset()
	if err := templates.LessonPage(v).Render(context.Background(), &b); err != nil {
		return nil, fmt.Errorf("page: render: %w", err)
	}
	scripts := []string{v.Assets.WasmExec, v.Assets.Boot}
	if err := checkScripts(b.Bytes(), scripts); err != nil {
		return nil, fmt.Errorf("page: %w", err)
	}
	page := assets.Content{Type: "text/html; charset=utf-8", Identity: b.Bytes()}
	var err error
	if page.Brotli, page.Gzip, err = compress(page.Identity); err != nil {
		return nil, fmt.Errorf("page: compress: %w", err)
	}
	// The page changes only when the lesson does; revalidating costs a 304.
	return &rendered{file: assets.NewFile(page, assets.Revalidated), version: v.Version}, nil
}

// hashedURL is the default WithAssetURL. A file that is absent keeps its
// plain name: the page does not link it (the client is not built), and
// asking for it says why.
func (h *Handler) hashedURL(name string) string {
	if hashed, ok := h.static.Hashed(name); ok {
		return "/static/" + hashed
	}
	return "/static/" + name
}

// compress makes the page's brotli and gzip forms.
func compress(b []byte) (br, gz []byte, err error) {
	var bb, gb bytes.Buffer
	bw := brotli.NewWriterLevel(&bb, pageBrotliQuality)
	if _, err := bw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := bw.Close(); err != nil {
		return nil, nil, err
	}
	gw, err := gzip.NewWriterLevel(&gb, gzip.BestCompression)
	if err != nil {
		return nil, nil, err
	}
	if _, err := gw.Write(b); err != nil {
		return nil, nil, err
	}
	if err := gw.Close(); err != nil {
		return nil, nil, err
	}
	return bb.Bytes(), gb.Bytes(), nil
}

// view turns the parsed lesson into what the template shows.
func view(l *lesson.Lesson, c config) templates.LessonView {
	v := templates.LessonView{
		Title:        l.Title,
		StudentHosts: c.students,
		StudentPorts: joinPorts(c.ports),
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
			Expect:    cell.ExpectText,
			Checks:    cell.Expect.Len(),
			Exercise:  cell.Exercise,
			Socket:    strings.HasPrefix(routePath(cell.Request.Target, c.mounts), "/ws/"),
		}
		v.Checks += cv.Checks
		if s, ok := c.snippets(routePath(cell.Request.Target, c.mounts)); ok && !shown[s.Route] {
			shown[s.Route] = true
			cv.Snippet = &s
		}
		v.Blocks = append(v.Blocks, templates.LessonBlock{Cell: cv})
	}
	return v
}

// joinPorts writes ports as the client reads them, "2502,2503,2504,2505".
func joinPorts(ports [4]int) string {
	s := make([]string, len(ports))
	for i, p := range ports {
		s[i] = strconv.Itoa(p)
	}
	return strings.Join(s, ",")
}

// routePath is the path on the main address that serves target: its own
// path, under the prefix mounts gives for its port, if any.
func routePath(target string, mounts map[int]string) string {
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
	port, _ := strconv.Atoi(u.Port())
	return mounts[port] + p
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

// ServeHTTP answers with the page (routes.go admits GET and HEAD), brotli or gzip if the
// browser accepts it; If-None-Match with its ETag is a 304.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.page.Load().file.ServeHTTP(w, r)
}

// Static serves the static files for a route mounted at /static/ (the
// handler takes the prefix off itself, without copying the request as
// http.StripPrefix would). Each file answers to its hashed name, immutable,
// and to its plain name, revalidated by ETag; neither the folder nor the
// precompressed files in it are listed or served on their own.
func (h *Handler) Static() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, _ := strings.CutPrefix(r.URL.Path, "/static/")
		if f, ok := h.static.File(name); ok {
			f.ServeHTTP(w, r)
			return
		}
		msg := "No static file " + name + "."
		switch {
		case name == "":
			msg = "The static folder is not listed."
		case name == wasmFile || name == wasmExecFile:
			msg = ClientMissing + "."
		case h.static.Stale(name):
			msg = "This version of " + name + " is gone: the server has restarted with a new one. Reload the page."
		}
		respond.Error(w, r, http.StatusNotFound, msg)
	})
}

// Favicon serves the page's icon for a route at /favicon.ico, where a
// browser looks when a page names none (a file listing, an error page);
// the lesson page links it by its hashed name. Without it every such visit
// logs a 404.
func (h *Handler) Favicon() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := h.static.File(iconFile)
		if !ok {
			respond.Error(w, r, http.StatusNotFound, "No icon: the static files lack "+iconFile+".")
			return
		}
		f.ServeHTTP(w, r)
	})
}

// ClientBuilt reports whether app.wasm and wasm_exec.js are being served.
func (h *Handler) ClientBuilt() bool { return h.clientBuilt }
