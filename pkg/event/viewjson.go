// viewjson.go renders the events of opened packed batches (view.go) as
// JSON, byte for byte as Event.AppendJSON writes them, with every text
// quoted once per batch and every key once per key order.

package event

import (
	"strconv"
	"unsafe"
)

// Renderings holds one rendering of every text of an opened batch, made
// once per Open; it is not safe for concurrent use.
type Renderings struct {
	id   uint64
	buf  []byte
	ends []int32
}

// Prepare renders every text of p with render (hex: the text holds only
// hex digits), unless r holds p's current texts already.
func (r *Renderings) Prepare(p *Packed, render func(dst, s []byte, hex bool) []byte) {
	if r.id == p.ID() && r.id != 0 {
		return
	}
	r.id, r.buf, r.ends = p.ID(), r.buf[:0], r.ends[:0]
	for i := range int32(p.Texts()) {
		r.buf = render(r.buf, p.TextBytes(i), p.HexText(i))
		r.ends = append(r.ends, int32(len(r.buf)))
	}
}

// Get returns the rendering of text i.
func (r *Renderings) Get(i int32) []byte {
	start := int32(0)
	if i > 0 {
		start = r.ends[i-1]
	}
	return r.buf[start:r.ends[i]]
}

// JSON renders Views as JSON objects. Keep one per sink and reuse it: it
// keeps its renderings from batch to batch. It is not safe for concurrent
// use.
type JSON struct {
	quoted Renderings
	id     uint64
	lits   []byte   // the literal parts of every key order's objects
	ops    []jsonOp // per key order, from first[i]: literal, value, literal, value, …, literal
	first  []int    // per key order: the index of its first op
}

// jsonOp is one step of rendering an object: the literal up to lits[end],
// then the value of field (none when -1). A key order's literal parts are
// its keys with the punctuation around them, and the values of the fields
// that the window constants hold.
type jsonOp struct {
	end   int32
	field int32
}

// Prepare readies j for the events of p; Append calls it.
func (j *JSON) Prepare(p *Packed) {
	j.quoted.Prepare(p, appendQuoted)
	if j.id == p.ID() {
		return
	}
	j.id, j.lits, j.ops, j.first = p.ID(), j.lits[:0], j.ops[:0], j.first[:0]
	for _, sh := range p.Shapes() {
		j.first = append(j.first, len(j.ops))
		j.lits = append(j.lits, '{')
		for i, k := range sh.Keys {
			if i > 0 {
				j.lits = append(j.lits, ',')
			}
			j.lits = append(AppendJSONString(j.lits, k), ':')
			if s := sh.slots[i]; s >= 0 {
				j.lits = j.appendConst(j.lits, p, &p.consts[s])
				continue
			}
			j.ops = append(j.ops, jsonOp{end: int32(len(j.lits)), field: int32(i)})
		}
		j.lits = append(j.lits, '}')
		j.ops = append(j.ops, jsonOp{end: int32(len(j.lits)), field: -1})
	}
}

// appendConst appends a window constant's value.
func (j *JSON) appendConst(dst []byte, p *Packed, c *constValue) []byte {
	if c.Kind != List {
		return j.AppendValue(dst, p, nil, &c.Value)
	}
	v := View{Items: c.items}
	val := Value{Kind: List, Len: int32(len(c.items))}
	return j.AppendValue(dst, p, &v, &val)
}

// appendQuoted appends s as a JSON string; hex digits need no look.
func appendQuoted(dst, s []byte, hex bool) []byte {
	if hex {
		dst = append(dst, '"')
		dst = append(dst, s...)
		return append(dst, '"')
	}
	return AppendJSONString(dst, unsafeString(s))
}

// unsafeString views b as a string; b must not change while it is used.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// Append appends the event v of p as Event.AppendJSON would.
func (j *JSON) Append(dst []byte, p *Packed, v *View) []byte {
	j.Prepare(p)
	start := int32(0)
	k := j.first[v.ShapeIndex]
	if k > 0 {
		start = j.ops[k-1].end
	}
	for _, op := range j.ops[k:] {
		dst = append(dst, j.lits[start:op.end]...)
		if op.field < 0 {
			return dst
		}
		start = op.end
		switch val := &v.Values[op.field]; val.Kind { // the common kinds without a call
		case Int:
			dst = appendInt(dst, val.Int)
		case String:
			dst = append(dst, j.quoted.Get(val.Text)...)
		default:
			dst = j.AppendValue(dst, p, v, val)
		}
	}
	return dst
}

// appendInt is strconv.AppendInt in base 10, one- and two-digit numbers
// (most counters) without a call.
func appendInt(dst []byte, n int64) []byte {
	switch {
	case uint64(n) < 10:
		return append(dst, byte('0'+n))
	case uint64(n) < 100:
		return append(dst, byte('0'+n/10), byte('0'+n%10))
	}
	return strconv.AppendInt(dst, n, 10)
}

// AppendValue appends one value of v as JSON.
func (j *JSON) AppendValue(dst []byte, p *Packed, v *View, val *Value) []byte {
	switch val.Kind {
	case String:
		return append(dst, j.quoted.Get(val.Text)...)
	case Int:
		return appendInt(dst, val.Int)
	case List:
		dst = append(dst, '[')
		for n, t := range v.List(val) {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, j.quoted.Get(t)...)
		}
		return append(dst, ']')
	default: // Raw
		if raw := p.TextBytes(val.Text); len(raw) > 0 {
			return append(dst, raw...)
		}
		return append(dst, "null"...)
	}
}

// Quoted returns text i of the batch j was last prepared for, as a JSON string.
func (j *JSON) Quoted(i int32) []byte { return j.quoted.Get(i) }
