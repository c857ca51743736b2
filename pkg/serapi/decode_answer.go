// The parts of an answer's top level: the applicationUsers list, the
// entitlement block, and unknown keys, which are checked and skipped
// without being held in memory.

package serapi

import "fmt"

// users reads the applicationUsers value: null or a list of records.
func (d *decoder) users() error {
	c, ok := d.peek()
	switch {
	case !ok:
		return d.syntax(errEOF)
	case c == 'n':
		return d.scalar("applicationUsers", 1, func(s *scanner) { s.literal("null") })
	case c != '[':
		return fmt.Errorf("%w (got %s)", errNotList, kindAt(c))
	}
	d.pos++
	for i := 0; ; i++ {
		more, err := d.nextItem(i == 0)
		if err != nil || !more {
			return err
		}
		if err := d.record(i); err != nil {
			return err
		}
	}
}

// record reads record i in place and hands it to the handler. It is read
// from whatever is buffered; when it runs past that, more of the body is
// read and the record read again (a record is small beside the buffer, so
// this happens about once per buffer).
func (d *decoder) record(i int) error {
	for {
		d.arena.Reset()
		s := d.scanner(d.end-d.pos, 2, &d.s)
		s.arena = &d.arena
		ok, err := d.rr.read(s, i)
		if s.cut && s.i < MaxRecordBytes && d.fillTo(2*(d.end-d.pos)+readSize) {
			continue
		}
		switch {
		case s.i > MaxRecordBytes || s.cut && d.end-d.pos >= MaxRecordBytes:
			return &FieldError{Path: fmt.Sprintf("applicationUsers[%d]", i), Err: ErrRecordTooLarge}
		case s.cut && d.err != nil:
			return d.err // the body could not be read to the end
		}
		if err != nil {
			return err
		}
		if ok {
			if err := d.h.Record(&d.rr.rec); err != nil {
				return err
			}
		}
		d.pos += s.i
		return nil
	}
}

// entitlement reads the entitlement block.
func (d *decoder) entitlement() error {
	n, err := d.frame(MaxRecordBytes, 1)
	if err != nil {
		return &FieldError{Path: "entitlement", Err: err}
	}
	if n == 0 && d.pos < d.end {
		return d.syntax(fmt.Sprintf("invalid character %s looking for beginning of value", quoteChar(d.buf[d.pos])))
	}
	d.arena.Reset()
	s := d.scanner(d.end-d.pos, 1, &d.s)
	s.arena = &d.arena
	e, err := readEntitlement(s)
	if err == nil && s.i != n {
		s.unexpected("after the value")
		err = s.err
	}
	if err != nil {
		return err
	}
	d.pos += n
	return d.h.Entitlement(e)
}

// skip checks and skips the value at pos, at nesting depth depth, reading
// objects and lists member by member so that no size of it is buffered.
// path names it in a limit error.
func (d *decoder) skip(path string, depth int) error {
	c, ok := d.peek()
	if !ok {
		return d.syntax(errEOF)
	}
	if c != '{' && c != '[' {
		return d.scalar(path, depth, func(s *scanner) { s.scalar() })
	}
	if depth+1 > MaxDepth {
		return &FieldError{Path: path, Err: ErrTooDeep}
	}
	d.pos++
	for first := true; ; first = false {
		var more bool
		var err error
		if c == '{' {
			_, more, err = d.nextKey(first)
		} else {
			more, err = d.nextItem(first)
		}
		if err != nil || !more {
			return err
		}
		if err := d.skip(path, depth+1); err != nil {
			return err
		}
	}
}
