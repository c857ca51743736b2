// packed.go is the packed form of a batch of events that the state file's
// queues hold: every distinct text once per batch, every distinct key order
// once per batch, then per event only its values.

package event

import (
	"encoding/binary"
	"fmt"
	"slices"
	"unsafe"
)

// The packed form, all counts uvarints:
//
//	events, texts, shapes, fields (sum over events), list items (sum)
//	texts:   per text h, then h>>1 bytes: the text when h is even; when h is
//	         odd, packed lowercase hex (each byte is two digits of the text)
//	shapes:  per shape its field count k, k kind bytes, then k key texts
//	         (coded as above)
//	events:  per event its shape index, then per field of the shape:
//	         String, Raw: a text reference; Int: zig-zag varint of the
//	         difference to the same field of the previous event of that
//	         shape; List: item count, then a text reference per item
//
// A text reference is 0 for the next text of the table that no reference
// used yet (texts are in order of first use), or 1 + the index of a text
// used before. Texts such as windowStart, input or the licence dates are thus
// written once per batch instead of once per event, and the 64-digit eventId
// takes 33 bytes. This keeps a batch about as small as deflating the
// per-event form did, at a fraction of its cost.

// minHexPack is the shortest text worth packing as hex.
const minHexPack = 16

// Packer collects events into the packed form. The zero value is ready; a
// Packer may be reused after AppendPacked, which resets it.
type Packer struct {
	texts, shapeBuf, vals    []byte
	index                    map[string]uint32
	shapes                   []packShape
	last                     int
	n, nText, nFields, nList int
	conv                     rawEvent // Add's view of an Event
}

// packShape is one key order: keys and kinds, and per field the last value
// written there (texts such as windowStart and input usually repeat) and how
// often the field's texts were found in the table.
type packShape struct {
	keys    []string
	keyAt   []*byte // per field: where the key of the event that made the shape was
	static  int     // the first fields whose keys are the package's own (rawEvent.static)
	layout  uint8   // the layout of the event that made the shape (rawEvent.layout)
	kinds   []Kind
	prev    [][]byte
	prevIdx []uint32
	prevInt []int64
	found   []int32 // per field: table hits minus misses, while above uniqueAfter
}

// uniqueAfter is the hit-minus-miss score below which a field's texts count
// as unique (eventId, applicationUserName): they are then added to the table
// without a look-up, which costs a duplicate only when one repeats after all.
const uniqueAfter = -16

const noIndex = ^uint32(0)

// Len is how many events were added since the last AppendPacked.
func (p *Packer) Len() int { return p.n }

// Size is roughly how many bytes the packed form holds so far.
func (p *Packer) Size() int { return len(p.texts) + len(p.shapeBuf) + len(p.vals) }

// Add appends one event. A field of an unknown Kind is written as a Raw null,
// as AppendJSON writes it. The Packer copies what it keeps.
func (p *Packer) Add(e *Event) {
	p.conv.fromEvent(e)
	p.addRaw(&p.conv)
	p.conv.reset()
}

// addRaw appends one event under construction.
func (p *Packer) addRaw(e *rawEvent) {
	si := p.shapeOf(e)
	sh := &p.shapes[si]
	p.vals = binary.AppendUvarint(p.vals, uint64(si))
	for i := range e.fields {
		f := &e.fields[i]
		switch k := sh.kinds[i]; {
		case k == Int:
			p.vals = binary.AppendVarint(p.vals, f.num-sh.prevInt[i]) // wraps: exact both ways
			sh.prevInt[i] = f.num
		case k == List:
			p.vals = binary.AppendUvarint(p.vals, uint64(len(f.items)))
			for _, s := range f.items {
				p.ref(p.fieldText(sh, i, s))
			}
			p.nList += len(f.items)
		case k >= constKind:
			// the batch's window constants hold the value
		case f.id:
			p.texts = binary.AppendUvarint(p.texts, uint64(len(f.text))<<1|1)
			p.texts = append(p.texts, f.text...)
			p.nText++
			p.ref(uint32(p.nText-1), true)
		default: // String, Raw
			if sh.prevIdx[i] != noIndex && string(f.text) == string(sh.prev[i]) {
				p.ref(sh.prevIdx[i], false)
				continue
			}
			idx, isNew := p.fieldText(sh, i, f.text)
			sh.prev[i], sh.prevIdx[i] = append(sh.prev[i][:0], f.text...), idx
			p.ref(idx, isNew)
		}
	}
	p.nFields += len(e.fields)
	p.n++
}

// ref writes a text reference.
func (p *Packer) ref(idx uint32, isNew bool) {
	if isNew {
		p.vals = append(p.vals, 0)
		return
	}
	p.vals = binary.AppendUvarint(p.vals, uint64(idx)+1)
}

// storedKind is how a field of kind k is written.
func storedKind(k Kind) Kind {
	switch {
	case k == String, k == Int, k == List, k == Raw, k >= constKind && k <= constKind+maxConsts:
		return k
	}
	return Raw
}

// shapeOf returns the index of e's key order, adding it when it is new. The
// previous event's shape is tried first, then the few most recent ones.
func (p *Packer) shapeOf(e *rawEvent) int {
	if p.last < len(p.shapes) && p.shapes[p.last].matches(e) {
		return p.last
	}
	for i := len(p.shapes) - 1; i >= 0 && i >= len(p.shapes)-8; i-- {
		if p.shapes[i].matches(e) {
			p.last = i
			return i
		}
	}
	n := len(e.fields)
	sh := packShape{keys: make([]string, n), keyAt: make([]*byte, n), static: min(e.static, n), layout: e.layout, kinds: make([]Kind, n), prev: make([][]byte, n),
		prevIdx: make([]uint32, n), prevInt: make([]int64, n), found: make([]int32, n)}
	p.shapeBuf = binary.AppendUvarint(p.shapeBuf, uint64(n))
	for i := range e.fields {
		sh.keys[i], sh.kinds[i], sh.prevIdx[i] = string(e.fields[i].key), storedKind(e.fields[i].kind), noIndex
		sh.keyAt[i] = unsafe.SliceData(e.fields[i].key)
		p.shapeBuf = append(p.shapeBuf, byte(sh.kinds[i]))
	}
	for _, k := range sh.keys {
		p.shapeBuf = appendText(p.shapeBuf, bytesOf(k))
	}
	p.shapes = append(p.shapes, sh)
	p.last = len(p.shapes) - 1
	return p.last
}

// matches reports whether e has the shape's keys and kinds. The fixed
// fields of an event of the shape's layout need no look; of the other
// fixed fields, whose keys are the package's own and never change, a key
// at the very bytes of the shape's needs no look either.
func (s *packShape) matches(e *rawEvent) bool {
	if len(s.keys) != len(e.fields) {
		return false
	}
	static, from := min(s.static, e.static), 0
	if e.layout != 0 && e.layout == s.layout && e.static == s.static {
		from = static
	}
	for i := from; i < len(e.fields); i++ {
		f := &e.fields[i]
		if s.kinds[i] != storedKind(f.kind) || len(s.keys[i]) != len(f.key) {
			return false
		}
		if i < static && unsafe.SliceData(f.key) == s.keyAt[i] {
			continue
		}
		if s.keys[i] != string(f.key) {
			return false
		}
	}
	return true
}

// fieldText returns the table index of the text s of field i of sh, and
// whether it was added now.
func (p *Packer) fieldText(sh *packShape, i int, s []byte) (uint32, bool) {
	score := sh.found[i]
	if score <= uniqueAfter {
		return p.addText(s), true
	}
	if k, ok := p.index[string(s)]; ok {
		sh.found[i] = min(score+1, 1<<20)
		return k, false
	}
	sh.found[i] = score - 1
	return p.newText(s), true
}

// newText adds s to the table and its index.
func (p *Packer) newText(s []byte) uint32 {
	if p.index == nil {
		p.index = make(map[string]uint32, 4096)
	}
	p.index[string(s)] = uint32(p.nText)
	return p.addText(s)
}

// addText writes s to the table and returns its index.
func (p *Packer) addText(s []byte) uint32 {
	p.texts = appendText(p.texts, s)
	p.nText++
	return uint32(p.nText - 1)
}

// appendText appends one coded text.
func appendText(dst []byte, s []byte) []byte {
	if !isLowerHex(s) {
		dst = binary.AppendUvarint(dst, uint64(len(s))<<1)
		return append(dst, s...)
	}
	dst = binary.AppendUvarint(dst, uint64(len(s)/2)<<1|1)
	n := len(dst)
	dst = slices.Grow(dst, len(s)/2)[:n+len(s)/2]
	for k := range len(s) / 2 {
		dst[n+k] = hexNibble(s[2*k])<<4 | hexNibble(s[2*k+1])
	}
	return dst
}

func isLowerHex(s []byte) bool {
	if len(s) < minHexPack || len(s)%2 != 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func hexNibble(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'a' + 10
}

// AppendPacked appends the packed form of the events added so far to dst and
// resets the Packer for the next batch.
func (p *Packer) AppendPacked(dst []byte) []byte {
	for _, v := range []int{p.n, p.nText, len(p.shapes), p.nFields, p.nList} {
		dst = binary.AppendUvarint(dst, uint64(v))
	}
	dst = append(dst, p.texts...)
	dst = append(dst, p.shapeBuf...)
	dst = append(dst, p.vals...)
	p.Reset()
	return dst
}

// Reset forgets the events added so far, keeping the buffers.
func (p *Packer) Reset() {
	p.texts, p.shapeBuf, p.vals = p.texts[:0], p.shapeBuf[:0], p.vals[:0]
	clear(p.index)
	p.shapes = p.shapes[:0]
	p.last, p.n, p.nText, p.nFields, p.nList = 0, 0, 0, 0, 0
}

// errPacked describes a malformed packed batch.
func errPacked(what string) error { return fmt.Errorf("event: malformed packed batch: %s", what) }
