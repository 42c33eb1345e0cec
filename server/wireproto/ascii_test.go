package wireproto

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestASCIICase(t *testing.T) {
	t.Parallel()
	for _, row := range []struct{ a, b string }{
		{"Content-Type", "content-type"}, {"HTTPS", "https"}, {"", ""}, {"@[`{", "@[`{"},
		{"Content-Type", "Content-Typ"}, {"charset", "CHARSET"}, {"café", "CAFé"},
	} {
		if got, want := EqualFold(row.a, row.b), strings.EqualFold(row.a, row.b); got != want {
			t.Errorf("EqualFold(%q, %q) = %v, strings.EqualFold says %v", row.a, row.b, got, want)
		}
	}
	// The one difference from strings: only ASCII folds, as in HTTP.
	if EqualFold("charſet", "charset") || EqualFold("\u212Aey", "key") {
		t.Error("EqualFold folds a non-ASCII letter into an ASCII one")
	}
	if got := ToLower("Straße.JPG"); got != "straße.jpg" {
		t.Errorf("ToLower = %q", got)
	}
	if got := toUpper("get"); got != "GET" {
		t.Errorf("toUpper = %q", got)
	}
}

func FuzzASCIICase(f *testing.F) {
	f.Add("Content-Type", "content-type")
	f.Add("ÉTÉ", "été")
	f.Fuzz(func(t *testing.T, a, b string) {
		ascii := func(s string) bool { return strings.IndexFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) < 0 }
		if ascii(a) && ascii(b) && EqualFold(a, b) != strings.EqualFold(a, b) {
			t.Errorf("EqualFold(%q, %q) differs from strings.EqualFold", a, b)
		}
		if ascii(a) && (ToLower(a) != strings.ToLower(a) || toUpper(a) != strings.ToUpper(a)) {
			t.Errorf("ToLower/toUpper(%q) differ from strings", a)
		}
		if len(ToLower(a)) != len(a) || !EqualFold(ToLower(a), a) || !EqualFold(toUpper(a), a) {
			t.Errorf("ToLower/toUpper(%q) changed more than the case of A-Z", a)
		}
	})
}
