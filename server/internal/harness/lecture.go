package harness

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/andybalholm/brotli"
	"nhooyr.io/websocket"

	"wirebook/server/lesson"
	"wirebook/server/syllabus"
	"wirebook/server/wireproto"
	"wirebook/web"
)

// LectureConfig is a class pressing Run all on each lesson of a course, in
// order.
type LectureConfig struct {
	Students int
	Ramp     time.Duration // students start spread over this long, in a seeded order
	Seed     uint64
	Lessons  []LectureLesson
	// Limit bounds the whole lecture; a student still running then is an error.
	Limit time.Duration
}

// LectureLesson is one lesson page and its cells, in order.
type LectureLesson struct {
	Page  string // its path, "/lessons/app"
	Cells []*lesson.Cell
}

// cells is how many cells a student runs.
func (cfg LectureConfig) cells() int {
	n := 0
	for _, l := range cfg.Lessons {
		n += len(l.Cells)
	}
	return n
}

// LectureResult is what the class saw.
type LectureResult struct {
	Students            int   // students who ran every cell
	Refused, Errors     int64 // refused by the server; any other failure (a wrong status or check included)
	P50, P99, Max       time.Duration
	FirstVisitBytes     int64 // one student's first visit: the page and its static files, as sent (compressed)
	Took                time.Duration
	Samples             []string
	Expected, Completed int          // cells expected (students × cells) and answered
	PerCell             []CellTiming // each cell's times, in the lesson's order
}

// CellTiming is one cell's times across the class.
type CellTiming struct {
	Page          string // its lesson's path
	N             int    // the cell's number in the lesson
	Target        string // what it asks for, "/hello"
	P50, P99, Max time.Duration
}

func (r LectureResult) String() string {
	return fmt.Sprintf("%d students, %d of %d cells answered, %d refused, %d errors; per cell p50 %v p99 %v max %v; first visit %d KiB; %v",
		r.Students, r.Completed, r.Expected, r.Refused, r.Errors, r.P50.Round(100*time.Microsecond), r.P99.Round(100*time.Microsecond),
		r.Max.Round(100*time.Microsecond), r.FirstVisitBytes/1024, r.Took.Round(time.Millisecond))
}

// Lecture runs cfg against the wirebook at base. Each student fetches the
// first lesson's page and every static file it names (a first visit,
// brotli accepted); each later lesson's page alone, as a browser that
// cached the content-hashed static files does. On each page it opens
// /ws/relay as the page does, and sends every cell in order through it,
// with the cell's expectations for the server to check — stream cells
// included, an exercise with its solution, and a WebSocket
// cell by opening it. A cell's time runs from its send to its end; for a
// stream cell, to its head, since the rest is the server's deliberate
// pauses between lines.
func Lecture(ctx context.Context, base string, cfg LectureConfig) LectureResult {
	ctx, cancel := context.WithTimeout(ctx, cfg.Limit)
	defer cancel()
	res := LectureResult{Expected: cfg.Students * cfg.cells()}
	var (
		errs      ErrorLog
		refused   atomic.Int64
		completed atomic.Int64
		full      atomic.Int64
		mu        sync.Mutex
		times     []time.Duration
		perCell   = make([][][]time.Duration, len(cfg.Lessons)) // lesson, cell, times
		visit     atomic.Int64
	)
	rng := rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15))
	starts := make([]time.Duration, cfg.Students)
	for i := range starts {
		if cfg.Ramp > 0 {
			starts[i] = time.Duration(rng.Int64N(int64(cfg.Ramp)))
		}
	}
	for i, l := range cfg.Lessons {
		perCell[i] = make([][]time.Duration, len(l.Cells))
	}
	client := NewClient(cfg.Students, nil)
	began := time.Now()
	var wg sync.WaitGroup
	for i := range cfg.Students {
		wg.Go(func() {
			select {
			case <-time.After(starts[i]):
			case <-ctx.Done():
				errs.Add("%v", ctx.Err())
				return
			}
			err := attend(ctx, client, base, cfg.Lessons, &visit, func(lesson, cell int, d time.Duration) {
				completed.Add(1)
				mu.Lock()
				times = append(times, d)
				perCell[lesson][cell] = append(perCell[lesson][cell], d)
				mu.Unlock()
			})
			switch {
			case err == nil:
				full.Add(1)
			case errors.Is(err, errRefused):
				refused.Add(1)
				errs.Add("%v", err)
			default:
				errs.Add("%v", err)
			}
		})
	}
	wg.Wait()
	res.Took = time.Since(began)
	res.Students, res.Completed = int(full.Load()), int(completed.Load())
	res.Refused = refused.Load()
	res.Errors = errs.N.Load() - res.Refused
	res.FirstVisitBytes = visit.Load()
	res.Samples = errs.Snapshot()
	res.P50, res.P99, res.Max = quantiles(times)
	for li, l := range cfg.Lessons {
		for ci, c := range l.Cells {
			ct := CellTiming{Page: l.Page, N: c.N, Target: c.Request.Method + " " + c.Request.Target}
			ct.P50, ct.P99, ct.Max = quantiles(perCell[li][ci])
			res.PerCell = append(res.PerCell, ct)
		}
	}
	return res
}

// attend is one student's lecture: each lesson's page (the first with its
// static files, whose bytes go in visit), then its cells, in order; the
// first failure ends it.
func attend(ctx context.Context, client *http.Client, base string, lessons []LectureLesson, visit *atomic.Int64, answered func(lesson, cell int, took time.Duration)) error {
	for li, l := range lessons {
		if li == 0 {
			n, err := firstVisit(ctx, client, base+l.Page)
			if err != nil {
				return fmt.Errorf("first visit: %w", err)
			}
			visit.Store(n)
		} else if _, _, err := download(ctx, client, base+l.Page, false); err != nil {
			// a browser that has the static files fetches the page alone
			return err
		}
		if _, err := student(ctx, base, l.Cells, func(cell int, d time.Duration) { answered(li, cell, d) }); err != nil {
			return fmt.Errorf("%s: %w", l.Page, err)
		}
	}
	return nil
}

var errRefused = errors.New("refused")

// staticRefs is the static files a lesson page names (stylesheets, the
// icon, the scripts and the client they preload), each once, in order.
// It scans for the attribute values rather than running a regular
// expression over each student's 80 KB page: that was a quarter of the
// load tool's CPU, taken from the server it shares the machine with.
func staticRefs(html string) []string {
	var refs []string
	const open = `="/static/`
	for {
		i := strings.Index(html, open)
		if i < 0 {
			return refs
		}
		html = html[i+2:]
		end := strings.IndexByte(html, '"')
		if end < 0 {
			return refs
		}
		if ref := html[:end]; !slices.Contains(refs, ref) {
			refs = append(refs, ref)
		}
		html = html[end:]
	}
}

// firstVisit fetches page and every static file it names, accepting
// brotli as a browser does, and returns the bytes that came.
func firstVisit(ctx context.Context, client *http.Client, page string) (int64, error) {
	total, html, err := download(ctx, client, page, true)
	if err != nil {
		return 0, err
	}
	origin := page[:strings.Index(page, "/lessons/")]
	refs := staticRefs(string(html))
	for _, ref := range refs {
		n, _, err := download(ctx, client, origin+ref, false)
		if err != nil {
			return total, err
		}
		total += n
	}
	if len(refs) == 0 {
		return total, errors.New("the page names no static file")
	}
	return total, nil
}

// download GETs url as a browser does, taking brotli, and returns what
// came over the wire and, if read, the body decoded; otherwise it only
// counts it (a class's 600 MB of app.wasm would be the load tool's
// garbage, its collection taken from the server on the same cores).
func download(ctx context.Context, client *http.Client, url string, read bool) (sent int64, body []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept-Encoding", "br, gzip")
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	if !read {
		sent, err = io.Copy(io.Discard, resp.Body)
		return sent, nil, err
	}
	b, err := io.ReadAll(resp.Body)
	sent = int64(len(b))
	if err != nil {
		return sent, nil, err
	}
	switch resp.Header.Get("Content-Encoding") {
	case "br":
		b, err = io.ReadAll(brotli.NewReader(bytes.NewReader(b)))
	case "gzip":
		var zr *gzip.Reader
		if zr, err = gzip.NewReader(bytes.NewReader(b)); err == nil {
			b, err = io.ReadAll(zr)
		}
	}
	return sent, b, err
}

// student runs every cell in order over one relay connection, calling
// answered with each cell's time; the first failure ends the student's run.
func student(ctx context.Context, base string, cells []*lesson.Cell, answered func(cell int, took time.Duration)) (int, error) {
	rc, _, err := DialRelay(ctx, base, nil)
	if err != nil {
		return 0, fmt.Errorf("%w: /ws/relay: %v", errRefused, err)
	}
	defer rc.Close()
	for i, c := range cells {
		req := c.Request
		if c.Exercise {
			if sol, err := wireproto.ParseRequest(c.Solution); err == nil {
				req = sol
			}
		}
		began := time.Now()
		if strings.HasPrefix(req.Target, "/ws/") {
			first, err := watch(ctx, base, req.Target)
			if err != nil {
				return i, fmt.Errorf("cell %d %s: %w", c.N, req.Target, err)
			}
			answered(i, first)
			continue
		}
		id := uint32(i + 1)
		f := wireproto.Frame{Type: wireproto.FrameSend, ID: id, Request: req, URL: base + req.Target, Expect: c.ExpectText, Client: c.Client}
		if err := rc.Send(ctx, f); err != nil {
			return i, err
		}
		var took time.Duration
		for {
			fr, err := rc.Next(ctx)
			if err != nil {
				return i, fmt.Errorf("cell %d: %w", c.N, err)
			}
			if fr.ID != id {
				return i, fmt.Errorf("cell %d: a frame of exchange %d", c.N, fr.ID)
			}
			if fr.Type == wireproto.FrameHead && c.Stream {
				took = time.Since(began)
			}
			if fr.Type == wireproto.FrameError {
				if strings.Contains(fr.Message, "busy") || strings.Contains(fr.Message, "too many") || strings.Contains(fr.Message, "queue") {
					return i, fmt.Errorf("%w: cell %d: %s", errRefused, c.N, fr.Message)
				}
				return i, fmt.Errorf("cell %d: %s", c.N, fr.Message)
			}
			if fr.Type == wireproto.FrameCheck && !c.Exercise {
				for _, r := range fr.Checks {
					if !r.Pass {
						return i, fmt.Errorf("cell %d: check %q failed: got %s", c.N, r.Text, r.Got)
					}
				}
			}
			if fr.Type == wireproto.FrameEnd {
				break
			}
		}
		if took == 0 {
			took = time.Since(began)
		}
		answered(i, took)
	}
	return len(cells), nil
}

// watch opens a WebSocket cell's URL as the page does and reads it to its
// close. Its time is to the first message: the rest is the server's
// deliberate pauses.
func watch(ctx context.Context, base, path string) (time.Duration, error) {
	began := time.Now()
	ws, _, err := DialWS(ctx, base, path, DialOptions{Origin: base})
	if err != nil {
		return 0, fmt.Errorf("%w: %v", errRefused, err)
	}
	defer ws.CloseNow()
	var first time.Duration
	for {
		if _, _, err := ws.Read(ctx); err != nil {
			if websocket.CloseStatus(err) == websocket.StatusNormalClosure && first > 0 {
				return first, nil
			}
			return 0, err
		}
		if first == 0 {
			first = time.Since(began)
		}
	}
}

// CourseLectures is the embedded course's lessons as a lecture runs them:
// every lesson with cells, in the course's order, or only the one named
// slug.
func CourseLectures(slug string) ([]LectureLesson, error) {
	course, err := syllabus.LoadFS(web.Lessons(), web.LessonsDir)
	if err != nil {
		return nil, err
	}
	var out []LectureLesson
	for _, l := range course.Lessons {
		if (slug == "" || l.Slug == slug) && len(l.Cells) > 0 {
			out = append(out, LectureLesson{Page: "/lessons/" + l.Slug, Cells: l.Cells})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the embedded course has no lesson %q with cells", slug)
	}
	return out, nil
}
