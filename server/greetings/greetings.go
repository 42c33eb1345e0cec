// Package greetings is the one source of the course's greetings, for the
// two endpoints that tell them: /stream (one line each) and /ws/stream (one
// WebSocket message each). It reads greetings.txt, trims it, picks a
// greeting at random and says how long to pause after it, within the
// bounds set here, so both endpoints tell the same greetings the same way.
package greetings

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"strings"
	"time"

	"wirebook/web"
)

// File is the name of the greetings file in a served folder.
const File = "greetings.txt"

// Defaults and bounds of the settings: the course's generate() sends 10
// greetings and sleeps random()*3 seconds after each. The bounds keep a typo
// in a flag from making one stream last a day.
const (
	DefaultCount    = 10
	MaxCount        = 1000
	DefaultMaxDelay = 3 * time.Second
	MaxMaxDelay     = time.Minute
)

// Greetings is what a stream tells: the lines, how many of them, and the
// longest pause after each. It is immutable, so safe for concurrent use.
type Greetings struct {
	lines    []string
	count    int
	maxDelay time.Duration
}

// Option sets one setting of Greetings.
type Option func(*Greetings)

// WithCount sets how many greetings a stream tells, clamped to [1, MaxCount].
func WithCount(n int) Option {
	return func(g *Greetings) { g.count = min(max(n, 1), MaxCount) }
}

// WithMaxDelay sets the upper bound of the random pause after each greeting,
// clamped to [0, MaxMaxDelay]. Zero means no pause.
func WithMaxDelay(d time.Duration) Option {
	return func(g *Greetings) { g.maxDelay = min(max(d, 0), MaxMaxDelay) }
}

// New returns greetings picked from lines. Surrounding space is trimmed and
// blank lines dropped (a file with CRLF endings or a trailing newline should
// just work); if nothing is left, the greeting is "Hello".
func New(lines []string, opts ...Option) *Greetings {
	g := &Greetings{count: DefaultCount, maxDelay: DefaultMaxDelay}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			g.lines = append(g.lines, l)
		}
	}
	if len(g.lines) == 0 {
		g.lines = []string{"Hello"}
	}
	for _, opt := range opts {
		opt(g)
	}
	return g
}

// Load reads File from folder, or from the embedded sample folder when
// folder has none, so -files can point at any folder. A file with no
// greeting in it is an error: the server would otherwise say only "Hello"
// without telling why.
func Load(folder fs.FS, opts ...Option) (*Greetings, error) {
	f, err := folder.Open(File)
	if errors.Is(err, fs.ErrNotExist) {
		f, err = web.Sample().Open(File)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", File, err)
	}
	defer f.Close()
	lines, err := readLines(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", File, err)
	}
	if len(lines) == 0 {
		return nil, errors.New(File + " holds no greetings; /stream needs at least one")
	}
	return New(lines, opts...), nil
}

// readLines returns r's lines that are not blank, as New keeps them.
func readLines(r io.Reader) ([]string, error) {
	var lines []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines, sc.Err()
}

// Count is how many greetings a stream tells.
func (g *Greetings) Count() int { return g.count }

// Pick returns one of the greetings at random.
func (g *Greetings) Pick() string { return g.lines[rand.IntN(len(g.lines))] }

// Pause is how long to wait after a greeting: uniform in [0, max delay),
// like the course's random()*3.
func (g *Greetings) Pause() time.Duration {
	if g.maxDelay <= 0 {
		return 0
	}
	return rand.N(g.maxDelay)
}
