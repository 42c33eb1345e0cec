package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"wirebook/server/lesson"
	"wirebook/server/livereload"
	"wirebook/server/watch"
)

// liveURL is the stream a lesson page follows with -watch; the page adds
// its lesson's slug.
const liveURL = "/events/lesson?lesson="

// newLive is the live-reload hub. With -watch it knows every lesson and the
// version of its page; without, every subscription is a 404 (the page does
// not subscribe: a course that cannot change needs no stream per student).
func (a *app) newLive() *livereload.Hub {
	h := livereload.New(livereload.WithLogger(a.log))
	if a.cfg.watch {
		for _, l := range a.page.Course().Lessons {
			h.Reloaded(l.Slug, a.page.Version(l.Slug))
		}
	}
	return h
}

// watchLesson follows the -lesson files and folders until ctx ends,
// re-loading the course after each save (see reloadCourse); the returned
// wait blocks until it has stopped.
func (a *app) watchLesson(ctx context.Context) (wait func(), err error) {
	w, err := watch.New(a.cfg.lessons)
	if err != nil {
		return nil, fmt.Errorf("-watch: %w", err)
	}
	var wg sync.WaitGroup
	wg.Go(func() { _ = w.Run(ctx, a.reloadCourse) })
	a.log.Info("watching the lessons for edits", "sources", a.cfg.lessons)
	return wg.Wait, nil
}

// reloadCourse re-reads and re-parses the course. A course that loads
// replaces the pages and reloads each open page whose lesson changed; one
// that does not (a lesson mid-save, deleted, or broken) leaves the last
// good pages served and shows the open pages why, as file:line: reason:
// the broken lesson's pages, or every page when the error names no lesson
// being served.
func (a *app) reloadCourse() {
	start := time.Now()
	course, _, err := loadCourse(a.cfg.lessons)
	if err == nil {
		err = a.page.Replace(course)
	}
	if err != nil {
		a.log.Warn("the course does not load; serving its last good version", "err", err)
		for _, slug := range a.brokenLessons(err) {
			a.live.Failed(slug, err.Error())
		}
		return
	}
	changed := 0
	for _, l := range course.Lessons {
		v := a.page.Version(l.Slug)
		if a.live.Version(l.Slug) != v {
			changed++
		}
		a.live.Reloaded(l.Slug, v)
	}
	a.log.Info("course reloaded", "lessons", len(course.Lessons), "changed", changed,
		"took", time.Since(start).Round(time.Millisecond))
}

// brokenLessons is the slugs whose pages should show err: the lesson whose
// file it names, or every lesson served.
func (a *app) brokenLessons(err error) []string {
	var bad *lesson.Error
	lessons := a.page.Course().Lessons
	if errors.As(err, &bad) {
		for _, l := range lessons {
			if l.Source == bad.File {
				return []string{l.Slug}
			}
		}
	}
	slugs := make([]string, len(lessons))
	for i, l := range lessons {
		slugs[i] = l.Slug
	}
	return slugs
}
