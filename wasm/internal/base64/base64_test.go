package base64

import (
	"bytes"
	std "encoding/base64"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
)

// FuzzDecode holds the decoder to encoding/base64's StdEncoding (without
// the line breaks that one skips).
func FuzzDecode(f *testing.F) {
	for _, s := range []string{"", "RGF2aWQ6NGJZYURaQ0ZzVFk0", "YQ==", "YWI=", "YWJj", "YQ=", "Y===", "YQ==YQ==", "not*base64", "YQ=a", "////", "+/+/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.ContainsAny(s, "\r\n") {
			return
		}
		want, err := std.StdEncoding.DecodeString(s)
		got, ok := Decode(s)
		if ok != (err == nil) || ok && !bytes.Equal(got, want) {
			t.Fatalf("Decode(%q) = %q, %v; encoding/base64 says %q, %v", s, got, ok, want, err)
		}
	})
}

// FuzzAppendEncode holds the encoder to StdEncoding, and Decode to
// reading back what it wrote.
func FuzzAppendEncode(f *testing.F) {
	for _, s := range []string{"", "a", "ab", "abc", "abcd", "\x00\xff\xfe", "David:4bYaDZCFsTY4"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got := string(AppendEncode([]byte("x"), b))
		if want := "x" + std.StdEncoding.EncodeToString(b); got != want {
			t.Fatalf("AppendEncode(%q) = %q, want %q", b, got, want)
		}
		back, ok := Decode(got[1:])
		if !ok || !bytes.Equal(back, b) {
			t.Fatalf("Decode(%q) = %q, %v, want %q", got[1:], back, ok, b)
		}
	})
}

// TestClientLeavesOutEncodingBase64 keeps the saving this package is for.
func TestClientLeavesOutEncodingBase64(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "js" || runtime.GOOS == "wasip1" {
		t.Skip("no go command under wasm")
	}
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	cmd := exec.CommandContext(t.Context(), goCmd, "list", "-deps", "wirebook/wasm")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm", "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps wirebook/wasm: %v", err)
	}
	for _, p := range strings.Fields(string(out)) {
		if p == "encoding/base64" {
			t.Fatal("the client imports encoding/base64; use wasm/internal/base64 (GOOS=js GOARCH=wasm go list -deps -f '{{.ImportPath}}: {{.Imports}}' ./wasm)")
		}
	}
}
