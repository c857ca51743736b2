package syslog

// leef.go renders the LEEF 2.0 payload for QRadar (SPEC §5):
//
//	LEEF:2.0|Proofpoint|SER|<version>|<eventType>|^|devTime=<ms>^cat=<eventType>^key=value^…
//
// LEEF 2.0 defines no escape for the header, so '|' is removed from header
// fields (and '\', which some parsers treat as an escape for the following
// '|'), as are control characters. In the attributes, values lose '^' and
// every ASCII control character (tab, CR, LF included); keys also lose '=' and
// spaces. Invalid UTF-8 becomes U+FFFD; other non-ASCII text is kept. devTime
// is epoch milliseconds, which QRadar reads without a devTimeFormat. An event
// key that would clash with devTime, devTimeFormat or cat is sent as
// ser_<key>.

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
)

const leefDelimiter = '^'

// appendLEEF appends the LEEF payload of e without the keys in drop.
func appendLEEF(dst []byte, e *event.Event, version string, ts time.Time, drop dropSet) []byte {
	et := e.Type()
	dst = append(dst, "LEEF:2.0|Proofpoint|SER|"...)
	dst = appendLEEFHeaderField(dst, version)
	dst = append(dst, '|')
	dst = appendLEEFHeaderField(dst, et)
	dst = append(dst, "|^|devTime="...)
	dst = strconv.AppendInt(dst, ts.UnixMilli(), 10)
	dst = append(dst, "^cat="...)
	dst = appendLEEFText(dst, et, false)
	for i := range e.Fields {
		f := &e.Fields[i]
		if drop.has(f.Key) {
			continue
		}
		dst = append(dst, leefDelimiter)
		if leefReserved(f.Key) {
			dst = append(dst, "ser_"...)
		}
		n := len(dst)
		dst = appendLEEFText(dst, f.Key, true)
		if len(dst) == n {
			dst = append(dst, '_')
		}
		dst = append(dst, '=')
		dst = appendLEEFValue(dst, f)
	}
	return dst
}

func leefReserved(key string) bool {
	return key == "devTime" || key == "devTimeFormat" || key == "cat"
}

// appendLEEFValue appends a field's value; lists are joined with ','.
func appendLEEFValue(dst []byte, f *event.Field) []byte {
	return appendFieldValue(dst, f, appendLEEFText)
}

// appendFieldValue appends a field's value for a key=value payload: an
// integer as digits, a list's items joined with ',', text through escape
// (its last argument false: a value, not a key or header field).
func appendFieldValue(dst []byte, f *event.Field, escape func([]byte, string, bool) []byte) []byte {
	switch f.Kind {
	case event.Int:
		return strconv.AppendInt(dst, f.Int, 10)
	case event.List:
		for j, s := range f.List {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = escape(dst, s, false)
		}
		return dst
	default:
		return escape(dst, f.Str, false)
	}
}

// What appendCleaned does with each byte: keep it, remove it, or check the
// UTF-8 sequence it starts.
const (
	keepByte = iota
	removeByte
	checkUTF8
)

type cleanTable [256]uint8

func newCleanTable(remove func(c byte) bool) *cleanTable {
	var t cleanTable
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = checkUTF8
		case remove(byte(c)):
			t[c] = removeByte
		}
	}
	return &t
}

var (
	leefValueTable = newCleanTable(func(c byte) bool { return c == leefDelimiter || c < 0x20 || c == 0x7f })
	leefKeyTable   = newCleanTable(func(c byte) bool {
		return c == leefDelimiter || c < 0x20 || c == 0x7f || c == '=' || c == ' '
	})
	leefHeaderTable = newCleanTable(func(c byte) bool { return c == '|' || c == '\\' || c < 0x20 || c == 0x7f })
)

// appendLEEFText appends s without the delimiter and control characters
// (and, for keys, without '=' and spaces).
func appendLEEFText(dst []byte, s string, key bool) []byte {
	if key {
		return appendCleaned(dst, s, leefKeyTable)
	}
	return appendCleaned(dst, s, leefValueTable)
}

// appendLEEFHeaderField appends s without '|', '\' and control characters.
func appendLEEFHeaderField(dst []byte, s string) []byte {
	return appendCleaned(dst, s, leefHeaderTable)
}

// appendCleaned appends s without the ASCII bytes that t removes, replacing
// invalid UTF-8 with U+FFFD.
func appendCleaned(dst []byte, s string, t *cleanTable) []byte {
	start := 0
	for i := 0; i < len(s); {
		switch t[s[i]] {
		case keepByte:
			i++
			continue
		case removeByte:
			dst = append(dst, s[start:i]...)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = utf8.AppendRune(dst, utf8.RuneError)
			start = i + 1
		}
		i += size
	}
	return append(dst, s[start:]...)
}
