// record.go flattens one applicationUsers record into a ser.applicationUser
// event (SPEC §4), keys in the contract's order and the record's unknown
// fields after them.

package event

import (
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
	s, z, d := &r.Status, &r.Size, &r.Details
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
// always lists, empty when the record has none. All text is Clean. The event
// shares r's list items when they are valid UTF-8; neither may be modified
// afterwards.
func FromRecord(input string, w serapi.Window, r *serapi.Record, ent *serapi.Entitlement, revision int64) Event {
	// One string holds the eventId and both window times.
	var scratch [512]byte
	var text [idLen + 2*len(TimeLayout)]byte
	t := appendRecordID(text[:0], scratch[:0], input, w.Start, r)
	t = appendTime(t, w.Start)
	n1 := len(t)
	t = appendTime(t, w.End)
	s := string(t)

	e := Event{Fields: make([]Field, 0, recordKeyCount+len(r.Extra))}
	e.AddString(KeyEventType, TypeApplicationUser)
	e.AddString(KeyEventID, s[:idLen])
	e.AddInt(KeyRevision, revision)
	e.AddString(KeyInput, Clean(input))
	e.AddString(KeyWindowStart, s[idLen:n1])
	e.AddString(KeyWindowEnd, s[n1:])
	e.AddString("applicationName", Clean(r.ApplicationName))
	e.AddString("applicationUserName", Clean(r.ApplicationUserName))
	e.AddList("fromEnvelope", cleanList(r.FromEnvelope))
	e.AddList("fromHeader", cleanList(r.FromHeader))
	c := counters(r)
	for i := range c {
		e.AddInt(counterKeys[i], c[i])
	}
	addEntitlement(&e, ent)
	addExtras(&e, r.Extra)
	return e
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

// cleanList returns list itself when all its items are valid UTF-8, else a
// cleaned copy; emptyList for an empty or nil list.
func cleanList(list []string) []string {
	if len(list) == 0 {
		return emptyList
	}
	for i, s := range list {
		if !utf8.ValidString(s) {
			out := make([]string, len(list))
			copy(out, list[:i])
			for j := i; j < len(list); j++ {
				out[j] = Clean(list[j])
			}
			return out
		}
	}
	return list
}
