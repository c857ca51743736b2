// The tolerant streaming decoder of a report/summary answer: the top level
// is walked from a small buffer, each applicationUsers record is framed and
// read in place (decode_record.go) and handed to a Handler, so that a large
// answer is never held in memory; Decode collects the records into a Report.

package serapi

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/serfwd/serfwd/pkg/internal/arena"
	"github.com/serfwd/serfwd/pkg/redact"
)

// FieldError is a value that cannot be read as its field's type, or that
// passes a limit, named by its path (applicationUsers[3].status.success).
// Fetching again rarely helps: the body is JSON but not what the field needs.
type FieldError struct {
	Path string
	Err  error
}

func (e *FieldError) Error() string { return e.Path + ": " + e.Err.Error() }

func (e *FieldError) Unwrap() error { return e.Err }

// errNotList is the structural error of an applicationUsers that is not a list.
var errNotList = errors.New("applicationUsers is not a list")

// Handler receives an answer's parts as DecodeStream reads them.
type Handler interface {
	// Record receives each applicationUsers record in body order (null
	// elements are skipped). r and every slice it holds are valid only
	// until Record returns.
	Record(r *RawRecord) error
	// Entitlement receives the entitlement block when the answer has one
	// (it may come before or after the records).
	Entitlement(e Entitlement) error
}

// StreamHandler is a Handler that can start over: Client.Stream calls
// Restart before it hands over the records of a window fetched again (after
// an unusable body), so that those of the first answer can be forgotten.
type StreamHandler interface {
	Handler
	Restart() error
}

// handlerError remembers the error of its handler, so that the caller can
// tell it from the decoder's own.
type handlerError struct {
	h   Handler
	err error
}

func (h *handlerError) Record(r *RawRecord) error {
	if err := h.h.Record(r); err != nil {
		h.err = err
		return err
	}
	return nil
}

func (h *handlerError) Entitlement(e Entitlement) error {
	if err := h.h.Entitlement(e); err != nil {
		h.err = err
		return err
	}
	return nil
}

// DecodeStream reads one answer from r and hands its records and its
// entitlement block to h. It is tolerant as SPEC §1 asks: strings or lists
// for fromEnvelope/fromHeader, numbers or numeric strings for counters,
// missing or null blocks as zero, unknown record fields kept in
// RawRecord.Extra in body order, unknown top-level keys skipped. A body that
// is not a JSON object, or whose applicationUsers is not a list, is an
// error; so is a value of the wrong type or one past a limit (limits.go), as
// a *FieldError naming its path. An error of h ends decoding and is returned
// as it is.
func DecodeStream(r io.Reader, h Handler) error { return decodeStream(r, h, nil) }

// decodeStream is DecodeStream with the secrets that the values and keys
// its errors quote are redacted of, before they are cut.
func decodeStream(r io.Reader, h Handler, red *redact.Redactor) error {
	d := decoders.Get().(*decoder)
	defer d.release()
	d.reader = *newReader(r, d.reader.buf)
	d.h = h
	d.s.red = red
	return d.answer()
}

// Decode reads one answer from r into a Report (see DecodeStream).
func Decode(r io.Reader) (*Report, error) {
	c := &collector{rep: &Report{}}
	if err := DecodeStream(r, c); err != nil {
		return nil, err
	}
	return c.rep, nil
}

// collector is the Handler of Decode.
type collector struct{ rep *Report }

func (c *collector) Record(r *RawRecord) error {
	rec := r.record(c.rep.Users.table())
	c.rep.Users.Append(&rec)
	return nil
}

func (c *collector) Entitlement(e Entitlement) error {
	c.rep.Entitlement = e
	return nil
}

func (c *collector) Restart() error {
	*c.rep = Report{}
	return nil
}

// decoder is one decoding's state, pooled so that its buffers are reused.
type decoder struct {
	reader
	h     Handler
	s     scanner
	arena arena.Arena
	rr    recordReader
}

var decoders = sync.Pool{New: func() any { return new(decoder) }}

func (d *decoder) release() {
	d.r, d.h, d.rr.rec, d.rr.s, d.s.red = nil, nil, RawRecord{}, nil, nil
	clear(d.rr.env[:cap(d.rr.env)])
	clear(d.rr.hdr[:cap(d.rr.hdr)])
	clear(d.rr.extra[:cap(d.rr.extra)]) // let go of the body's bytes
	d.arena.Reset()
	if cap(d.buf) > initBuffer {
		d.buf = nil // do not keep a grown buffer
	}
	decoders.Put(d)
}

// answer reads the top-level object.
func (d *decoder) answer() error {
	c, ok := d.peek()
	switch {
	case !ok && d.err == nil && d.end == 0:
		return errors.New("empty body")
	case !ok:
		return d.syntax(errEOF)
	case c != '{':
		if k := kindAt(c); k != "something else" {
			return fmt.Errorf("answer is not a JSON object (starts with %s)", k)
		}
		return d.syntax(fmt.Sprintf("invalid character %s looking for beginning of value", quoteChar(c)))
	}
	d.pos++
	for first := true; ; first = false {
		key, more, err := d.nextKey(first)
		if err != nil || !more {
			if err == nil {
				err = d.trailer()
			}
			return err
		}
		switch key {
		case "applicationUsers":
			err = d.users()
		case "entitlement":
			err = d.entitlement()
		default:
			// The key names the value in a limit error: printable, cut and
			// without secrets (a peer may echo anything).
			err = d.skip(d.s.red.Quote(key), 1)
		}
		if err != nil {
			return err
		}
	}
}

// syntax is a syntax error at the current position.
func (d *decoder) syntax(msg string) error {
	if d.err != nil {
		return d.err
	}
	return &SyntaxError{Offset: d.offset(), msg: msg}
}

// nextKey moves to the next member of an object whose '{' (and, unless
// first, previous member) was consumed; it returns the member's key, or
// more false when the object ended.
func (d *decoder) nextKey(first bool) (key string, more bool, err error) {
	c, ok := d.peek()
	if !ok {
		return "", false, d.syntax(errEOF)
	}
	if c == '}' {
		d.pos++
		return "", false, nil
	}
	if !first {
		if c != ',' {
			return "", false, d.syntax(fmt.Sprintf("invalid character %s after object key:value pair", quoteChar(c)))
		}
		d.pos++
		if c, ok = d.peek(); !ok {
			return "", false, d.syntax(errEOF)
		}
	}
	if c != '"' {
		return "", false, d.syntax(fmt.Sprintf("invalid character %s looking for beginning of object key string", quoteChar(c)))
	}
	var k []byte
	if err := d.scalar("(top level)", 1, func(s *scanner) { k = s.str() }); err != nil {
		return "", false, err
	}
	key = string(k)
	if c, ok = d.peek(); c != ':' {
		if !ok {
			return "", false, d.syntax(errEOF)
		}
		return "", false, d.syntax(fmt.Sprintf("invalid character %s after object key", quoteChar(c)))
	}
	d.pos++
	return key, true, nil
}

// nextItem moves to the next item of a list whose '[' (and, unless first,
// previous item) was consumed; more is false when the list ended.
func (d *decoder) nextItem(first bool) (more bool, err error) {
	c, ok := d.peek()
	if !ok {
		return false, d.syntax(errEOF)
	}
	if c == ']' {
		d.pos++
		return false, nil
	}
	if !first {
		if c != ',' {
			return false, d.syntax(fmt.Sprintf("invalid character %s after list element", quoteChar(c)))
		}
		d.pos++
		if c, ok = d.peek(); !ok {
			return false, d.syntax(errEOF)
		}
	}
	if c == ',' || c == ']' {
		return false, d.syntax(fmt.Sprintf("invalid character %s looking for beginning of value", quoteChar(c)))
	}
	return true, nil
}

// scalar frames the string, number or literal at pos, lets read take it
// from a scanner over exactly its bytes, checks that read consumed it all,
// and moves past it. path names it in a limit error.
func (d *decoder) scalar(path string, depth int, read func(s *scanner)) error {
	n, err := d.frame(MaxStringBytes+2, depth)
	if err != nil {
		return &FieldError{Path: path, Err: err}
	}
	if n == 0 && d.pos < d.end { // a delimiter where a value belongs
		return d.syntax(fmt.Sprintf("invalid character %s looking for beginning of value", quoteChar(d.buf[d.pos])))
	}
	// The scanner sees what follows too, so that a malformed token is
	// reported at the byte that breaks it.
	s := d.scanner(d.end-d.pos, depth, &d.s)
	s.arena = &d.arena
	read(s)
	if s.err == nil && s.i != n {
		s.unexpected("after the value")
	}
	if s.err != nil {
		return d.wrap(s.err, path)
	}
	d.pos += n
	return nil
}

// wrap names path in a limit error; syntax errors stay as they are.
func (d *decoder) wrap(err error, path string) error {
	if isLimit(err) {
		return &FieldError{Path: path, Err: err}
	}
	return err
}

// trailer checks that nothing but white space follows the answer.
func (d *decoder) trailer() error {
	if c, ok := d.peek(); ok {
		return d.syntax(fmt.Sprintf("invalid character %s after top-level value", quoteChar(c)))
	}
	return d.err
}
