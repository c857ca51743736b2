// The decoder's window on the body: a buffer refilled from the reader, out
// of which one value at a time (a record, a key, a scalar of the top level)
// is framed whole, so that the scanner can check and read it in place. The
// buffer holds at most one record plus a read's worth, however long the body.

package serapi

import (
	"errors"
	"io"
)

const (
	readSize   = 32 << 10 // bytes asked of the reader at a time
	maxBuffer  = MaxRecordBytes + readSize
	initBuffer = 64 << 10
)

// reader buffers the body: buf[pos:end] is read but not yet consumed, and
// buf[0] is at offset base in the body.
type reader struct {
	r    io.Reader
	buf  []byte
	pos  int
	end  int
	base int64
	eof  bool
	err  error // a read error other than io.EOF
}

func newReader(r io.Reader, buf []byte) *reader {
	if cap(buf) < initBuffer {
		buf = make([]byte, initBuffer)
	}
	return &reader{r: r, buf: buf[:cap(buf)]}
}

// fill reads more of the body, keeping buf[pos:end]; false when the body
// has ended (or failed) or the buffer cannot grow past maxBuffer.
func (d *reader) fill() bool {
	if d.eof || d.err != nil {
		return false
	}
	if d.pos > 0 && (d.end == len(d.buf) || d.pos >= len(d.buf)/2) {
		n := copy(d.buf, d.buf[d.pos:d.end])
		d.base += int64(d.pos)
		d.pos, d.end = 0, n
	}
	if d.end == len(d.buf) {
		if len(d.buf) >= maxBuffer {
			return false
		}
		grown := make([]byte, min(2*len(d.buf), maxBuffer))
		copy(grown, d.buf[:d.end])
		d.buf = grown
	}
	for {
		n, err := d.r.Read(d.buf[d.end:min(len(d.buf), d.end+readSize)])
		d.end += n
		switch {
		case errors.Is(err, io.EOF):
			d.eof = true
			return n > 0
		case err != nil:
			d.err = err
			return n > 0
		case n > 0:
			return true
		}
	}
}

// fillTo reads until n bytes are buffered beyond pos (or the body ends, or
// the buffer is full), so that a value read again after running out is
// read again only a few times, however the body trickles in.
func (d *reader) fillTo(n int) bool {
	more := false
	for d.end-d.pos < n && d.fill() {
		more = true
	}
	return more
}

// peek skips white space and returns the next byte; ok is false at the end
// of the body.
func (d *reader) peek() (byte, bool) {
	for {
		for d.pos < d.end {
			switch c := d.buf[d.pos]; c {
			case ' ', '\t', '\r', '\n':
				d.pos++
			default:
				return c, true
			}
		}
		if !d.fill() {
			return 0, false
		}
	}
}

// offset is the body offset of the next unread byte.
func (d *reader) offset() int64 { return d.base + int64(d.pos) }

// scanner returns a scanner over buf[pos:pos+n] at nesting depth depth.
func (d *reader) scanner(n, depth int, s *scanner) *scanner {
	*s = scanner{b: d.buf[d.pos : d.pos+n], depth: depth, base: d.offset(), arena: s.arena, red: s.red}
	return s
}

// frame makes sure that the whole value starting at pos (after white space)
// is buffered and returns its length: a string, number or literal, or a
// whole object or list at most limit bytes long. It only finds where the
// value ends; the scanner checks it. A body that ends inside the value gives
// what there is, for the scanner to report.
func (d *reader) frame(limit, depth int) (int, error) {
	if _, ok := d.peek(); !ok {
		return 0, d.readErr()
	}
	var f framer
	f.depth = depth
	for {
		n, done, err := f.scan(d.buf[d.pos:d.end])
		switch {
		case err != nil:
			return n, err
		case n > limit:
			return 0, ErrRecordTooLarge
		case done:
			return n, nil
		}
		if !d.fill() {
			if n >= maxBuffer-readSize {
				return 0, ErrRecordTooLarge
			}
			return n, d.readErr()
		}
	}
}

// readErr is nil at a clean end of the body, else the read error.
func (d *reader) readErr() error { return d.err }

// framer finds the end of one value in a growing buffer; it resumes where
// it stopped when called again with more bytes.
type framer struct {
	i       int
	depth   int // nesting depth: the limit counts from the answer's top level
	open    int // brackets open within the value
	inStr   bool
	esc     bool
	strFrom int
	started bool
	bare    bool // a number or literal
}

// scan looks for the end of the value in b (which starts with it and grows
// between calls). It returns how far it got, and done when the value ended.
func (f *framer) scan(b []byte) (int, bool, error) {
	if !f.started {
		f.started = true
		c := b[0]
		f.bare = c != '{' && c != '[' && c != '"'
	}
	if f.bare {
		return f.scalar(b)
	}
	for ; f.i < len(b); f.i++ {
		c := b[f.i]
		if f.inStr {
			if err := f.inString(c); err != nil {
				return f.i, false, err
			}
			if !f.inStr && f.open == 0 {
				f.i++
				return f.i, true, nil
			}
			continue
		}
		switch c {
		case '"':
			f.inStr, f.strFrom = true, f.i
		case '{', '[':
			if f.open++; f.depth+f.open > MaxDepth {
				return f.i, false, ErrTooDeep
			}
		case '}', ']':
			if f.open--; f.open <= 0 {
				f.i++
				return f.i, true, nil
			}
		}
	}
	return f.i, false, nil
}

// inString moves through one byte of a string.
func (f *framer) inString(c byte) error {
	switch {
	case f.esc:
		f.esc = false
	case c == '\\':
		f.esc = true
	case c == '"':
		f.inStr = false
	}
	if f.i-f.strFrom > MaxStringBytes+1 {
		return ErrStringTooLong
	}
	return nil
}

// scalar frames a number or literal: up to the next delimiter.
func (f *framer) scalar(b []byte) (int, bool, error) {
	for ; f.i < len(b); f.i++ {
		switch b[f.i] {
		case ',', ':', ']', '}', ' ', '\t', '\r', '\n', '"', '{', '[':
			return f.i, true, nil
		}
		if f.i > MaxStringBytes+1 {
			return f.i, false, ErrStringTooLong
		}
	}
	return f.i, false, nil
}
