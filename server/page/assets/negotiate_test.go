package assets

import "testing"

func TestNegotiate(t *testing.T) {
	t.Parallel()
	rows := []struct {
		name         string
		fields       []string // nil: no Accept-Encoding at all
		want         string   // "" is identity
		wantNoBrotli string   // the choice when only gzip exists
	}{
		{name: "no Accept-Encoding gets identity", fields: nil, want: "", wantNoBrotli: ""},
		{name: "an empty Accept-Encoding gets identity", fields: []string{""}, want: "", wantNoBrotli: ""},
		{name: "a browser's list gets brotli", fields: []string{"gzip, deflate, br, zstd"}, want: "br", wantNoBrotli: "gzip"},
		{name: "gzip alone gets gzip", fields: []string{"gzip"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "x-gzip is gzip", fields: []string{"x-gzip"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "codings are case-insensitive", fields: []string{"BR, GZip"}, want: "br", wantNoBrotli: "gzip"},
		{name: "br;q=0 refuses brotli", fields: []string{"gzip, br;q=0"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "q=0.000 refuses too", fields: []string{"br;q=0.000, gzip;q=0.0"}, want: "", wantNoBrotli: ""},
		{name: "a higher q-value beats the preference for brotli", fields: []string{"br;q=0.5, gzip;q=0.8"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "a tie goes to brotli", fields: []string{"gzip;q=0.8, br;q=0.8"}, want: "br", wantNoBrotli: "gzip"},
		{name: "spaces and an upper-case Q are allowed", fields: []string{"gzip ; Q=0.2 , br ;q=0.9"}, want: "br", wantNoBrotli: "gzip"},
		{name: "* accepts every coding", fields: []string{"*"}, want: "br", wantNoBrotli: "gzip"},
		{name: "a named coding overrides *", fields: []string{"*, br;q=0"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "*;q=0 with one coding named leaves only that one", fields: []string{"gzip, *;q=0"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "an unnamed coding is not accepted", fields: []string{"deflate"}, want: "", wantNoBrotli: ""},
		{name: "identity named with the higher q-value wins", fields: []string{"identity, br;q=0.5"}, want: "", wantNoBrotli: ""},
		{name: "identity named on a tie loses to a coding", fields: []string{"identity;q=0.5, gzip;q=0.5"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "refusing everything still gets identity, not a 406", fields: []string{"identity;q=0, *;q=0"}, want: "", wantNoBrotli: ""},
		{name: "several field lines are one list", fields: []string{"gzip;q=0.5", "br"}, want: "br", wantNoBrotli: "gzip"},
		{name: "the highest q-value of a repeated coding counts", fields: []string{"br;q=0, br;q=0.4, gzip;q=0.3"}, want: "br", wantNoBrotli: "gzip"},
		{name: "a q-value above 1 is ignored, element and all", fields: []string{"br;q=2, gzip"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "a q-value with four decimals is ignored", fields: []string{"br;q=0.5555, gzip;q=0.1"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "a q-value that is not a number is ignored", fields: []string{"br;q=high"}, want: "", wantNoBrotli: ""},
		{name: "1.000 is a q-value", fields: []string{"gzip;q=1.000, br;q=0.999"}, want: "gzip", wantNoBrotli: "gzip"},
		{name: "another parameter before q is skipped", fields: []string{"br;level=5;q=0"}, want: "", wantNoBrotli: ""},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			t.Parallel()
			if got := negotiate(row.fields, true, true); got != row.want {
				t.Errorf("with br and gzip: %q, want %q", got, row.want)
			}
			if got := negotiate(row.fields, false, true); got != row.wantNoBrotli {
				t.Errorf("with gzip only: %q, want %q", got, row.wantNoBrotli)
			}
			if got := negotiate(row.fields, false, false); got != "" {
				t.Errorf("with no encoded form: %q, want identity", got)
			}
		})
	}
}

func TestParseQ(t *testing.T) {
	t.Parallel()
	rows := []struct {
		in   string
		want int
		ok   bool
	}{
		{"1", 1000, true}, {"1.", 1000, true}, {"1.000", 1000, true}, {"0", 0, true},
		{"0.5", 500, true}, {"0.05", 50, true}, {"0.001", 1, true}, {"0.999", 999, true},
		{"1.001", 0, false}, {"2", 0, false}, {"0.1234", 0, false}, {"", 0, false},
		{".5", 0, false}, {"0,5", 0, false}, {"-0", 0, false}, {"0.5x", 0, false},
	}
	for _, row := range rows {
		if got, ok := parseQ(row.in); got != row.want || ok != row.ok {
			t.Errorf("parseQ(%q) = %d, %v; want %d, %v", row.in, got, ok, row.want, row.ok)
		}
	}
}

func TestETagMatches(t *testing.T) {
	t.Parallel()
	const tag = `"abc"`
	rows := []struct {
		name   string
		fields []string
		want   bool
	}{
		{"the tag itself", []string{`"abc"`}, true},
		{"its weak form", []string{`W/"abc"`}, true},
		{"the tag in a list", []string{`"x", "abc"`}, true},
		{"the tag on a second field line", []string{`"x"`, `"abc"`}, true},
		{"*", []string{"*"}, true},
		{"another tag", []string{`"abd"`}, false},
		{"the tag unquoted", []string{`abc`}, false},
		{"a tag holding a comma is one tag", []string{`"a,"abc"`}, false},
		{"a tag holding a comma before ours", []string{`"x,y", "abc"`}, true},
		{"a prefix of the tag", []string{`"ab"`}, false},
		{"an unterminated tag", []string{`"abc`}, false},
		{"empty", []string{""}, false},
	}
	for _, row := range rows {
		if got := etagMatches(row.fields, tag); got != row.want {
			t.Errorf("%s: etagMatches(%q) = %v, want %v", row.name, row.fields, got, row.want)
		}
	}
}

func BenchmarkNegotiate(b *testing.B) {
	fields := []string{"gzip, deflate, br, zstd"}
	for b.Loop() {
		if negotiate(fields, true, true) != "br" {
			b.Fatal("not br")
		}
	}
}
