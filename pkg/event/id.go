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
// It is the eventId of the first record of an answer with this identity
// (unless an earlier record took it, see number); RecordIDOrdinal gives
// those of the later ones.
func RecordID(input string, windowStart time.Time, r *serapi.Record) string {
	return RecordIDOrdinal(input, windowStart, r, 1)
}

// RecordIDOrdinal is the eventId of ordinal n (n ≥ 1) of r's identity
// (SPEC §4): for n > 1 the hashed text ends in ␟n. Ordinals.Number tells
// which ordinal a record of an answer takes.
func RecordIDOrdinal(input string, windowStart time.Time, r *serapi.Record, n int) string {
	var scratch [256]byte
	var out [idLen]byte
	text := appendIdentity(scratch[:0], input, windowStart, r)
	return string(appendOrdinalID(out[:0], text, n))
}

// WindowID is the eventId of a ser.window event: SHA-256 of
// input␟windowStart␟ser.window.
func WindowID(input string, windowStart time.Time) string {
	var scratch [128]byte
	var out [idLen]byte
	return string(appendWindowID(out[:0], scratch[:0], input, windowStart))
}

// appendOrdinalID appends the hex SHA-256 of text, followed for n > 1 by
// ␟n, to dst. text's spare capacity may be overwritten.
func appendOrdinalID(dst, text []byte, n int) []byte {
	id := ordinalID(text, n)
	return hex.AppendEncode(dst, id[:])
}

// appendIdentity appends the text that a record's first eventId hashes,
// with clean text (see Clean).
func appendIdentity(scratch []byte, input string, start time.Time, r *serapi.Record) []byte {
	raw := RawRecord(r)
	var times [len(TimeLayout)]byte
	return appendRawIdentity(scratch, bytesOf(Clean(input)), appendTime(times[:0], start), &raw)
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
