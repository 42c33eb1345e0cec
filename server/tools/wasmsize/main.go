// Command wasmsize says what the client's WebAssembly is made of: the code
// of each Go package linked into it, largest first, so a change that grows
// app.wasm shows where. It builds the client itself, as the Taskfile does
// but keeping the names (-s -w strip them), and reads the module's name and
// code sections.
//
//	go run ./server/tools/wasmsize [-top 10] [-wasm FILE]
//
// The sizes are of function bodies before compression; brotli shrinks code
// about threefold, evenly enough that the order holds.
package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "wasmsize:", err)
		os.Exit(1)
	}
}

func run(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("wasmsize", flag.ContinueOnError)
	top := fs.Int("top", 10, "how many packages to list")
	file := fs.String("wasm", "", "read this `module` (built with its names) instead of building ./wasm")
	in := fs.String("in", "", "list the functions of this `package` instead (as the package list names it, e.g. internal_strconv)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *file == "" {
		dir, err := os.MkdirTemp("", "wasmsize-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		*file = filepath.Join(dir, "app.wasm")
		// The Taskfile's flags, but for -s -w.
		cmd := exec.Command("go", "build", "-trimpath", "-gcflags=all=-l", "-gcflags=runtime=", "-o", *file, "./wasm")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if os.Getenv("GOEXPERIMENT") == "" {
			// The Taskfile's WASM_GOEXPERIMENT, for a run outside the task.
			cmd.Env = append(cmd.Env, "GOEXPERIMENT=nogreenteagc")
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("building the client: %w", err)
		}
	}
	b, err := os.ReadFile(*file)
	if err != nil {
		return err
	}
	funcs, err := funcSizes(b)
	if err != nil {
		return err
	}
	sizes := packageSizes(funcs)
	if *in != "" {
		sizes = functionsOf(funcs, *in)
	}
	total := 0
	for _, s := range sizes {
		total += s.bytes
	}
	fmt.Fprintf(out, "%-40s %10s %6s\n", cmp.Or(*in, "package"), "code bytes", "share")
	for _, s := range sizes[:min(*top, len(sizes))] {
		fmt.Fprintf(out, "%-40s %10d %5.1f%%\n", s.pkg, s.bytes, 100*float64(s.bytes)/float64(total))
	}
	fmt.Fprintf(out, "%-40s %10d\n", "all code", total)
	return nil
}

type packageSize struct {
	pkg   string
	bytes int
}

// funcSizes is the body size of each function of a WebAssembly module,
// by its name.
func funcSizes(b []byte) ([]packageSize, error) {
	if len(b) < 8 || string(b[:4]) != "\x00asm" {
		return nil, errors.New("not a WebAssembly module")
	}
	var imported int
	var bodies []int
	names := map[int]string{}
	r := reader{b: b, pos: 8}
	for r.pos < len(b) && r.err == nil {
		id := r.byte()
		size := r.uvarint()
		end := r.pos + size
		if end > len(b) || r.err != nil {
			return nil, errors.New("a section runs past the end of the module")
		}
		s := reader{b: b[:end], pos: r.pos}
		switch id {
		case 2: // imports: functions among them come first in the index space
			for range s.uvarint() {
				s.name()
				s.name()
				switch s.byte() {
				case 0:
					s.uvarint()
					imported++
				case 1:
					s.byte()
					s.limits()
				case 2:
					s.limits()
				case 3:
					s.byte()
					s.byte()
				}
			}
		case 10: // code
			for range s.uvarint() {
				n := s.uvarint()
				bodies = append(bodies, n)
				s.pos += n
			}
		case 0: // custom: the name section's function names
			if s.name() == "name" {
				for s.pos < end && s.err == nil {
					sub, n := s.byte(), s.uvarint()
					next := s.pos + n
					if sub == 1 {
						for range s.uvarint() {
							i := s.uvarint()
							names[i] = s.name()
						}
					}
					s.pos = next
				}
			}
		}
		if s.err != nil {
			return nil, s.err
		}
		r.pos = end
	}
	if len(names) == 0 {
		return nil, errors.New("the module has no function names: build it without -ldflags=-s -w")
	}
	out := make([]packageSize, len(bodies))
	for i, n := range bodies {
		out[i] = packageSize{names[imported+i], n}
	}
	return out, nil
}

// packageSizes sums funcs by the Go package each name starts with,
// largest first.
func packageSizes(funcs []packageSize) []packageSize {
	sum := map[string]int{}
	for _, f := range funcs {
		sum[packageOf(f.pkg)] += f.bytes
	}
	var out []packageSize
	for p, n := range sum {
		out = append(out, packageSize{p, n})
	}
	bySize(out)
	return out
}

// functionsOf is the functions of package pkg, largest first.
func functionsOf(funcs []packageSize, pkg string) []packageSize {
	var out []packageSize
	for _, f := range funcs {
		if packageOf(f.pkg) == pkg {
			out = append(out, f)
		}
	}
	bySize(out)
	return out
}

func bySize(s []packageSize) {
	slices.SortFunc(s, func(a, b packageSize) int { return cmp.Or(b.bytes-a.bytes, strings.Compare(a.pkg, b.pkg)) })
}

// packageOf is the package of a Go function's symbol name
// ("wirebook/wasm/render.(*Output).Head" → "wirebook/wasm/render").
func packageOf(name string) string {
	if name == "" {
		return "(unnamed)"
	}
	slash := strings.LastIndexByte(name, '/')
	if dot := strings.IndexByte(name[slash+1:], '.'); dot >= 0 {
		return name[:slash+1+dot]
	}
	return name
}

type reader struct {
	b   []byte
	pos int
	err error
}

func (r *reader) byte() byte {
	if r.pos >= len(r.b) {
		r.err = errors.New("the module ends in the middle of a section")
		return 0
	}
	c := r.b[r.pos]
	r.pos++
	return c
}

func (r *reader) uvarint() int {
	n, shift := 0, 0
	for r.err == nil {
		c := r.byte()
		n |= int(c&0x7f) << shift
		if c < 0x80 {
			return n
		}
		if shift += 7; shift > 35 {
			r.err = errors.New("a number longer than 5 bytes")
		}
	}
	return 0
}

func (r *reader) name() string {
	n := r.uvarint()
	if r.err != nil || r.pos+n > len(r.b) {
		r.err = cmp.Or(r.err, errors.New("a name runs past its section"))
		return ""
	}
	s := string(r.b[r.pos : r.pos+n])
	r.pos += n
	return s
}

func (r *reader) limits() {
	if r.byte() == 1 {
		r.uvarint()
	}
	r.uvarint()
}
