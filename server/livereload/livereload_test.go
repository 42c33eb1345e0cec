package livereload_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"wirebook/server/livereload"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const wait = 2 * time.Second

type event struct{ name, data string }

// subscription is one open stream, read line by line into events and
// comments.
type subscription struct {
	events   chan event
	comments chan string
	cancel   context.CancelFunc
}

// served starts the hub on a test server that stops with the test.
func served(t *testing.T, h *livereload.Hub) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func subscribe(t *testing.T, srv *httptest.Server, query string) *subscription {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/events/lesson?"+query, nil)
	res, err := srv.Client().Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		cancel()
		res.Body.Close()
		t.Fatalf("subscribe: %s, Content-Type %q", res.Status, res.Header.Get("Content-Type"))
	}
	s := &subscription{events: make(chan event, 16), comments: make(chan string, 16), cancel: cancel}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		var ev event
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					ev.data = strings.Join(data, "\n")
					s.events <- ev
				}
				ev, data = event{}, nil
			case strings.HasPrefix(line, ":"):
				s.comments <- line
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	t.Cleanup(func() { cancel(); <-done })
	return s
}

func (s *subscription) next(t *testing.T) event {
	t.Helper()
	select {
	case ev := <-s.events:
		return ev
	case <-time.After(wait):
		t.Fatal("no event")
		return event{}
	}
}

func (s *subscription) none(t *testing.T) {
	t.Helper()
	select {
	case ev := <-s.events:
		t.Fatalf("unexpected event %+v", ev)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestConnect(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		setup func(h *livereload.Hub)
		query string
		want  *event
	}{
		{"a page of the current version hears nothing", func(h *livereload.Hub) { h.Reloaded("", "v2") }, "lesson=&v=v2", nil},
		{"a stale page is told to reload at once", func(h *livereload.Hub) { h.Reloaded("", "v2") }, "lesson=&v=v1", &event{"reloaded", "v2"}},
		{"a page of a broken lesson gets the error at once", func(h *livereload.Hub) {
			h.Reloaded("", "v2")
			h.Failed("", "lesson.md:3: no colon")
		}, "lesson=&v=v2", &event{"failed", "lesson.md:3: no colon"}},
		{"lessons are apart", func(h *livereload.Hub) {
			h.Reloaded("a", "v1")
			h.Reloaded("b", "v2")
		}, "lesson=a&v=v1", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := livereload.New()
			tc.setup(h)
			s := subscribe(t, served(t, h), tc.query)
			if tc.want == nil {
				s.none(t)
				return
			}
			if got := s.next(t); got != *tc.want {
				t.Fatalf("got %+v, want %+v", got, *tc.want)
			}
		})
	}
}

func TestPublish(t *testing.T) {
	t.Parallel()
	h := livereload.New()
	h.Reloaded("", "v1")
	h.Reloaded("other", "o1")
	srv := served(t, h)
	s := subscribe(t, srv, "lesson=&v=v1")
	other := subscribe(t, srv, "lesson=other&v=o1")

	h.Reloaded("", "v1") // unchanged: a save that changed nothing
	s.none(t)
	h.Failed("", "lesson.md:7: cell header \"X\" has no colon\nsecond line")
	if got := s.next(t); got != (event{"failed", "lesson.md:7: cell header \"X\" has no colon\nsecond line"}) {
		t.Fatalf("got %+v", got)
	}
	h.Failed("", "lesson.md:7: cell header \"X\" has no colon\nsecond line") // the same error again
	s.none(t)
	h.Reloaded("", "v1") // fixed back to what the page shows: the banner goes
	if got := s.next(t); got != (event{"reloaded", "v1"}) {
		t.Fatalf("got %+v", got)
	}
	h.Reloaded("", "v2")
	if got := s.next(t); got != (event{"reloaded", "v2"}) {
		t.Fatalf("got %+v", got)
	}
	other.none(t)
}

func TestUnknownLessonIs404(t *testing.T) {
	t.Parallel()
	h := livereload.New()
	h.Reloaded("", "v1")
	res, err := http.Get(served(t, h).URL + "/events/lesson?lesson=nope")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("got %s, want 404", res.Status)
	}
}

func TestSubscribersPastTheCapGet503(t *testing.T) {
	t.Parallel()
	h := livereload.New(livereload.WithMaxSubscribers(2))
	h.Reloaded("", "v1")
	srv := served(t, h)
	subscribe(t, srv, "lesson=&v=v1")
	subscribe(t, srv, "lesson=&v=v1")
	res, err := srv.Client().Get(srv.URL + "/events/lesson?lesson=&v=v1")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("got %s, Retry-After %q; want 503 with Retry-After", res.Status, res.Header.Get("Retry-After"))
	}
}

func TestHeartbeat(t *testing.T) {
	t.Parallel()
	h := livereload.New(livereload.WithHeartbeat(20 * time.Millisecond))
	h.Reloaded("", "v1")
	s := subscribe(t, served(t, h), "lesson=&v=v1")
	for range 2 {
		select {
		case <-s.comments:
		case <-time.After(wait):
			t.Fatal("no heartbeat")
		}
	}
}

func TestAGonePageIsUnsubscribed(t *testing.T) {
	t.Parallel()
	h := livereload.New()
	h.Reloaded("", "v1")
	s := subscribe(t, served(t, h), "lesson=&v=v1")
	if n := h.Subscribers(); n != 1 {
		t.Fatalf("%d subscribers, want 1", n)
	}
	s.cancel()
	deadline := time.Now().Add(wait)
	for h.Subscribers() != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the handler outlived its page")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
