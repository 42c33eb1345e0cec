package course

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/crypto/bcrypt"
)

// Users maps a user name to the bcrypt hash of its password.
type Users map[string][]byte

// demoHash is bcrypt (cost 10) of the course's password for David,
// "4bYaDZCFsTY4" (it is printed in the course notebook, so it is no secret;
// the source keeps only the hash all the same, as a real server would).
const demoHash = "$2a$10$.EAdm1y9HrYVdDK52YjY3ec/Ah0a5O19VLTcyAidfsw0c9tYV2s1i"

// decoyHash is bcrypt (cost 10) of 32 random bytes nobody kept.
const decoyHash = "$2a$10$/34HH7SeH6.xh.CxbFfrA.qkVfOcgxM9r7lD7ScnCtCj.gn5Ez8Wi"

// DemoUsers is the course's one user, David.
func DemoUsers() Users {
	return Users{"David": []byte(demoHash)}
}

// bcryptHash is the modular-crypt form every bcrypt tool writes:
// $2a$/$2b$/$2y$ (htpasswd -B writes 2y), a two-digit cost, then 22
// characters of salt and 31 of hash in bcrypt's base64 alphabet.
var bcryptHash = regexp.MustCompile(`^\$2[aby]?\$[0-9]{2}\$[./A-Za-z0-9]{53}$`)

// ParseUsers reads `name:bcrypt-hash` lines, the format of `htpasswd -nB`.
// Blank lines and lines starting with # are skipped. Any other line that is
// not a name, a colon and a bcrypt hash is an error that names the line:
// a server that silently dropped a user would be harder to debug than one
// that refuses to start.
func ParseUsers(r io.Reader) (Users, error) {
	users := Users{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		// RFC 7617 §2: a user-id cannot contain a colon, so the first one splits.
		name, hash, ok := strings.Cut(line, ":")
		switch {
		case !ok:
			return nil, fmt.Errorf("line %d: want name:bcrypt-hash, found no colon", n)
		case name == "":
			return nil, fmt.Errorf("line %d: empty user name", n)
		case strings.ContainsFunc(name, unicode.IsControl):
			// RFC 7617 §2 forbids them, and no client could send such a name.
			return nil, fmt.Errorf("line %d: user name %q contains a control character", n, name)
		case users[name] != nil:
			return nil, fmt.Errorf("line %d: user %q listed twice", n, name)
		case !bcryptHash.MatchString(hash):
			return nil, fmt.Errorf("line %d: password of %q is not a bcrypt hash: want $2y$, a two-digit cost, $ and 53 characters (htpasswd -nB makes one)", n, name)
		}
		if _, err := bcrypt.Cost([]byte(hash)); err != nil {
			return nil, fmt.Errorf("line %d: password of %q: %w", n, name, err)
		}
		users[name] = []byte(hash)
	}
	switch err := sc.Err(); {
	case errors.Is(err, bufio.ErrTooLong):
		return nil, fmt.Errorf("line %d: longer than %d bytes", n+1, bufio.MaxScanTokenSize)
	case err != nil:
		return nil, fmt.Errorf("line %d: %w", n+1, err)
	}
	return users, nil
}
