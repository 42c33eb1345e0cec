// Package base64 is padded standard base64 (RFC 4648 §4), the one form
// the client reads and writes: bodies in its saved work, Basic
// credentials in a request. encoding/base64 does the same and more (four
// encodings built at start-up, line breaks, strictness modes) for 14 KB of
// code, some 2 KB of app.wasm's brotli; this is a tenth of that.
package base64

const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// AppendEncode appends the encoding of src to dst.
func AppendEncode(dst, src []byte) []byte {
	for len(src) > 0 {
		var n uint32
		k := min(len(src), 3)
		for i := range 3 {
			n <<= 8
			if i < k {
				n |= uint32(src[i])
			}
		}
		for i := range 4 {
			if i <= k {
				dst = append(dst, alphabet[n>>(18-6*i)&0x3f])
			} else {
				dst = append(dst, '=')
			}
		}
		src = src[k:]
	}
	return dst
}

// Decode decodes s, false if it is not padded standard base64. Unlike
// encoding/base64 it does not skip line breaks: nothing the client reads
// has them.
func Decode(s string) ([]byte, bool) {
	if len(s)%4 != 0 {
		return nil, false
	}
	out := make([]byte, 0, len(s)/4*3)
	for i := 0; i < len(s); i += 4 {
		var n uint32
		pad := 0
		for j := range 4 {
			c := s[i+j]
			var v byte
			switch {
			case c == '=' && j >= 2 && i+4 == len(s):
				pad++
			case pad > 0:
				return nil, false // data after padding
			case 'A' <= c && c <= 'Z':
				v = c - 'A'
			case 'a' <= c && c <= 'z':
				v = c - 'a' + 26
			case '0' <= c && c <= '9':
				v = c - '0' + 52
			case c == '+':
				v = 62
			case c == '/':
				v = 63
			default:
				return nil, false
			}
			n = n<<6 | uint32(v)
		}
		out = append(out, byte(n>>16), byte(n>>8), byte(n))
		out = out[:len(out)-pad]
	}
	return out, true
}
