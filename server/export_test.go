package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runExportCmd runs `wirebook export args…` as a user does and returns its
// output and exit status.
func runExportCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"export"}, args...), &out, &errOut)
	code = exitCode(err, &errOut)
	return out.String(), errOut.String(), code
}

func TestExportWritesEachFormat(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		format, starts string
		based          bool // relative targets are written on -base
	}{
		{"hurl", "# exported by wirebook", true},
		{"ipynb", "{", true},
		{"html", "<!doctype html>", false}, // shows each request as the lesson wrote it
	} {
		t.Run(tt.format, func(t *testing.T) {
			t.Parallel()
			stdout, stderr, code := runExportCmd(t, "-format", tt.format)
			if code != 0 {
				t.Fatalf("exit status %d, stderr %q", code, stderr)
			}
			if !strings.HasPrefix(strings.ToLower(stdout), tt.starts) {
				t.Errorf("stdout starts %.40q, want %q", stdout, tt.starts)
			}
			for _, l := range embeddedCourse(t).Lessons {
				if !strings.Contains(stdout, l.Cells[0].Request.Target) {
					t.Errorf("the export lacks %s's first request %q", l.Source, l.Cells[0].Request.Target)
				}
			}

			file := filepath.Join(t.TempDir(), "out."+tt.format)
			out, stderr, code := runExportCmd(t, "-format", tt.format, "-o", file, "-lesson", "testdata/student-lesson.md", "-base", "http://10.0.0.5:8080")
			if code != 0 || out != "" {
				t.Fatalf("with -o: exit status %d, stdout %q, stderr %q", code, out, stderr)
			}
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(got, []byte("http://10.0.0.5:8080/")) != tt.based {
				t.Errorf("-o %s: relative targets on -base is %v, want %v:\n%.600s", tt.format, !tt.based, tt.based, got)
			}
		})
	}
}

func TestExportHelpSaysNoOutputs(t *testing.T) {
	t.Parallel()
	_, errOut, code := runExportCmd(t, "-h")
	if code != 0 {
		t.Errorf("export -h exits %d, want 0", code)
	}
	for _, want := range []string{"Usage:\n  wirebook export -format html|ipynb|hurl", "from the lesson alone (no outputs)", "-lesson", "-o file", "-base", "Exit status"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("export -h does not say %q:\n%s", want, errOut)
		}
	}
}

func TestExportBadCommandLineOrLessonExits2(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.md")
	if err := os.WriteFile(bad, []byte("# Bad\n\n```http\nGET /hello\nNot a header\n```\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no format", nil, "-format is required"},
		{"an unknown format", []string{"-format", "pdf"}, `-format "pdf": want html, ipynb, hurl`},
		{"an unknown flag", []string{"-format", "hurl", "-bogus"}, "flag provided but not defined: -bogus"},
		{"a lesson as an argument", []string{"-format", "hurl", bad}, "name lessons with -lesson"},
		{"a base with a path", []string{"-format", "hurl", "-base", "http://127.0.0.1:2500/course"}, "-base: "},
		{"a base that is not a URL", []string{"-format", "hurl", "-base", "127.0.0.1:2500"}, "-base: "},
		{"a lesson that does not parse", []string{"-format", "html", "-lesson", bad}, bad + ":5: "},
		{"a lesson that is not there", []string{"-format", "ipynb", "-lesson", filepath.Join(dir, "missing.md")}, "missing.md: no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out, errOut, code := runExportCmd(t, tt.args...)
			if code != 2 {
				t.Errorf("exit status %d, want 2", code)
			}
			if out != "" {
				t.Errorf("wrote %d bytes to stdout, want none", len(out))
			}
			if !strings.Contains(errOut, tt.want) {
				t.Errorf("stderr %q does not say %q", errOut, tt.want)
			}
		})
	}
}

func TestExportToAFolderThatIsNotThereExits1(t *testing.T) {
	t.Parallel()
	_, errOut, code := runExportCmd(t, "-format", "hurl", "-o", filepath.Join(t.TempDir(), "nowhere", "x.hurl"))
	if code != 1 || !strings.Contains(errOut, "-o: ") {
		t.Errorf("exit status %d, stderr %q; want 1 and the -o error", code, errOut)
	}
}
