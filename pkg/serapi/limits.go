// The limits on what the API may send (SPEC §1): past one of them the window
// fails with an error that names the limit, and memory stays bounded
// whatever the body holds.

package serapi

import (
	"errors"
	"fmt"
)

const (
	// MaxStringBytes is the longest JSON string (or number) accepted, in
	// bytes as sent.
	MaxStringBytes = 64 << 10
	// MaxDepth is the deepest nesting accepted: the answer's object is
	// level 1, a record level 3.
	MaxDepth = 64
	// MaxRecordBytes is the largest applicationUsers record (or entitlement
	// block) accepted, in bytes as sent. A record is decoded from memory, so
	// this bounds what one record can cost; real records take a few hundred
	// bytes.
	MaxRecordBytes = 1 << 20
)

// The limit errors; a *FieldError wraps them with where they were met.
var (
	ErrStringTooLong  = fmt.Errorf("a JSON string or number longer than the limit of %d KiB", MaxStringBytes>>10)
	ErrTooDeep        = fmt.Errorf("JSON nested deeper than the limit of %d levels", MaxDepth)
	ErrRecordTooLarge = fmt.Errorf("a record larger than the limit of %d MiB", MaxRecordBytes>>20)
)

// SyntaxError is a body that is not JSON. Offset counts bytes from the
// start of the body.
type SyntaxError struct {
	Offset int64
	msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s (at byte %d of the answer)", e.msg, e.Offset)
}

// errEOF is the message of a body cut short.
const errEOF = "unexpected end of JSON input"

// isLimit reports whether err is one of the limit errors.
func isLimit(err error) bool {
	return errors.Is(err, ErrStringTooLong) || errors.Is(err, ErrTooDeep) || errors.Is(err, ErrRecordTooLarge)
}
