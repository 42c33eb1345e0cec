package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// wrkResult is what one wrk run printed, parsed.
type wrkResult struct {
	Requests       int64
	Elapsed        time.Duration
	RequestsPerSec float64
	// Latency holds the percentiles of wrk's --latency distribution (50,
	// 75, 90, 99), read to wrk's printed precision of three significant
	// figures.
	Latency    map[int]time.Duration
	LatencyMax time.Duration
	ReadBytes  int64

	SocketConnect, SocketRead, SocketWrite, SocketTimeout int64
	// Non2xx3xx counts responses outside 200–399; wrk prints the line only
	// when there was one.
	Non2xx3xx int64
}

func (r wrkResult) socketErrors() int64 {
	return r.SocketConnect + r.SocketRead + r.SocketWrite + r.SocketTimeout
}

// parseWrk reads wrk's report (wrk 4.x with --latency). It fails when a line
// every run prints is missing, so a changed format is noticed rather than
// read as zeros.
func parseWrk(out string) (wrkResult, error) {
	r := wrkResult{Latency: map[int]time.Duration{}}
	var sawRate, sawTotal bool
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		var err error
		switch {
		case f[0] == "Latency" && len(f) >= 4:
			// Thread Stats: Latency avg stdev max +/-stdev
			r.LatencyMax, err = parseWrkDuration(f[3])
		case len(f) == 2 && strings.HasSuffix(f[0], "%"):
			var p int
			if p, err = strconv.Atoi(strings.TrimSuffix(f[0], "%")); err == nil {
				r.Latency[p], err = parseWrkDuration(f[1])
			}
		case len(f) >= 5 && f[1] == "requests" && f[2] == "in":
			// "66890 requests in 2.01s, 7.72MB read"
			sawTotal = true
			if r.Requests, err = strconv.ParseInt(f[0], 10, 64); err == nil {
				if r.Elapsed, err = parseWrkDuration(strings.TrimSuffix(f[3], ",")); err == nil {
					r.ReadBytes, err = parseWrkBytes(f[4])
				}
			}
		case f[0] == "Requests/sec:" && len(f) == 2:
			sawRate = true
			r.RequestsPerSec, err = strconv.ParseFloat(f[1], 64)
		case f[0] == "Socket" && len(f) == 10 && f[1] == "errors:":
			// "Socket errors: connect 0, read 0, write 0, timeout 0"
			for i, dst := range []*int64{&r.SocketConnect, &r.SocketRead, &r.SocketWrite, &r.SocketTimeout} {
				if *dst, err = strconv.ParseInt(strings.TrimSuffix(f[3+2*i], ","), 10, 64); err != nil {
					break
				}
			}
		case strings.HasPrefix(sc.Text(), "  Non-2xx or 3xx responses:"):
			r.Non2xx3xx, err = strconv.ParseInt(f[len(f)-1], 10, 64)
		}
		if err != nil {
			return wrkResult{}, fmt.Errorf("wrk output line %q: %w", sc.Text(), err)
		}
	}
	switch {
	case !sawRate || !sawTotal:
		return wrkResult{}, errors.New("wrk output has no Requests/sec or total line")
	case r.Latency[50] == 0 || r.Latency[99] == 0:
		return wrkResult{}, errors.New("wrk output has no latency distribution (run it with --latency)")
	}
	return r, nil
}

// parseWrkDuration reads wrk's times: "105.00us", "1.80ms", "2.01s", "1.00m",
// "1.00h" (wrk's units.c scales microseconds by 1000 up to seconds, then by
// 60).
func parseWrkDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		unit   time.Duration
	}{
		{"us", time.Microsecond}, {"ms", time.Millisecond},
		{"s", time.Second}, {"m", time.Minute}, {"h", time.Hour},
	}
	for _, u := range units {
		if num, ok := strings.CutSuffix(s, u.suffix); ok {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil || v < 0 {
				return 0, fmt.Errorf("bad duration %q", s)
			}
			return time.Duration(math.Round(v * float64(u.unit))), nil
		}
	}
	return 0, fmt.Errorf("duration %q has no unit", s)
}

// parseWrkBytes reads wrk's sizes: "512.00B", "7.36KB", "7.72MB" — binary
// multiples, as wrk's units.c scales by 1024.
func parseWrkBytes(s string) (int64, error) {
	num, ok := strings.CutSuffix(s, "B")
	if !ok {
		return 0, fmt.Errorf("size %q does not end in B", s)
	}
	scale := 1.0
	if i := strings.IndexAny(num, "KMGTP"); i >= 0 && i == len(num)-1 {
		scale = float64(int64(1) << (10 * (strings.IndexByte("KMGTP", num[i]) + 1)))
		num = num[:i]
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return int64(math.Round(v * scale)), nil
}

// runWrk loads url for d with wrk and parses its report. script, when not
// empty, is Lua that sets wrk.method, wrk.body and wrk.headers; with only
// those set wrk builds the request once, so it stays as fast as without a
// script.
func runWrk(ctx context.Context, wrk string, load wrkLoad, url string, headers []string, script string) (wrkResult, string, error) {
	args := []string{
		"-t" + strconv.Itoa(load.Threads), "-c" + strconv.Itoa(load.Connections),
		"-d" + strconv.Itoa(int(load.Duration.Seconds())) + "s",
		"--timeout", strconv.Itoa(int(load.Timeout.Seconds())) + "s", "--latency",
	}
	for _, h := range headers {
		args = append(args, "-H", h)
	}
	if script != "" {
		f, err := os.CreateTemp("", "wirebook-bench-*.lua")
		if err != nil {
			return wrkResult{}, "", err
		}
		defer os.Remove(f.Name())
		if _, err := f.WriteString(script); err != nil {
			f.Close()
			return wrkResult{}, "", err
		}
		if err := f.Close(); err != nil {
			return wrkResult{}, "", err
		}
		args = append(args, "-s", f.Name())
	}
	args = append(args, url)
	cmdline := filepath.Base(wrk) + " " + strings.Join(args, " ")
	ctx, cancel := context.WithTimeout(ctx, load.Duration+load.Timeout+10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, wrk, args...).CombinedOutput()
	if err != nil {
		return wrkResult{}, cmdline, fmt.Errorf("%s: %w: %s", cmdline, err, strings.TrimSpace(string(out)))
	}
	r, err := parseWrk(string(out))
	if err != nil {
		return wrkResult{}, cmdline, fmt.Errorf("%s: %w\n%s", cmdline, err, out)
	}
	return r, cmdline, nil
}

// wrkLoad is how hard wrk pushes one endpoint.
type wrkLoad struct {
	Threads, Connections int
	Duration, Timeout    time.Duration
}
