package wireproto

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestWasmDependencies keeps the package small for the browser: each of
// these adds tens to hundreds of KiB to app.wasm (reflect comes in through
// encoding/binary, fmt and encoding/json; net/url drags in much of the rest;
// time's init alone links internal/godebug and internal/bisect, 35 KB brotli).
func TestWasmDependencies(t *testing.T) {
	t.Parallel()
	deps := wasmDeps(t, ".")
	if !deps["wirebook/server/wireproto"] || !deps["strconv"] {
		t.Fatalf("go list -deps does not list this package and strconv: %v", deps)
	}
	forbidden := []string{
		"fmt", "reflect", "encoding/json", "encoding/binary", "net", "net/http", "net/url",
		"os", "regexp", "text/template", "html/template", "time",
	}
	for _, p := range forbidden {
		if deps[p] {
			t.Errorf("wireproto depends on %s for GOOS=js; find what imports it: go list -deps -f '{{.ImportPath}}: {{.Imports}}'", p)
		}
	}
}

// TestClientImportsOnlyWireprotoFromServer holds DESIGN.md's line between
// the two sides: the client may share the request text and the relay
// frames, nothing else of the server's. Code only the client needs lives
// under wasm/.
func TestClientImportsOnlyWireprotoFromServer(t *testing.T) {
	t.Parallel()
	deps := wasmDeps(t, "wirebook/wasm")
	if !deps["wirebook/wasm"] {
		t.Fatalf("go list -deps wirebook/wasm does not list the client itself: %v", deps)
	}
	for p := range deps {
		if strings.HasPrefix(p, "wirebook/server/") && p != "wirebook/server/wireproto" {
			t.Errorf("the client imports %s; move what it needs under wasm/, or into wireproto if the server speaks it too (go list -deps -f '{{.ImportPath}}: {{.Imports}}')", p)
		}
	}
}

// TestClientLeavesOutTime guards the client's largest saving: importing
// package time anywhere in it (for time.Duration, or through context) links
// time's init, internal/godebug and internal/bisect, 35 KB of app.wasm's
// brotli. Durations are wireproto.Duration; the clock is dom.Now.
func TestClientLeavesOutTime(t *testing.T) {
	t.Parallel()
	deps := wasmDeps(t, "wirebook/wasm")
	for _, p := range []string{"time", "context", "internal/godebug"} {
		if deps[p] {
			t.Errorf("the client imports %s; find what imports it: GOOS=js GOARCH=wasm go list -deps -f '{{.ImportPath}}: {{.Imports}}' ./wasm", p)
		}
	}
}

// maxLines is how big the shared package may grow (non-test lines): the
// request parser and the frames fit with room to spare, a viewer or a code
// generator does not, and those belong to one side.
const maxLines = 900

func TestWireprotoStaysSmall(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("reads its own source files; none under wasm")
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		total += bytes.Count(b, []byte("\n"))
	}
	if total == 0 || total > maxLines {
		t.Fatalf("wireproto has %d non-test lines, want 1 to %d: keep only what both sides speak here", total, maxLines)
	}
}

// wasmDeps lists the packages pkg is built from for GOOS=js GOARCH=wasm.
func wasmDeps(t *testing.T, pkg string) map[string]bool {
	t.Helper()
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no go command under wasm")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-deps", pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	return deps
}
