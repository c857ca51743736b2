// view.go opens a packed batch (packed.go) for reading without building
// events: its texts are expanded once into one buffer, its key orders read
// once, and a walk fills one reused View per event whose values refer to
// those texts by index. Renderers that do per-text or per-key work once per
// batch instead of once per event start here.

package event

import (
	"encoding/binary"
	"slices"
	"strings"
	"sync/atomic"
)

// Packed is a packed batch opened for reading. Open checks all of it the
// way Unpack does (it accepts exactly the batches Unpack accepts), so that a
// walk over an opened batch cannot fail. A Packed is reused from batch to
// batch: what it hands out (texts, shapes, Views) is valid until its next
// Open, and the batch's bytes must not change until then.
type Packed struct {
	id      uint64  // unique per Open (openSeq): renderers key their caches by it
	n       int     // events
	vals    []byte  // the values section
	text    []byte  // every text, back to back, hex ones expanded
	ends    []int32 // text i is text[ends[i-1]:ends[i]]
	plain   []bool  // per text: hex digits only (no text of the batch needs escaping then)
	nTexts  int     // texts of the batch; the constants' texts follow
	nFields int     // fields of all events, as counted
	nItems  int     // list items of all events, as counted
	shapes  []Shape
	consts  []constValue
	walk    cursor
}

// openSeq numbers Opens process-wide.
var openSeq atomic.Uint64

// Shape is one key order of a batch: its keys and their kinds, window
// constants resolved to the kind of their value.
type Shape struct {
	Keys  []string
	Kinds []Kind  // String, Int, List or Raw
	slots []int16 // per field: the window constant it takes, or -1
	ops   []uint8 // per field: its kind as stored (a window constant: constKind + its slot)
	first int     // offset of the shape's fields in cursor.prev
}

// Index returns the position of the first field named key, or -1.
func (s *Shape) Index(key string) int {
	for i, k := range s.Keys {
		if k == key {
			return i
		}
	}
	return -1
}

// constValue is a window constant as a Value, its list items as texts.
type constValue struct {
	Value
	items []int32
}

// Value is one field's value in a View.
type Value struct {
	Kind Kind  // String, Int, List or Raw
	Int  int64 // Int
	Text int32 // String, Raw: the index of its text; List: the index of its first item in View.Items
	Len  int32 // List: how many items
}

// View is one event of an opened batch: its shape and one value per key of
// the shape. A walk reuses it from event to event.
type View struct {
	Shape      *Shape
	ShapeIndex int // Shape's index in the batch's Shapes
	Values     []Value
	Items      []int32 // the text indexes of the event's list items
}

// List returns the text indexes of a List value's items.
func (v *View) List(val *Value) []int32 { return v.Items[val.Text : val.Text+val.Len] }

// Open readies p for the packed batch b whose events leave values to the
// window constants consts (Consts, unpacked: the fields of its one event).
func (p *Packed) Open(b []byte, consts []Field) error {
	p.id, p.n = openSeq.Add(1), 0
	r := binReader{b: b}
	var c [5]int // events, texts, shapes, fields, list items
	for i := range c {
		c[i] = r.count()
	}
	if r.err != nil {
		return errPacked("truncated counts")
	}
	if !p.readTexts(&r, c[1]) {
		return errPacked("truncated text table")
	}
	if err := p.readShapes(&r, c[2]); err != nil {
		return err
	}
	left := len(b) - r.off
	if c[0] > left || c[3] > left*(1+p.constFields()) || c[4] > left {
		return errPacked("counts larger than the batch")
	}
	p.n, p.nTexts, p.nFields, p.nItems, p.vals = c[0], c[1], c[3], c[4], b[r.off:]
	p.setConsts(consts)
	if err := p.check(); err != nil {
		p.n = 0
		return err
	}
	return nil
}

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
// kinds of the fields they hold (a slot the batch uses but consts lacks is
// an error of the walk, as Unpack finds it).
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
			if s >= 0 && int(s) < len(p.consts) {
				sh.Kinds[j] = p.consts[s].Kind
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

// ID is unique per Open, in the whole process: a cache made for one opened
// batch is stale when the ID changed.
func (p *Packed) ID() uint64 { return p.id }

// Len is the number of events.
func (p *Packed) Len() int { return p.n }

// Shapes are the batch's key orders.
func (p *Packed) Shapes() []Shape { return p.shapes }

// Texts is the number of texts, those of the window constants included.
func (p *Packed) Texts() int { return len(p.ends) }

// TextBytes returns text i. The bytes must not be written.
func (p *Packed) TextBytes(i int32) []byte {
	start := int32(0)
	if i > 0 {
		start = p.ends[i-1]
	}
	return p.text[start:p.ends[i]:p.ends[i]]
}

// Text returns text i as a string that is valid until the next Open.
func (p *Packed) Text(i int32) string {
	return unsafeString(p.TextBytes(i))
}

// HexText reports whether text i was stored as packed hex digits: it then
// holds only 0–9 and a–f.
func (p *Packed) HexText(i int32) bool { return p.plain[i] }

// Rewind starts a new walk over the events.
func (p *Packed) Rewind() { p.walk.reset(p) }

// Next fills v with the next event of the walk; false after the last.
func (p *Packed) Next(v *View) bool {
	if p.walk.at >= p.n {
		return false
	}
	return p.walk.next(p, v) == nil
}

// Events copies every event of the batch into Events, as Unpack returns
// them; they do not alias the batch or p. It does not disturb a walk.
func (p *Packed) Events() []Event {
	w := cursor{prev: make([]int64, len(p.walk.prev))}
	w.reset(p)
	out := make([]Event, 0, p.n)
	var v View
	for range p.n {
		if w.next(p, &v) != nil {
			break // cannot happen after Open
		}
		out = append(out, p.Event(&v))
	}
	return out
}

// Event copies one View into an Event.
func (p *Packed) Event(v *View) Event {
	var sb strings.Builder
	for i := range v.Values {
		switch val := &v.Values[i]; val.Kind {
		case String, Raw:
			sb.Write(p.TextBytes(val.Text))
		case List:
			for _, t := range v.List(val) {
				sb.Write(p.TextBytes(t))
			}
		}
	}
	all, off := sb.String(), 0
	take := func(i int32) string {
		n := len(p.TextBytes(i))
		off += n
		return all[off-n : off]
	}
	e := Event{Fields: make([]Field, len(v.Values))}
	for i := range v.Values {
		val, f := &v.Values[i], &e.Fields[i]
		f.Key, f.Kind = v.Shape.Keys[i], val.Kind
		switch val.Kind {
		case String, Raw:
			f.Str = take(val.Text)
		case Int:
			f.Int = val.Int
		case List:
			f.List = make([]string, val.Len)
			for j, t := range v.List(val) {
				f.List[j] = take(t)
			}
		}
	}
	return e
}

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
