package course

import (
	"maps"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wirebook/server/greetings"
)

// Defaults and bounds of the settings. Every size or time that shapes a
// response has a cap, so a typo in a flag cannot make one request run for an
// hour or buffer a gigabyte.
const (
	DefaultRedirectTo   = "http://kdm.training" // the course's own target
	DefaultMaxBodyBytes = 1 << 20
	MaxMaxBodyBytes     = 64 << 20
	// DefaultStreamWriteTimeout is how long /stream waits for one greeting
	// to be taken by a client before it lets the client go.
	DefaultStreamWriteTimeout = 10 * time.Second
	MaxStreamWriteTimeout     = time.Minute
	MaxPasswordChecks         = 1024
	// DefaultPasswordWait is how long a login waits for a free password
	// check. A waiting request costs no CPU, so the wait does not shield the
	// other endpoints (the pool does); it decides who is told to come back.
	// 3 s lets a class's burst through (about 30 cost-10 checks on one core,
	// 100 ms each on a loaded 2-core machine; 1.2 s each under -race), while a
	// flood is answered 503 instead of queueing without end.
	DefaultPasswordWait = 3 * time.Second
	MaxPasswordWait     = 10 * time.Second
)

// passwordRetryAfter is what a busy /secure asks a client to wait.
const passwordRetryAfter = time.Second

// Course holds the settings the endpoints close over. It is immutable once
// New returns, so its handlers are safe for concurrent use.
type Course struct {
	greetings          *greetings.Greetings
	redirectTo         string
	streamWriteTimeout time.Duration
	maxBodyBytes       int64
	users              Users
	decoy              []byte // hash compared for unknown users; see decoyFor

	passwordSlots   chan struct{} // one per password check running; see passwords.go
	passwordWait    time.Duration
	compare         func(hash, password []byte) error // bcrypt's; tests slow it down
	verified        *verified                         // bcrypt's verdicts on recent credentials
	judging         judging                           // logins being compared now
	checks          int                               // set by WithPasswordChecks; 0 until New sizes the pool
	checksPerClient int                               // set by WithPasswordChecksPerClient; 0 for the pool's size
	clients         *shares
}

// Option sets one setting of a Course.
type Option func(*Course)

// WithGreetings sets what /stream tells: the greetings, how many and the
// pauses between them. The default is greetings.New(nil): "Hello", ten
// times, with the course's pauses.
func WithGreetings(g *greetings.Greetings) Option {
	return func(c *Course) { c.greetings = g }
}

// WithRedirectTo sets the Location /redirect answers with. It is sent as
// given; validating it is the caller's job (it comes from a flag).
func WithRedirectTo(url string) Option {
	return func(c *Course) { c.redirectTo = url }
}

// WithStreamWriteTimeout caps how long /stream waits for the client to
// take one greeting, clamped to [1 ms, MaxStreamWriteTimeout]. A client
// that stops reading is disconnected then, instead of holding a goroutine
// and a connection for as long as the stream would last.
func WithStreamWriteTimeout(d time.Duration) Option {
	return func(c *Course) { c.streamWriteTimeout = min(max(d, time.Millisecond), MaxStreamWriteTimeout) }
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

// WithPasswordChecks sets how many /secure password checks (bcrypt, tens
// of milliseconds of a core each) may run at once, clamped to
// [1, MaxPasswordChecks]. The default is one less than GOMAXPROCS (at least
// 1), so a flood of logins leaves a core to every other endpoint.
func WithPasswordChecks(n int) Option {
	return func(c *Course) { c.checks = min(max(n, 1), MaxPasswordChecks) }
}

// WithPasswordChecksPerClient sets how many of the pool's slots one client
// (remote IP address) may hold or wait for at once, clamped to
// [1, the pool's size]; its next login waits for one of its own to end. The
// default is the pool's size: a lone client may use the whole pool, but a
// flooding client keeps at most that many ahead of anyone else's login.
func WithPasswordChecksPerClient(n int) Option {
	return func(c *Course) { c.checksPerClient = max(n, 1) }
}

// WithPasswordWait sets how long a /secure request waits for a free
// password check before it is answered 503 with Retry-After, clamped to
// [0, MaxPasswordWait]. Zero means no wait at all.
func WithPasswordWait(d time.Duration) Option {
	return func(c *Course) { c.passwordWait = min(max(d, 0), MaxPasswordWait) }
}

// New returns a Course with the defaults above, changed by opts in order.
func New(opts ...Option) *Course {
	c := &Course{
		greetings:          greetings.New(nil),
		redirectTo:         DefaultRedirectTo,
		streamWriteTimeout: DefaultStreamWriteTimeout,
		maxBodyBytes:       DefaultMaxBodyBytes,
		users:              DemoUsers(),
		passwordWait:       DefaultPasswordWait,
		compare:            bcrypt.CompareHashAndPassword,
	}
	for _, opt := range opts {
		opt(c)
	}
	if c.greetings == nil {
		c.greetings = greetings.New(nil)
	}
	if c.users == nil {
		c.users = Users{}
	}
	c.decoy = decoyFor(c.users)
	if c.checks == 0 {
		c.checks = defaultPasswordChecks()
	}
	c.passwordSlots = make(chan struct{}, c.checks)
	if c.checksPerClient == 0 || c.checksPerClient > c.checks {
		c.checksPerClient = c.checks
	}
	c.clients = &shares{}
	c.verified = newVerified()
	return c
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
