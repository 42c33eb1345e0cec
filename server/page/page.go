// Package page serves a course's pages — its index at / and each lesson at
// /lessons/<slug>, with the files beside it — and the static files they load.
//
// The pages are rendered and compressed once per course, in New and in
// Replace (a watcher calls it when the lesson files change), never per
// request: every GET of a page is the same bytes with the same ETag until
// the course is replaced. The page links its static files by content-hashed names, which
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

	"github.com/a-h/templ"
	"github.com/andybalholm/brotli"
	"golang.org/x/net/html"

	"wirebook/server/lesson"
	"wirebook/server/page/assets"
	"wirebook/server/respond"
	"wirebook/server/syllabus"
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

// Handler serves the course's pages (Index, Lessons) and, through Static,
// /static/…. Its course can be replaced while it serves: requests in
// flight finish with the pages they started with.
type Handler struct {
	static      *assets.Server
	clientBuilt bool
	cfg         config
	state       atomic.Pointer[rendered]
}

// rendered is one course's pages, ready to serve.
type rendered struct {
	course   *syllabus.Course
	index    *assets.File
	lessons  map[string]*assets.File // by slug
	versions map[string]string       // by slug: a hash of the lesson's page
}

type config struct {
	log      *slog.Logger
	snippets func(path string) (web.Snippet, bool)
	assetURL func(name string) string
	mounts   map[int]string // course port → path prefix on the main address
	students []string       // hosts the "send to" switch offers (-student-hosts)
	ports    [4]int         // the course's servers' ports on those hosts
	liveURL  string         // the live-reload stream, to which a lesson's slug is added; "" without one
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

// WithLiveReload has each lesson page subscribe to the live-reload stream
// at url plus its slug ("/events/lesson?lesson="; see package livereload),
// so an open page reloads when its lesson changes on disk. The default is
// none: a course that cannot change needs no stream per student.
func WithLiveReload(url string) Option { return func(c *config) { c.liveURL = url } }

// New renders the pages of course. static holds app.css, boot.js and, once
// built, app.wasm and wasm_exec.js, with their precompressed forms in
// static's dist folder (server/tools/precompress). A missing client or
// missing compressed forms are logged, not errors, so the lessons can
// still be read.
func New(course *syllabus.Course, static fs.FS, opts ...Option) (*Handler, error) {
	c := config{
		log:      slog.Default(),
		snippets: web.SnippetFor,
		mounts:   map[int]string{2503: "/files", 2504: "/echo"},
		ports:    [4]int{2502, 2503, 2504, 2505},
	}
	for _, o := range opts {
		o(&c)
	}
	h := &Handler{}
	var err error
	if h.static, err = assets.Load(static); err != nil {
		return nil, fmt.Errorf("page: static files: %w", err)
	}
	for _, need := range []string{cssFile, bootFile} {
		if !h.has(need) {
			return nil, fmt.Errorf("page: static files lack %s", need)
		}
	}
	hasWasm, hasExec := h.has(wasmFile), h.has(wasmExecFile)
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
	if err := h.Replace(course); err != nil {
		return nil, err
	}
	return h, nil
}

func (h *Handler) has(name string) bool { _, ok := h.static.Hashed(name); return ok }

// Replace renders every page of course and, only if all of them render,
// serves them from now on in place of the current ones, at once. On an
// error the current pages stay. It is safe to call while the handler
// serves, and from any goroutine.
func (h *Handler) Replace(course *syllabus.Course) error {
	if course == nil || len(course.Lessons) == 0 {
		return errors.New("page: no lessons")
	}
	st := &rendered{course: course, lessons: make(map[string]*assets.File, len(course.Lessons)), versions: map[string]string{}}
	var err error
	iv := h.indexView(course)
	var indexScripts []string
	if iv.ClientBuilt {
		indexScripts = []string{iv.Assets.WasmExec, iv.Assets.Boot}
	}
	if st.index, err = h.render(templates.CourseIndex(iv), indexScripts); err != nil {
		return fmt.Errorf("page: the index: %w", err)
	}
	for i, l := range course.Lessons {
		v := h.lessonView(course, i)
		// The version is a hash of the page rendered without one: an edit
		// that changes nothing on the page (a blank line) reloads no one.
		var b bytes.Buffer
		if err := templates.LessonPage(v).Render(context.Background(), &b); err != nil {
			return fmt.Errorf("page: %s: %w", l.Source, err)
		}
		sum := sha256.Sum256(b.Bytes())
		v.Version = hex.EncodeToString(sum[:8])
		st.versions[l.Slug] = v.Version
		if st.lessons[l.Slug], err = h.render(templates.LessonPage(v), []string{v.Assets.WasmExec, v.Assets.Boot}); err != nil {
			return fmt.Errorf("page: %s: %w", l.Source, err)
		}
	}
	h.state.Store(st)
	return nil
}

// Version is the version of the page of the lesson slug being served
// (html[data-version]); "" for a lesson the course does not have.
func (h *Handler) Version(slug string) string { return h.state.Load().versions[slug] }

// Course is the course being served.
func (h *Handler) Course() *syllabus.Course { return h.state.Load().course }

// render renders one page, refuses it if it would run any script but
// scripts, and compresses it.
func (h *Handler) render(c templ.Component, scripts []string) (*assets.File, error) {
	var b bytes.Buffer
	if err := c.Render(context.Background(), &b); err != nil {
		return nil, fmt.Errorf("render: %w", err)
	}
	if err := checkScripts(b.Bytes(), scripts); err != nil {
		return nil, err
	}
	page := assets.Content{Type: "text/html; charset=utf-8", Identity: b.Bytes()}
	var err error
	if page.Brotli, page.Gzip, err = compress(page.Identity); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	// A page changes only when the course is replaced or the server
	// restarts with another client; revalidating costs a 304.
	return assets.NewFile(page, assets.Revalidated), nil
}

// indexView is what the course's index shows.
func (h *Handler) indexView(course *syllabus.Course) templates.CourseView {
	v := templates.CourseView{Title: course.Title, Intro: course.Intro, Notes: course.Notes, ClientBuilt: h.clientBuilt}
	// The index runs the client too, which shows each lesson's progress
	// from the student's saved work.
	v.Assets = templates.LessonAssets{
		CSS:      h.cfg.assetURL(cssFile),
		WasmExec: h.cfg.assetURL(wasmExecFile),
		Boot:     h.cfg.assetURL(bootFile),
		Wasm:     h.cfg.assetURL(wasmFile),
	}
	if h.has(iconFile) {
		v.Assets.Icon = h.cfg.assetURL(iconFile)
	}
	for i, l := range course.Lessons {
		checks := 0
		for _, c := range l.Cells {
			checks += c.Expect.Len()
		}
		v.Lessons = append(v.Lessons, templates.CourseLesson{
			N: i + 1, Href: l.Path(), Slug: l.Slug, Title: l.Title, Description: l.Description, Checks: checks,
		})
	}
	return v
}

// lessonView is what the course's i-th lesson page shows.
func (h *Handler) lessonView(course *syllabus.Course, i int) templates.LessonView {
	v := view(course.Lessons[i].Lesson, h.cfg)
	v.ClientBuilt = h.clientBuilt
	if h.has(highlightCSS) {
		v.Assets.HighlightCSS = h.cfg.assetURL(highlightCSS)
	}
	if h.has(iconFile) {
		v.Assets.Icon = h.cfg.assetURL(iconFile)
	}
	if h.cfg.liveURL != "" {
		v.LiveURL = h.cfg.liveURL + url.QueryEscape(course.Lessons[i].Slug)
	}
	// The lesson's Download form posts here (routes.go: /export/{slug}).
	v.ExportURL = "/export/" + url.PathEscape(course.Lessons[i].Slug)
	v.Nav = templates.LessonNav{Index: "/", Course: course.Title, N: i + 1, Of: len(course.Lessons)}
	if i > 0 {
		p := course.Lessons[i-1]
		v.Nav.Prev = &templates.NavLink{Href: p.Path(), Title: p.Title}
	}
	if i+1 < len(course.Lessons) {
		n := course.Lessons[i+1]
		v.Nav.Next = &templates.NavLink{Href: n.Path(), Title: n.Title}
	}
	return v
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
			Client:    cell.Client,
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

// Index serves the course's index, for a route at / (routes.go admits GET
// and HEAD): brotli or gzip if the browser accepts it; If-None-Match with
// its ETag is a 304.
func (h *Handler) Index() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.state.Load().index.ServeHTTP(w, r)
	})
}

// Lessons serves, for routes at /lessons/{slug} and /lessons/{slug}/*,
// each lesson's page (as Index serves the index) and the files beside it
// (see syllabus.Lesson.Open), which are revalidated by modification time.
func (h *Handler) Lessons() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := h.state.Load()
		rest, _ := strings.CutPrefix(r.URL.Path, "/lessons/")
		slug, name, sub := strings.Cut(rest, "/")
		l, _ := st.course.Find(slug)
		switch {
		case l == nil:
			respond.Error(w, r, http.StatusNotFound, "This course has no lesson "+slug+".")
		case !sub:
			st.lessons[slug].ServeHTTP(w, r)
		case name == "":
			http.Redirect(w, r, l.Path(), http.StatusMovedPermanently)
		default:
			serveBeside(w, r, l, name)
		}
	})
}

// serveBeside serves a file beside lesson l.
func serveBeside(w http.ResponseWriter, r *http.Request, l *syllabus.Lesson, name string) {
	f, err := l.Open(name)
	if err != nil {
		respond.Error(w, r, http.StatusNotFound, "Lesson "+l.Slug+" has no file "+name+" beside it.")
		return
	}
	defer f.Close()
	st, err := f.Stat()
	rs, ok := f.(io.ReadSeeker)
	if err != nil || !ok {
		respond.Error(w, r, http.StatusInternalServerError, "Cannot read "+name+".")
		return
	}
	http.ServeContent(w, r, st.Name(), st.ModTime(), rs)
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
