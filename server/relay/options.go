package relay

import (
	"log/slog"
	"time"
)

// Defaults and bounds of the settings. Every size, count and time a client
// can make the relay spend has a cap; the bounds keep a typo in a flag from
// turning one into "unlimited".
const (
	DefaultMaxMessageBytes = 64 << 10 // a send frame: request text, headers, body
	MaxMaxMessageBytes     = 16 << 20
	DefaultMaxBodyBytes    = 4 << 20 // per response; more is cut and End says Truncated
	MaxMaxBodyBytes        = 1 << 30
	DefaultMaxHeaderBytes  = 64 << 10 // a response head; net/http's own default is 1 MB
	MaxMaxHeaderBytes      = 1 << 20
	DefaultMaxPerConn      = 4 // a lesson page runs one cell at a time, "Run all" a few
	MaxMaxPerConn          = 64
	// DefaultMaxTotal: a class of 1 000 pressing Run on the stream cell
	// holds 1 000 relays for ~15 s each (10 greetings, pauses of up to
	// 3 s); with 256 slots the fourth wave would start ~45 s later, past
	// DefaultQueueWait. A held relay costs memory, not CPU: measured on
	// loopback, 1 024 held streams took ~60 KiB each (relay and /stream
	// sides together, one process), ~62 MiB in all.
	DefaultMaxTotal = 1024
	MaxMaxTotal     = 1 << 16
	// DefaultMaxQueue: a lecture of 1 000 students pressing "Run all" at
	// once sends up to 4 000 requests (DefaultMaxPerConn each); past the
	// slots they all wait in line rather than some being refused.
	DefaultMaxQueue = 4096
	MaxMaxQueue     = 1 << 20
	// DefaultQueueWait: past half a minute a student has given up waiting
	// and is better told the server is busy.
	DefaultQueueWait    = 30 * time.Second
	MaxQueueWait        = 10 * time.Minute
	DefaultTimeout      = 60 * time.Second // /stream takes up to 30 s
	MaxTimeout          = 10 * time.Minute
	DefaultWriteTimeout = 10 * time.Second // a page that stops reading is let go
	MaxWriteTimeout     = time.Minute
	// DefaultMaxConns: an idle connection holds about 20 KiB, so the cap
	// bounds them near 80 MiB; a lecture of 1 000 students with a few tabs
	// each fits.
	DefaultMaxConns = 4096
	MaxMaxConns     = 1 << 20
	// DefaultIdleTimeout: a page sends a frame per cell run; five minutes
	// without one (a forgotten tab) frees the connection, and the page opens
	// a new one on its next run.
	DefaultIdleTimeout  = 5 * time.Minute
	MaxIdleTimeout      = 24 * time.Hour
	DefaultPingInterval = 30 * time.Second // finds a peer gone within a minute
	MaxPingInterval     = 10 * time.Minute
)

// Option sets one setting of a Relay.
type Option func(*Relay)

// WithAllowedHosts adds targets the relay may send to, each "host:port"
// ("127.0.0.1:2500", "[::1]:2500", "localhost:2505", "kdm.training:80") or a
// bare host, meaning ports 80 and 443. Pass wirebook's own listener
// addresses, as net.Listener.Addr reports them, plus the -relay-allow hosts;
// 0.0.0.0:P and [::]:P stand for the loopback addresses on port P. IP
// addresses must be canonical (netip.ParseAddr); names are matched exactly,
// and must resolve to a public address when dialled. Calls add up. Invalid
// entries are logged by New and left out; ParseHosts checks a flag first.
// The default is no target at all.
func WithAllowedHosts(hostports ...string) Option {
	return func(r *Relay) { r.hosts = append(r.hosts, hostports...) }
}

// WithOriginPatterns allows pages from other origins to open the relay, as
// websocket.AcceptOptions.OriginPatterns does (host patterns matched with
// path.Match). The default is the request's own host only: any other page
// the student visits could otherwise use the relay to probe their machine.
func WithOriginPatterns(patterns ...string) Option {
	return func(r *Relay) { r.origins = append(r.origins, patterns...) }
}

// WithMaxMessageBytes caps one client message, clamped to
// [1 KiB, MaxMaxMessageBytes]. A larger one closes the connection with
// StatusMessageTooBig.
func WithMaxMessageBytes(n int64) Option {
	return func(r *Relay) { r.maxMessage = min(max(n, 1<<10), MaxMaxMessageBytes) }
}

// WithMaxBodyBytes caps the response body relayed per request, clamped to
// [1, MaxMaxBodyBytes]. The relay stops reading there and the End frame
// says Truncated.
func WithMaxBodyBytes(n int64) Option {
	return func(r *Relay) { r.maxBody = min(max(n, 1), MaxMaxBodyBytes) }
}

// WithMaxHeaderBytes caps a response head, clamped to
// [1 KiB, MaxMaxHeaderBytes]; a larger head is an error.
func WithMaxHeaderBytes(n int64) Option {
	return func(r *Relay) { r.maxHeader = min(max(n, 1<<10), MaxMaxHeaderBytes) }
}

// WithMaxSentBytes caps the copy of a written request that the Sent frame
// carries, clamped to [1 KiB, MaxMaxMessageBytes]; past it the frame says
// Truncated. The request itself is always written whole.
func WithMaxSentBytes(n int) Option {
	return func(r *Relay) { r.maxSent = min(max(n, 1<<10), MaxMaxMessageBytes) }
}

// WithMaxPerConn caps the requests one connection (one page) may have in
// flight, clamped to [1, MaxMaxPerConn]. One more is answered with an error
// frame, not queued.
func WithMaxPerConn(n int) Option {
	return func(r *Relay) { r.maxPerConn = min(max(n, 1), MaxMaxPerConn) }
}

// WithMaxTotal caps the requests in flight over all connections, clamped to
// [1, MaxMaxTotal]. One more waits in line for a slot (WithMaxQueue).
func WithMaxTotal(n int) Option {
	return func(r *Relay) { r.maxTotal = min(max(n, 1), MaxMaxTotal) }
}

// WithMaxQueue caps the requests that wait for a slot when all
// WithMaxTotal are in flight, clamped to [0, MaxMaxQueue]. The page is
// told its place in line; one more is answered with an error frame saying
// the server is busy. 0 refuses at once when every slot is taken.
func WithMaxQueue(n int) Option {
	return func(r *Relay) { r.maxQueue = min(max(n, 0), MaxMaxQueue) }
}

// WithQueueWait caps how long a request waits in line for a slot, clamped
// to [1 ms, MaxQueueWait]; then it is answered with an error frame saying
// how long it waited. The relay's own timeout starts once it has a slot.
func WithQueueWait(d time.Duration) Option {
	return func(r *Relay) { r.queueWait = min(max(d, time.Millisecond), MaxQueueWait) }
}

// WithTimeout caps one whole exchange, from sending the request to the last
// byte of the body, clamped to [1 ms, MaxTimeout].
func WithTimeout(d time.Duration) Option {
	return func(r *Relay) { r.timeout = min(max(d, time.Millisecond), MaxTimeout) }
}

// WithWriteTimeout caps the sending of one frame to the page, clamped to
// [1 ms, MaxWriteTimeout]. A page that does not read for that long is
// disconnected, so it cannot hold upstream connections open.
func WithWriteTimeout(d time.Duration) Option {
	return func(r *Relay) { r.writeTimeout = min(max(d, time.Millisecond), MaxWriteTimeout) }
}

// WithMaxConns caps the relay connections open at once, clamped to
// [1, MaxMaxConns]. One more is answered 503 with Retry-After before the
// upgrade.
func WithMaxConns(n int) Option {
	return func(r *Relay) { r.maxConns = min(max(n, 1), MaxMaxConns) }
}

// WithIdleTimeout sets how long a connection may go without a frame from
// the page while no request of its own is in flight, clamped to
// [1 ms, MaxIdleTimeout]. Then it is closed with StatusGoingAway and a
// reason; the page opens a new one when it next runs a cell. Pongs do not
// count: a browser answers pings by itself. The clock is checked when it
// runs out, so a connection whose last request ended late in one period is
// closed within two.
func WithIdleTimeout(d time.Duration) Option {
	return func(r *Relay) { r.idleTimeout = min(max(d, time.Millisecond), MaxIdleTimeout) }
}

// WithPingInterval sets how often the relay pings each page, clamped to
// [1 ms, MaxPingInterval]. A page whose pong has not come by the next ping
// is gone, and its connection is dropped.
func WithPingInterval(d time.Duration) Option {
	return func(r *Relay) { r.pingInterval = min(max(d, time.Millisecond), MaxPingInterval) }
}

// WithLogger sets where the relay logs. The default is slog.Default().
func WithLogger(l *slog.Logger) Option {
	return func(r *Relay) { r.log = l }
}
