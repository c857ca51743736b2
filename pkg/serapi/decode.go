// The tolerant streaming decoder of a report/summary answer: the top level
// and the applicationUsers list are walked token by token with json.Decoder,
// and each record is read alone (see decode_record.go) into one reused
// buffer and stored packed (see records.go), so a large answer is never
// held in memory as a whole.

package serapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// FieldError is a value that cannot be read as its field's type, named by
// its path (applicationUsers[3].status.success). Fetching again rarely
// helps: the body is valid JSON but not what the field needs.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// errNotList is the structural error of an applicationUsers that is not a list.
var errNotList = errors.New("applicationUsers is not a list")

// Decode reads one answer from r. It is tolerant as SPEC §1 asks: strings
// or lists for fromEnvelope/fromHeader, numbers or numeric strings for
// counters, missing or null blocks as zero, unknown record fields kept in
// Record.Extra in body order, unknown top-level keys ignored. A body that is
// not a JSON object, or whose applicationUsers is not a list, is an error;
// so is a value of the wrong type, as a *FieldError naming its path.
func Decode(r io.Reader) (*Report, error) {
	d := json.NewDecoder(r)
	d.UseNumber()
	tok, err := d.Token()
	if err == io.EOF {
		return nil, errors.New("empty body")
	}
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, fmt.Errorf("answer is not a JSON object (starts with %s)", kind(tok))
	}
	rep := &Report{}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch key {
		case "applicationUsers":
			err = decodeUsers(d, rep)
		case "entitlement":
			err = decodeEntitlement(d, &rep.Entitlement)
		default:
			err = skipValue(d)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := d.Token(); err != nil { // the closing brace
		return nil, err
	}
	return rep, nil
}

// decodeUsers reads the applicationUsers value: null or a list of records.
func decodeUsers(d *json.Decoder, rep *Report) error {
	tok, err := d.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return fmt.Errorf("%w (got %s)", errNotList, kind(tok))
	}
	var raw json.RawMessage // one buffer for every record's bytes
	for i := 0; d.More(); i++ {
		rec, ok, err := decodeRecord(d, &raw, rep.Users.table(), i)
		if err != nil {
			return err
		}
		if ok {
			rep.Users.Append(&rec)
		}
	}
	_, err = d.Token() // ']'
	return err
}

// decodeEntitlement reads the entitlement block; unknown keys are ignored.
func decodeEntitlement(d *json.Decoder, e *Entitlement) error {
	var raw json.RawMessage
	if err := d.Decode(&raw); err != nil {
		return err
	}
	s := &scanner{b: raw}
	at := where{"entitlement", -1}
	open, err := s.openObject()
	if err != nil || !open {
		return fieldErr(err, at, "")
	}
	for key, more := s.nextKey(); more; key, more = s.nextKey() {
		var err error
		switch k := string(key); k {
		case "annual_throughput", "annualThroughput":
			err = fieldErr(readInt(s, &e.AnnualThroughput), at, "."+k)
		case "license_start", "licenseStart":
			err = fieldErr(readString(s, &e.LicenseStart), at, "."+k)
		case "license_end", "licenseEnd":
			err = fieldErr(readString(s, &e.LicenseEnd), at, "."+k)
		default:
			s.skip()
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// skipValue consumes one value of any shape without keeping it.
func skipValue(d *json.Decoder) error {
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// kind names a token's JSON type for error messages.
func kind(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "a list"
	case string:
		return "a string"
	case json.Number, float64:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return fmt.Sprintf("%T", tok)
}
