package wireproto

import "testing"

func TestKindOf(t *testing.T) {
	t.Parallel()
	tests := []struct {
		contentType string
		want        Kind
	}{
		{"application/json", KindJSON},
		{"Application/JSON; charset=utf-8", KindJSON},
		{"application/problem+json", KindJSON},
		{"application/vnd.api+json", KindJSON},
		{"text/json", KindJSON},
		{"text/html; charset=utf-8", KindHTML},
		{"  TEXT/HTML  ", KindHTML},
		{"application/xhtml+xml", KindHTML},
		{"image/png", KindImage},
		{"image/jpeg", KindImage},
		{"image/svg+xml", KindImage},
		{"text/plain", KindText},
		{"text/css", KindText},
		{"text/csv; header=present", KindText},
		{"application/xml", KindText},
		{"application/atom+xml", KindText},
		{"application/javascript", KindText},
		{"application/x-www-form-urlencoded", KindText},
		{"application/octet-stream", KindBinary},
		{"application/pdf", KindBinary},
		{"video/mp4", KindBinary},
		{"", KindBinary},
		{"text", KindBinary},
		{"/json", KindBinary},
		{"application/jsonp", KindBinary},
	}
	for _, tc := range tests {
		t.Run(tc.contentType, func(t *testing.T) {
			t.Parallel()
			if got := KindOf(tc.contentType); got != tc.want {
				t.Fatalf("KindOf(%q) = %v, want %v", tc.contentType, got, tc.want)
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
		{"declared type wins over content", "application/octet-stream", "hello", KindBinary},
		{"declared JSON", "application/json", "\x00", KindJSON},
		{"untyped printable text", "", "Hello\r\n\tworld\f", KindText},
		{"untyped UTF-8 text", "", "Nǐn hǎo ✓", KindText},
		{"untyped text cut inside a rune", "", "caf\xc3", KindText},
		{"untyped NUL is binary", "", "a\x00b", KindBinary},
		{"untyped escape is binary", "", "\x1b[31mred", KindBinary},
		{"untyped invalid UTF-8 is binary", "", "\xff\xfe", KindBinary},
		{"untyped PNG is binary", "", "\x89PNG\r\n\x1a\n", KindBinary},
		{"untyped empty body is binary", "", "", KindBinary},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := KindOfBody(tc.contentType, []byte(tc.head)); got != tc.want {
				t.Fatalf("KindOfBody(%q, %q) = %v, want %v", tc.contentType, tc.head, got, tc.want)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	t.Parallel()
	want := map[Kind]string{KindText: "text", KindHTML: "html", KindImage: "image", KindJSON: "json", KindBinary: "binary", Kind(200): "binary"}
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
