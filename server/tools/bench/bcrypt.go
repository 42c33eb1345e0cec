package main

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"wirebook/server/internal/harness"
)

// Row 6: does a crowd guessing passwords starve everyone else? Each wrong
// /secure costs a bcrypt hash (~50 ms of a CPU at cost 10); 48 of them at
// once on a 2-core machine took /hello from p99 0.6 ms to 548 ms (issue 9).
const (
	attackers       = 48
	attackFor       = 10 * time.Second
	helloProbeConns = 2               // /hello's own clients: a student or two, not a load
	helloIdleFor    = 3 * time.Second // /hello's p99 before the attack
	maxRatio        = 5               // the budget: p99 under attack ≤ 5× idle
	maxRetryAfter   = 5 * time.Second // longest Retry-After the login honours
	loginAttempts   = 4
	// refusedPause is how long an attacker waits after a refusal (429 or
	// 503) before its next guess. Without it, once the server refuses at
	// once, 48 clients in a closed loop are a flood of cheap answers on a
	// 2-core machine, which row 1 measures; this row is about bcrypt.
	refusedPause = 100 * time.Millisecond
)

// bcryptResult is row 6.
type bcryptResult struct {
	Attackers      int            `json:"attackers"`
	AttackSeconds  float64        `json:"attack_seconds"`
	IdleP99ms      float64        `json:"hello_idle_p99_ms"`
	IdleRequests   int64          `json:"hello_idle_requests"`
	AttackP99ms    float64        `json:"hello_under_attack_p99_ms"`
	AttackRequests int64          `json:"hello_under_attack_requests"`
	HelloErrors    int64          `json:"hello_errors"`
	Ratio          float64        `json:"p99_ratio"`
	AttackStatuses map[string]int `json:"attacker_statuses"` // "401", "429", "error", …
	RetryAfter     int            `json:"attacker_answers_with_retry_after"`
	Login          loginResult    `json:"login_during_attack"`
}

// loginResult is the demo user's login tried while the attack runs.
type loginResult struct {
	Status   int     `json:"status"`
	Attempts int     `json:"attempts"`
	Seconds  float64 `json:"seconds"`
	Err      string  `json:"error,omitempty"`
}

func (l loginResult) ok() bool { return l.Status == http.StatusOK }

var helloEndpoint = harness.Endpoint{Method: "GET", Target: "/hello", Status: 200}

// measureBcrypt is row 6 on a wirebook of its own: /hello's p99 alone,
// then while attackers send wrong passwords to /secure, and the demo
// user's login in the middle of the attack.
func measureBcrypt(ctx context.Context, bin string) (bcryptResult, error) {
	res := bcryptResult{Attackers: attackers, AttackSeconds: attackFor.Seconds(), AttackStatuses: map[string]int{}}
	srv, err := harness.Start(ctx, bin, "", "wirebook-bcrypt")
	if err != nil {
		return res, err
	}
	defer srv.Stop()
	if err := harness.Preflight(ctx, srv.URL, []harness.Endpoint{helloEndpoint}); err != nil {
		return res, err
	}
	idle := helloLoad(ctx, srv.URL, helloIdleFor)
	res.IdleP99ms, res.IdleRequests = ms(idle.P99), idle.Requests
	res.HelloErrors = idle.Errors

	attack := newAttack(srv.URL)
	attacked, stop := context.WithTimeout(ctx, attackFor)
	defer stop()
	var wg sync.WaitGroup
	wg.Go(func() { attack.run(attacked) })
	// The attackers' first guesses are all in flight after a moment; the
	// login starts two seconds in, /hello is measured from one second in.
	wg.Go(func() {
		sleep(attacked, 2*time.Second)
		res.Login = login(attacked, srv.URL)
	})
	sleep(attacked, time.Second)
	under := helloLoad(attacked, srv.URL, attackFor)
	wg.Wait()
	res.AttackP99ms, res.AttackRequests = ms(under.P99), under.Requests
	res.HelloErrors += under.Errors
	if res.IdleP99ms > 0 {
		res.Ratio = res.AttackP99ms / res.IdleP99ms
	}
	res.AttackStatuses, res.RetryAfter = attack.counts()
	return res, srv.Alive()
}

// helloLoad asks /hello from helloProbeConns clients for d and returns
// their latencies.
func helloLoad(ctx context.Context, base string, d time.Duration) harness.LoadResult {
	return harness.NewLoader(base, helloProbeConns, []harness.Endpoint{helloEndpoint}).Run(ctx, d)
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// attack is the attackers: each sends wrong passwords to /secure, one
// after the other, until its context ends.
type attack struct {
	base   string
	client *http.Client

	guesses atomic.Int64 // each guess a new password: a repeated one is answered from the cache of verdicts

	mu         sync.Mutex
	statuses   map[string]int
	retryAfter int
}

func newAttack(base string) *attack {
	return &attack{base: base, client: harness.NewClient(attackers, nil), statuses: map[string]int{}}
}

func (a *attack) run(ctx context.Context) {
	defer a.client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range attackers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if refused := a.guess(ctx); refused {
					sleep(ctx, refusedPause)
				}
			}
		})
	}
	wg.Wait()
}

// guess sends one wrong password, notes the answer, and says whether the
// server refused to check it.
func (a *attack) guess(ctx context.Context) (refused bool) {
	wrong := harness.BasicAuth(harness.DemoUser, "guess-"+strconv.FormatInt(a.guesses.Add(1), 10))
	e := harness.Endpoint{Method: "GET", Target: "/secure", Headers: []string{wrong}, Status: http.StatusUnauthorized}
	req, err := e.Request(ctx, a.base)
	if err != nil {
		return false
	}
	resp, err := a.client.Do(req)
	if ctx.Err() != nil {
		return false // the attack ended mid-request: not an answer
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.statuses["error"]++
		return false
	}
	resp.Body.Close()
	a.statuses[strconv.Itoa(resp.StatusCode)]++
	if resp.Header.Get("Retry-After") != "" {
		a.retryAfter++
	}
	return resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable
}

func (a *attack) counts() (map[string]int, int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.statuses, a.retryAfter
}

// login is the demo user logging in as a browser would after a 429 or
// 503: waiting what Retry-After says (at most maxRetryAfter), then again.
func login(ctx context.Context, base string) (res loginResult) {
	began := time.Now()
	defer func() { res.Seconds = time.Since(began).Seconds() }()
	client := harness.NewClient(1, nil)
	defer client.CloseIdleConnections()
	e := harness.Endpoint{Method: "GET", Target: "/secure",
		Headers: []string{harness.BasicAuth(harness.DemoUser, harness.DemoPassword)}, Status: http.StatusOK}
	for res.Attempts < loginAttempts && ctx.Err() == nil {
		res.Attempts++
		wait, err := loginOnce(ctx, client, base, e, &res)
		if err != nil {
			res.Err = err.Error()
			return res
		}
		if res.ok() || wait == 0 {
			return res
		}
		sleep(ctx, wait)
	}
	return res
}

// loginOnce sends the login and returns how long its answer asks to wait
// before the next try (0: no second try).
func loginOnce(ctx context.Context, client *http.Client, base string, e harness.Endpoint, res *loginResult) (time.Duration, error) {
	req, err := e.Request(ctx, base)
	if err != nil {
		return 0, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	res.Status = resp.StatusCode
	if resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusServiceUnavailable {
		return 0, nil
	}
	secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
	if err != nil || secs < 0 {
		return time.Second, nil
	}
	return min(time.Duration(secs)*time.Second, maxRetryAfter), nil
}

// statuses is the attackers' answers, most frequent first: "401 ×50, 429 ×900".
func (r bcryptResult) statuses() string {
	keys := slices.SortedFunc(maps.Keys(r.AttackStatuses), func(a, b string) int {
		return cmp.Compare(r.AttackStatuses[b], r.AttackStatuses[a])
	})
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s ×%d", k, r.AttackStatuses[k]))
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (r bcryptResult) summary() string {
	return fmt.Sprintf("idle %s (%d requests) → %s (%d requests) under %d attackers: %.1f×",
		fmtMs(r.IdleP99ms), r.IdleRequests, fmtMs(r.AttackP99ms), r.AttackRequests, r.Attackers, r.Ratio)
}
