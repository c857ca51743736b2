// The API's data types: Window and its time format, Report and Record with
// its blocks, the raw record DecodeStream hands over, and unknown fields.

package serapi

import (
	"encoding/json"
	"time"
)

// Window is one report request's time range, [Start, End), both UTC.
type Window struct {
	Start, End time.Time
}

// String renders the window as "START/END" in the API's timestamp format.
func (w Window) String() string {
	return w.Start.UTC().Format(TimeLayout) + "/" + w.End.UTC().Format(TimeLayout)
}

// TimeLayout is the API's timestamp format: YYYY-MM-DDTHH:mm:ss.SSSZ in UTC.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Report is one decoded report/summary answer. Users holds the records
// compactly: see Records for how to read them.
type Report struct {
	Users       Records
	Entitlement Entitlement
}

// Record is one applicationUsers entry. Missing blocks decode as zero.
type Record struct {
	ApplicationName     string
	ApplicationUserName string
	FromEnvelope        []string // a bare string in the body becomes a one-item list
	FromHeader          []string
	Status              Status
	Size                Size
	Details             Details
	// Extra holds the record's unknown fields in body order, as raw JSON
	// (scalars, lists or nested objects), for the event package to flatten.
	Extra []ExtraField
}

// RawRecord is one applicationUsers record as DecodeStream hands it over:
// the same fields as Record, as byte slices into the decoder's buffers,
// valid only while the Handler's Record call runs. Texts are decoded JSON
// strings (valid UTF-8); a list is nil when the record has none (absent,
// null or ""), else its items.
type RawRecord struct {
	ApplicationName     []byte
	ApplicationUserName []byte
	FromEnvelope        [][]byte
	FromHeader          [][]byte
	Status              Status
	Size                Size
	Details             Details
	Extra               []RawExtra // unknown fields in body order
}

// RawExtra is an unknown field of a RawRecord: its name (or "block_field")
// and its value as compact JSON.
type RawExtra struct {
	Name, Value []byte
}

// ExtraField is an unknown field of a record (or of one of its known blocks,
// then named "block_field").
type ExtraField struct {
	Name  string
	Value json.RawMessage
}

// Status is the record's status block.
type Status struct {
	Success, Failure, TempFailure, PartialSuccess, InProgress, Total, RecipientsTotal int64
}

// Size is the record's messageSizeTotal block.
type Size struct {
	MessageSizeTotal, DeliveredSizeTotal int64
}

// Details is the record's details block: DSN classes 2.X.X … 5.X.X.
type Details struct {
	DSN2xx, DSN3xx, DSN4xx, DSN5xx int64
}

// Entitlement is the answer's entitlement block. License times are kept as
// the text the API sent.
type Entitlement struct {
	AnnualThroughput int64
	LicenseStart     string
	LicenseEnd       string
}

// Unsettled reports whether a record's counts may still change (SER retries
// tempFailure messages for up to 7 days).
func (r *Record) Unsettled() bool { return r.Status.TempFailure > 0 || r.Status.InProgress > 0 }
