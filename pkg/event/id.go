// id.go derives eventIds (SPEC §4): lowercase hex SHA-256 over the event's
// identifying fields joined by U+001F, recomputable by anyone from the event.

package event

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// idSep is U+001F (INFORMATION SEPARATOR ONE), one byte in UTF-8.
const idSep = 0x1f

// idLen is the length of an eventId: 32 bytes of SHA-256 in hex.
const idLen = 2 * sha256.Size

// RecordID is the eventId of a ser.applicationUser event: SHA-256 of
// input␟windowStart␟applicationName␟applicationUserName␟fromEnvelope␟fromHeader,
// lists joined with "," in their given order. Text is hashed as the event
// carries it: invalid UTF-8 is replaced by U+FFFD byte by byte (see Clean).
func RecordID(input string, windowStart time.Time, r *serapi.Record) string {
	var scratch [256]byte
	var out [idLen]byte
	return string(appendRecordID(out[:0], scratch[:0], input, windowStart, r))
}

// WindowID is the eventId of a ser.window event: SHA-256 of
// input␟windowStart␟ser.window.
func WindowID(input string, windowStart time.Time) string {
	var scratch [128]byte
	var out [idLen]byte
	return string(appendWindowID(out[:0], scratch[:0], input, windowStart))
}

// appendRecordID appends a record's eventId to dst, building the hashed text
// in scratch (which may grow).
func appendRecordID(dst, scratch []byte, input string, start time.Time, r *serapi.Record) []byte {
	b := appendClean(scratch, input)
	b = append(b, idSep)
	b = appendTime(b, start)
	b = append(b, idSep)
	b = appendClean(b, r.ApplicationName)
	b = append(b, idSep)
	b = appendClean(b, r.ApplicationUserName)
	b = append(b, idSep)
	b = appendJoined(b, r.FromEnvelope)
	b = append(b, idSep)
	b = appendJoined(b, r.FromHeader)
	sum := sha256.Sum256(b)
	return hex.AppendEncode(dst, sum[:])
}

func appendWindowID(dst, scratch []byte, input string, start time.Time) []byte {
	b := appendClean(scratch, input)
	b = append(b, idSep)
	b = appendTime(b, start)
	b = append(b, idSep)
	b = append(b, TypeWindow...)
	sum := sha256.Sum256(b)
	return hex.AppendEncode(dst, sum[:])
}

func appendJoined(dst []byte, list []string) []byte {
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendClean(dst, s)
	}
	return dst
}
