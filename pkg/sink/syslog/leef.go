// leef.go renders the LEEF 2.0 payload for QRadar (SPEC §5):
//
//	LEEF:2.0|Proofpoint|SER|<version>|<eventType>|^|devTime=<ms>^cat=<eventType>^sev=<1–10>[^usrName=<user>]^key=value^…
//
// devTime is windowStart in epoch milliseconds, which QRadar reads without a
// devTimeFormat; cat is the eventType; sev the failure severity
// (severity.go); usrName, on ser.applicationUser events, the
// applicationUserName — so that QRadar's own columns fill. Then every key of
// the event follows in order, named as keys.go decides.
//
// LEEF 2.0 defines no escape for the header, so '|' is removed from header
// fields (and '\', which some parsers treat as an escape for the following
// '|'), as are control characters. Values lose '^' and every ASCII control
// character (tab, CR, LF included). Invalid UTF-8 becomes U+FFFD; other
// non-ASCII text is kept.

package syslog

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/event"
)

const leefDelimiter = '^'

// leefReserved reports the names no other key may take: LEEF's predefined
// attributes (reserved.go), the payload's own (devTime, cat, sev, usrName)
// among them.
func leefReserved(name string) bool { return leefPredefined[name] }

func leefSpecName(i int8) string { return specKeyList[i] }

func newLEEFNamer() *keyNamer { return &keyNamer{reserved: leefReserved, specName: leefSpecName} }

// appendLEEF appends the LEEF payload of e, whose fields n has named,
// without the fields that drop marks.
func appendLEEF(dst []byte, e *event.Event, n *keyNamer, version string, ts time.Time, drop []bool) []byte {
	et := e.Type()
	dst = appendLEEFHead(dst, version, et, ts)
	dst = strconv.AppendInt(dst, int64(failureSeverity(e)), 10)
	if et == event.TypeApplicationUser {
		if u, ok := e.Get(keyApplicationUserName); ok {
			dst = append(dst, "^usrName="...)
			dst = appendLEEFValue(dst, &u)
		}
	}
	for i := range e.Fields {
		if drop != nil && drop[i] {
			continue
		}
		dst = append(dst, leefDelimiter)
		dst = append(dst, n.names[i]...)
		dst = append(dst, '=')
		dst = appendLEEFValue(dst, &e.Fields[i])
	}
	return dst
}

// appendLEEFHead appends the LEEF header and the attributes before the
// severity's value, up to "^sev=".
func appendLEEFHead(dst []byte, version, et string, ts time.Time) []byte {
	dst = append(dst, "LEEF:2.0|Proofpoint|SER|"...)
	dst = appendLEEFHeaderField(dst, version)
	dst = append(dst, '|')
	dst = appendLEEFHeaderField(dst, et)
	dst = append(dst, "|^|devTime="...)
	dst = strconv.AppendInt(dst, ts.UnixMilli(), 10)
	dst = append(dst, "^cat="...)
	dst = appendLEEFText(dst, et)
	return append(dst, "^sev="...)
}

// appendLEEFValue appends a field's value; lists are joined with ','.
func appendLEEFValue(dst []byte, f *event.Field) []byte {
	return appendFieldValue(dst, f, appendLEEFText)
}

// appendFieldValue appends a field's value for a key=value payload: an
// integer as digits, a list's items joined with ',', text through escape.
func appendFieldValue(dst []byte, f *event.Field, escape func([]byte, string) []byte) []byte {
	switch f.Kind {
	case event.Int:
		return strconv.AppendInt(dst, f.Int, 10)
	case event.List:
		for j, s := range f.List {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = escape(dst, s)
		}
		return dst
	default:
		return escape(dst, f.Str)
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
	leefValueTable  = newCleanTable(func(c byte) bool { return c == leefDelimiter || c < 0x20 || c == 0x7f })
	leefHeaderTable = newCleanTable(func(c byte) bool { return c == '|' || c == '\\' || c < 0x20 || c == 0x7f })
)

// appendLEEFText appends a value without the delimiter and control
// characters.
func appendLEEFText(dst []byte, s string) []byte { return appendCleaned(dst, s, leefValueTable) }

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
