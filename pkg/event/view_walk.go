// view_walk.go walks the values of an opened batch (view.go): the next
// event into a View, a skim that only checks an event, and text references.

package event

import "slices"

// cursor is the state of one walk over a batch's values.
type cursor struct {
	r      binReader
	fresh  int     // the next text no reference used yet
	at     int     // events walked
	fields int     // fields walked
	items  int     // list items walked, those of window constants not counted
	prev   []int64 // per field of every shape: the previous integer
}

func (w *cursor) reset(p *Packed) {
	w.r, w.fresh, w.at, w.fields, w.items = binReader{b: p.vals}, 0, 0, 0, 0
	clear(w.prev)
}

// next reads one event into v.
func (w *cursor) next(p *Packed, v *View) error {
	si := w.r.uvarint()
	if w.r.err != nil || si >= uint64(len(p.shapes)) {
		return errPacked("bad shape index")
	}
	sh := &p.shapes[si]
	ops := sh.ops
	v.Shape, v.ShapeIndex, v.Items = sh, int(si), v.Items[:0]
	vals := slices.Grow(v.Values[:0], len(ops))[:len(ops)]
	v.Values = vals
	prev := w.prev[sh.first : sh.first+len(ops)]
	r := &w.r
	for i, op := range ops {
		switch op {
		case uint8(Int):
			var u uint64 // one-byte ones in place: a call is not inlined
			if k := r.off; k < len(r.b) && r.b[k] < 0x80 {
				r.off, u = k+1, uint64(r.b[k])
			} else {
				u = r.short()
			}
			prev[i] += int64(u>>1) ^ -int64(u&1)
			vals[i] = Value{Kind: Int, Int: prev[i]}
		case uint8(String), uint8(Raw):
			vals[i] = Value{Kind: Kind(op), Text: w.text(p)}
		case uint8(List):
			k := r.count()
			w.items += k
			vals[i] = Value{Kind: List, Text: int32(len(v.Items)), Len: int32(k)}
			for range k {
				v.Items = append(v.Items, w.text(p))
			}
		default: // a window constant
			s := int(op - uint8(constKind))
			if s >= len(p.consts) {
				return errPacked("a window constant that the batch lacks")
			}
			c := &p.consts[s]
			vals[i] = c.Value
			if c.Kind == List {
				vals[i].Text, vals[i].Len = int32(len(v.Items)), int32(len(c.items))
				v.Items = append(v.Items, c.items...)
			}
		}
	}
	if r.err != nil {
		return errPacked("truncated or inconsistent event")
	}
	w.at++
	w.fields += len(ops)
	return nil
}

// skim reads one event as next does, checking it, without keeping it.
func (w *cursor) skim(p *Packed) error {
	si := w.r.uvarint()
	if w.r.err != nil || si >= uint64(len(p.shapes)) {
		return errPacked("bad shape index")
	}
	ops := p.shapes[si].ops
	r := &w.r
	for _, op := range ops {
		switch op {
		case uint8(Int):
			r.short()
		case uint8(String), uint8(Raw):
			w.text(p)
		case uint8(List):
			k := r.count()
			w.items += k
			for range k {
				w.text(p)
			}
		default: // a window constant
			if int(op-uint8(constKind)) >= len(p.consts) {
				return errPacked("a window constant that the batch lacks")
			}
		}
	}
	if r.err != nil {
		return errPacked("truncated or inconsistent event")
	}
	w.at++
	w.fields += len(ops)
	return nil
}

// text resolves a text reference: 0 is the next text not used yet, i > 0
// text i-1 (one used before).
func (w *cursor) text(p *Packed) int32 {
	r := &w.r
	var ref uint64 // one-byte ones in place: a call is not inlined
	if k := r.off; k < len(r.b) && r.b[k] < 0x80 {
		r.off, ref = k+1, uint64(r.b[k])
	} else if ref = r.short(); r.err != nil {
		return 0
	}
	switch {
	case ref == 0 && w.fresh < p.nTexts:
		w.fresh++
		return int32(w.fresh - 1)
	case ref > 0 && ref <= uint64(w.fresh):
		return int32(ref - 1)
	}
	r.fail()
	return 0
}
