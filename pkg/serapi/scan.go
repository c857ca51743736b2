// A validating scanner over one complete JSON value held in memory (a
// record, the entitlement block, a token of the top level). It checks the
// syntax as encoding/json does while it walks, enforces the limits on
// strings and nesting, and hands out strings without copying them unless
// they hold escapes or invalid UTF-8.

package serapi

import (
	"fmt"
	"github.com/serfwd/serfwd/pkg/internal/arena"
	"github.com/serfwd/serfwd/pkg/redact"
)

// scanner walks b from i. The first error is kept in err and ends the walk:
// every method is then a no-op that returns zero values, so callers check
// err once at the end of a unit (a record, a block).
type scanner struct {
	b     []byte
	i     int
	depth int   // nesting depth at i, counted from the answer's top level
	base  int64 // offset of b[0] in the body, for error messages
	err   error
	arena *arena.Arena     // unescaped strings, compacted values
	red   *redact.Redactor // secrets kept out of the values errors quote; may be nil
	// cut is set when the walk ran past the end of b: with more of the
	// body read, it may succeed.
	cut bool
}

// fail records a syntax error at the current position.
func (s *scanner) fail(format string, args ...any) {
	if s.err == nil {
		s.err = &SyntaxError{Offset: s.base + int64(s.i), msg: fmt.Sprintf(format, args...)}
	}
}

// short records that the value ran past the end of b.
func (s *scanner) short() {
	if s.err == nil {
		s.cut = true
		s.fail(errEOF)
	}
}

// limit records a limit error.
func (s *scanner) limit(err error) {
	if s.err == nil {
		s.err = err
	}
}

// ws skips white space.
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

// peek returns the next byte after white space; 0 at the end or after an error.
func (s *scanner) peek() byte {
	s.ws()
	if s.err != nil || s.i >= len(s.b) {
		return 0
	}
	return s.b[s.i]
}

// unexpected records the right error for the byte at i, expecting what.
func (s *scanner) unexpected(what string) {
	if s.i >= len(s.b) {
		s.short()
		return
	}
	s.fail("invalid character %s %s", quoteChar(s.b[s.i]), what)
}

// expect consumes c after white space, or fails.
func (s *scanner) expect(c byte, what string) bool {
	if s.peek() != c {
		s.unexpected(what)
		return false
	}
	s.i++
	return true
}

// enter and leave track the nesting depth of objects and lists.
func (s *scanner) enter() bool {
	if s.depth++; s.depth > MaxDepth {
		s.limit(ErrTooDeep)
		return false
	}
	return true
}

func (s *scanner) leave() { s.depth-- }

// skip consumes any value, checking it, and returns its bytes.
func (s *scanner) skip() []byte {
	c := s.peek()
	begin := s.i // after white space
	switch c {
	case '{':
		for _, ok := s.firstKey(); ok; _, ok = s.nextKey() {
			s.skip()
		}
	case '[':
		for ok := s.firstItem(); ok; ok = s.nextItem() {
			s.skip()
		}
	default:
		s.scalar()
	}
	if s.err != nil {
		return nil
	}
	return s.b[begin:s.i]
}

// scalar consumes a string, number or literal and returns its raw bytes.
func (s *scanner) scalar() []byte {
	begin := s.i
	switch c := s.peek(); {
	case c == '"':
		s.rawString()
	case c == '-' || c >= '0' && c <= '9':
		s.number()
	case c == 't':
		s.literal("true")
	case c == 'f':
		s.literal("false")
	case c == 'n':
		s.literal("null")
	default:
		s.unexpected("looking for beginning of value")
	}
	if s.err != nil {
		return nil
	}
	return s.b[begin:s.i]
}

func (s *scanner) literal(word string) {
	if len(s.b)-s.i < len(word) || string(s.b[s.i:s.i+len(word)]) != word {
		for k := 0; k < len(word) && s.i < len(s.b) && s.b[s.i] == word[k]; k++ {
			s.i++
		}
		s.unexpected("in literal " + word)
		return
	}
	s.i += len(word)
}

// number consumes a number, checking its grammar (RFC 8259).
func (s *scanner) number() []byte {
	begin := s.i
	if s.i < len(s.b) && s.b[s.i] == '-' {
		s.i++
	}
	switch {
	case s.i < len(s.b) && s.b[s.i] == '0':
		s.i++
	case s.i < len(s.b) && s.b[s.i] >= '1' && s.b[s.i] <= '9':
		s.digits()
	default:
		s.unexpected("in numeric literal")
		return nil
	}
	if s.i < len(s.b) && s.b[s.i] == '.' {
		s.i++
		if !s.digits() {
			s.unexpected("after decimal point in numeric literal")
			return nil
		}
	}
	if s.i < len(s.b) && s.b[s.i]|0x20 == 'e' {
		s.i++
		if s.i < len(s.b) && (s.b[s.i] == '+' || s.b[s.i] == '-') {
			s.i++
		}
		if !s.digits() {
			s.unexpected("in exponent of numeric literal")
			return nil
		}
	}
	if s.i-begin > MaxStringBytes {
		s.limit(ErrStringTooLong)
		return nil
	}
	if s.i == len(s.b) { // it may go on in what is not read yet
		s.short()
		return nil
	}
	return s.b[begin:s.i]
}

// plainNumber consumes a number of 1 to 18 digits without sign, fraction
// or exponent (the common counter) and returns its value; otherwise it
// consumes nothing and reports false. A number at the end of what is read
// is left to number, which asks for more.
func (s *scanner) plainNumber() (int64, bool) {
	i := s.i
	if s.err != nil || i >= len(s.b) || s.b[i] < '0' || s.b[i] > '9' || s.b[i] == '0' && i+1 < len(s.b) && s.b[i+1] >= '0' && s.b[i+1] <= '9' {
		return 0, false
	}
	var n int64
	for ; i < len(s.b) && s.b[i] >= '0' && s.b[i] <= '9'; i++ {
		n = n*10 + int64(s.b[i]-'0')
	}
	if i == len(s.b) || i-s.i > 18 || s.b[i] == '.' || s.b[i]|0x20 == 'e' {
		return 0, false
	}
	s.i = i
	return n, true
}

func (s *scanner) digits() bool {
	begin := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	if s.i-begin > MaxStringBytes {
		s.limit(ErrStringTooLong) // whether or not it ends further on
		return false
	}
	return s.i > begin
}

// firstKey opens an object (the scanner at '{') and moves to its first
// member; nextKey moves to the next. Both consume the key and its colon and
// return the key's text; ok is false when the object ended ('}' consumed)
// or on an error. The caller consumes each member's value in between.
func (s *scanner) firstKey() ([]byte, bool) {
	if !s.expect('{', "looking for beginning of object") || !s.enter() {
		return nil, false
	}
	if s.peek() == '}' {
		s.i++
		s.leave()
		return nil, false
	}
	return s.key()
}

func (s *scanner) nextKey() ([]byte, bool) {
	switch s.peek() {
	case ',':
		s.i++
		return s.key()
	case '}':
		s.i++
		s.leave()
		return nil, false
	}
	s.unexpected("after object key:value pair")
	return nil, false
}

func (s *scanner) key() ([]byte, bool) {
	// The common case, a plain key right before its colon, the short way.
	if i := s.i; s.err == nil && i < len(s.b) && s.b[i] == '"' {
		if end := plainRun(s.b, i+1); end+1 < len(s.b) && s.b[end] == '"' && s.b[end+1] == ':' && end-i-1 <= MaxStringBytes {
			s.i = end + 2
			return s.b[i+1 : end], true
		}
	}
	if s.peek() != '"' {
		s.unexpected("looking for beginning of object key string")
		return nil, false
	}
	k := s.str()
	if !s.expect(':', "after object key") {
		return nil, false
	}
	return k, s.err == nil
}

// firstItem opens a list (the scanner at '[') and reports whether an item
// follows; nextItem moves past the item just consumed to the next one.
func (s *scanner) firstItem() bool {
	if !s.expect('[', "looking for beginning of list") || !s.enter() {
		return false
	}
	if s.peek() == ']' {
		s.i++
		s.leave()
		return false
	}
	return s.err == nil
}

func (s *scanner) nextItem() bool {
	switch s.peek() {
	case ',':
		s.i++
		return s.err == nil
	case ']':
		s.i++
		s.leave()
		return false
	}
	s.unexpected("after list element")
	return false
}

// kindAt names the JSON type of the value that starts with c.
func kindAt(c byte) string {
	switch {
	case c == '{':
		return "an object"
	case c == '[':
		return "a list"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == 'n':
		return "null"
	case c == '-' || c >= '0' && c <= '9':
		return "a number"
	}
	return "something else"
}

// quoteChar renders a byte for a syntax error, as encoding/json does.
func quoteChar(c byte) string {
	switch {
	case c == '\'':
		return `'\''`
	case c == '"':
		return `'"'`
	case c < 0x20 || c >= 0x7f:
		return fmt.Sprintf("%q", rune(c))
	}
	return "'" + string(c) + "'"
}
