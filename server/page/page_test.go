package page

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/PuerkitoBio/goquery"

	"wirebook/server/internal/testkit"
	"wirebook/server/lesson"
	"wirebook/server/page/assets"
	"wirebook/server/syllabus"
	"wirebook/web"
)

const testLesson = `# HTTP Servers

Some **prose** before the first cell.

<script>alert("from the lesson")</script>

<img src=x onerror="alert(1)">

[a link](javascript:alert(1))

## Simplest possible

` + "```http" + `
GET /hello
` + "```" + `

Streaming:

` + "```http stream transport=browser" + `
GET /stream
` + "```" + `

` + "```http" + `
POST /json
Content-Type: application/x-www-form-urlencoded

name=David&title=Data+Scientist
` + "```" + `

` + "```http" + `
GET /json?name=David
` + "```" + `

` + "```http" + `
GET http://127.0.0.1:2503/greetings.txt
` + "```" + `
`

func parseLesson(t *testing.T, src string) *lesson.Lesson {
	t.Helper()
	l, err := lesson.Parse("test.md", []byte(src))
	if err != nil {
		t.Fatalf("lesson.Parse: %v", err)
	}
	return l
}

// hashedURL is where the page must link a file of staticFS.
func hashedURL(name string) string {
	return "/static/" + assets.HashedName(name, staticFS(true)[name].Data)
}

func staticFS(withClient bool) fstest.MapFS {
	fsys := fstest.MapFS{
		"app.css":       {Data: []byte("body{}")},
		"boot.js":       {Data: []byte("/* boot */")},
		"highlight.css": {Data: []byte(".chroma{}")},
		"favicon.ico":   {Data: []byte("\x00\x00\x01\x00 an icon")},
	}
	if withClient {
		fsys["app.wasm"] = &fstest.MapFile{Data: []byte("\x00asm\x01\x00\x00\x00")}
		fsys["wasm_exec.js"] = &fstest.MapFile{Data: []byte("/* go */")}
	}
	return fsys
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newHandler(t *testing.T, withClient bool, opts ...Option) *Handler {
	t.Helper()
	opts = append([]Option{WithLogger(quietLog())}, opts...)
	h, err := New(syllabus.Of("test.md", parseLesson(t, testLesson)), staticFS(withClient), opts...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func get(t *testing.T, h http.Handler, path string, header ...string) *http.Response {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w.Result()
}

func document(t *testing.T, h *Handler) *goquery.Document {
	t.Helper()
	resp := get(t, h.Lessons(), "/lessons/test")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestEveryCellCarriesTheDOMContract(t *testing.T) {
	t.Parallel()
	doc := document(t, newHandler(t, true))

	cells := doc.Find("[data-cell]")
	if cells.Length() != 5 {
		t.Fatalf("found %d [data-cell], want 5", cells.Length())
	}
	wantText := []string{"GET /hello", "GET /stream", "POST /json\nContent-Type: application/x-www-form-urlencoded\n\nname=David&title=Data+Scientist", "GET /json?name=David", "GET http://127.0.0.1:2503/greetings.txt"}
	cells.Each(func(i int, c *goquery.Selection) {
		for _, sel := range []string{"textarea[data-request]", "button[data-run]", "[data-count]", "[data-outputs]", `[data-copy="curl"]`, `[data-copy="python"]`, "input[data-transport-choice]"} {
			if c.Find(sel).Length() == 0 {
				t.Errorf("cell %d lacks %s", i+1, sel)
			}
		}
		if got := c.Find("textarea[data-request]").Text(); got != wantText[i] {
			t.Errorf("cell %d request text = %q, want %q", i+1, got, wantText[i])
		}
		if got := c.Find("[data-count]").Text(); got != "In [ ]:" {
			t.Errorf("cell %d prompt = %q, want the unrun prompt In [ ]:", i+1, got)
		}
		if id, _ := c.Attr("id"); id != "cell-"+string(rune('1'+i)) {
			t.Errorf("cell %d id = %q", i+1, id)
		}
		if _, ok := c.Attr("data-transport"); !ok {
			t.Errorf("cell %d has no data-transport", i+1)
		}
	})

	if doc.Find("[data-run-all]").Length() != 1 {
		t.Error("the page has no single [data-run-all]")
	}
	// The output appears only after a run: the client puts it there.
	if n := doc.Find("[data-output], [data-error], [data-status]").Length(); n != 0 {
		t.Errorf("the unrun page already has %d output elements", n)
	}
}

func TestCellOptionsReachTheDOM(t *testing.T) {
	t.Parallel()
	doc := document(t, newHandler(t, true))
	rows := []struct {
		name      string
		cell      string
		stream    bool
		transport string
	}{
		{"a plain cell neither streams nor leaves the wire default", "#cell-1", false, "wire"},
		{"a stream cell says so and keeps its transport option", "#cell-2", true, "browser"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			c := doc.Find(row.cell)
			if _, ok := c.Attr("data-stream"); ok != row.stream {
				t.Errorf("data-stream present = %v, want %v", ok, row.stream)
			}
			if got, _ := c.Attr("data-transport"); got != row.transport {
				t.Errorf("data-transport = %q, want %q", got, row.transport)
			}
			checked, _ := c.Find("input[data-transport-choice][checked]").Attr("value")
			if checked != row.transport {
				t.Errorf("checked transport = %q, want %q", checked, row.transport)
			}
		})
	}
}

// A WebSocket cell runs one way only, through the browser's WebSocket: a
// wire/browser switch or a Compare button there would do nothing.
func TestSocketCellsOfferNoTransportChoice(t *testing.T) {
	t.Parallel()
	l := parseLesson(t, "# Sockets\n\n```http\nGET /ws/stream\n```\n\n```http\nGET /hello\n```\n")
	h, err := New(syllabus.Of("test.md", l), staticFS(true), WithLogger(quietLog()))
	if err != nil {
		t.Fatal(err)
	}
	doc := document(t, h)
	for _, row := range []struct {
		cell  string
		offer bool
	}{{"#cell-1", false}, {"#cell-2", true}} {
		c := doc.Find(row.cell)
		for _, sel := range []string{"[data-transport-choice]", "[data-compare]"} {
			if got := c.Find(sel).Length() > 0; got != row.offer {
				t.Errorf("%s (%s) has %s: %v, want %v", row.cell, c.Find("textarea").Text(), sel, got, row.offer)
			}
		}
		if c.Find("[data-run]").Length() != 1 {
			t.Errorf("%s lost its Run button", row.cell)
		}
	}
}

// A screen reader hears a run through one polite live region the client
// fills with a short summary, not through outputs read out as they fill.
func TestOneLiveRegionAndAudiblePrompts(t *testing.T) {
	t.Parallel()
	doc := document(t, newHandler(t, true))
	live := doc.Find("[aria-live], [role=status], [role=alert], [role=log]").FilterFunction(func(_ int, s *goquery.Selection) bool {
		// The page's other status lines: the start-up note and each cell's "Copied".
		_, note := s.Attr("data-client-note")
		_, copied := s.Attr("data-copy-status")
		return !note && !copied
	})
	if live.Length() != 1 || !live.Is("[data-announce]") {
		t.Errorf("%d live regions besides the notes, want the one [data-announce]", live.Length())
	}
	if v, _ := live.Attr("aria-live"); v != "polite" {
		t.Errorf("[data-announce] aria-live = %q, want polite", v)
	}
	doc.Find("[data-cell]").Each(func(i int, c *goquery.Selection) {
		if c.Find("[data-outputs][aria-live], [data-outputs][role]").Length() > 0 {
			t.Errorf("cell %d's outputs are read out as they fill", i+1)
		}
		if _, hidden := c.Find("[data-count]").Attr("aria-hidden"); hidden {
			t.Errorf("cell %d's prompt (In [*] while it runs) is hidden from screen readers", i+1)
		}
	})
}

func TestProseIsOnThePageAndLessonScriptsAreNot(t *testing.T) {
	t.Parallel()
	doc := document(t, newHandler(t, true))

	if got := doc.Find(".prose strong").First().Text(); got != "prose" {
		t.Errorf("prose <strong> = %q, want the lesson's bold word", got)
	}
	if got := doc.Find(".prose h2").First().Text(); got != "Simplest possible" {
		t.Errorf("prose heading = %q", got)
	}
	if got := doc.Find("title").Text(); !strings.Contains(got, "HTTP Servers") {
		t.Errorf("<title> = %q, want the lesson title in it", got)
	}

	var srcs []string
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		src, _ := s.Attr("src")
		srcs = append(srcs, src)
		if strings.TrimSpace(s.Text()) != "" {
			t.Errorf("an inline script is on the page: %q", s.Text())
		}
	})
	if want := []string{hashedURL("wasm_exec.js"), hashedURL("boot.js")}; strings.Join(srcs, " ") != strings.Join(want, " ") {
		t.Errorf("scripts = %q, want exactly %q", srcs, want)
	}
	if wasm, _ := doc.Find(`script[src="` + hashedURL("boot.js") + `"]`).Attr("data-wasm"); wasm != hashedURL("app.wasm") {
		t.Errorf("boot.js data-wasm = %q, want %q", wasm, hashedURL("app.wasm"))
	}
	// fetch() in boot.js is a CORS-mode request: only a crossorigin preload matches it.
	pre := doc.Find(`link[rel="preload"][as="fetch"]`)
	if href, _ := pre.Attr("href"); href != hashedURL("app.wasm") {
		t.Errorf("preload href = %q, want the client", href)
	}
	if co, ok := pre.Attr("crossorigin"); !ok || co != "anonymous" {
		t.Errorf("preload crossorigin = %q, %v", co, ok)
	}
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, a := range s.Nodes[0].Attr {
			if strings.HasPrefix(strings.ToLower(a.Key), "on") {
				t.Errorf("<%s> carries %s=%q", goquery.NodeName(s), a.Key, a.Val)
			}
			if strings.HasPrefix(strings.ToLower(a.Val), "javascript:") {
				t.Errorf("<%s> carries %s=%q", goquery.NodeName(s), a.Key, a.Val)
			}
		}
	})
}

func TestCheckScriptsRefusesWhatTheClientDidNotBring(t *testing.T) {
	t.Parallel()
	ours := []string{"/static/wasm_exec.js", "/static/boot.js"}
	rows := []struct {
		name string
		page string
		ok   bool
	}{
		{"the client's scripts pass", `<script src="/static/wasm_exec.js"></script><script src="/static/boot.js"></script>`, true},
		{"an inline script is refused", `<p>hi</p><script>alert(1)</script>`, false},
		{"a foreign script src is refused", `<script src="https://cdn.example/x.js"></script>`, false},
		{"an event handler attribute is refused", `<img src="x" onerror="alert(1)">`, false},
		{"a javascript: link is refused", `<a href=" JavaScript:alert(1)">x</a>`, false},
		{"a script-like word in text passes", `<p>&lt;script&gt; and onload are words</p>`, true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			err := checkScripts([]byte(row.page), ours)
			if (err == nil) != row.ok {
				t.Errorf("checkScripts = %v, want ok=%v", err, row.ok)
			}
		})
	}
}

func TestPageETagAnd304(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	first := get(t, h.Lessons(), "/lessons/test")
	tag := first.Header.Get("ETag")
	if first.StatusCode != http.StatusOK || tag == "" || !strings.HasPrefix(tag, `"`) {
		t.Fatalf("GET / = %d with ETag %q", first.StatusCode, tag)
	}
	if ct := first.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	body, _ := io.ReadAll(first.Body)

	rows := []struct {
		name        string
		ifNoneMatch string
		status      int
	}{
		{"the same ETag is a 304", tag, http.StatusNotModified},
		{"the ETag in a list is a 304", `"nope", ` + tag, http.StatusNotModified},
		{"a weak form of the ETag is a 304", "W/" + tag, http.StatusNotModified},
		{"* is a 304", "*", http.StatusNotModified},
		{"another ETag gets the page", `"something-else"`, http.StatusOK},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp := get(t, h.Lessons(), "/lessons/test", "If-None-Match", row.ifNoneMatch)
			if resp.StatusCode != row.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, row.status)
			}
			got, _ := io.ReadAll(resp.Body)
			if row.status == http.StatusNotModified && len(got) != 0 {
				t.Errorf("a 304 carries %d body bytes", len(got))
			}
			if row.status == http.StatusOK && !bytes.Equal(got, body) {
				t.Error("the page differs between two GETs")
			}
		})
	}

	t.Run("the page is the same bytes for every request", func(t *testing.T) {
		t.Parallel()
		again := get(t, newHandler(t, true).Lessons(), "/lessons/test").Header.Get("ETag")
		if again != tag {
			t.Errorf("two renders of one lesson differ: %s vs %s", again, tag)
		}
	})
}

func TestMissingClientIsSaidNotFatal(t *testing.T) {
	t.Parallel()
	var log bytes.Buffer
	h, err := New(syllabus.Of("test.md", parseLesson(t, testLesson)), staticFS(false), WithLogger(slog.New(slog.NewTextHandler(&log, nil))))
	if err != nil {
		t.Fatalf("New without app.wasm = %v, want a page anyway", err)
	}
	if h.ClientBuilt() {
		t.Error("ClientBuilt() = true without app.wasm")
	}
	if !strings.Contains(log.String(), ClientMissing) {
		t.Errorf("log = %q, want it to say %q", log.String(), ClientMissing)
	}
	doc := document(t, h)
	if got := doc.Find("[data-client-missing]").Text(); !strings.Contains(got, "go tool task build") {
		t.Errorf("page says %q, want the build command", got)
	}
	if n := doc.Find(`script, link[rel="preload"]`).Length(); n != 0 {
		t.Errorf("the page loads %d scripts or preloads for a client that is not there", n)
	}
	if doc.Find("[data-cell] textarea").Length() != 5 {
		t.Error("without the client the requests are not readable")
	}

	resp := get(t, h.Static(), "/static/app.wasm")
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(b), "go tool task build") {
		t.Errorf("GET /static/app.wasm = %d %q, want a 404 that says how to build it", resp.StatusCode, b)
	}

	if built := newHandler(t, true); !built.ClientBuilt() {
		t.Error("ClientBuilt() = false with app.wasm and wasm_exec.js present")
	}
}

func TestStaticFiles(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true).Static()
	rows := []struct {
		name   string
		path   string
		status int
		ctype  string
	}{
		{"the wasm client is application/wasm, as instantiateStreaming requires", "/static/app.wasm", 200, "application/wasm"},
		{"wasm_exec.js is JavaScript", "/static/wasm_exec.js", 200, "text/javascript; charset=utf-8"},
		{"boot.js is JavaScript", "/static/boot.js", 200, "text/javascript; charset=utf-8"},
		{"app.css is CSS", "/static/app.css", 200, "text/css; charset=utf-8"},
		{"the folder is not listed", "/static/", 404, ""},
		{"a missing file is a 404", "/static/nope.js", 404, ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp := get(t, h, row.path)
			if resp.StatusCode != row.status {
				t.Fatalf("status = %d, want %d", resp.StatusCode, row.status)
			}
			if row.ctype != "" && resp.Header.Get("Content-Type") != row.ctype {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), row.ctype)
			}
			if row.status == 200 {
				tag := resp.Header.Get("ETag")
				if tag == "" {
					t.Fatal("no ETag")
				}
				if again := get(t, h, row.path, "If-None-Match", tag); again.StatusCode != http.StatusNotModified {
					t.Errorf("revalidation = %d, want 304", again.StatusCode)
				}
			}
		})
	}
}

// A browser asks for /favicon.ico unless the page names an icon: the page
// names its hashed one, and /favicon.ico answers for the pages that do not.
func TestFavicon(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	href, _ := document(t, h).Find(`head link[rel="icon"]`).Attr("href")
	if href != hashedURL("favicon.ico") {
		t.Errorf("icon link = %q, want %q", href, hashedURL("favicon.ico"))
	}
	want := string(staticFS(true)["favicon.ico"].Data)
	for _, row := range []struct {
		name string
		h    http.Handler
		path string
	}{{"the hashed name the page links", h.Static(), href}, {"the name browsers guess", h.Favicon(), "/favicon.ico"}} {
		resp := get(t, row.h, row.path)
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/x-icon" || string(b) != want {
			t.Errorf("%s: %d %q %q, want the icon", row.name, resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
	}
}

func TestSnippetShownOncePerRoute(t *testing.T) {
	t.Parallel()
	var asked []string
	lookup := func(path string) (web.Snippet, bool) {
		asked = append(asked, path)
		switch path {
		case "/json":
			return web.Snippet{Route: "/json", File: "server/course/json.go", Line: 12, HTML: `<pre class="chroma"><span class="kd">func</span> JSON()</pre>`}, true
		case "/files/greetings.txt":
			return web.Snippet{Route: "/files/*", File: "server/files/files.go", Line: 40, HTML: `<pre>files</pre>`}, true
		}
		return web.Snippet{}, false
	}
	doc := document(t, newHandler(t, true, WithSnippets(lookup)))

	if got := strings.Join(asked, " "); got != "/hello /stream /json /json /files/greetings.txt" {
		t.Errorf("looked up %q; a course-port URL should map to its route on the main address", got)
	}
	rows := []struct {
		name string
		cell string
		want string // file:line, or "" for no snippet
	}{
		{"a route without a snippet shows none", "#cell-1", ""},
		{"the first cell of a route shows its handler", "#cell-3", "server/course/json.go:12"},
		{"the second cell of the same route does not repeat it", "#cell-4", ""},
		{"a file-server URL on its course port shows the file server", "#cell-5", "server/files/files.go:40"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			s := doc.Find(row.cell + " details.snippet")
			if row.want == "" {
				if s.Length() != 0 {
					t.Errorf("cell shows %d snippets, want none", s.Length())
				}
				return
			}
			if s.Length() != 1 {
				t.Fatalf("cell shows %d snippets, want 1", s.Length())
			}
			if _, open := s.Attr("open"); open {
				t.Error("the snippet is open; it should start collapsed")
			}
			if got := s.Find(".snippet-file").Text(); got != row.want {
				t.Errorf("snippet names %q, want %q", got, row.want)
			}
			if s.Find("pre").Length() == 0 {
				t.Error("the snippet's HTML was escaped instead of written")
			}
		})
	}
}

func TestNewRefusesStaticFilesWithoutThePage(t *testing.T) {
	t.Parallel()
	fsys := staticFS(true)
	delete(fsys, "boot.js")
	if _, err := New(syllabus.Of("test.md", parseLesson(t, testLesson)), fsys, WithLogger(quietLog())); err == nil || !strings.Contains(err.Error(), "boot.js") {
		t.Errorf("New without boot.js = %v, want an error naming it", err)
	}
}

func TestDefaultSnippetsAreTheServersOwnHandlers(t *testing.T) {
	t.Parallel()
	doc := document(t, newHandler(t, true))
	for _, id := range []string{"#cell-1", "#cell-3"} {
		s := doc.Find(id + " details.snippet")
		if s.Length() != 1 || !strings.HasPrefix(s.Find(".snippet-file").Text(), "server/") {
			t.Errorf("%s shows %d snippets naming %q, want the handler's source file", id, s.Length(), s.Find(".snippet-file").Text())
		}
	}
	if n := doc.Find("details.snippet").Length(); n != doc.Find("details.snippet .snippet-file").Length() || n > 4 {
		t.Errorf("%d snippets for 4 routes", n)
	}
}

func TestPageLinksOnlyHashedImmutableFiles(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	doc := document(t, h)
	files := staticFS(true)

	var urls []string
	doc.Find("link[href], script[src], script[data-wasm]").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range []string{"href", "src", "data-wasm"} {
			if u, ok := s.Attr(attr); ok {
				urls = append(urls, u)
			}
		}
	})
	want := []string{hashedURL("app.css"), hashedURL("favicon.ico"), hashedURL("highlight.css"), hashedURL("app.wasm"), hashedURL("wasm_exec.js"), hashedURL("boot.js"), hashedURL("app.wasm")}
	if !slices.Equal(urls, want) {
		t.Fatalf("the page loads %q, want %q", urls, want)
	}
	for _, u := range urls {
		resp := get(t, h.Static(), u)
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s = %d", u, resp.StatusCode)
			continue
		}
		if got := resp.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
			t.Errorf("GET %s: Cache-Control %q, want a year, immutable", u, got)
		}
		var name string
		for n := range files {
			if hashedURL(n) == u {
				name = n
			}
		}
		if !bytes.Equal(body, files[name].Data) {
			t.Errorf("GET %s is not %s", u, name)
		}
	}
}

func TestStaticFilesByHashedName(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true).Static()
	rows := []struct {
		name   string
		path   string
		status int
		says   string // in the body of an error
	}{
		{"a hashed name is served", hashedURL("app.wasm"), 200, ""},
		{"the plain name is still served, for old pages and people", "/static/app.wasm", 200, ""},
		{"an unknown hash of a known file says to reload", "/static/app.0123456789ab.wasm", 404, "Reload the page"},
		{"an unknown file is a plain 404", "/static/nope.0123456789ab.wasm", 404, "No static file"},
		{"the precompressed folder is not served", "/static/dist/", 404, "No static file"},
		{"a path outside /static/ is not a static file", "/app.css", 404, "No static file"},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp := get(t, h, row.path)
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != row.status {
				t.Fatalf("GET %s = %d, want %d", row.path, resp.StatusCode, row.status)
			}
			if !strings.Contains(string(body), row.says) {
				t.Errorf("GET %s says %q, want %q in it", row.path, body, row.says)
			}
		})
	}
}

func TestPageIsCompressedAndRevalidated(t *testing.T) {
	t.Parallel()
	h := newHandler(t, true)
	plain, _ := io.ReadAll(get(t, h.Lessons(), "/lessons/test").Body)
	rows := []struct {
		name, accept, encoding string
	}{
		{"a browser gets brotli", "gzip, deflate, br, zstd", "br"},
		{"gzip only gets gzip", "gzip", "gzip"},
		{"br;q=0 gets gzip", "br;q=0, gzip", "gzip"},
		{"identity only gets the page as is", "identity", ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			resp := get(t, h.Lessons(), "/lessons/test", "Accept-Encoding", row.accept)
			body, _ := io.ReadAll(resp.Body)
			if got := resp.Header.Get("Content-Encoding"); got != row.encoding {
				t.Fatalf("Content-Encoding = %q, want %q", got, row.encoding)
			}
			if resp.Header.Get("Vary") != "Accept-Encoding" || resp.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("Vary %q, Cache-Control %q", resp.Header.Get("Vary"), resp.Header.Get("Cache-Control"))
			}
			if got := resp.Header.Get("Content-Length"); got != strconv.Itoa(len(body)) {
				t.Errorf("Content-Length %s for %d bytes", got, len(body))
			}
			if !bytes.Equal(testkit.Decode(t, row.encoding, body), plain) {
				t.Error("the body does not decode to the page")
			}
			again := get(t, h.Lessons(), "/lessons/test", "Accept-Encoding", row.accept, "If-None-Match", resp.Header.Get("ETag"))
			if again.StatusCode != http.StatusNotModified {
				t.Errorf("a repeat visit = %d, want 304", again.StatusCode)
			}
		})
	}
}

func TestUncompressedStaticFilesAreLogged(t *testing.T) {
	t.Parallel()
	compressed := staticFS(true)
	for name, f := range staticFS(true) {
		hashed := assets.HashedName(name, f.Data)
		// Never smaller than the file: kept out of the answers, still counts as built.
		compressed["dist/"+hashed+".br"] = &fstest.MapFile{Data: f.Data}
	}
	rows := []struct {
		name string
		fsys fstest.MapFS
		warn bool
	}{
		{"files without a precompressed form are named in the log", staticFS(true), true},
		{"a precompressed folder for every file is not worth a word", compressed, false},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			var log bytes.Buffer
			if _, err := New(syllabus.Of("test.md", parseLesson(t, testLesson)), row.fsys, WithLogger(slog.New(slog.NewTextHandler(&log, nil)))); err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(log.String(), StaticUncompressed); got != row.warn {
				t.Errorf("log = %q; want the warning: %v", log.String(), row.warn)
			}
			if row.warn && !strings.Contains(log.String(), "app.wasm") {
				t.Errorf("log = %q, want it to name app.wasm", log.String())
			}
		})
	}
}
