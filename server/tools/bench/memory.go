package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"

	"wirebook/server/internal/harness"
)

// rssSettle is how long the bench waits after opening connections before
// it reads the server's RSS.
const rssSettle = time.Second

// viewerStep is row 5 at one number of viewers.
type viewerStep struct {
	Viewers      int     `json:"viewers"`
	Connected    int     `json:"connected"`
	DialFailed   int     `json:"dial_failed"`
	Dropped      int     `json:"dropped"` // connected, then lost before the bench closed it
	RSSKiB       int64   `json:"rss_kib"`
	PerViewerKiB float64 `json:"rss_per_viewer_kib"`
	OpenSeconds  float64 `json:"open_seconds"`
	FirstErr     string  `json:"first_error,omitempty"`
}

// memoryResult is row 5.
type memoryResult struct {
	Args        []string     `json:"wirebook_args"`
	IdleRSSKiB  int64        `json:"idle_rss_kib"`
	Steps       []viewerStep `json:"steps"`
	StopSeconds float64      `json:"exit_after_sigint_seconds"` // with the last step's viewers connected
	StopKilled  bool         `json:"killed_after_sigint"`
}

// measureMemory is row 5 on its own wirebook, whose viewers each get up to
// a thousand greetings a random pause of up to a minute apart: they stay
// connected and mostly idle, as people watching a slow stream would.
func measureMemory(ctx context.Context, bin string, steps []int) (memoryResult, error) {
	res := memoryResult{Args: []string{"-stream-count", "1000", "-stream-max-delay", "1m"}}
	srv, err := harness.Start(ctx, bin, "", "wirebook", res.Args...)
	if err != nil {
		return res, err
	}
	defer func() {
		if srv != nil {
			srv.Stop()
		}
	}()
	if err := loadPage(srv.URL); err != nil {
		return res, err
	}
	time.Sleep(rssSettle)
	if res.IdleRSSKiB, err = srv.RSSKiB(); err != nil {
		return res, err
	}

	v := harness.NewHolders(ctx, srv.URL, "/ws/stream", true)
	for _, n := range steps {
		if ctx.Err() != nil {
			v.Close()
			return res, ctx.Err()
		}
		began := time.Now()
		v.Grow(n)
		step := viewerStep{Viewers: n, OpenSeconds: time.Since(began).Seconds()}
		time.Sleep(rssSettle)
		if err := srv.Alive(); err != nil {
			v.Close()
			return res, err
		}
		if step.RSSKiB, err = srv.RSSKiB(); err != nil {
			v.Close()
			return res, err
		}
		step.Connected, step.DialFailed, step.Dropped = int(v.Connected.Load()), int(v.DialFailed.Load()), int(v.Dropped.Load())
		step.FirstErr = v.FirstErr()
		step.PerViewerKiB = float64(step.RSSKiB-res.IdleRSSKiB) / float64(n)
		res.Steps = append(res.Steps, step)
	}
	// Ctrl-C with every viewer still connected: DESIGN.md promises an exit
	// within 2 s, streams and all. A slow exit is a figure, not an error.
	took, err := srv.Stop()
	srv = nil
	res.StopSeconds, res.StopKilled = took.Seconds(), err != nil
	v.Close()
	return res, nil
}

// staticRef finds the same-origin static files a page links.
var staticRef = regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`)

// loadPage fetches the lesson page and the static files it links, as a
// visit would, so the idle figure includes what the first visitor wakes.
func loadPage(base string) error {
	get := func(path string) ([]byte, error) {
		resp, err := http.Get(base + path)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err == nil && resp.StatusCode != http.StatusOK {
			err = fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return b, err
	}
	page, err := get("/lessons/app")
	if err != nil {
		return err
	}
	for _, m := range staticRef.FindAllSubmatch(page, -1) {
		if _, err := get(string(m[1])); err != nil {
			return err
		}
	}
	return nil
}
