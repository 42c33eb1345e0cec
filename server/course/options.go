package course

import (
	"maps"
	"math/rand/v2"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// Defaults and bounds of the settings. Every size or time that shapes a
// response has a cap, so a typo in a flag cannot make one request run for an
// hour or buffer a gigabyte.
const (
	DefaultRedirectTo     = "http://kdm.training" // the course's own target
	DefaultStreamCount    = 10                    // as in the course's generate()
	MaxStreamCount        = 1000
	DefaultStreamMaxDelay = 3 * time.Second // the course sleeps random()*3
	MaxStreamMaxDelay     = time.Minute
	DefaultMaxBodyBytes   = 1 << 20
	MaxMaxBodyBytes       = 64 << 20
)

// Course holds the settings the endpoints close over. It is immutable once
// New returns, so its handlers are safe for concurrent use.
type Course struct {
	greetings      [][]byte // each ends in "\n", ready to write
	redirectTo     string
	streamCount    int
	streamMaxDelay time.Duration
	maxBodyBytes   int64
	users          Users
	decoy          []byte // hash compared for unknown users; see secure.go
}

// Option sets one setting of a Course.
type Option func(*Course)

// WithGreetings sets the lines /stream picks from. Surrounding space is
// trimmed and blank lines dropped (a greetings file read with a trailing
// newline or CRLF endings should just work); if nothing is left, /stream
// says "Hello".
func WithGreetings(lines []string) Option {
	return func(c *Course) {
		c.greetings = c.greetings[:0]
		for _, l := range lines {
			if l = strings.TrimSpace(l); l != "" {
				c.greetings = append(c.greetings, []byte(l+"\n"))
			}
		}
	}
}

// WithRedirectTo sets the Location /redirect answers with. It is sent as
// given; validating it is the caller's job (it comes from a flag).
func WithRedirectTo(url string) Option {
	return func(c *Course) { c.redirectTo = url }
}

// WithStreamCount sets how many greetings /stream writes, clamped to
// [1, MaxStreamCount].
func WithStreamCount(n int) Option {
	return func(c *Course) { c.streamCount = min(max(n, 1), MaxStreamCount) }
}

// WithStreamMaxDelay sets the upper bound of the random pause after each
// /stream greeting, clamped to [0, MaxStreamMaxDelay]. Zero means no pause.
func WithStreamMaxDelay(d time.Duration) Option {
	return func(c *Course) { c.streamMaxDelay = min(max(d, 0), MaxStreamMaxDelay) }
}

// WithMaxBodyBytes caps the request body /json reads, clamped to
// [1, MaxMaxBodyBytes]. Larger bodies are answered 413.
func WithMaxBodyBytes(n int64) Option {
	return func(c *Course) { c.maxBodyBytes = min(max(n, 1), MaxMaxBodyBytes) }
}

// WithUsers sets who may read /secure. An empty set is allowed and means
// nobody can; the default is DemoUsers.
func WithUsers(u Users) Option {
	return func(c *Course) { c.users = maps.Clone(u) }
}

// New returns a Course with the defaults above, changed by opts in order.
func New(opts ...Option) *Course {
	c := &Course{
		redirectTo:     DefaultRedirectTo,
		streamCount:    DefaultStreamCount,
		streamMaxDelay: DefaultStreamMaxDelay,
		maxBodyBytes:   DefaultMaxBodyBytes,
		users:          DemoUsers(),
	}
	for _, opt := range opts {
		opt(c)
	}
	if len(c.greetings) == 0 {
		c.greetings = [][]byte{[]byte("Hello\n")}
	}
	if c.users == nil {
		c.users = Users{}
	}
	c.decoy = decoyFor(c.users)
	return c
}

// pause is how long /stream waits after a greeting: uniform in
// [0, streamMaxDelay), like the course's random()*3.
func (c *Course) pause() time.Duration {
	if c.streamMaxDelay <= 0 {
		return 0
	}
	return rand.N(c.streamMaxDelay)
}

// greeting picks one of the greetings at random.
func (c *Course) greeting() []byte {
	return c.greetings[rand.IntN(len(c.greetings))]
}

// decoyFor returns a hash to compare against when the user is unknown. It
// must cost what the real hashes cost, or the time of a 401 tells an attacker
// whether a name exists; bcrypt's time depends on the cost alone. With users
// of mixed costs it matches the highest, so an unknown name is never faster.
// With no users there is no name to hide, so it costs the least.
func decoyFor(u Users) []byte {
	cost := bcrypt.MinCost
	for _, h := range u {
		if hc, err := bcrypt.Cost(h); err == nil {
			cost = max(cost, hc)
		}
	}
	if cost == bcrypt.DefaultCost {
		return []byte(decoyHash)
	}
	// Costs other than the default pay this once, at start: a millisecond at
	// the minimum, longer only for user files hashed above the default.
	h, err := bcrypt.GenerateFromPassword([]byte("wirebook decoy: no one's password"), cost)
	if err != nil {
		return []byte(decoyHash) // unreachable: cost came from valid hashes
	}
	return h
}
