package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

const exposedWarning = "the demo user David"

func TestDemoUserExposed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		addr  string
		users string
		want  bool
	}{
		{"IPv4 loopback keeps David on this machine", "127.0.0.1:2500", "", false},
		{"any 127/8 address is loopback", "127.0.0.2:2500", "", false},
		{"IPv6 loopback", "[::1]:2500", "", false},
		{"localhost is loopback by RFC 6761", "localhost:2500", "", false},
		{"localhost in any case, as a FQDN", "LocalHost.:2500", "", false},
		{"every interface, spelled 0.0.0.0", "0.0.0.0:2500", "", true},
		{"every interface, spelled as an empty host", ":2500", "", true},
		{"every IPv6 interface", "[::]:2500", "", true},
		{"a LAN address", "192.168.1.10:2500", "", true},
		{"a host name may resolve to the LAN", "classroom.local:2500", "", true},
		{"an -addr that does not parse is not known to be safe", "nonsense", "", true},
		{"a -users file replaces David", "0.0.0.0:2500", "users.txt", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := demoUserExposed(config{addr: tt.addr, users: tt.users}); got != tt.want {
				t.Errorf("demoUserExposed(-addr %q, -users %q) = %v, want %v", tt.addr, tt.users, got, tt.want)
			}
		})
	}
}

// TestDemoUserWarningThroughRun starts the program on a non-loopback
// address without -users. 192.0.2.1 (TEST-NET-1, RFC 5737) belongs to no
// interface here, so nothing is ever exposed: the warning comes at start,
// before listening fails.
func TestDemoUserWarningThroughRun(t *testing.T) {
	t.Parallel()
	t.Run("a non-loopback address warns", func(t *testing.T) {
		t.Parallel()
		var log bytes.Buffer
		err := run(t.Context(), []string{"-addr", "192.0.2.1:0"}, &log, io.Discard)
		if err == nil {
			t.Fatal("run listened on 192.0.2.1, which this test assumes belongs to no interface")
		}
		if !strings.Contains(log.String(), "level=WARN") || !strings.Contains(log.String(), exposedWarning) {
			t.Errorf("no warning about the demo user in the log:\n%s", log.String())
		}
		if !strings.Contains(log.String(), "-users FILE") {
			t.Errorf("the warning does not say how to fix it:\n%s", log.String())
		}
	})
	t.Run("a non-loopback address with -users does not", func(t *testing.T) {
		t.Parallel()
		hash, err := bcrypt.GenerateFromPassword([]byte("not-the-course-password"), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		users := filepath.Join(t.TempDir(), "users.txt")
		if err := os.WriteFile(users, []byte("ana:"+string(hash)+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		var log bytes.Buffer
		if err := run(t.Context(), []string{"-addr", "192.0.2.1:0", "-users", users}, &log, io.Discard); err == nil {
			t.Fatal("run listened on 192.0.2.1, which this test assumes belongs to no interface")
		}
		if strings.Contains(log.String(), exposedWarning) {
			t.Errorf("warned about the demo user though -users replaced it:\n%s", log.String())
		}
	})
	t.Run("loopback does not", func(t *testing.T) {
		t.Parallel()
		in := start(t) // -addr 127.0.0.1:0
		for _, line := range in.logLines() {
			if strings.Contains(line, exposedWarning) {
				t.Errorf("warned on loopback: %s", line)
			}
		}
	})
}
