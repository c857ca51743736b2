// unpack.go reads the packed batch form (packed.go) back into events with a
// handful of allocations per batch: one text that every value slices, one
// array that every event's fields are carved from, one for the list items.

package event

import "strings"

// Unpack decodes a whole packed batch. It never panics on malformed input,
// and the events do not alias b. Their Fields and List slices are carved from
// shared arrays with their capacity capped, so appending to one never
// overwrites another.
func Unpack(b []byte) ([]Event, error) { return UnpackWith(b, nil) }

// UnpackWith is Unpack for a batch whose events leave values to the
// window's constants (see Flattener.Pack): consts are the fields of the one
// event that Consts packed, in slot order.
func UnpackWith(b []byte, consts []Field) ([]Event, error) {
	r := binReader{b: b}
	var c [5]int // events, texts, shapes, fields, list items
	for i := range c {
		c[i] = r.count()
	}
	if r.err != nil {
		return nil, errPacked("truncated counts")
	}
	table := r.texts(c[1])
	if r.err != nil {
		return nil, errPacked("truncated text table")
	}
	shapes, err := r.shapeTable(c[2])
	if err != nil {
		return nil, err
	}
	// Every event and list item takes at least a byte of what is left, and
	// so does every field but those the window constants hold.
	left := len(b) - r.off
	if c[0] > left || c[3] > left*(1+constFields(shapes)) || c[4] > left {
		return nil, errPacked("counts larger than the batch")
	}
	u := unpacker{r: r, table: table, shapes: shapes, consts: consts,
		fields: make([]Field, c[3]), items: make([]string, c[4])}
	events := make([]Event, c[0])
	for i := range events {
		if err := u.event(&events[i]); err != nil {
			return nil, err
		}
	}
	if u.fo != len(u.fields) || u.lo != len(u.items) || u.next != len(table) || u.r.off != len(b) {
		return nil, errPacked("counts do not match the events")
	}
	return events, nil
}

// texts reads n coded texts into one string and returns them as slices of it.
func (r *binReader) texts(n int) []string {
	start, total := r.off, 0
	for range n {
		h := r.uvarint()
		size := int(min(h>>1, uint64(len(r.b)))) // bounded; skip checks the rest
		r.skip(size)
		total += size << (h & 1)
	}
	if r.err != nil {
		return nil
	}
	var sb strings.Builder
	sb.Grow(total)
	ends := make([]int, n)
	r.off = start
	for i := range ends {
		h := r.uvarint()
		size := int(h >> 1)
		if chunk := r.b[r.off : r.off+size]; h&1 == 0 {
			sb.Write(chunk)
		} else {
			writeHex(&sb, chunk)
		}
		r.off += size
		ends[i] = sb.Len()
	}
	text := sb.String()
	table := make([]string, n)
	from := 0
	for i, end := range ends {
		table[i], from = text[from:end], end
	}
	return table
}

func writeHex(sb *strings.Builder, src []byte) {
	var buf [64]byte
	for len(src) > 0 {
		k := min(len(src), len(buf)/2)
		for i, c := range src[:k] {
			buf[2*i], buf[2*i+1] = hexDigits[c>>4], hexDigits[c&0xf]
		}
		sb.Write(buf[:2*k])
		src = src[k:]
	}
}

// skip advances over n bytes, failing when fewer are left.
func (r *binReader) skip(n int) {
	if r.err != nil {
		return
	}
	if n > len(r.b)-r.off {
		r.fail()
		return
	}
	r.off += n
}

// unpackShape is one key order of a packed batch, with the previous integer
// of each field (integers are stored as differences).
type unpackShape struct {
	keys    []string
	kinds   []Kind
	prevInt []int64
}

func (r *binReader) shapeTable(n int) ([]unpackShape, error) {
	shapes := make([]unpackShape, n)
	for i := range shapes {
		k := r.count()
		sh := unpackShape{kinds: make([]Kind, k), prevInt: make([]int64, k)}
		for j := 0; j < k && r.err == nil; j++ {
			if sh.kinds[j] = Kind(r.byte()); storedKind(sh.kinds[j]) != sh.kinds[j] {
				return nil, errPacked("unknown field kind")
			}
		}
		if sh.keys = r.texts(k); r.err != nil {
			return nil, errPacked("truncated shape table")
		}
		shapes[i] = sh
	}
	return shapes, nil
}

// constFields is the most fields of one shape that the window constants hold.
func constFields(shapes []unpackShape) int {
	most := 0
	for _, sh := range shapes {
		n := 0
		for _, k := range sh.kinds {
			if k >= constKind {
				n++
			}
		}
		most = max(most, n)
	}
	return most
}

// unpacker fills events from the values section.
type unpacker struct {
	r      binReader
	table  []string
	shapes []unpackShape
	consts []Field
	fields []Field
	items  []string
	fo, lo int // next free field and list item
	next   int // next text not referenced yet
}

func (u *unpacker) event(e *Event) error {
	si := u.r.uvarint()
	if u.r.err != nil || si >= uint64(len(u.shapes)) {
		return errPacked("bad shape index")
	}
	sh := &u.shapes[si]
	n := len(sh.keys)
	if n > len(u.fields)-u.fo {
		return errPacked("more fields than counted")
	}
	e.Fields = u.fields[u.fo : u.fo+n : u.fo+n]
	u.fo += n
	for i := range e.Fields {
		f := &e.Fields[i]
		f.Key, f.Kind = sh.keys[i], sh.kinds[i]
		switch f.Kind {
		case String, Raw:
			f.Str = u.text()
		case Int:
			f.Int = sh.prevInt[i] + u.r.varint()
			sh.prevInt[i] = f.Int
		case List:
			c := u.r.count()
			if c > len(u.items)-u.lo {
				return errPacked("more list items than counted")
			}
			f.List = u.items[u.lo : u.lo+c : u.lo+c]
			u.lo += c
			for j := range f.List {
				f.List[j] = u.text()
			}
		default: // a window constant
			slot := int(f.Kind - constKind)
			if slot >= len(u.consts) {
				return errPacked("a window constant that the batch lacks")
			}
			*f = u.consts[slot]
			f.Key = sh.keys[i]
		}
		if u.r.err != nil {
			return errPacked("truncated or inconsistent event")
		}
	}
	return nil
}

// text resolves a text reference.
func (u *unpacker) text() string {
	ref := u.r.uvarint()
	switch {
	case u.r.err != nil:
		return ""
	case ref == 0 && u.next < len(u.table):
		u.next++
		return u.table[u.next-1]
	case ref > 0 && ref <= uint64(u.next):
		return u.table[ref-1]
	}
	u.r.fail()
	return ""
}
