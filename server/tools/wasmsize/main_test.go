package main

import (
	"reflect"
	"testing"
)

func TestPackageOf(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]string{
		"wirebook/wasm/render.(*Output).Head": "wirebook/wasm/render",
		"wirebook_wasm_render.__Output_.Head": "wirebook_wasm_render",
		"runtime.mallocgc":                    "runtime",
		"main.main":                           "main",
		"":                                    "(unnamed)",
	} {
		if got := packageOf(name); got != want {
			t.Errorf("packageOf(%q) = %q, want %q", name, got, want)
		}
	}
}

// module is a WebAssembly module with one imported function and two of
// its own, named in its name section.
func module() []byte {
	b := []byte("\x00asm\x01\x00\x00\x00")
	sec := func(id byte, body ...byte) { b = append(append(b, id, byte(len(body))), body...) }
	sec(2, 1, 1, 'm', 1, 'f', 0, 0) // one import: m.f, a function of type 0
	sec(10, 2, 3, 0, 0, 0x0b, 5, 0, 1, 1, 1, 0x0b)
	name := []byte{4, 'n', 'a', 'm', 'e', 1}
	fns := []byte{2, 1, 7}
	fns = append(fns, "a/b.c.d"...)
	fns = append(fns, 2, 6)
	fns = append(fns, "main.e"...)
	name = append(append(name, byte(len(fns))), fns...)
	sec(0, name...)
	return b
}

func TestPackageSizes(t *testing.T) {
	t.Parallel()
	funcs, err := funcSizes(module())
	if err != nil {
		t.Fatal(err)
	}
	got := packageSizes(funcs)
	want := []packageSize{{"main", 5}, {"a/b", 3}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("packageSizes = %v, want %v", got, want)
	}
	if got, want := functionsOf(funcs, "a/b"), []packageSize{{"a/b.c.d", 3}}; !reflect.DeepEqual(got, want) {
		t.Errorf("functionsOf(a/b) = %v, want %v", got, want)
	}
	if _, err := funcSizes([]byte("not wasm")); err == nil {
		t.Error("read a file that is not a module")
	}
	if _, err := funcSizes(module()[:20]); err == nil {
		t.Error("read a cut module")
	}
}
