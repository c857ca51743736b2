// A minimal scanner over one already-validated JSON value (a record or the
// entitlement block, read by json.Decoder as raw bytes). It only walks; the
// decoder has checked the syntax, so the scanner need not.

package serapi

import (
	"encoding/json"
	"fmt"
)

// scanner walks valid JSON in b from position i. With shared set, strings
// without escapes that the table already holds are not allocated again.
type scanner struct {
	b      []byte
	i      int
	shared *sharedTable
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\r', '\n':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte.
func (s *scanner) peek() byte {
	s.ws()
	if s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// rawString consumes a string and returns its bytes between the quotes,
// and whether it holds escapes.
func (s *scanner) rawString() ([]byte, bool) {
	start, esc := s.i+1, false
	for s.i = start; s.i < len(s.b); s.i++ {
		switch s.b[s.i] {
		case '\\':
			esc = true
			s.i++
		case '"':
			raw := s.b[start:s.i]
			s.i++
			return raw, esc
		}
	}
	return s.b[start:], esc
}

// str consumes a string and returns its value.
func (s *scanner) str() string {
	begin := s.i
	raw, esc := s.rawString()
	if !esc && s.shared != nil {
		return s.shared.lookup(raw)
	}
	if !esc {
		return string(raw)
	}
	var v string
	_ = json.Unmarshal(s.b[begin:s.i], &v) // valid JSON: cannot fail
	return v
}

// skip consumes any value and returns its raw bytes.
func (s *scanner) skip() []byte {
	s.ws()
	begin := s.i
	switch s.b[s.i] {
	case '"':
		s.rawString()
	case '{', '[':
		depth := 0
		for ; s.i < len(s.b); s.i++ {
			switch s.b[s.i] {
			case '"':
				s.rawString()
				s.i--
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					s.i++
					return s.b[begin:s.i]
				}
			}
		}
	default:
		for s.i < len(s.b) && !isDelim(s.b[s.i]) {
			s.i++
		}
	}
	return s.b[begin:s.i]
}

// token consumes a scalar and returns it as json.Decoder would with
// UseNumber (string, json.Number, bool, nil); for '{' and '[' it returns
// the json.Delim without consuming anything.
func (s *scanner) token() json.Token {
	switch c := s.peek(); c {
	case '{', '[':
		return json.Delim(c)
	case '"':
		return s.str()
	case 't', 'f':
		s.skip()
		return c == 't'
	case 'n':
		s.skip()
		return nil
	}
	return json.Number(s.skip())
}

// openObject consumes null (false: no fields) or the '{' of an object
// (true); anything else is an error for the caller to name.
func (s *scanner) openObject() (bool, error) {
	switch c := s.peek(); c {
	case 'n':
		s.skip()
		return false, nil
	case '{':
		s.i++
		return true, nil
	}
	return false, fmt.Errorf("want an object, got %s", kind(s.token()))
}

// nextKey moves to the next key of an open object and consumes it and its
// colon; at the end it consumes '}' and returns false. The caller must
// consume each key's value before asking for the next key.
func (s *scanner) nextKey() ([]byte, bool) {
	if s.peek() == ',' {
		s.i++
	}
	if s.peek() == '}' {
		s.i++
		return nil, false
	}
	s.peek()
	begin := s.i
	key, esc := s.rawString()
	if esc {
		var k string
		_ = json.Unmarshal(s.b[begin:s.i], &k)
		key = []byte(k)
	}
	s.peek()
	s.i++ // ':'
	return key, true
}

// list walks a list, calling item for each element (which must consume it).
// The scanner must be at '['.
func (s *scanner) list(item func(i int) error) error {
	s.peek()
	s.i++
	for i := 0; ; i++ {
		if s.peek() == ']' {
			s.i++
			return nil
		}
		if err := item(i); err != nil {
			return err
		}
		if s.peek() == ',' {
			s.i++
		}
	}
}

// isDelim reports whether c ends a number or literal.
func isDelim(c byte) bool {
	switch c {
	case ',', ':', ']', '}', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}
