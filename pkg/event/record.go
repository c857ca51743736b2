// record.go flattens one applicationUsers record into a ser.applicationUser
// event (SPEC §4), keys in the contract's order and the record's unknown
// fields after them.

package event

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// Keys of the entitlement block, shared by both event types.
const (
	KeyLicenseStart     = "licenseStart"
	KeyLicenseEnd       = "licenseEnd"
	KeyAnnualThroughput = "annualThroughput"
	KeyRecords          = "records"
)

// counterKeys are the names of a record's counters in event order: the
// status block, the messageSizeTotal block and the details buckets.
var counterKeys = [counterCount]string{
	"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total", "recipientsTotal",
	"messageSizeTotal", "deliveredSizeTotal",
	"dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx",
}

const counterCount = 13

// IsCounter reports whether key names one of the counters of SPEC §4
// (success … dsn5xx), which both event types carry; records is not one.
func IsCounter(key string) bool {
	_, ok := counterIndex[key]
	return ok
}

var counterIndex = func() map[string]struct{} {
	m := make(map[string]struct{}, counterCount)
	for _, k := range counterKeys {
		m[k] = struct{}{}
	}
	return m
}()

// counters returns r's counters in counterKeys order.
func counters(r *serapi.Record) [counterCount]int64 {
	return counterValues(&r.Status, &r.Size, &r.Details)
}

// counterValues lists a record's counter blocks in counterKeys order.
func counterValues(s *serapi.Status, z *serapi.Size, d *serapi.Details) [counterCount]int64 {
	return [counterCount]int64{
		s.Success, s.Failure, s.TempFailure, s.PartialSuccess, s.InProgress, s.Total, s.RecipientsTotal,
		z.MessageSizeTotal, z.DeliveredSizeTotal,
		d.DSN2xx, d.DSN3xx, d.DSN4xx, d.DSN5xx,
	}
}

// recordKeyCount is the number of fixed keys of a ser.applicationUser event.
const recordKeyCount = 10 + counterCount + 3

// recordKeys holds the fixed keys of a ser.applicationUser event; an unknown
// field with one of these names is carried as extra_<name>.
var recordKeys = func() map[string]struct{} {
	keys := []string{KeyEventType, KeyEventID, KeyRevision, KeyInput, KeyWindowStart, KeyWindowEnd,
		"applicationName", "applicationUserName", "fromEnvelope", "fromHeader",
		KeyLicenseStart, KeyLicenseEnd, KeyAnnualThroughput}
	m := make(map[string]struct{}, recordKeyCount)
	for _, k := range append(keys, counterKeys[:]...) {
		m[k] = struct{}{}
	}
	return m
}()

// FromRecord flattens record r of window w of input into a ser.applicationUser
// event with the given revision. ent may be nil (a missing entitlement block:
// empty license times, zero throughput). fromEnvelope and fromHeader are
// always lists, empty when the record has none. All text is Clean.
func FromRecord(input string, w serapi.Window, r *serapi.Record, ent *serapi.Entitlement, revision int64) Event {
	return FromRecordOrdinal(input, w, r, ent, revision, 1)
}

// FromRecordOrdinal is FromRecord for a record that takes ordinal n (n ≥ 1)
// of r's identity (SPEC §4: ordinal 2 gets the eventId of the text
// suffixed ␟2, and so on); Ordinals.Number tells n.
func FromRecordOrdinal(input string, w serapi.Window, r *serapi.Record, ent *serapi.Entitlement, revision int64, n int) Event {
	f := flatteners.Get().(*Flattener)
	defer flatteners.Put(f)
	f.Reset(input, w)
	raw := &f.conv
	rawFrom(raw, r)
	f.scratch = appendRawIdentity(f.scratch[:0], f.input, f.start, raw)
	id := ordinalID(f.scratch, n)
	if ent == nil {
		ent = &serapi.Entitlement{}
	}
	f.build(raw, &id, revision, ent)
	ev := f.ev.event(nil)
	f.ev.reset()
	*raw = serapi.RawRecord{FromEnvelope: raw.FromEnvelope[:0], FromHeader: raw.FromHeader[:0], Extra: raw.Extra[:0]}
	return ev
}

// flatteners holds the Flatteners of FromRecord.
var flatteners = sync.Pool{New: func() any { return new(Flattener) }}

// ordinalID is the eventId of ordinal n of the identity text.
// text's spare capacity may be overwritten.
func ordinalID(text []byte, n int) ID {
	if n > 1 {
		text = strconv.AppendInt(append(text, idSep), int64(n), 10)
	}
	return sha256.Sum256(text)
}

// RawRecord views r as the decoder would hand it over: clean texts, unknown
// values as valid compact JSON (a value that is not JSON becomes a JSON
// string of its text). The view shares r's texts: it must not be changed.
func RawRecord(r *serapi.Record) serapi.RawRecord {
	var raw serapi.RawRecord
	rawFrom(&raw, r)
	return raw
}

// rawFrom fills raw with the view of r, reusing raw's slices.
func rawFrom(raw *serapi.RawRecord, r *serapi.Record) {
	*raw = serapi.RawRecord{
		ApplicationName:     bytesOf(Clean(r.ApplicationName)),
		ApplicationUserName: bytesOf(Clean(r.ApplicationUserName)),
		FromEnvelope:        rawList(raw.FromEnvelope[:0], r.FromEnvelope),
		FromHeader:          rawList(raw.FromHeader[:0], r.FromHeader),
		Status:              r.Status,
		Size:                r.Size,
		Details:             r.Details,
		Extra:               raw.Extra[:0],
	}
	for _, x := range r.Extra {
		raw.Extra = append(raw.Extra, serapi.RawExtra{Name: bytesOf(Clean(x.Name)), Value: rawValue(x.Value)})
	}
	if len(raw.Extra) == 0 {
		raw.Extra = nil
	}
}

func rawList(dst [][]byte, list []string) [][]byte {
	if len(list) == 0 {
		return nil
	}
	for _, s := range list {
		dst = append(dst, bytesOf(Clean(s)))
	}
	return dst
}

// rawValue returns v as valid compact clean JSON, nil when it is empty.
func rawValue(v []byte) []byte {
	v = trimSpace(v)
	switch {
	case len(v) == 0:
		return nil
	case !json.Valid(v):
		b, _ := json.Marshal(string(v)) // invalid UTF-8 becomes U+FFFD
		return b
	}
	if bytes.ContainsAny(v, " \t\r\n") {
		var b bytes.Buffer
		json.Compact(&b, v)
		v = b.Bytes()
	}
	if !utf8.Valid(v) {
		v = appendCleanSlow(nil, string(v))
	}
	return v
}

// trimSpace drops JSON white space around raw.
func trimSpace(raw []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(raw) > 0 && isSpace(raw[0]) {
		raw = raw[1:]
	}
	for len(raw) > 0 && isSpace(raw[len(raw)-1]) {
		raw = raw[:len(raw)-1]
	}
	return raw
}

func addEntitlement(e *Event, ent *serapi.Entitlement) {
	var zero serapi.Entitlement
	if ent == nil {
		ent = &zero
	}
	e.AddString(KeyLicenseStart, Clean(ent.LicenseStart))
	e.AddString(KeyLicenseEnd, Clean(ent.LicenseEnd))
	e.AddInt(KeyAnnualThroughput, ent.AnnualThroughput)
}

// emptyList is the value of an absent list: encoded as [] and never null. A
// zero-length slice cannot be written through, so sharing it is safe.
var emptyList = []string{}
