package render

import (
	"strconv"

	"wirebook/server/wireproto"
)

// Millis is a duration as the page shows it and as [data-time] holds it:
// text for a reader ("0.4 ms", "12 ms", "2.31 s") and whole milliseconds,
// rounded, for a test or a script.
func Millis(d wireproto.Duration) (text, attr string) {
	if d < 0 {
		d = 0
	}
	ms := int64((d + wireproto.Millisecond/2) / wireproto.Millisecond)
	attr = strconv.FormatInt(ms, 10)
	switch {
	case d < 10*wireproto.Millisecond:
		// Loopback answers take well under a millisecond; "0 ms" would hide them.
		return decimal(int64(d/(100*wireproto.Microsecond)), 1) + " ms", attr
	case d < 10*wireproto.Second:
		return attr + " ms", attr
	default:
		return decimal(int64(d/(10*wireproto.Millisecond)), 2) + " s", attr
	}
}

// Bytes is a size as the page shows it ("61 bytes", "1.5 KiB") and as
// [data-size] holds it (the exact count).
func Bytes(n int) (text, attr string) {
	attr = strconv.Itoa(n)
	switch {
	case n == 1:
		return "1 byte", attr
	case n < 1024:
		return attr + " bytes", attr
	case n < 1024*1024:
		return decimal(int64(n)*10/1024, 1) + " KiB", attr
	default:
		return decimal(int64(n)*10/(1024*1024), 1) + " MiB", attr
	}
}

// decimal writes v/10^places with that many decimals, in integer arithmetic
// so the client does not link strconv's float formatting.
func decimal(v int64, places int) string {
	s := strconv.FormatInt(v, 10)
	for len(s) <= places {
		s = "0" + s
	}
	return s[:len(s)-places] + "." + s[len(s)-places:]
}

// itoa is strconv.Itoa out of line: inlined at each of its many calls it
// costs the download kilobytes.
//
//go:noinline
func itoa(n int) string { return strconv.Itoa(n) }

// Itoa is itoa for the client.
func Itoa(n int) string { return itoa(n) }
