package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// A Hall is what a lecture runs against: one wirebook, or several behind
// nginx with the README's block, as an instructor would run a class too
// big for one.
type Hall struct {
	URL       string // where the students go
	Instances []*Child
	proxy     *Nginx
	dir       string
	// Keep leaves the logs in Dir after Close: each instance's, and nginx's
	// access log with each request's times.
	Keep bool
}

// Dir is where the hall's logs are.
func (h *Hall) Dir() string { return h.dir }

// hallConnections is nginx's worker_connections in a hall: a student holds
// a relay socket and, while a cell runs, its relayed request and maybe a
// /ws/stream, each two connections through the proxy; 1 000 students
// need about 6 000.
const hallConnections = 16384

// OpenHall starts n wirebooks from bin, each logging to a file (reading a
// class's log would load this process, not the server), and for n > 1
// nginx (the binary nginxBin) in front of them. args go to each instance.
func OpenHall(ctx context.Context, bin, nginxBin string, n int, args ...string) (_ *Hall, err error) {
	if n < 1 {
		return nil, errors.New("a hall needs at least one instance")
	}
	dir, err := os.MkdirTemp("", "wirebook-hall-*")
	if err != nil {
		return nil, err
	}
	h := &Hall{dir: dir}
	defer func() {
		if err != nil {
			h.Close()
		}
	}()
	var listen string
	if n > 1 {
		if listen, err = FreePort(); err != nil {
			return nil, err
		}
		// The page's cells name the proxy's address, so each instance's
		// relay must be allowed to reach it.
		args = append([]string{"-relay-allow", listen}, args...)
	}
	for i := range n {
		name := fmt.Sprintf("wirebook-%c", 'a'+i)
		c, err := StartLogFile(ctx, bin, dir+"/"+name+".log", name, args...)
		if err != nil {
			return nil, err
		}
		h.Instances = append(h.Instances, c)
	}
	if n == 1 {
		h.URL = h.Instances[0].URL
		return h, nil
	}
	var ups []string
	for _, c := range h.Instances {
		ups = append(ups, c.Addr)
	}
	// nginx's workers run as nobody when the master is root, and must
	// reach their files under the hall's (private) temp dir.
	ndir := dir + "/nginx"
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if err := os.Mkdir(ndir, 0o755); err != nil {
		return nil, err
	}
	if h.proxy, err = StartNginx(ctx, nginxBin, NginxConfig{Dir: ndir, Listen: listen, Upstreams: ups, Connections: hallConnections}); err != nil {
		return nil, err
	}
	h.URL = "http://" + listen
	return h, nil
}

// Close stops nginx, then the instances, and removes the hall's files
// unless Keep.
func (h *Hall) Close() {
	if h.proxy != nil {
		h.proxy.Stop()
	}
	for _, c := range h.Instances {
		c.Stop()
	}
	if !h.Keep {
		os.RemoveAll(h.dir)
	}
}

// Usage is what the instances used while a lecture ran.
type Usage struct {
	RSSPeakKiB []int64   // each instance's peak, sampled every 100 ms
	CPUSeconds []float64 // each instance's user and system time
	// ProxyCPUSeconds is nginx's, master and workers; ToolCPUSeconds is
	// this process's, the students' side, which shares the machine.
	ProxyCPUSeconds, ToolCPUSeconds float64
}

// TotalRSSPeakKiB is the sum of the instances' peaks.
func (u Usage) TotalRSSPeakKiB() int64 { return sum(u.RSSPeakKiB) }

// TotalCPUSeconds is the sum of the instances' CPU times.
func (u Usage) TotalCPUSeconds() float64 { return sum(u.CPUSeconds) }

func sum[T int64 | float64](xs []T) T {
	var t T
	for _, x := range xs {
		t += x
	}
	return t
}

func (u Usage) String() string {
	var rss, cpu []string
	for i := range u.RSSPeakKiB {
		rss = append(rss, fmt.Sprintf("%d KiB", u.RSSPeakKiB[i]))
		cpu = append(cpu, fmt.Sprintf("%.1f s", u.CPUSeconds[i]))
	}
	s := "RSS peak " + strings.Join(rss, " + ") + ", CPU " + strings.Join(cpu, " + ")
	if u.ProxyCPUSeconds > 0 {
		s += fmt.Sprintf(", nginx CPU %.1f s", u.ProxyCPUSeconds)
	}
	return s + fmt.Sprintf(" (the students' side: CPU %.1f s)", u.ToolCPUSeconds)
}

// Lecture runs cfg against the hall, measuring its instances meanwhile.
func (h *Hall) Lecture(ctx context.Context, cfg LectureConfig) (LectureResult, Usage) {
	u := Usage{RSSPeakKiB: make([]int64, len(h.Instances)), CPUSeconds: make([]float64, len(h.Instances))}
	cpu0 := make([]float64, len(h.Instances))
	for i, c := range h.Instances {
		cpu0[i], _ = c.CPUSeconds()
	}
	self0, _ := CPUSeconds(os.Getpid())
	var proxy0 float64
	if h.proxy != nil {
		proxy0 = h.proxy.CPUSeconds()
	}
	done, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			for i, c := range h.Instances {
				if kib, err := c.RSSKiB(); err == nil {
					u.RSSPeakKiB[i] = max(u.RSSPeakKiB[i], kib)
				}
			}
			select {
			case <-t.C:
			case <-done:
				return
			}
		}
	}()
	r := Lecture(ctx, h.URL, cfg)
	close(done)
	<-sampled
	for i, c := range h.Instances {
		cpu1, _ := c.CPUSeconds()
		u.CPUSeconds[i] = cpu1 - cpu0[i]
	}
	self1, _ := CPUSeconds(os.Getpid())
	u.ToolCPUSeconds = self1 - self0
	if h.proxy != nil {
		u.ProxyCPUSeconds = h.proxy.CPUSeconds() - proxy0
	}
	return r, u
}
