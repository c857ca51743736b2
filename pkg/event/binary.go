// binary.go is the binary form of a single event, self-describing (keys
// included). The state file's queues hold the packed batch form instead
// (packed.go), which writes keys and repeated texts once per batch.

package event

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The binary form: per event a uvarint field count, then per field the key, a
// kind byte and the value. Strings are a uvarint length and bytes; integers
// are zig-zag varints; lists are a uvarint count of strings. Events follow one
// another without separators.

// AppendBinary appends the event's binary form. A field of an unknown Kind is
// written as a Raw null, as AppendJSON writes it.
func (e *Event) AppendBinary(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(e.Fields)))
	for i := range e.Fields {
		f := &e.Fields[i]
		dst = appendBinString(dst, f.Key)
		switch f.Kind {
		case Int:
			dst = append(dst, byte(Int))
			dst = binary.AppendVarint(dst, f.Int)
		case List:
			dst = append(dst, byte(List))
			dst = binary.AppendUvarint(dst, uint64(len(f.List)))
			for _, s := range f.List {
				dst = appendBinString(dst, s)
			}
		case String, Raw:
			dst = append(dst, byte(f.Kind))
			dst = appendBinString(dst, f.Str)
		default:
			dst = append(dst, byte(Raw))
			dst = appendBinString(dst, "")
		}
	}
	return dst
}

func appendBinString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

var errShort = errors.New("event: truncated binary event")

// DecodeBinary reads one event from the front of b and returns the rest. It
// never panics on malformed input; every proper prefix of an event is an
// error. The decoded event does not alias b: its keys and texts share one
// string copied from b.
func DecodeBinary(b []byte) (Event, []byte, error) {
	// The first pass validates and finds the event's end; the second copies
	// those bytes once and slices every key and text out of that copy.
	check := binReader{b: b}
	check.event(nil)
	if check.err != nil {
		return Event{}, nil, check.err
	}
	end := check.off
	fill := binReader{b: b[:end], s: string(b[:end]), fill: true}
	var e Event
	fill.event(&e)
	return e, b[end:], nil
}

// binReader walks one binary event. Without fill it only validates; with
// fill it builds the event, taking texts from s (b's bytes as a string).
type binReader struct {
	b    []byte
	s    string
	fill bool
	off  int
	err  error
}

func (r *binReader) event(e *Event) {
	n := r.count()
	if r.fill {
		e.Fields = make([]Field, n)
	}
	var scratch Field // the validating pass decodes into this
	for i := 0; i < n && r.err == nil; i++ {
		f := &scratch
		if r.fill {
			f = &e.Fields[i]
		}
		f.Key = r.str()
		f.Kind = Kind(r.byte())
		switch f.Kind {
		case Int:
			f.Int = r.varint()
		case List:
			c := r.count()
			if r.fill {
				f.List = make([]string, c)
			}
			for j := 0; j < c && r.err == nil; j++ {
				if s := r.str(); r.fill {
					f.List[j] = s
				}
			}
		case String, Raw:
			f.Str = r.str()
		default:
			if r.err == nil {
				r.err = fmt.Errorf("event: unknown field kind %d", f.Kind)
			}
		}
	}
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

func (r *binReader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, k := binary.Uvarint(r.b[r.off:])
	if k <= 0 {
		r.fail()
		return 0
	}
	r.off += k
	return v
}

func (r *binReader) varint() int64 {
	if r.err != nil {
		return 0
	}
	v, k := binary.Varint(r.b[r.off:])
	if k <= 0 {
		r.fail()
		return 0
	}
	r.off += k
	return v
}

func (r *binReader) byte() byte {
	if r.err != nil || r.off >= len(r.b) {
		r.fail()
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *binReader) str() string {
	n := r.count()
	if r.err != nil {
		return ""
	}
	start := r.off
	r.off += n
	if !r.fill {
		return ""
	}
	return r.s[start:r.off]
}

func (r *binReader) fail() {
	if r.err == nil {
		r.err = errShort
	}
}
