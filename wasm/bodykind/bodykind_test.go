package bodykind

import "testing"

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contentType string
		want        Kind
	}{
		{"application/json", JSON},
		{"Application/JSON; charset=utf-8", JSON},
		{"application/problem+json", JSON},
		{"application/vnd.api+json", JSON},
		{"text/json", JSON},
		{"text/html; charset=utf-8", HTML},
		{"  TEXT/HTML  ", HTML},
		{"application/xhtml+xml", HTML},
		{"image/png", Image},
		{"image/jpeg", Image},
		{"image/svg+xml", Image},
		{"text/plain", Text},
		{"text/css", Text},
		{"text/csv; header=present", Text},
		{"application/xml", Text},
		{"application/atom+xml", Text},
		{"application/javascript", Text},
		{"application/x-www-form-urlencoded", Text},
		{"application/octet-stream", Binary},
		{"application/pdf", Binary},
		{"video/mp4", Binary},
		{"", Binary},
		{"text", Binary},
		{"/json", Binary},
		{"application/jsonp", Binary},
	}
	for _, tc := range tests {
		t.Run(tc.contentType, func(t *testing.T) {
			t.Parallel()
			if got := Of(tc.contentType); got != tc.want {
				t.Fatalf("Of(%q) = %v, want %v", tc.contentType, got, tc.want)
			}
		})
	}
}

func TestKindOfBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		contentType string
		head        string
		want        Kind
	}{
		{"declared type wins over content", "application/octet-stream", "hello", Binary},
		{"declared JSON", "application/json", "\x00", JSON},
		{"untyped printable text", "", "Hello\r\n\tworld\f", Text},
		{"untyped UTF-8 text", "", "Nǐn hǎo ✓", Text},
		{"untyped text cut inside a rune", "", "caf\xc3", Text},
		{"untyped NUL is binary", "", "a\x00b", Binary},
		{"untyped escape is binary", "", "\x1b[31mred", Binary},
		{"untyped invalid UTF-8 is binary", "", "\xff\xfe", Binary},
		{"untyped PNG is binary", "", "\x89PNG\r\n\x1a\n", Binary},
		{"untyped empty body is binary", "", "", Binary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := OfBody(tc.contentType, []byte(tc.head)); got != tc.want {
				t.Fatalf("OfBody(%q, %q) = %v, want %v", tc.contentType, tc.head, got, tc.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	want := map[Kind]string{Text: "text", HTML: "html", Image: "image", JSON: "json", Binary: "binary", Kind(200): "binary"}
	for k, w := range want {
		if got := k.String(); got != w {
			t.Errorf("Kind(%d).String() = %q, want %q", k, got, w)
		}
	}
}

func TestCharset(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contentType, want string
	}{
		{"text/html; charset=utf-8", "utf-8"},
		{"text/html;charset=UTF-8", "utf-8"},
		{"text/plain; format=flowed; Charset=ISO-8859-1", "iso-8859-1"},
		{`text/plain; charset="utf-8"`, "utf-8"},
		{`text/plain; name="a;b=c"; charset="us\-ascii"`, "us-ascii"},
		{"text/plain; charset = utf-8 ", "utf-8"},
		{"text/plain; broken; charset=utf-8", "utf-8"},
		{"text/plain", ""},
		{"text/plain; charset", ""},
		{`text/plain; charset="utf-8`, "utf-8"},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.contentType, func(t *testing.T) {
			t.Parallel()
			if got := Charset(tc.contentType); got != tc.want {
				t.Fatalf("Charset(%q) = %q, want %q", tc.contentType, got, tc.want)
			}
		})
	}
}

func TestOfName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want Kind
		ok   bool
	}{
		{"wirebook.png", Image, true},
		{"PHOTO.JPEG", Image, true},
		{"archive.tar.gz", Binary, true},
		{"greetings.txt", Text, true},
		{"hello.html", HTML, true},
		{"data.json", JSON, true},
		{"stream", Text, false},
		{"", Text, false},
		{"notes.unknown", Binary, false},
		{"trailing.", Binary, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, ok := OfName(tc.name)
			if ok != tc.ok || (ok && got != tc.want) {
				t.Fatalf("OfName(%q) = %v, %v; want %v, %v", tc.name, got, ok, tc.want, tc.ok)
			}
		})
	}
}
