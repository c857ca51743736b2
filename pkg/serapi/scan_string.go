// JSON strings for the scanner: checked, limited in length, and decoded
// the way encoding/json decodes them (escapes resolved, invalid UTF-8 and
// lone surrogates replaced by U+FFFD), copied only when decoding changes them.

package serapi

import (
	"bytes"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// plain marks the bytes a string holds as they are: printable ASCII other
// than the quote and the backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// plainRun returns the index of the first byte of b from i on that is not
// plain (or len(b)), looking at eight bytes at a time: a byte is plain
// unless its high bit is set, it is below 0x20, or it is '"' or '\\'.
func plainRun(b []byte, i int) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^(ones*'"'), x^(ones*'\\')
		// A byte's high bit in m is set where that byte is not plain; a
		// borrow may set it for a later byte as well, never an earlier one.
		m := (x | (x - ones*0x20) | (q-ones) & ^q | (bs-ones) & ^bs) & highs
		if m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for i < len(b) && plain[b[i]] {
		i++
	}
	return i
}

// rawString consumes a string (the scanner at its quote) and returns the
// bytes between the quotes, whether they hold escapes and whether they hold
// bytes beyond ASCII.
func (s *scanner) rawString() (raw []byte, escaped, wide bool) {
	s.i++ // the opening quote
	begin, b := s.i, s.b
	for {
		i := plainRun(b, s.i)
		s.i = i
		if i-begin > MaxStringBytes {
			s.limit(ErrStringTooLong) // whether or not it ends further on
			return nil, false, false
		}
		if i >= len(b) {
			s.short()
			return nil, false, false
		}
		switch c := b[i]; {
		case c == '"':
			s.i++
			return b[begin:i], escaped, wide
		case c == '\\':
			escaped = true
			if !s.escape() {
				return nil, false, false
			}
		case c < 0x20:
			s.fail("invalid character %s in string literal", quoteChar(c))
			return nil, false, false
		default:
			wide = true
			s.i++
		}
	}
}

// escape checks the escape sequence at i and moves past it.
func (s *scanner) escape() bool {
	if s.i+1 >= len(s.b) {
		s.i = len(s.b)
		s.short()
		return false
	}
	s.i++
	switch s.b[s.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i++
		return true
	case 'u':
		for k := 1; k <= 4; k++ {
			if s.i+k >= len(s.b) {
				s.i = len(s.b)
				s.short()
				return false
			}
			if hexVal(s.b[s.i+k]) < 0 {
				s.i += k
				s.fail("invalid character %s in \\u hexadecimal character escape", quoteChar(s.b[s.i]))
				return false
			}
		}
		s.i += 5
		return true
	}
	s.fail("invalid character %s in string escape code", quoteChar(s.b[s.i]))
	return false
}

// str consumes a string and returns its decoded text: the body's own bytes
// when decoding changes nothing, else a copy in the arena.
func (s *scanner) str() []byte {
	raw, escaped, wide := s.rawString()
	switch {
	case s.err != nil:
		return nil
	case escaped:
		return s.arena.Keep(unescape(s.arena.Buf(len(raw)+len(raw)/2+8), raw))
	case wide && !utf8.Valid(raw):
		return s.arena.Keep(appendValidUTF8(s.arena.Buf(len(raw)*3), raw))
	}
	return raw
}

// AppendUnquote appends the text of a checked JSON string literal (with
// its quotes, as RawExtra values hold them) to dst, decoded as encoding/json
// decodes it.
func AppendUnquote(dst, quoted []byte) []byte {
	raw := quoted[1 : len(quoted)-1]
	if bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) {
		return append(dst, raw...)
	}
	return unescape(dst, raw)
}

// unescape appends the decoded form of raw (checked string contents) to dst.
func unescape(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			var r rune
			r, i = unescapeAt(raw, i)
			dst = utf8.AppendRune(dst, r)
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			dst = utf8.AppendRune(dst, r) // RuneError for an invalid byte
			i += size
		}
	}
	return dst
}

// unescapeAt decodes the escape at raw[i] and returns the rune and the
// index after it; a surrogate pair is one rune, a lone surrogate U+FFFD.
func unescapeAt(raw []byte, i int) (rune, int) {
	switch raw[i+1] {
	case 'b':
		return '\b', i + 2
	case 'f':
		return '\f', i + 2
	case 'n':
		return '\n', i + 2
	case 'r':
		return '\r', i + 2
	case 't':
		return '\t', i + 2
	case 'u':
		r := hex4(raw[i+2:])
		if !utf16.IsSurrogate(r) {
			return r, i + 6
		}
		if i+12 <= len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
			if pair := utf16.DecodeRune(r, hex4(raw[i+8:])); pair != utf8.RuneError {
				return pair, i + 12
			}
		}
		return utf8.RuneError, i + 6
	}
	return rune(raw[i+1]), i + 2 // '"', '\\', '/'
}

func hex4(b []byte) rune {
	var r rune
	for _, c := range b[:4] {
		r = r<<4 | rune(hexVal(c))
	}
	return r
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// appendValidUTF8 appends raw with each invalid byte replaced by U+FFFD.
func appendValidUTF8(dst, raw []byte) []byte {
	for i := 0; i < len(raw); {
		r, size := utf8.DecodeRune(raw[i:])
		dst = utf8.AppendRune(dst, r)
		i += size
	}
	return dst
}
