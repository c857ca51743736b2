// Decoding of one applicationUsers record and of the entitlement block, in
// place from the framed bytes: known keys into their fields, unknown ones
// kept as compact JSON for the event package to flatten.

package serapi

import (
	"strconv"
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
	return w.base + "[" + strconv.Itoa(w.i) + "]" + field
}

// recordReader reads records into rec, reusing the backing arrays of its
// lists from one record to the next.
type recordReader struct {
	rec      RawRecord
	env, hdr [][]byte
	extra    []RawExtra
	s        *scanner
	at       where
}

// read reads record i from s. A null element is skipped (ok false).
// Syntax errors come back as they are, others as a *FieldError.
func (r *recordReader) read(s *scanner, i int) (ok bool, err error) {
	r.rec, r.s, r.at = RawRecord{}, s, where{"applicationUsers", i}
	open, err := openObject(s)
	if err != nil || !open {
		return false, settle(s, r.at, fieldErr(err, r.at, ""))
	}
	for key, more := s.firstKey(); more; key, more = s.nextKey() {
		if err := r.field(key); err != nil {
			return false, settle(s, r.at, err)
		}
	}
	return s.err == nil, settle(s, r.at, nil)
}

// settle puts an error of s before err: a value of the wrong type in a
// body that is not JSON is first of all a body that is not JSON. A limit
// error is named with at.
func settle(s *scanner, at where, err error) error {
	switch {
	case s.err == nil:
		return err
	case isLimit(s.err):
		return &FieldError{Path: at.path(""), Err: s.err}
	}
	return s.err
}

// field reads the value of one record key.
func (r *recordReader) field(key []byte) error {
	s, rec := r.s, &r.rec
	switch string(key) {
	case "applicationName":
		return fieldErr(readString(s, &rec.ApplicationName), r.at, ".applicationName")
	case "applicationUserName":
		return fieldErr(readString(s, &rec.ApplicationUserName), r.at, ".applicationUserName")
	case "fromEnvelope":
		return fieldErr(readStringList(s, &rec.FromEnvelope, &r.env), r.at, ".fromEnvelope")
	case "fromHeader":
		return fieldErr(readStringList(s, &rec.FromHeader, &r.hdr), r.at, ".fromHeader")
	case "status", "details":
		return r.block(string(key))
	case "messageSizeTotal":
		if c := s.peek(); c != '{' && c != 'n' && c != '[' {
			return fieldErr(readInt(s, &rec.Size.MessageSizeTotal), r.at, ".messageSizeTotal") // a bare number
		}
		return r.block("messageSizeTotal")
	}
	return r.keepExtra(nil, key)
}

// block reads a counter block (null or an object); an unknown key is kept
// in Extra as "block_key".
func (r *recordReader) block(name string) error {
	s := r.s
	open, err := openObject(s)
	if err != nil || !open {
		return fieldErr(err, r.at, "."+name)
	}
	for key, more := s.firstKey(); more; key, more = s.nextKey() {
		p := r.counter(name, key)
		if p == nil {
			if err := r.keepExtra([]byte(name), key); err != nil {
				return err
			}
			continue
		}
		if err := readInt(s, p); err != nil {
			return fieldErr(err, r.at, "."+name+"."+string(key))
		}
	}
	return nil
}

// counter maps a key of a known block to its field, nil if unknown.
func (r *recordReader) counter(block string, key []byte) *int64 {
	switch block {
	case "status":
		return statusCounter(&r.rec.Status, key)
	case "details":
		return detailsCounter(&r.rec.Details, key)
	}
	return sizeCounter(&r.rec.Size, key)
}

// keepExtra appends the next value, as compact JSON, to Extra under key,
// or "block_key" when block is set.
func (r *recordReader) keepExtra(block, key []byte) error {
	s := r.s
	raw := s.skip()
	if s.err != nil {
		return nil // reported by read
	}
	name := key
	if block != nil {
		name = s.arena.Concat(block, []byte{'_'}, key)
	}
	if r.rec.Extra == nil {
		r.rec.Extra = r.extra[:0]
	}
	r.rec.Extra = append(r.rec.Extra, RawExtra{Name: name, Value: compact(s, raw)})
	r.extra = r.rec.Extra
	return nil
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

// readEntitlement reads the entitlement block (null or an object); unknown
// keys are skipped.
func readEntitlement(s *scanner) (Entitlement, error) {
	var e Entitlement
	at := where{"entitlement", -1}
	open, err := openObject(s)
	if err != nil || !open {
		return e, settle(s, at, fieldErr(err, at, ""))
	}
	for key, more := s.firstKey(); more; key, more = s.nextKey() {
		var err error
		var text []byte
		switch k := string(key); k {
		case "annual_throughput", "annualThroughput":
			err = fieldErr(readInt(s, &e.AnnualThroughput), at, "."+k)
		case "license_start", "licenseStart":
			err = fieldErr(readString(s, &text), at, "."+k)
			e.LicenseStart = string(text)
		case "license_end", "licenseEnd":
			err = fieldErr(readString(s, &text), at, "."+k)
			e.LicenseEnd = string(text)
		default:
			s.skip()
		}
		if err != nil {
			return e, settle(s, at, err)
		}
	}
	return e, settle(s, at, nil)
}
