// view.go opens a packed batch (packed.go) for reading without building
// events: its texts are expanded once into one buffer, its key orders read
// once, and a walk fills one reused View per event whose values refer to
// those texts by index. Renderers that do per-text or per-key work once per
// batch instead of once per event start here.

package event

import (
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
