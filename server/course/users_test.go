package course

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// Valid bcrypt hashes in the three prefixes tools write (cost 4, so the
// compare at the end is fast), all of the password "pw". $2y$ is what
// htpasswd -B writes.
const (
	hashA = "$2a$04$RPNwqiwhFJLB44T5doCBgOqgEwI2.LhdL.owxMM86n6sOrSkzGlQG"
	hashB = "$2b$04$RPNwqiwhFJLB44T5doCBgOqgEwI2.LhdL.owxMM86n6sOrSkzGlQG"
	hashY = "$2y$04$RPNwqiwhFJLB44T5doCBgOqgEwI2.LhdL.owxMM86n6sOrSkzGlQG"
)

func TestParseUsers(t *testing.T) {
	t.Parallel()
	in := "# wirebook users\n" +
		"\n" +
		"ana:" + hashA + "\n" +
		"   bob:" + hashB + "   \r\n" +
		"\t# indented comment\n" +
		"David Mertz:" + hashA + "\n" +
		"chloé:" + hashY // no final newline
	users, err := ParseUsers(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ana": hashA, "bob": hashB, "David Mertz": hashA, "chloé": hashY}
	if len(users) != len(want) {
		t.Fatalf("got %d users, want %d: %q", len(users), len(want), users)
	}
	for name, hash := range want {
		if string(users[name]) != hash {
			t.Errorf("users[%q] = %q, want %q", name, users[name], hash)
		}
	}
}

func TestParseUsersEmpty(t *testing.T) {
	t.Parallel()
	users, err := ParseUsers(strings.NewReader("# nobody yet\n\n"))
	if err != nil || len(users) != 0 {
		t.Errorf("ParseUsers = %v, %v; want no users, no error", users, err)
	}
}

func TestParseUsersErrors(t *testing.T) {
	t.Parallel()
	ok := "ana:" + hashA + "\n"
	tests := []struct {
		name string
		in   string
		want string // the error must contain it
	}{
		{"no colon", "ana " + hashA + "\n", "line 1: "},
		{"empty name", ok + ":" + hashA + "\n", "line 2: empty user name"},
		{"plain-text password", "# c\n\nana:4bYaDZCFsTY4\n", "line 3: "},
		{"empty password", ok + "bob:\n", "line 2: "},
		{"Apache MD5 hash", "bob:$apr1$abc$defghijklmnopqrstuvwx.\n", "not a bcrypt hash"},
		{"SHA1 hash", "bob:{SHA}qUqP5cyxm6YcTAhz05Hph5gvu9M=\n", "not a bcrypt hash"},
		{"truncated bcrypt", "bob:" + hashA[:40] + "\n", "not a bcrypt hash"},
		{"bcrypt with trailing junk", "bob:" + hashA + "x\n", "not a bcrypt hash"},
		{"bcrypt cost out of range", "bob:" + strings.Replace(hashA, "$04$", "$99$", 1) + "\n", "line 1: "},
		{"duplicate user", ok + "\n" + ok, `line 3: user "ana" listed twice`},
		{"control character in a name", "an\x01a:" + hashA + "\n", "line 1: "},
		{"line too long", ok + strings.Repeat("x", 70<<10) + "\n", "line 2: longer than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			users, err := ParseUsers(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("ParseUsers accepted %q: %v", tt.in, users)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// The test hashes above are real: a parsed user can log in.
func TestParsedHashVerifies(t *testing.T) {
	t.Parallel()
	for _, h := range []string{hashA, hashB, hashY} {
		if err := bcrypt.CompareHashAndPassword([]byte(h), []byte("pw")); err != nil {
			t.Errorf("%s does not verify: %v", h, err)
		}
	}
}
