// reader.go holds the bounds-checked byte reader that Unpack uses.

package event

import (
	"encoding/binary"
	"errors"
)

var errShort = errors.New("event: truncated packed batch")

// binReader reads varints and bytes from b, remembering the first
// failure instead of panicking on damaged input.
type binReader struct {
	b   []byte
	off int
	err error
}

// count reads a uvarint count of items that take at least one byte each.
func (r *binReader) count() int {
	n := r.uvarint()
	if n > uint64(len(r.b)-r.off) {
		r.fail()
		return 0
	}
	return int(n)
}

// uvarint reads a uvarint; one-byte ones, the most common, take the short
// way. After a failure it may go on reading, but err stays set.
func (r *binReader) uvarint() uint64 {
	if i := r.off; i < len(r.b) {
		if c := r.b[i]; c < 0x80 {
			r.off = i + 1
			return uint64(c)
		}
	}
	return r.uvarintSlow()
}

// short reads a uvarint, the one- and two-byte ones (text references and
// most integer differences) in place: small enough to be inlined.
func (r *binReader) short() uint64 {
	if k := r.off; k+1 < len(r.b) {
		if c := r.b[k]; c < 0x80 {
			r.off = k + 1
			return uint64(c)
		} else if d := r.b[k+1]; d < 0x80 {
			r.off = k + 2
			return uint64(c&0x7f) | uint64(d)<<7
		}
	}
	return r.uvarintSlow()
}

// uvarintSlow reads a uvarint of any length in one loop, refusing what
// binary.Uvarint refuses: more than ten bytes, or a tenth byte above 1.
func (r *binReader) uvarintSlow() uint64 {
	if r.err != nil {
		return 0
	}
	var v uint64
	for k, i := uint(0), r.off; i < len(r.b) && k < binary.MaxVarintLen64; k, i = k+1, i+1 {
		c := r.b[i]
		if c < 0x80 {
			if k == binary.MaxVarintLen64-1 && c > 1 {
				break
			}
			r.off = i + 1
			return v | uint64(c)<<(7*k)
		}
		v |= uint64(c&0x7f) << (7 * k)
	}
	r.fail()
	return 0
}

// varint reads a zig-zag varint, one-byte ones the short way.
func (r *binReader) varint() int64 {
	if i := r.off; i < len(r.b) {
		if c := r.b[i]; c < 0x80 {
			r.off = i + 1
			return int64(c>>1) ^ -int64(c&1)
		}
	}
	return r.varintSlow()
}

func (r *binReader) varintSlow() int64 {
	u := r.uvarintSlow()
	return int64(u>>1) ^ -int64(u&1)
}

func (r *binReader) byte() byte {
	if r.err != nil || r.off >= len(r.b) {
		r.fail()
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *binReader) fail() {
	if r.err == nil {
		r.err = errShort
	}
}
