// extra.go carries a record's unknown fields into its event (SPEC §4), after
// the fixed keys and in body order.
//
// The rules, for a field NAME with a JSON value:
//   - a string becomes a String field; an integer literal (no fraction, no
//     exponent) that fits int64 an Int field; any other number, true and
//     false a Raw field holding the literal as sent;
//   - null (or an empty value) is treated as absent, as the SPEC treats null
//     blocks: no field;
//   - a list of scalars becomes a List of their text (strings unquoted, other
//     scalars as their JSON literal, null as "null");
//   - a list holding an object or a list becomes a Raw field with the list as
//     compact JSON text;
//   - an object is flattened: each member becomes NAME_member, recursively;
//     an empty object yields nothing; below 32 levels of nesting the rest is
//     kept as Raw compact JSON text;
//   - a value that is not valid JSON is kept as a String of its text;
//   - a name that is empty, equal to a fixed key of the event, or equal to an
//     earlier extra becomes extra_NAME; if that is taken too, extra_NAME_2,
//     extra_NAME_3, … whichever comes first free.
//
// Names and texts are clean UTF-8, so keys stay unique in every encoding.

package event

import (
	"math"
	"strconv"

	"github.com/serfwd/serfwd/pkg/internal/arena"
	"github.com/serfwd/serfwd/pkg/serapi"
)

const (
	extraPrefix     = "extra_"
	maxFlattenDepth = 32
	// extraScanLimit is how many extras are checked for clashes by a linear
	// scan before a map takes over.
	extraScanLimit = 16
)

// extraAdder appends flattened extras to an event, keeping keys unique.
// Its maps are kept from record to record.
type extraAdder struct {
	e    *rawEvent
	a    *arena.Arena
	base int                 // index of the first extra in e.fields
	seen map[string]struct{} // extra keys, once there are more than extraScanLimit
	next map[string]int      // per clashing name, the next suffix to try
	big  bool                // seen is in use for this record
}

// addAll adds the extras of one record: names and values clean, values
// valid compact JSON (as DecodeStream and rawRecord make them).
func (x *extraAdder) addAll(extras []serapi.RawExtra) {
	if len(extras) == 0 {
		return
	}
	x.base, x.big = len(x.e.fields), false
	clear(x.next)
	for i := range extras {
		if len(extras[i].Value) > 0 {
			x.value(extras[i].Name, extras[i].Value, 0)
		}
	}
}

// value adds the valid JSON value raw under name.
func (x *extraAdder) value(name, raw []byte, depth int) {
	switch raw[0] {
	case 'n':
		// null: absent
	case '"':
		x.add(rawField{key: name, kind: String, text: x.unquote(raw)})
	case '{':
		x.object(name, raw, depth)
	case '[':
		x.list(name, raw)
	case 't', 'f':
		x.add(rawField{key: name, kind: Raw, text: raw})
	default:
		if v, ok := integer(raw); ok {
			x.add(rawField{key: name, kind: Int, num: v})
		} else {
			x.add(rawField{key: name, kind: Raw, text: raw})
		}
	}
}

func (x *extraAdder) unquote(raw []byte) []byte {
	return x.a.Keep(serapi.AppendUnquote(x.a.Buf(len(raw)), raw))
}

// integer parses an integer literal without fraction or exponent that
// fits int64.
func integer(raw []byte) (int64, bool) {
	neg := raw[0] == '-'
	digits := raw
	if neg {
		digits = raw[1:]
	}
	limit := uint64(math.MaxInt64)
	if neg {
		limit++
	}
	var v uint64
	for _, c := range digits {
		if c < '0' || c > '9' || v > (limit-uint64(c-'0'))/10 {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		return -int64(v), true // MinInt64 too: the negation wraps exactly
	}
	return int64(v), true
}

func (x *extraAdder) object(name, raw []byte, depth int) {
	if depth >= maxFlattenDepth {
		x.add(rawField{key: name, kind: Raw, text: raw})
		return
	}
	w := walk(raw)
	for key, val, ok := w.member(); ok; key, val, ok = w.member() {
		k := x.unquote(key)
		x.value(x.a.Concat(name, []byte{'_'}, k), val, depth+1)
	}
}

func (x *extraAdder) list(name, raw []byte) {
	from := len(x.e.items)
	w := walk(raw)
	for it, ok := w.item(); ok; it, ok = w.item() {
		switch it[0] {
		case '{', '[':
			clear(x.e.items[from:])
			x.e.items = x.e.items[:from]
			x.add(rawField{key: name, kind: Raw, text: raw})
			return
		case '"':
			x.e.items = append(x.e.items, x.unquote(it))
		default:
			x.e.items = append(x.e.items, it)
		}
	}
	x.e.list(name, from)
	f := x.e.fields[len(x.e.fields)-1]
	x.e.fields = x.e.fields[:len(x.e.fields)-1]
	x.add(f)
}

// add appends f under a key that no fixed key or earlier extra uses: its
// own, else extra_<key>, else extra_<key>_2, _3, … (the first free one).
func (x *extraAdder) add(f rawField) {
	if x.taken(f.key) {
		f.key = x.free(f.key)
	}
	x.e.fields = append(x.e.fields, f)
	switch {
	case x.big:
		x.seen[string(f.key)] = struct{}{}
	case len(x.e.fields)-x.base > extraScanLimit:
		if x.seen == nil {
			x.seen = make(map[string]struct{}, 2*extraScanLimit)
		}
		clear(x.seen)
		for _, g := range x.e.fields[x.base:] {
			x.seen[string(g.key)] = struct{}{}
		}
		x.big = true
	}
}

// free finds the key for a clashing name. next remembers, per name, the
// suffix to try first, so that many equal names cost linear time.
func (x *extraAdder) free(name []byte) []byte {
	key := x.a.Concat([]byte(extraPrefix), name)
	if !x.taken(key) {
		return key
	}
	if x.next == nil {
		x.next = make(map[string]int)
	}
	n := max(x.next[string(name)], 2)
	var num [20]byte
	for ; x.taken(x.a.Concat(key, []byte{'_'}, strconv.AppendInt(num[:0], int64(n), 10))); n++ {
	}
	x.next[string(name)] = n + 1
	return x.a.Concat(key, []byte{'_'}, strconv.AppendInt(num[:0], int64(n), 10))
}

func (x *extraAdder) taken(name []byte) bool {
	if len(name) == 0 {
		return true
	}
	if _, ok := recordKeys[string(name)]; ok {
		return true
	}
	if x.big {
		_, ok := x.seen[string(name)]
		return ok
	}
	for i := x.base; i < len(x.e.fields); i++ {
		if string(x.e.fields[i].key) == string(name) {
			return true
		}
	}
	return false
}
