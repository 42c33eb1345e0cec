package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"time"

	"wirebook/server/lesson"
	"wirebook/server/livereload"
	"wirebook/server/watch"
)

// liveURL is the stream the page follows with -watch; the lesson id is ""
// while wirebook serves one lesson.
const liveURL = "/events/lesson?lesson="

// newLive is the live-reload hub. With -watch it knows the lesson and the
// version of its page; without, every subscription is a 404 (the page does
// not subscribe: a lesson that cannot change needs no stream per student).
func (a *app) newLive() *livereload.Hub {
	h := livereload.New(livereload.WithLogger(a.log))
	if a.cfg.watch {
		h.Reloaded("", a.page.Version())
	}
	return h
}

// watchLesson follows -lesson until ctx ends, re-parsing it after each save
// (see reloadLesson); the returned wait blocks until it has stopped.
func (a *app) watchLesson(ctx context.Context) (wait func(), err error) {
	w, err := watch.New([]string{a.cfg.lesson})
	if err != nil {
		return nil, fmt.Errorf("-watch: %w", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx, a.reloadLesson) })
	a.log.Info("watching the lesson for edits", "file", a.cfg.lesson)
	return wg.Wait, nil
}

// reloadLesson re-reads and re-parses -lesson. A lesson that parses
// replaces the page and reloads its open pages; one that does not (or is
// gone, mid-save or deleted) leaves the last good page served and shows
// its open pages why, as file:line: reason.
func (a *app) reloadLesson() {
	start := time.Now()
	name := a.cfg.lesson
	src, err := os.ReadFile(name)
	var l *lesson.Lesson
	if err == nil {
		l, err = lesson.Parse(name, src)
	}
	old := a.page.Version()
	if err == nil {
		err = a.page.Replace(l)
	}
	if err != nil {
		a.log.Warn("lesson does not parse; serving its last good version", "err", err)
		a.live.Failed("", err.Error())
		return
	}
	version := a.page.Version()
	// A save that changes nothing on the page (a blank line) reloads no one.
	a.log.Info("lesson reloaded", "file", name, "version", version, "changed", version != old,
		"took", time.Since(start).Round(time.Millisecond))
	a.live.Reloaded("", version)
}
