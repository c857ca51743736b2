// Decoding of one applicationUsers record and its known blocks. The
// json.Decoder hands over each record as validated raw bytes; a scanner
// then walks them, which is many times cheaper than token by token.

package serapi

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// where names a value's position for errors: "applicationUsers[i]" or,
// with i < 0, the base alone ("entitlement").
type where struct {
	base string
	i    int
}

func (w where) path(field string) string {
	if w.i < 0 {
		return w.base + field
	}
	return fmt.Sprintf("%s[%d]%s", w.base, w.i, field)
}

// decodeRecord reads record i, through raw (a buffer reused from record to
// record: nothing kept may point into it); repeated strings come from
// shared. A null element is skipped (ok false).
func decodeRecord(d *json.Decoder, raw *json.RawMessage, shared *sharedTable, i int) (rec Record, ok bool, err error) {
	if err := d.Decode(raw); err != nil {
		return rec, false, err
	}
	s := &scanner{b: *raw, shared: shared}
	at := where{"applicationUsers", i}
	open, err := s.openObject()
	if err != nil || !open {
		return rec, false, fieldErr(err, at, "")
	}
	for key, more := s.nextKey(); more; key, more = s.nextKey() {
		if err := recordField(s, &rec, key, at); err != nil {
			return rec, false, err
		}
	}
	return rec, true, nil
}

// recordField reads the value of one record key into rec.
func recordField(s *scanner, rec *Record, key []byte, at where) error {
	switch string(key) {
	case "applicationName":
		return fieldErr(readString(s, &rec.ApplicationName), at, ".applicationName")
	case "applicationUserName":
		return fieldErr(readString(s, &rec.ApplicationUserName), at, ".applicationUserName")
	case "fromEnvelope":
		return fieldErr(readStringList(s, &rec.FromEnvelope), at, ".fromEnvelope")
	case "fromHeader":
		return fieldErr(readStringList(s, &rec.FromHeader), at, ".fromHeader")
	case "status", "details":
		return readBlock(s, rec, string(key), at)
	case "messageSizeTotal":
		if c := s.peek(); c != '{' && c != 'n' && c != '[' {
			return fieldErr(readInt(s, &rec.Size.MessageSizeTotal), at, ".messageSizeTotal") // a bare number
		}
		return readBlock(s, rec, "messageSizeTotal", at)
	}
	keepExtra(s, rec, string(key))
	return nil
}

// readBlock reads a counter block (null or an object); an unknown key is
// kept in Extra as "block_key".
func readBlock(s *scanner, rec *Record, block string, at where) error {
	open, err := s.openObject()
	if err != nil || !open {
		return fieldErr(err, at, "."+block)
	}
	for key, more := s.nextKey(); more; key, more = s.nextKey() {
		p := blockCounter(rec, block, key)
		if p == nil {
			keepExtra(s, rec, block+"_"+string(key))
			continue
		}
		if err := readInt(s, p); err != nil {
			return fieldErr(err, at, "."+block+"."+string(key))
		}
	}
	return nil
}

// blockCounter maps a key of a known block to its field, nil if unknown.
func blockCounter(rec *Record, block string, key []byte) *int64 {
	switch block {
	case "status":
		return statusCounter(&rec.Status, key)
	case "details":
		return detailsCounter(&rec.Details, key)
	}
	return sizeCounter(&rec.Size, key)
}

// keepExtra appends the next value, as compact raw JSON, to rec.Extra; the
// value is copied out of the scanner's (reused) buffer.
func keepExtra(s *scanner, rec *Record, name string) {
	rec.Extra = append(rec.Extra, ExtraField{Name: name, Value: bytes.Clone(compact(s.skip()))})
}

// statusCounter maps a status key to its field.
func statusCounter(st *Status, key []byte) *int64 {
	switch string(key) {
	case "success":
		return &st.Success
	case "failure":
		return &st.Failure
	case "tempFailure":
		return &st.TempFailure
	case "partialSuccess":
		return &st.PartialSuccess
	case "inProgress":
		return &st.InProgress
	case "total":
		return &st.Total
	case "recipientsTotal":
		return &st.RecipientsTotal
	}
	return nil
}

// sizeCounter maps a messageSizeTotal key to its field.
func sizeCounter(sz *Size, key []byte) *int64 {
	switch string(key) {
	case "messageSizeTotal":
		return &sz.MessageSizeTotal
	case "deliveredSizeTotal":
		return &sz.DeliveredSizeTotal
	}
	return nil
}

// detailsCounter maps a DSN class key ("2.X.X", any case) to its field.
func detailsCounter(dt *Details, key []byte) *int64 {
	if len(key) != 5 || key[1] != '.' || key[3] != '.' || key[2]|0x20 != 'x' || key[4]|0x20 != 'x' {
		return nil
	}
	switch key[0] {
	case '2':
		return &dt.DSN2xx
	case '3':
		return &dt.DSN3xx
	case '4':
		return &dt.DSN4xx
	case '5':
		return &dt.DSN5xx
	}
	return nil
}
