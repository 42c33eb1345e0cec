package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"wirebook/server/internal/harness"
)

// TestLoginWaitsRetryAfterThenSucceeds is the login of row 6 against a
// server that refuses the first try with 429 and Retry-After: 1, as a
// bounded bcrypt pool would.
func TestLoginWaitsRetryAfterThenSucceeds(t *testing.T) {
	t.Parallel()
	var tries atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, _ := r.BasicAuth(); u != harness.DemoUser || p != harness.DemoPassword {
			t.Errorf("login sent %q:%q", u, p)
		}
		if tries.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy checking passwords", http.StatusTooManyRequests)
			return
		}
		w.Write([]byte("welcome"))
	}))
	t.Cleanup(srv.Close)
	got := login(t.Context(), srv.URL)
	if !got.ok() || got.Attempts != 2 || got.Err != "" {
		t.Errorf("login %+v, want 200 on the second attempt", got)
	}
	if got.Seconds < 1 {
		t.Errorf("the second try came %.2f s after the first, before Retry-After's 1 s", got.Seconds)
	}
}

// TestAttackCountsRefusalsAndPausesAfterThem: the attackers count each
// answer by status, and those with Retry-After, and do not flood a server
// that refuses at once.
func TestAttackCountsRefusalsAndPausesAfterThem(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	a := newAttack(srv.URL)
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	a.run(ctx)
	statuses, withRetry := a.counts()
	// 48 attackers for 0.5 s, each pausing 0.1 s after a refusal: at most
	// 6 guesses each (fewer on a busy machine, where dialling takes a while).
	if n := statuses["503"]; n < 1 || n > attackers*int(500*time.Millisecond/refusedPause+1) {
		t.Errorf("%d refusals from %d attackers in 0.5 s (statuses %v)", n, attackers, statuses)
	}
	if withRetry != statuses["503"] {
		t.Errorf("%d of %d answers counted with Retry-After", withRetry, statuses["503"])
	}
}
