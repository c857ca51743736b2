// view_read.go is the reading half of Open: the text table expanded into
// one buffer, the key orders, the window constants appended as texts, and
// the check that the whole batch reads as Unpack would read it.

package event

import (
	"encoding/binary"
	"slices"
)

// readTexts expands n coded texts into p.text.
func (p *Packed) readTexts(r *binReader, n int) bool {
	start, total := r.off, 0
	for range n {
		h := r.uvarint()
		size := int(min(h>>1, uint64(len(r.b))))
		r.skip(size)
		total += size << (h & 1)
	}
	if r.err != nil {
		return false
	}
	p.text = growBytes(p.text, total)[:0]
	p.ends, p.plain = slices.Grow(p.ends[:0], n), slices.Grow(p.plain[:0], n)
	r.off = start
	for range n {
		h := r.uvarint()
		size := int(h >> 1)
		chunk := r.b[r.off : r.off+size]
		if h&1 == 0 {
			p.text = append(p.text, chunk...)
		} else {
			at := len(p.text)
			p.text = p.text[:at+2*size] // within total
			expandHex(p.text[at:], chunk)
		}
		r.off += size
		p.ends, p.plain = append(p.ends, int32(len(p.text))), append(p.plain, h&1 == 1)
	}
	return true
}

// hexPairs holds each byte's two lowercase hex digits, as a little-endian
// uint16.
var hexPairs = func() (t [256]uint16) {
	for c := range t {
		t[c] = uint16(hexDigits[c>>4]) | uint16(hexDigits[c&0xf])<<8
	}
	return t
}()

// expandHex writes the hex digits of src to out, which holds 2×len(src).
func expandHex(out, src []byte) {
	out = out[:2*len(src)]
	i := 0
	for ; i+4 <= len(src); i += 4 {
		s := src[i : i+4]
		binary.LittleEndian.PutUint64(out[2*i:], uint64(hexPairs[s[0]])|uint64(hexPairs[s[1]])<<16|
			uint64(hexPairs[s[2]])<<32|uint64(hexPairs[s[3]])<<48)
	}
	for ; i < len(src); i++ {
		binary.LittleEndian.PutUint16(out[2*i:], hexPairs[src[i]])
	}
}

func growBytes(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, 0, n)
	}
	return b
}

// readShapes reads n key orders. Their keys share one string.
func (p *Packed) readShapes(r *binReader, n int) error {
	p.shapes = p.shapes[:0]
	first := 0
	for range n {
		k := r.count()
		var kinds []Kind
		for j := 0; j < k && r.err == nil; j++ {
			if kinds = append(kinds, Kind(r.byte())); storedKind(kinds[j]) != kinds[j] {
				return errPacked("unknown field kind")
			}
		}
		keys := r.texts(k)
		if r.err != nil {
			return errPacked("truncated shape table")
		}
		slots := make([]int16, k)
		for j, kind := range kinds {
			slots[j] = -1
			if kind >= constKind {
				slots[j] = int16(kind - constKind)
			}
		}
		ops := make([]uint8, k)
		for j, kind := range kinds {
			ops[j] = uint8(kind)
		}
		p.shapes = append(p.shapes, Shape{Keys: keys, Kinds: kinds, slots: slots, ops: ops, first: first})
		first += k
	}
	p.walk.prev = slices.Grow(p.walk.prev[:0], first)[:first]
	return nil
}

// constFields is the most fields of one shape that the window constants hold.
func (p *Packed) constFields() int {
	most := 0
	for i := range p.shapes {
		n := 0
		for _, s := range p.shapes[i].slots {
			if s >= 0 {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// setConsts adds the constants' texts after the batch's and resolves the
// kinds of the fields they hold. A slot that consts lacks becomes an
// ordinary field: an event of its shape is an error of the walk, as Unpack
// finds it, and renderers that prepare every shape never look it up.
func (p *Packed) setConsts(consts []Field) {
	p.consts = p.consts[:0]
	for i := range consts {
		f := &consts[i]
		cv := constValue{Value: Value{Kind: f.Kind, Int: f.Int}}
		switch f.Kind {
		case String, Raw:
			cv.Text = p.addText(f.Str)
		case List:
			cv.items = make([]int32, len(f.List))
			for j, s := range f.List {
				cv.items[j] = p.addText(s)
			}
		case Int:
		default: // as AppendJSON writes an unknown kind
			cv.Kind, cv.Text = Raw, p.addText("")
		}
		p.consts = append(p.consts, cv)
	}
	for i := range p.shapes {
		sh := &p.shapes[i]
		for j, s := range sh.slots {
			switch {
			case s >= 0 && int(s) < len(p.consts):
				sh.Kinds[j] = p.consts[s].Kind
			case s >= 0:
				sh.slots[j] = -1
			}
		}
	}
}

func (p *Packed) addText(s string) int32 {
	p.text = append(p.text, s...)
	p.ends, p.plain = append(p.ends, int32(len(p.text))), append(p.plain, false)
	return int32(len(p.ends) - 1)
}

// check walks the whole batch once, failing as Unpack would, without
// keeping the values.
func (p *Packed) check() error {
	p.Rewind()
	w := &p.walk
	for range p.n {
		if err := w.skim(p); err != nil {
			return err
		}
		if w.fields > p.nFields {
			return errPacked("more fields than counted")
		}
		if w.items > p.nItems {
			return errPacked("more list items than counted")
		}
	}
	if w.fields != p.nFields || w.items != p.nItems || w.fresh != p.nTexts || w.r.off != len(p.vals) {
		return errPacked("counts do not match the events")
	}
	p.Rewind()
	return nil
}
