// Tolerant readers for the values of a record: strings, string lists and
// integer counters, each accepting the shapes SPEC §1 allows, and the
// compact form of unknown values.

package serapi

import (
	"bytes"
	"fmt"
	"math"
	"strconv"

	"github.com/serfwd/serfwd/pkg/redact"
)

// fieldErr names the field of err, built only when there is an error.
func fieldErr(err error, at where, field string) error {
	if err == nil {
		return nil
	}
	if ie, ok := err.(itemError); ok {
		field += "[" + strconv.Itoa(ie.i) + "]"
		err = ie.err
	}
	return &FieldError{Path: at.path(field), Err: err}
}

// itemError is an error about item i of a list.
type itemError struct {
	i   int
	err error
}

func (e itemError) Error() string { return fmt.Sprintf("[%d]: %v", e.i, e.err) }

// wrongType is the error for a value of another JSON type than wanted.
func wrongType(want string, c byte) error { return fmt.Errorf("want %s, got %s", want, kindAt(c)) }

// openObject consumes null (false: no fields) or moves into an object
// (true: its members follow); anything else is an error for the caller to
// name. At an object, the scanner stays at '{' for firstKey.
func openObject(s *scanner) (bool, error) {
	switch c := s.peek(); c {
	case 'n':
		s.literal("null")
		return false, nil
	case '{':
		return true, nil
	case 0:
		s.unexpected("looking for beginning of value")
		return false, nil
	default:
		s.skip()
		return false, wrongType("an object", c)
	}
}

// readString reads a string; a number or boolean keeps its text, null is
// empty. Objects and lists are errors.
func readString(s *scanner, dst *[]byte) error {
	switch c := s.peek(); c {
	case '"':
		*dst = s.str()
	case 'n':
		s.literal("null")
		*dst = nil
	case '{', '[':
		s.skip()
		return wrongType("a string", c)
	default:
		*dst = s.scalar()
	}
	return nil
}

// readStringList reads a list of scalars (strings, or numbers and booleans
// as their text; null items dropped), a single scalar (a one-item list; ""
// and null are no list) into *dst, reusing the backing array *buf.
func readStringList(s *scanner, dst *[][]byte, buf *[][]byte) error {
	c := s.peek()
	if c != '[' {
		var v []byte
		if err := readString(s, &v); err != nil {
			return fmt.Errorf("want a string or a list of strings, got %s", kindAt(c))
		}
		*dst = nil
		if len(v) > 0 {
			*dst = append((*buf)[:0], v)
			*buf = *dst
		}
		return nil
	}
	list := (*buf)[:0]
	if list == nil {
		list = make([][]byte, 0, 4)
	}
	for i, ok := 0, s.firstItem(); ok; i, ok = i+1, s.nextItem() {
		switch c := s.peek(); c {
		case '{', '[':
			s.skip()
			return itemError{i, wrongType("a string", c)}
		case 'n':
			s.literal("null")
		case '"':
			list = append(list, s.str())
		default:
			list = append(list, s.scalar())
		}
	}
	*dst, *buf = list, list
	return nil
}

// readInt reads a counter: a number, a numeric string ("12", " 12 ",
// "12.0", "1e3"), an empty string or null (0). Fractions and other text are
// errors.
func readInt(s *scanner, dst *int64) error {
	if n, ok := s.plainNumber(); ok {
		*dst = n
		return nil
	}
	var text []byte
	switch c := s.peek(); c {
	case 'n':
		s.literal("null")
		*dst = 0
		return nil
	case '"':
		text = bytes.TrimSpace(s.str())
		if len(text) == 0 {
			*dst = 0
			return nil
		}
	case '{', '[', 't', 'f':
		s.skip()
		return wrongType("a number", c)
	default:
		text = s.number()
	}
	if s.err != nil {
		return nil
	}
	n, err := parseCount(text, s.red)
	if err != nil {
		return err
	}
	*dst = n
	return nil
}

// parseCount parses an integer, also written as an integral float; an error
// quotes b without the secrets red knows.
func parseCount(b []byte, red *redact.Redactor) (int64, error) {
	if n, ok := plainInt(b); ok {
		return n, nil
	}
	if n, err := strconv.ParseInt(string(b), 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", red.Quote(string(b)))
	}
	if f != math.Trunc(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("%q is not a whole number in range", red.Quote(string(b)))
	}
	return int64(f), nil
}

// plainInt parses an optional minus and up to 18 decimal digits.
func plainInt(b []byte) (int64, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

// compact returns raw JSON (checked) without insignificant white space:
// raw itself when it has none, else a copy in the scanner's arena.
func compact(s *scanner, raw []byte) []byte {
	if bytes.IndexAny(raw, " \t\r\n") < 0 {
		return raw
	}
	out := s.arena.Buf(len(raw))
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; c {
		case ' ', '\t', '\r', '\n':
		case '"':
			j := i + 1
			for ; raw[j] != '"'; j++ {
				if raw[j] == '\\' {
					j++
				}
			}
			out = append(out, raw[i:j+1]...)
			i = j
		default:
			out = append(out, c)
		}
	}
	return s.arena.Keep(out)
}
