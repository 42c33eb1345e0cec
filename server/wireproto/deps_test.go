package wireproto

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// TestWasmDependencies keeps the package small for the browser: each of
// these adds tens to hundreds of KiB to app.wasm (reflect comes in through
// encoding/binary, fmt and encoding/json; net/url drags in much of the rest).
func TestWasmDependencies(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no go command under wasm")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	forbidden := []string{
		"fmt", "reflect", "encoding/json", "encoding/binary", "net", "net/http", "net/url",
		"os", "regexp", "text/template", "html/template",
	}
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-deps", ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := map[string]bool{}
	for _, p := range strings.Fields(string(out)) {
		deps[p] = true
	}
	if !deps["wirebook/server/wireproto"] || !deps["strconv"] {
		t.Fatalf("go list -deps output does not list this package and strconv:\n%s", out)
	}
	for _, p := range forbidden {
		if deps[p] {
			t.Errorf("exchange depends on %s for GOOS=js; find what imports it: go list -deps -f '{{.ImportPath}}: {{.Imports}}'", p)
		}
	}
}
