// text.go holds the small text helpers of flattening: UTF-8 cleaning and
// allocation-free timestamp formatting.

package event

import (
	"time"
	"unicode/utf8"
)

// Clean returns s with every byte that is not part of valid UTF-8 replaced by
// U+FFFD, one replacement per byte, exactly as the JSON encoder writes it; s
// itself (no copy) when it is valid. Events built by this package hold only
// clean text, so that every encoding of an event, and its eventId, agree.
func Clean(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return string(appendCleanSlow(make([]byte, 0, len(s)+8), s))
}

// appendClean appends Clean(s) to dst without an intermediate string.
func appendClean(dst []byte, s string) []byte {
	if utf8.ValidString(s) {
		return append(dst, s...)
	}
	return appendCleanSlow(dst, s)
}

func appendCleanSlow(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = append(dst, s[i:i+size]...)
		}
		i += size
	}
	return dst
}

// appendTime appends t in TimeLayout, in UTC, without time.Format's layout
// parsing; years outside 0…9999 fall back to AppendFormat.
func appendTime(dst []byte, t time.Time) []byte {
	t = t.UTC()
	y, mo, d := t.Date()
	if y < 0 || y > 9999 {
		return t.AppendFormat(dst, TimeLayout)
	}
	hh, mm, ss := t.Clock()
	ms := t.Nanosecond() / 1e6
	dst = append(dst,
		byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+int(mo)/10), byte('0'+int(mo)%10), '-',
		byte('0'+d/10), byte('0'+d%10), 'T',
		byte('0'+hh/10), byte('0'+hh%10), ':',
		byte('0'+mm/10), byte('0'+mm%10), ':',
		byte('0'+ss/10), byte('0'+ss%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
	return dst
}
