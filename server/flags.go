package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"wirebook/server/course"
	"wirebook/server/proxy"
	"wirebook/server/relay"
	"wirebook/server/wsstream"
)

type config struct {
	addr           string
	coursePorts    coursePorts
	files          string
	lessons        []string // -lesson, each a file or folder, in order
	watch          bool     // follow edits to the lessons
	users          string
	redirectTo     string
	streamCount    int
	streamMaxDelay time.Duration
	relayAllow     []string
	studentHosts   []string // hosts whose course ports the relay may reach
	hosts          []string
	passwordChecks int
	passwordWait   time.Duration
	maxRelays      int
	maxInFlight    int // requests the wire transport relays at once
	maxQueue       int
	queueWait      time.Duration
	maxViewers     int
	relayIdle      time.Duration
	pingInterval   time.Duration
	maxBody        int64
	trustProxy     []netip.Prefix
}

// The course's notebook calls these ports; -course-ports opens them so its
// cells run unchanged with only the host replaced.
var defaultCoursePorts = coursePorts{enabled: false, auth: 2502, files: 2503, echo: 2504, app: 2505}

// coursePorts is a boolean flag that also takes a port list: `-course-ports`
// opens the course's own ports, `-course-ports=0,0,0,0` any free ones (for
// tests and for running two lectures on one machine).
type coursePorts struct {
	enabled                bool
	auth, files, echo, app int
}

func (c *coursePorts) IsBoolFlag() bool { return true }

func (c *coursePorts) String() string {
	if c == nil || !c.enabled {
		return "false"
	}
	return fmt.Sprintf("%d,%d,%d,%d", c.auth, c.files, c.echo, c.app)
}

func (c *coursePorts) Set(s string) error {
	if b, err := strconv.ParseBool(s); err == nil {
		c.enabled = b
		return nil
	}
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return errors.New("want true, false, or four ports auth,files,echo,app (e.g. 2502,2503,2504,2505)")
	}
	ports := make([]int, 4)
	for i, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("bad port %q", p)
		}
		ports[i] = n
	}
	*c = coursePorts{enabled: true, auth: ports[0], files: ports[1], echo: ports[2], app: ports[3]}
	return nil
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	cfg := config{coursePorts: defaultCoursePorts}
	fs := flag.NewFlagSet("wirebook", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(fs) }
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:2500", "`host:port` for the lesson page and every endpoint (0.0.0.0:2500 for a class on the LAN)")
	fs.Var(&cfg.coursePorts, "course-ports", "also listen on the course's ports on the same host: 2502 auth, 2503 files, 2504 echo, 2505 app (or give four ports)")
	fs.StringVar(&cfg.files, "files", "", "`folder` the file server serves (default: the embedded sample folder)")
	fs.Var((*sources)(&cfg.lessons), "lesson", "Markdown lesson `file or folder` to serve; give it again to add more, in order (default: the embedded course)")
	fs.BoolVar(&cfg.watch, "watch", false, "follow edits to the -lesson files and folders: re-parse on each save and reload the open pages (a lesson that no longer parses keeps its last good page and shows the error)")
	fs.StringVar(&cfg.users, "users", "", "`file` of name:bcrypt-hash lines for /secure (default: the course's demo user)")
	fs.StringVar(&cfg.redirectTo, "redirect-to", "http://kdm.training", "`URL` /redirect points to (301)")
	fs.IntVar(&cfg.streamCount, "stream-count", 10, "greetings /stream sends")
	fs.DurationVar(&cfg.streamMaxDelay, "stream-max-delay", 3*time.Second, "longest random pause after each /stream greeting")
	relayAllow := fs.String("relay-allow", "", "comma-separated extra `hosts` (host or host:port) the wire transport may reach (default: wirebook's own listeners only)")
	studentHosts := fs.String("student-hosts", "", "comma-separated `hosts` (IP addresses, or localhost) where students run the course's servers: the wire transport may also reach the course ports there, for the page's \"send to: your servers\"")
	hosts := fs.String("hosts", "", "comma-separated host `names` students use to reach this machine, besides localhost and its IP addresses (e.g. teacher.local); other Host headers get 421, which stops DNS rebinding")
	fs.Int64Var(&cfg.maxBody, "max-body", 1<<20, "largest request body, in `bytes`, /json accepts (413 past it)")
	fs.IntVar(&cfg.passwordChecks, "password-checks", 0, "/secure password checks (bcrypt) that may run at once; 0 is one less than the CPUs, so a flood of logins leaves a core to everything else")
	fs.DurationVar(&cfg.passwordWait, "password-wait", course.DefaultPasswordWait, "how long a login waits for a free password check before a 503 with Retry-After")
	fs.IntVar(&cfg.maxRelays, "max-relays", relay.DefaultMaxConns, "open /ws/relay connections (one per open lesson page) before a 503")
	fs.IntVar(&cfg.maxInFlight, "max-in-flight", relay.DefaultMaxTotal, "requests the wire transport relays at once, over all pages; more wait in line (-max-queue)")
	fs.IntVar(&cfg.maxQueue, "max-queue", relay.DefaultMaxQueue, "requests that may wait for one of -max-in-flight, each page told its place (\"queued (n ahead)\"); past it a run is refused as \"the server is busy\" (0: no line)")
	fs.DurationVar(&cfg.queueWait, "queue-wait", relay.DefaultQueueWait, "longest a request waits in line before it is refused")
	fs.DurationVar(&cfg.relayIdle, "relay-idle", relay.DefaultIdleTimeout, "a /ws/relay connection with no request for this long is closed (the page reopens it on its next run)")
	fs.IntVar(&cfg.maxViewers, "max-viewers", wsstream.DefaultMaxConns, "open /ws/stream connections before a 503")
	fs.DurationVar(&cfg.pingInterval, "ws-ping", relay.DefaultPingInterval, "how often the WebSockets are pinged; a peer that misses a ping is dropped")
	trustProxy := fs.String("trust-proxy", "", "comma-separated `CIDRs` of reverse proxies whose X-Forwarded-For names the client (default: none)")
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	cfg.hosts = splitList(*hosts)
	var err error
	if cfg.relayAllow, err = relay.ParseHosts(*relayAllow); err != nil {
		return config{}, fmt.Errorf("-relay-allow: %w", err)
	}
	if cfg.studentHosts, err = parseStudentHosts(*studentHosts); err != nil {
		return config{}, fmt.Errorf("-student-hosts: %w", err)
	}
	if cfg.trustProxy, err = proxy.ParseTrusted(*trustProxy); err != nil {
		return config{}, fmt.Errorf("-trust-proxy: %w", err)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("unexpected arguments %q (all settings are flags; see -h)", fs.Args())
	}
	if cfg.watch && len(cfg.lessons) == 0 {
		return config{}, errors.New("-watch follows -lesson: give the lesson files or folders (the embedded course never changes)")
	}
	if cfg.streamCount < 1 || cfg.streamCount > 1000 {
		return config{}, fmt.Errorf("-stream-count %d: want 1 to 1000", cfg.streamCount)
	}
	if cfg.streamMaxDelay < 0 || cfg.streamMaxDelay > time.Minute {
		return config{}, fmt.Errorf("-stream-max-delay %v: want 0 to 1m", cfg.streamMaxDelay)
	}
	if cfg.passwordChecks < 0 || cfg.maxRelays < 1 || cfg.maxViewers < 1 || cfg.maxInFlight < 1 {
		return config{}, errors.New("-password-checks, -max-relays, -max-viewers and -max-in-flight take a positive count")
	}
	if cfg.maxQueue < 0 || cfg.maxQueue > relay.MaxMaxQueue {
		return config{}, fmt.Errorf("-max-queue %d: want 0 to %d", cfg.maxQueue, relay.MaxMaxQueue)
	}
	if cfg.passwordWait < 0 || cfg.relayIdle <= 0 || cfg.pingInterval <= 0 || cfg.queueWait <= 0 {
		return config{}, errors.New("-password-wait, -relay-idle, -ws-ping and -queue-wait take a positive duration")
	}
	if cfg.maxBody < 1 {
		return config{}, fmt.Errorf("-max-body %d: want a positive size", cfg.maxBody)
	}
	return cfg, nil
}

// usage is what -h prints: what wirebook is, how to call it, every flag,
// and the two ways a teacher starts it.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	fmt.Fprint(w, `wirebook serves an HTTP course: a lesson page whose request cells a student runs, and every endpoint they call.

Usage:
  wirebook [flags]
  wirebook check [flags] [LESSON.md|FOLDER …]   run every cell and check its expectations (see wirebook check -h)

Then open http://127.0.0.1:2500/ (or the -addr you gave).

Flags:
`)
	fs.PrintDefaults()
	fmt.Fprint(w, `
Examples:
  # A lecture on the classroom LAN: students open http://<this machine's LAN IP>:2500/
  # (give your own users: the demo user's password is printed in the course)
  wirebook -addr 0.0.0.0:2500 -users class-users.txt -hosts teacher.local

  # Your own course (a folder of lessons) and folder of files, with the course's ports
  wirebook -lesson lessons/ -files lessons/site -course-ports

  # Writing a course: each save reloads the open pages, or shows them the error
  wirebook -lesson lessons/ -watch
`)
}

// sources is a flag that may be given several times, each value appended.
type sources []string

func (s *sources) String() string { return strings.Join(*s, ",") }

func (s *sources) Set(v string) error {
	if v == "" {
		return errors.New("empty path")
	}
	*s = append(*s, v)
	return nil
}

// parseStudentHosts reads -student-hosts: bare hosts, each checked as the
// relay will read it with a course port.
func parseStudentHosts(list string) ([]string, error) {
	hosts := splitList(list)
	for _, h := range hosts {
		if _, _, err := net.SplitHostPort(h); err == nil {
			return nil, fmt.Errorf("%q: give the host alone; the course's ports are added", h)
		}
		if _, err := relay.ParseHosts(net.JoinHostPort(strings.Trim(h, "[]"), "1")); err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a host name", h)
		}
	}
	return hosts, nil
}

// studentTargets is every host:port the relay may reach for -student-hosts:
// the course ports on each host, as -course-ports gives them, or the
// course's own for a port it leaves to the system (0).
func (c config) studentTargets() []string {
	ports := []int{c.coursePorts.auth, c.coursePorts.files, c.coursePorts.echo, c.coursePorts.app}
	course := []int{defaultCoursePorts.auth, defaultCoursePorts.files, defaultCoursePorts.echo, defaultCoursePorts.app}
	var out []string
	for _, h := range c.studentHosts {
		for i, p := range ports {
			out = append(out, net.JoinHostPort(strings.Trim(h, "[]"), strconv.Itoa(cmp.Or(p, course[i]))))
		}
	}
	return out
}

// splitList splits a comma-separated flag value, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
