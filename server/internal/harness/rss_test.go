package harness

import (
	"os"
	"strings"
	"testing"
)

const status = `Name:	wirebook
Umask:	0022
State:	S (sleeping)
VmPeak:	 1262124 kB
VmSize:	 1262124 kB
VmHWM:	   21012 kB
VmRSS:	   19284 kB
RssAnon:	    9000 kB
Threads:	8
`

func TestParseVmRSS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status string
		want   int64
		ok     bool
	}{
		{"reads VmRSS, not VmHWM or RssAnon", status, 19284, true},
		{"a kernel thread has no VmRSS", "Name:	kthreadd\nState:	S (sleeping)\n", 0, false},
		{"a unit other than kB is refused", strings.Replace(status, "19284 kB", "19284 MB", 1), 0, false},
		{"a value that is not a number is refused", strings.Replace(status, "19284 kB", "lots kB", 1), 0, false},
	}
	for _, tt := range tests {
		got, err := ParseVmRSS([]byte(tt.status))
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("%s: %d, %v; want %d, ok %v", tt.name, got, err, tt.want, tt.ok)
		}
	}
}

func TestRSSOfThisProcess(t *testing.T) {
	t.Parallel()
	kib, err := RSSKiB(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if kib <= 0 {
		t.Errorf("RSS %d KiB, want a positive size", kib)
	}
}

func TestParseCPUSeconds(t *testing.T) {
	t.Parallel()
	stat := []byte("4242 (wire book) S 1 4242 4242 0 -1 4194560 1234 0 0 0 250 75 0 0 20 0 8 0 100 0 0\n")
	got, err := ParseCPUSeconds(stat)
	if err != nil || got != 3.25 {
		t.Errorf("ParseCPUSeconds = %v, %v; want 3.25 (250 + 75 ticks)", got, err)
	}
	if _, err := ParseCPUSeconds([]byte("4242 (short) S 1")); err == nil {
		t.Error("read a cut stat line")
	}
}
