package greetings

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

func TestNewTrimsAndFallsBackToHello(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"space and CR are trimmed, blank lines dropped", []string{" Hola \r", "", "\tBonjour", "  "}, []string{"Hola", "Bonjour"}},
		{"nothing left says Hello", []string{"", " \r", "\t"}, []string{"Hello"}},
		{"no lines says Hello", nil, []string{"Hello"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := New(tt.lines).lines; !slices.Equal(got, tt.want) {
				t.Errorf("lines = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPickAndPauseStayInBounds(t *testing.T) {
	t.Parallel()
	lines := []string{"Hello", "Bonjour", "Hola"}
	g := New(lines, WithMaxDelay(5*time.Millisecond))
	for range 200 {
		if p := g.Pick(); !slices.Contains(lines, p) {
			t.Fatalf("Pick = %q, not a greeting", p)
		}
		if d := g.Pause(); d < 0 || d >= 5*time.Millisecond {
			t.Fatalf("Pause = %v, want in [0, 5ms)", d)
		}
	}
	if d := New(lines, WithMaxDelay(0)).Pause(); d != 0 {
		t.Errorf("Pause with no delay = %v", d)
	}
}

func TestOptionsAreClamped(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      []Option
		wantCount int
		wantDelay time.Duration
	}{
		{"defaults", nil, DefaultCount, DefaultMaxDelay},
		{"below the bounds", []Option{WithCount(-3), WithMaxDelay(-time.Second)}, 1, 0},
		{"above the bounds", []Option{WithCount(1 << 20), WithMaxDelay(time.Hour)}, MaxCount, MaxMaxDelay},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g := New(nil, tt.opts...)
			if g.Count() != tt.wantCount || g.maxDelay != tt.wantDelay {
				t.Errorf("count %d, delay %v; want %d, %v", g.Count(), g.maxDelay, tt.wantCount, tt.wantDelay)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		folder  fstest.MapFS
		want    []string // nil: the embedded sample's
		wantErr string
	}{
		{"the folder's file, trimmed", fstest.MapFS{File: {Data: []byte("Ahoj\r\n\r\n  Hej \n")}}, []string{"Ahoj", "Hej"}, ""},
		{"no file: the embedded sample", fstest.MapFS{}, nil, ""},
		{"a file of blank lines is an error", fstest.MapFS{File: {Data: []byte("\n \r\n")}}, nil, "holds no greetings"},
		{"a line too long to read is an error", fstest.MapFS{File: {Data: []byte(strings.Repeat("x", 1<<20))}}, nil, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			g, err := Load(tt.folder, WithCount(3))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one saying %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if g.Count() != 3 {
				t.Errorf("count = %d, the options were not applied", g.Count())
			}
			if tt.want != nil && !slices.Equal(g.lines, tt.want) {
				t.Errorf("lines = %q, want %q", g.lines, tt.want)
			}
			if tt.want == nil && (len(g.lines) < 2 || slices.Contains(g.lines, "")) {
				t.Errorf("sample lines = %q, want the embedded greetings", g.lines)
			}
		})
	}
}
