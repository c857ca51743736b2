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
	keys   []byte  // per field of every shape: `{"key":` for the first, then `,"key":`
	ends   []int32 // per field of every shape: the end of its key in keys
	first  []int   // per shape: the index in ends of its first field
}

// Prepare readies j for the events of p; Append calls it.
func (j *JSON) Prepare(p *Packed) {
	j.quoted.Prepare(p, appendQuoted)
	if j.id == p.ID() {
		return
	}
	j.id, j.keys, j.ends, j.first = p.ID(), j.keys[:0], j.ends[:0], j.first[:0]
	for _, sh := range p.Shapes() {
		j.first = append(j.first, len(j.ends))
		for i, k := range sh.Keys {
			sep := byte(',')
			if i == 0 {
				sep = '{'
			}
			j.keys = AppendJSONString(append(j.keys, sep), k)
			j.keys = append(j.keys, ':')
			j.ends = append(j.ends, int32(len(j.keys)))
		}
	}
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
	if len(v.Values) == 0 {
		return append(dst, '{', '}')
	}
	k := j.first[v.ShapeIndex]
	start := int32(0)
	if k > 0 {
		start = j.ends[k-1]
	}
	for i := range v.Values {
		end := j.ends[k+i]
		dst = append(dst, j.keys[start:end]...)
		start = end
		dst = j.AppendValue(dst, p, v, &v.Values[i])
	}
	return append(dst, '}')
}

// AppendValue appends one value of v as JSON.
func (j *JSON) AppendValue(dst []byte, p *Packed, v *View, val *Value) []byte {
	switch val.Kind {
	case String:
		return append(dst, j.quoted.Get(val.Text)...)
	case Int:
		return strconv.AppendInt(dst, val.Int, 10)
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
