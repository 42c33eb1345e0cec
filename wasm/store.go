//go:build js && wasm

package main

import (
	"errors"
	"strconv"
	"strings"
	"syscall/js"

	"wirebook/wasm/dom"
	"wirebook/wasm/saved"
)

// store is one lesson's saved work in the browser's localStorage, under
// keys named for the lesson's path:
//
//	wirebook:/lessons/app          the lesson's progress (saved.Summary), read by the course index
//	wirebook:/lessons/app#3:edit   cell 3's request, when it differs from the lesson's
//	wirebook:/lessons/app#3:run    cell 3's last run, outputs and verdicts
//	wirebook:/lessons/app~0        a request the student wrote for a cell the lesson no longer has
//
// localStorage, not IndexedDB: it is read synchronously, so the saved
// outputs are on the page in the same task that enables its buttons,
// before a student can see an empty cell; a save writes one small record
// (a cell), so its cost stays a few milliseconds; and a lesson's share is
// capped (saved.MaxLesson) well inside the ~5 M characters every engine
// gives an origin. An edit and a run are separate records so that typing
// rewrites a few bytes, not the cell's outputs.
type store struct {
	ls     js.Value // undefined when the browser gives the page no storage
	prefix string
	sizes  map[string]int // characters held by each of this lesson's keys
	total  int
}

// errFull is a save that would take the lesson past its share of storage.
var errFull = errors.New("full")

// openStore opens the saved work of the lesson at path. Storage can be
// missing or refused (a sandboxed frame, some private modes): then nothing
// is saved and ok is false.
func openStore(path string) (s *store, ok bool) {
	s = &store{prefix: "wirebook:" + path, sizes: map[string]int{}}
	if err := dom.Catch(func() { s.ls = js.Global().Get("localStorage") }); err != nil || !s.ls.Truthy() {
		s.ls = js.Undefined()
		return s, false
	}
	return s, true
}

// keys lists this lesson's keys and counts what they hold.
func (s *store) keys() []string {
	if !s.ls.Truthy() {
		return nil
	}
	var ks []string
	n := s.ls.Get("length").Int()
	for i := range n {
		k := s.ls.Call("key", i)
		if k.Type() != js.TypeString {
			continue
		}
		key := k.String()
		if key != s.prefix && !strings.HasPrefix(key, s.prefix+"#") && !strings.HasPrefix(key, s.prefix+"~") {
			continue
		}
		ks = append(ks, key)
	}
	return ks
}

func (s *store) get(key string) (string, bool) {
	if !s.ls.Truthy() {
		return "", false
	}
	v := s.ls.Call("getItem", key)
	if v.Type() != js.TypeString {
		return "", false
	}
	return v.String(), true
}

// put saves value at key unless that takes the lesson past its share of
// storage, or the browser's storage is full (errFull either way).
func (s *store) put(key, value string) error {
	if !s.ls.Truthy() {
		return errFull
	}
	size := len(key) + len(value)
	if s.total-s.sizes[key]+size > saved.MaxLesson {
		return errFull
	}
	if err := dom.Catch(func() { s.ls.Call("setItem", key, value) }); err != nil {
		return errFull // QuotaExceededError: the origin's storage, shared by every lesson, is full
	}
	s.total += size - s.sizes[key]
	s.sizes[key] = size
	return nil
}

func (s *store) remove(key string) {
	if !s.ls.Truthy() {
		return
	}
	_ = dom.Catch(func() { s.ls.Call("removeItem", key) })
	s.total -= s.sizes[key]
	delete(s.sizes, key)
}

func (s *store) cellKey(i int, kind string) string {
	return s.prefix + "#" + strconv.Itoa(i) + ":" + kind
}

// load reads the lesson's saved cells, indexed as they were saved, and the
// requests kept for cells the lesson lost. A record that cannot be read
// (corrupt, too big, another format) is removed, and problems says which.
func (s *store) load() (cells []*saved.Cell, orphans []string, problems []string) {
	for _, key := range s.keys() {
		value, ok := s.get(key)
		if !ok {
			continue
		}
		rest := strings.TrimPrefix(key, s.prefix)
		if rest == "" { // the summary, rewritten by the next save
			s.sizes[key] = len(key) + len(value)
			s.total += s.sizes[key]
			continue
		}
		if len(key)+len(value) > saved.MaxLesson {
			s.remove(key)
			problems = append(problems, "a saved record of "+strconv.Itoa(len(value))+" characters, more than a lesson keeps")
			continue
		}
		s.sizes[key] = len(key) + len(value)
		s.total += s.sizes[key]
		if strings.HasPrefix(rest, "~") {
			if _, text, err := saved.ParseEdit(value); err == nil {
				orphans = append(orphans, text)
				continue
			}
			s.remove(key)
			problems = append(problems, "a request kept from an earlier version of the lesson")
			continue
		}
		num, kind, _ := strings.Cut(strings.TrimPrefix(rest, "#"), ":")
		i, err := strconv.Atoi(num)
		if err != nil || i < 0 || i >= 1000 || (kind != "edit" && kind != "run") {
			s.remove(key)
			problems = append(problems, "a record named "+key)
			continue
		}
		for len(cells) <= i {
			cells = append(cells, nil)
		}
		if cells[i] == nil {
			cells[i] = &saved.Cell{}
		}
		c := cells[i]
		if kind == "edit" {
			lesson, text, err := saved.ParseEdit(value)
			if err != nil {
				s.remove(key)
				problems = append(problems, "cell "+strconv.Itoa(i+1)+"'s request ("+err.Error()+")")
				continue
			}
			c.Text, c.Edited = text, true
			if c.Lesson == "" {
				c.Lesson = lesson
			}
			continue
		}
		lesson, run, err := saved.ParseRun(value)
		if err != nil {
			s.remove(key)
			problems = append(problems, "cell "+strconv.Itoa(i+1)+"'s output ("+err.Error()+")")
			continue
		}
		c.Run = run
		c.Lesson = lesson // the run's base wins: the edit is saved again from it
	}
	for i, c := range cells {
		if c != nil && !c.Edited && c.Run == nil {
			cells[i] = nil
		}
	}
	return cells, orphans, problems
}
