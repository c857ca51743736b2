// Tolerant readers for the scalar values of a report: strings, string
// lists, integer counters and raw JSON for unknown fields.

package serapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// fieldErr names the field of err, built only when there is an error.
func fieldErr(err error, at where, field string) error {
	if err == nil {
		return nil
	}
	if ie, ok := err.(itemError); ok {
		field += fmt.Sprintf("[%d]", ie.i)
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

// readString reads a string; a number or boolean keeps its text, null is "".
func readString(s *scanner, dst *string) error {
	if s.peek() == '"' {
		*dst = s.str()
		return nil
	}
	tok := s.token()
	v, ok := scalarText(tok)
	if !ok {
		return fmt.Errorf("want a string, got %s", kind(tok))
	}
	*dst = v
	return nil
}

// readStringList reads a list of strings, a single string (a one-item
// list; "" is empty) or null (empty). Null items are dropped.
func readStringList(s *scanner, dst *[]string) error {
	tok := s.token()
	if tok != json.Delim('[') {
		v, ok := scalarText(tok)
		if !ok {
			return fmt.Errorf("want a string or a list of strings, got %s", kind(tok))
		}
		if v != "" {
			*dst = []string{v}
		}
		return nil
	}
	list := make([]string, 0, 1)
	err := s.list(func(i int) error {
		if s.peek() == '"' {
			list = append(list, s.str())
			return nil
		}
		item := s.token()
		v, ok := scalarText(item)
		if !ok {
			return itemError{i, fmt.Errorf("want a string, got %s", kind(item))}
		}
		if item != nil {
			list = append(list, v)
		}
		return nil
	})
	*dst = list
	return err
}

// scalarText renders a scalar token as text; ok is false for '{' and '['.
func scalarText(tok json.Token) (string, bool) {
	switch t := tok.(type) {
	case string:
		return t, true
	case json.Number:
		return t.String(), true
	case bool:
		return strconv.FormatBool(t), true
	case nil:
		return "", true
	}
	return "", false
}

// readInt reads a counter into dst.
func readInt(s *scanner, dst *int64) error {
	if c := s.peek(); c >= '0' && c <= '9' {
		begin := s.i
		if n, ok := plainInt(s.skip()); ok {
			*dst = n
			return nil
		}
		s.i = begin
	}
	return setInt(s.token(), dst)
}

// plainInt parses up to 18 decimal digits without allocating.
func plainInt(b []byte) (int64, bool) {
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
	return n, true
}

// setInt stores a counter token: a number, a numeric string ("12",
// "12.0", "1e3") or null (0). Fractions and other text are errors.
func setInt(tok json.Token, dst *int64) error {
	var text string
	switch t := tok.(type) {
	case nil:
		*dst = 0
		return nil
	case json.Number:
		text = string(t)
	case string:
		text = strings.TrimSpace(t)
		if text == "" {
			*dst = 0
			return nil
		}
	default:
		return fmt.Errorf("want a number, got %s", kind(tok))
	}
	n, err := parseCount(text)
	if err != nil {
		return err
	}
	*dst = n
	return nil
}

// parseCount parses an integer, also written as an integral float.
func parseCount(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if f != math.Trunc(f) || math.IsInf(f, 0) || f >= math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("%q is not a whole number in range", s)
	}
	return int64(f), nil
}

// compact returns raw JSON without insignificant whitespace.
func compact(raw []byte) json.RawMessage {
	if !bytes.ContainsAny(raw, " \t\r\n") {
		return raw
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return raw
	}
	return buf.Bytes()
}
