package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"wirebook/server/internal/harness"
)

// fuzzTarget is one `func FuzzX(f *testing.F)` and the package holding it.
type fuzzTarget struct {
	pkg  string // "./server/exchange"
	name string // "FuzzParseRequest"
}

// findFuzzTargets lists every fuzz target under root by reading the test
// files, so a new target is fuzzed without anyone telling the soak, and no
// package has to compile just to be listed.
func findFuzzTargets(root string) ([]fuzzTarget, error) {
	var targets []fuzzTarget
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && isFuzzFunc(fn) {
				targets = append(targets, fuzzTarget{pkg: "./" + filepath.ToSlash(rel), name: fn.Name.Name})
			}
		}
		return nil
	})
	slices.SortFunc(targets, func(a, b fuzzTarget) int {
		return strings.Compare(a.pkg+"."+a.name, b.pkg+"."+b.name)
	})
	return targets, err
}

// isFuzzFunc reports whether fn is what go test runs with -fuzz: a function
// named FuzzXxx taking one *testing.F.
func isFuzzFunc(fn *ast.FuncDecl) bool {
	if fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "Fuzz") || len(fn.Type.Params.List) != 1 {
		return false
	}
	star, ok := fn.Type.Params.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	sel, ok := star.X.(*ast.SelectorExpr)
	return ok && sel.Sel.Name == "F"
}

// fuzzResult is what one `go test -fuzz` run reported.
type fuzzResult struct {
	execs   int64  // inputs tried
	corpus  int64  // interesting inputs, seed corpus included
	failure string // the failing input's file and message, if any
	took    time.Duration
}

var (
	execsRe  = regexp.MustCompile(`execs: (\d+)`)
	corpusRe = regexp.MustCompile(`\(total: (\d+)\)`)
	inputRe  = regexp.MustCompile(`Failing input written to (\S+)`)
)

// parseFuzzOutput reads go test's fuzz progress lines
// ("fuzz: elapsed: 3s, execs: 12345 (4115/sec), new interesting: 2 (total: 30)").
// Each line reports totals so far, so the last one counts.
func parseFuzzOutput(out []byte) fuzzResult {
	var r fuzzResult
	var failLines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		line := sc.Text()
		if m := execsRe.FindStringSubmatch(line); m != nil {
			r.execs, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := corpusRe.FindStringSubmatch(line); m != nil {
			r.corpus, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if m := inputRe.FindStringSubmatch(line); m != nil {
			failLines = append(failLines, "input "+m[1])
		}
		// The failure itself: the FAIL line, a panic, a t.Error's file:line.
		t := strings.TrimSpace(line)
		if (strings.HasPrefix(t, "--- FAIL") || strings.Contains(t, "panic:") || strings.Contains(t, "_test.go:")) && len(failLines) < 6 {
			failLines = append(failLines, t)
		}
	}
	if len(failLines) > 0 {
		r.failure = strings.Join(failLines, " | ")
	}
	return r
}

// runFuzz fuzzes one target for d. go test takes one -fuzz target per run,
// so the targets go one after another. A failing input is left in the
// package's testdata/fuzz, where the next `go test` replays it: that file is
// the regression test of whatever fix follows.
func runFuzz(ctx context.Context, root string, t fuzzTarget, d time.Duration) (fuzzResult, error) {
	began := time.Now()
	cmd := exec.CommandContext(ctx, "go", "test", "-run=^$", "-fuzz=^"+t.name+"$", "-fuzztime="+d.String(), t.pkg)
	cmd.Dir = root
	harness.SetDeathSignal(cmd)
	out, err := cmd.CombinedOutput()
	r := parseFuzzOutput(out)
	r.took = time.Since(began)
	if err != nil {
		if r.failure == "" {
			r.failure = lastLines(out, 8)
		}
		return r, fmt.Errorf("%s %s: %v: %s", t.pkg, t.name, err, r.failure)
	}
	return r, nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}
