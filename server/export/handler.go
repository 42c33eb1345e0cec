package export

import (
	"bytes"
	"errors"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"wirebook/server/respond"
	"wirebook/server/syllabus"
)

// DefaultMaxState caps a posted export form (its state field is nearly all
// of it). The client keeps each cell's body up to its save cap and the
// browser keeps a lesson's state in localStorage, whose quota is 5 MiB per
// origin in Chromium and Firefox (counted in UTF-16 code units, so at most
// 10 MiB of bytes); sent as multipart/form-data, as the page's form is,
// the state goes as it is. 16 MiB holds the largest state a browser can
// keep, with room for the form's framing, and still bounds what one
// request makes the server hold in memory, twice (the form, the export).
const DefaultMaxState = 16 << 20

// handlerConfig is the Handler's settings.
type handlerConfig struct {
	maxState int64
}

// HandlerOption configures Handler.
type HandlerOption func(*handlerConfig)

// WithMaxState caps the body of a posted export, in bytes; a larger one is
// refused with 413. The default is DefaultMaxState.
func WithMaxState(n int64) HandlerOption { return func(c *handlerConfig) { c.maxState = n } }

// formats are the files Handler answers with: each format's Content-Type
// and file extension. Hurl has no registered media type; its files are
// UTF-8 plain text (hurl.dev: "a simple plain text format").
var formats = map[string]struct{ contentType, ext string }{
	"html":  {"text/html; charset=utf-8", "html"},
	"ipynb": {"application/x-ipynb+json", "ipynb"},
	"hurl":  {"text/plain; charset=utf-8", "hurl"},
}

// goBack is what every refusal ends with: the form posted from the lesson
// page, so the student lands here, and their work is still in the browser.
const goBack = " Go back to the lesson: your work is still saved in your browser."

// Handler serves a lesson's exports for a route at /export/{slug}: the
// lesson page's Download form posts format (html, ipynb or hurl) and state
// (the page's saved work, as ParseSaved reads it; empty for the lesson
// alone), and a GET with ?format= is the lesson alone. The answer is the
// file as an attachment, <slug>.<ext>, never stored: nothing a student
// sends is kept. Relative targets in Hurl and the notebook go to the
// origin the request came to (a wirebook the guard already let it reach),
// so the file runs against the wirebook it came from. course gives the
// course being served, which a watcher may replace.
//
// Bad input is refused with the error page and a reason, never a 500: a
// body over the cap is 413, unknown format, malformed or unknown-version
// state 400, an unknown lesson 404.
func Handler(course func() *syllabus.Course, opts ...HandlerOption) http.Handler {
	cfg := handlerConfig{maxState: DefaultMaxState}
	for _, o := range opts {
		o(&cfg)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		slug, _ := strings.CutPrefix(r.URL.Path, "/export/")
		c := course()
		l, _ := c.Find(slug)
		if l == nil {
			respond.Error(w, r, http.StatusNotFound, "This course has no lesson "+slug+" to export.")
			return
		}
		format, state, status, msg := readForm(w, r, cfg.maxState)
		if status != 0 {
			respond.Error(w, r, status, msg+goBack)
			return
		}
		f, ok := formats[format]
		if format == "" {
			respond.Error(w, r, http.StatusBadRequest, "The export form names no format: want html, ipynb or hurl."+goBack)
			return
		}
		if !ok {
			respond.Error(w, r, http.StatusBadRequest, "Unknown export format "+quote(format)+": want html, ipynb or hurl."+goBack)
			return
		}
		saved, err := ParseSaved(state)
		if err != nil {
			respond.Error(w, r, http.StatusBadRequest, "Cannot read the saved work: "+err.Error()+"."+goBack)
			return
		}
		var work Work
		if saved != nil {
			work = Work{l.Slug: saved}
		}
		one := &syllabus.Course{Title: l.Title, Lessons: []*syllabus.Lesson{l}}
		var b bytes.Buffer
		if err := Write(r.Context(), &b, format, one, origin(r), work); err != nil {
			// The lesson loaded and the student's text is kept whatever it
			// is, so this is wirebook's own failure.
			respond.Error(w, r, http.StatusInternalServerError, "The export failed: "+err.Error()+"."+goBack)
			return
		}
		h := w.Header()
		h.Set("Content-Type", f.contentType)
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": l.Slug + "." + f.ext}))
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-store") // the student's work: no cache keeps a copy
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(b.Bytes())
	})
}

// readForm reads format and state from a POSTed form (multipart, as the
// page sends it, or urlencoded) or a GET's query, within max bytes. status
// is 0 when it could, else the refusal and its reason.
func readForm(w http.ResponseWriter, r *http.Request, max int64) (format, state string, status int, msg string) {
	if r.Method != http.MethodPost {
		return r.URL.Query().Get("format"), "", 0, ""
	}
	r.Body = http.MaxBytesReader(w, r.Body, max)
	// Values past max are refused by the MaxBytesReader first: the
	// multipart reader holds form values in memory up to max (plus its
	// own fixed allowance), never on disk.
	err := r.ParseMultipartForm(max)
	if errors.Is(err, http.ErrNotMultipart) {
		err = nil // ParseMultipartForm has read the urlencoded form instead
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return "", "", http.StatusRequestEntityTooLarge, "The saved work is larger than this wirebook takes (" + sizeText(max) + ")."
	case err != nil:
		return "", "", http.StatusBadRequest, "The export form cannot be read: " + err.Error() + "."
	}
	return r.PostFormValue("format"), r.PostFormValue("state"), 0, ""
}

// origin is the origin the request was sent to, where the export's
// relative targets go.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func sizeText(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// quote names a value the client sent, cut short: a format name is a
// word, and the rest would be noise echoed back.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		return strconv.Quote(s[:max]) + "…"
	}
	return strconv.Quote(s)
}
