// Records: compact storage of a report's applicationUsers. Each record's
// counters are packed as varints into blocks of a fixed number of records,
// and repeated strings and address lists (application names, senders) are
// kept once, so that a window of 50,000 records takes a few MiB instead of
// tens, and growing it never copies what is already stored.

package serapi

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"iter"
	"slices"
)

// blockLen is the number of records one block holds.
const blockLen = 512

// maxShared bounds the shared string table and the shared list table; values
// met after it is full are kept with their block instead.
const maxShared = 1 << 14

// Records is a report's records in body order. Its zero value is empty and
// ready for Append. Like a slice header, a copy shares the stored records:
// read copies freely, but Append to one Records value only. Records read
// from it share their strings and lists with the store and with each other:
// treat them as read-only (copy a list before changing it).
type Records struct {
	n      int
	blocks []*recordBlock
	shared *sharedTable
}

// recordBlock holds up to blockLen packed records and what they refer to
// that is not shared.
type recordBlock struct {
	n      int
	buf    []byte   // the packed records, one after another (see Append)
	strs   []string // strings of these records that are not shared (user names)
	lists  [][]string
	extras [][]ExtraField
}

// sharedTable holds the strings and lists that records share.
type sharedTable struct {
	strIdx  map[string]uint32
	strs    []string
	listIdx map[string]uint32
	lists   [][]string
	key     []byte // scratch for list keys
}

// RecordsOf stores recs, in order, as Records.
func RecordsOf(recs ...Record) Records {
	var rs Records
	for i := range recs {
		rs.Append(&recs[i])
	}
	return rs
}

// Len returns the number of records.
func (rs Records) Len() int { return rs.n }

// At returns record i (0 ≤ i < Len). It unpacks the records before i in its
// block: iterate with All to visit them all.
func (rs Records) At(i int) Record {
	if i < 0 || i >= rs.n {
		panic("serapi: Records.At index out of range")
	}
	b := rs.blocks[i/blockLen]
	var r Record
	buf := b.buf
	for j := 0; j <= i%blockLen; j++ {
		buf = rs.unpack(b, buf, &r)
	}
	return r
}

// All yields each record with its index, in body order. The *Record points
// to one variable that is overwritten for each record: copy the Record (not
// the pointer) to keep it beyond one step.
func (rs Records) All() iter.Seq2[int, *Record] {
	return func(yield func(int, *Record) bool) {
		var r Record
		i := 0
		for _, b := range rs.blocks {
			buf := b.buf
			for j := 0; j < b.n && i < rs.n; j++ {
				buf = rs.unpack(b, buf, &r)
				if !yield(i, &r) {
					return
				}
				i++
			}
		}
	}
}

// Slice returns a copy of all records as a slice (nil when there are none).
// Meant for tests and small reports: a large window's records take several
// times more memory this way.
func (rs Records) Slice() []Record {
	if rs.n == 0 {
		return nil
	}
	out := make([]Record, 0, rs.n)
	for _, r := range rs.All() {
		out = append(out, *r)
	}
	return out
}

// MarshalJSON renders the records as a JSON list (null when empty).
func (rs Records) MarshalJSON() ([]byte, error) { return json.Marshal(rs.Slice()) }

// Append stores a copy of r after the others. A packed record is: the refs
// of applicationName, applicationUserName, fromEnvelope, fromHeader and
// Extra as uvarints, then the 13 counters as varints.
func (rs *Records) Append(r *Record) {
	if rs.n%blockLen == 0 {
		rs.blocks = append(rs.blocks, &recordBlock{buf: make([]byte, 0, blockLen*40), strs: make([]string, 0, blockLen)})
	}
	t, b := rs.table(), rs.blocks[len(rs.blocks)-1]
	buf := binary.AppendUvarint(b.buf, b.strRef(t, r.ApplicationName, true))
	buf = binary.AppendUvarint(buf, b.strRef(t, r.ApplicationUserName, false))
	buf = binary.AppendUvarint(buf, b.listRef(t, r.FromEnvelope))
	buf = binary.AppendUvarint(buf, b.listRef(t, r.FromHeader))
	var extra uint64
	if r.Extra != nil {
		b.extras = append(b.extras, slices.Clone(r.Extra))
		extra = uint64(len(b.extras))
	}
	buf = binary.AppendUvarint(buf, extra)
	for _, v := range counterValues(r) {
		buf = binary.AppendVarint(buf, v)
	}
	b.buf = buf
	b.n++
	rs.n++
}

// counterValues lists a record's counters in their packed order.
func counterValues(r *Record) [13]int64 {
	s, z, d := &r.Status, &r.Size, &r.Details
	return [13]int64{s.Success, s.Failure, s.TempFailure, s.PartialSuccess, s.InProgress, s.Total,
		s.RecipientsTotal, z.MessageSizeTotal, z.DeliveredSizeTotal, d.DSN2xx, d.DSN3xx, d.DSN4xx, d.DSN5xx}
}

// table returns the shared table, made on first use.
func (rs *Records) table() *sharedTable {
	if rs.shared == nil {
		rs.shared = &sharedTable{strIdx: map[string]uint32{}, listIdx: map[string]uint32{}}
	}
	return rs.shared
}

// A ref is 0 for the zero value ("" or a nil list), else 1 + (index<<1 | local),
// where local means the block's own table and otherwise the shared one.
func ref(idx int, local bool) uint64 {
	r := uint64(idx) << 1
	if local {
		r |= 1
	}
	return r + 1
}

// strRef stores s (in the shared table when share and there is room).
func (b *recordBlock) strRef(t *sharedTable, s string, share bool) uint64 {
	if s == "" {
		return 0
	}
	if share {
		if i, ok := t.strIdx[s]; ok {
			return ref(int(i), false)
		}
		if len(t.strs) < maxShared {
			t.strIdx[s] = uint32(len(t.strs))
			t.strs = append(t.strs, s)
			return ref(len(t.strs)-1, false)
		}
	}
	b.strs = append(b.strs, s)
	return ref(len(b.strs)-1, true)
}

// listRef stores a copy of list, shared when an equal list is or there is room.
func (b *recordBlock) listRef(t *sharedTable, list []string) uint64 {
	if list == nil {
		return 0
	}
	t.key = t.key[:0]
	for _, s := range list {
		t.key = binary.AppendUvarint(t.key, uint64(len(s)))
		t.key = append(t.key, s...)
	}
	if i, ok := t.listIdx[string(t.key)]; ok {
		return ref(int(i), false)
	}
	if len(t.lists) < maxShared {
		items := make([]string, len(list))
		for i, s := range list {
			items[i] = t.canonical(s)
		}
		t.listIdx[string(t.key)] = uint32(len(t.lists))
		t.lists = append(t.lists, items)
		return ref(len(t.lists)-1, false)
	}
	b.lists = append(b.lists, slices.Clone(list))
	return ref(len(b.lists)-1, true)
}

// canonical returns the shared copy of s, adding s when there is room.
func (t *sharedTable) canonical(s string) string {
	if i, ok := t.strIdx[s]; ok {
		return t.strs[i]
	}
	if len(t.strs) < maxShared {
		t.strIdx[s] = uint32(len(t.strs))
		t.strs = append(t.strs, s)
	}
	return s
}

// record converts a decoded record into a Record, taking repeated names
// and addresses from t instead of allocating them again.
func (r *RawRecord) record(t *sharedTable) Record {
	rec := Record{
		ApplicationName:     t.lookup(r.ApplicationName),
		ApplicationUserName: string(r.ApplicationUserName),
		FromEnvelope:        t.lookupList(r.FromEnvelope),
		FromHeader:          t.lookupList(r.FromHeader),
		Status:              r.Status,
		Size:                r.Size,
		Details:             r.Details,
	}
	if r.Extra != nil {
		rec.Extra = make([]ExtraField, len(r.Extra))
		for i, x := range r.Extra {
			rec.Extra[i] = ExtraField{Name: string(x.Name), Value: bytes.Clone(x.Value)}
		}
	}
	return rec
}

// lookupList returns list as strings (nil for nil), items from t when it
// holds them.
func (t *sharedTable) lookupList(list [][]byte) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, b := range list {
		out[i] = t.lookup(b)
	}
	return out
}

// lookup returns the shared string equal to b, or a new one; it does not
// add to the table (Append does), so decoding a unique value costs no entry.
func (t *sharedTable) lookup(b []byte) string {
	if i, ok := t.strIdx[string(b)]; ok {
		return t.strs[i]
	}
	return string(b)
}

// unpack reads the record at the start of buf into r and returns the rest.
func (rs Records) unpack(b *recordBlock, buf []byte, r *Record) []byte {
	var refs [5]uint64
	for k := range refs {
		v, n := binary.Uvarint(buf)
		refs[k], buf = v, buf[n:]
	}
	var c [13]int64
	for k := range c {
		v, n := binary.Varint(buf)
		c[k], buf = v, buf[n:]
	}
	*r = Record{
		ApplicationName:     rs.str(b, refs[0]),
		ApplicationUserName: rs.str(b, refs[1]),
		FromEnvelope:        rs.list(b, refs[2]),
		FromHeader:          rs.list(b, refs[3]),
		Status:              Status{c[0], c[1], c[2], c[3], c[4], c[5], c[6]},
		Size:                Size{c[7], c[8]},
		Details:             Details{c[9], c[10], c[11], c[12]},
	}
	if refs[4] > 0 {
		r.Extra = b.extras[refs[4]-1]
	}
	return buf
}

func (rs Records) str(b *recordBlock, r uint64) string {
	if r == 0 {
		return ""
	}
	if i := (r - 1) >> 1; (r-1)&1 == 1 {
		return b.strs[i]
	}
	return rs.shared.strs[(r-1)>>1]
}

func (rs Records) list(b *recordBlock, r uint64) []string {
	if r == 0 {
		return nil
	}
	var l []string
	if i := (r - 1) >> 1; (r-1)&1 == 1 {
		l = b.lists[i]
	} else {
		l = rs.shared.lists[i]
	}
	return l[:len(l):len(l)] // an append by the reader copies
}
