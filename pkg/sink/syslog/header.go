// header.go renders the syslog headers: RFC 5424
// `<PRI>1 TIMESTAMP HOSTNAME APP-NAME - MSGID - ` and RFC 3164
// `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG: `, both in UTC.
//
// Header fields are made valid rather than refused: every character outside
// printable US-ASCII (33..126) becomes "_" (one per character, so a
// multi-byte UTF-8 character becomes one "_"), the result is cut to the RFC's
// length (HOSTNAME 255, APP-NAME 48, MSGID 32; the RFC 3164 TAG 32, where ':',
// '[' and ']' also become "_"), and an empty field becomes the NILVALUE "-".
// The MSG carries no BOM.

package syslog

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Severities (RFC 5424 §6.2.1).
const (
	severityWarning = 4
	severityInfo    = 6
)

// RFC 5424 header field lengths.
const (
	maxHostname = 255
	maxAppName  = 48
	maxMsgID    = 32
	maxTag3164  = 32
)

// pri is the PRIVAL of facility and severity.
func pri(facility, severity int) int { return facility*8 + severity }

// appendRFC5424Header appends the header up to and including the space
// before MSG. Fields must already be sanitized.
func appendRFC5424Header(dst []byte, prival int, ts time.Time, host, app, msgID string) []byte {
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(prival), 10)
	dst = append(dst, ">1 "...)
	dst = ts.UTC().AppendFormat(dst, "2006-01-02T15:04:05.000Z")
	dst = append(dst, ' ')
	dst = append(dst, host...)
	dst = append(dst, ' ')
	dst = append(dst, app...)
	dst = append(dst, " - "...)
	dst = append(dst, msgID...)
	return append(dst, " - "...)
}

// appendRFC3164Header appends the header up to and including the space
// before MSG. The day of month is space-padded, as RFC 3164 requires.
func appendRFC3164Header(dst []byte, prival int, ts time.Time, host, tag string) []byte {
	dst = append(dst, '<')
	dst = strconv.AppendInt(dst, int64(prival), 10)
	dst = append(dst, '>')
	dst = ts.UTC().AppendFormat(dst, "Jan _2 15:04:05")
	dst = append(dst, ' ')
	dst = append(dst, host...)
	dst = append(dst, ' ')
	dst = append(dst, tag...)
	return append(dst, ": "...)
}

// headerField sanitizes s for a header field of at most max bytes.
func headerField(s string, max int) string { return printable(s, max, "") }

// tagField sanitizes s for an RFC 3164 TAG.
func tagField(s string) string { return printable(s, maxTag3164, ":[]") }

// printable replaces every character outside 33..126 and every byte of
// extra with '_', cuts to max bytes and returns "-" for an empty result.
func printable(s string, max int, extra string) string {
	b := make([]byte, 0, min(len(s), max))
	for i := 0; i < len(s) && len(b) < max; {
		c := s[i]
		if c >= utf8.RuneSelf {
			_, size := utf8.DecodeRuneInString(s[i:])
			b = append(b, '_')
			i += size
			continue
		}
		if c < 33 || c > 126 || containsByte(extra, c) {
			c = '_'
		}
		b = append(b, c)
		i++
	}
	if len(b) == 0 {
		return "-"
	}
	return string(b)
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}
