// json.go writes events as JSON without reflection, for sinks and files.

package event

import (
	"strconv"
	"unicode/utf8"
)

// AppendJSON appends the event as one JSON object, keys in order, without a
// trailing newline. Strings are escaped as encoding/json does (invalid UTF-8
// becomes U+FFFD), so any JSON parser reads the event back.
func (e *Event) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	for i := range e.Fields {
		f := &e.Fields[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = AppendJSONString(dst, f.Key)
		dst = append(dst, ':')
		dst = f.appendJSONValue(dst)
	}
	return append(dst, '}')
}

// MarshalJSON implements json.Marshaler.
func (e Event) MarshalJSON() ([]byte, error) { return e.AppendJSON(nil), nil }

func (f *Field) appendJSONValue(dst []byte) []byte {
	switch f.Kind {
	case String:
		return AppendJSONString(dst, f.Str)
	case Int:
		return strconv.AppendInt(dst, f.Int, 10)
	case List:
		dst = append(dst, '[')
		for j, s := range f.List {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = AppendJSONString(dst, s)
		}
		return append(dst, ']')
	case Raw:
		if f.Str == "" {
			return append(dst, "null"...)
		}
		return append(dst, f.Str...)
	}
	return append(dst, "null"...)
}

const hexDigits = "0123456789abcdef"

// plainASCII marks the ASCII bytes that a JSON string holds unescaped (as
// encoding/json writes them: control characters, quote, backslash and the
// HTML-sensitive <, > and & are escaped).
var plainASCII = func() (t [utf8.RuneSelf]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()

// AppendJSONString appends s as a quoted JSON string.
func AppendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if plainASCII[c] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
