package wireproto

// HTTP's case-insensitive words are ASCII: header names, schemes, methods,
// media types and charsets (RFC 9110 §5.1, §4.2.3, §8.3.1). ToLower and
// EqualFold fold only A-Z, as net/http's internal/ascii does; the strings
// versions would link package unicode's case tables into the client, about
// 5 KB of app.wasm brotli, to fold letters none of these words can hold.

// ToLower is s with A-Z lowered; other bytes, UTF-8 included, are kept.
func ToLower(s string) string {
	return flipCase(s, 'A', 'Z')
}

func toUpper(s string) string {
	return flipCase(s, 'a', 'z')
}

// flipCase flips the case bit (0x20) of each letter from lo to hi, copying
// s only if there is one.
func flipCase(s string, lo, hi byte) string {
	for i := 0; i < len(s); i++ {
		if lo <= s[i] && s[i] <= hi {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if lo <= b[j] && b[j] <= hi {
					b[j] ^= 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// EqualFold reports whether a and b are equal when A-Z are folded to a-z.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
