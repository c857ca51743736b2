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
// Names and texts are Clean (invalid UTF-8 replaced), so keys stay unique in
// every encoding.

package event

import (
	"bytes"
	"encoding/json"
	"strconv"

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
type extraAdder struct {
	e    *Event
	base int                 // index of the first extra in e.Fields
	seen map[string]struct{} // extra keys, once there are more than extraScanLimit
	next map[string]int      // per clashing name, the next suffix to try
}

func addExtras(e *Event, extras []serapi.ExtraField) {
	if len(extras) == 0 {
		return
	}
	x := extraAdder{e: e, base: len(e.Fields)}
	for i := range extras {
		name := Clean(extras[i].Name)
		raw := trimSpace(extras[i].Value)
		switch {
		case len(raw) == 0:
		case !json.Valid(raw):
			x.add(Field{Key: name, Kind: String, Str: Clean(string(raw))})
		default:
			x.value(name, raw, 0)
		}
	}
}

// value adds the valid JSON value raw under name.
func (x *extraAdder) value(name string, raw []byte, depth int) {
	switch raw[0] {
	case 'n':
		// null: absent
	case '"':
		x.add(Field{Key: name, Kind: String, Str: unquote(raw)})
	case '{':
		x.object(name, raw, depth)
	case '[':
		x.list(name, raw)
	case 't', 'f':
		x.add(Field{Key: name, Kind: Raw, Str: string(raw)})
	default:
		x.add(numberField(name, raw))
	}
}

func numberField(name string, raw []byte) Field {
	if bytes.IndexAny(raw, ".eE") < 0 {
		if v, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
			return Field{Key: name, Kind: Int, Int: v}
		}
	}
	return Field{Key: name, Kind: Raw, Str: string(raw)}
}

func (x *extraAdder) object(name string, raw []byte, depth int) {
	if depth >= maxFlattenDepth {
		x.add(Field{Key: name, Kind: Raw, Str: compact(raw)})
		return
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // '{'
		return
	}
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		var v json.RawMessage
		if err != nil || !ok || dec.Decode(&v) != nil {
			return // cannot happen: raw is valid JSON
		}
		if v = trimSpace(v); len(v) > 0 {
			x.value(name+"_"+key, v, depth+1)
		}
	}
}

func (x *extraAdder) list(name string, raw []byte) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		x.add(Field{Key: name, Kind: Raw, Str: compact(raw)})
		return
	}
	out := make([]string, len(items))
	for i, it := range items {
		it = trimSpace(it)
		switch {
		case len(it) == 0:
		case it[0] == '{' || it[0] == '[':
			x.add(Field{Key: name, Kind: Raw, Str: compact(raw)})
			return
		case it[0] == '"':
			out[i] = unquote(it)
		default:
			out[i] = string(it)
		}
	}
	x.add(Field{Key: name, Kind: List, List: out})
}

// trimSpace drops JSON white space around raw.
func trimSpace(raw []byte) []byte {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
	for len(raw) > 0 && isSpace(raw[0]) {
		raw = raw[1:]
	}
	for len(raw) > 0 && isSpace(raw[len(raw)-1]) {
		raw = raw[:len(raw)-1]
	}
	return raw
}

// unquote decodes a valid JSON string literal into clean text.
func unquote(raw []byte) string {
	if bytes.IndexByte(raw, '\\') < 0 {
		return Clean(string(raw[1 : len(raw)-1]))
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return Clean(string(raw))
	}
	return s
}

// compact returns valid JSON raw without insignificant space, as clean text.
func compact(raw []byte) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return Clean(string(raw))
	}
	return Clean(b.String())
}

// add appends f under a key that no fixed key or earlier extra uses: its
// own, else extra_<key>, else extra_<key>_2, _3, … (the first free one).
func (x *extraAdder) add(f Field) {
	if x.taken(f.Key) {
		f.Key = x.free(f.Key)
	}
	x.e.Fields = append(x.e.Fields, f)
	switch {
	case x.seen != nil:
		x.seen[f.Key] = struct{}{}
	case len(x.e.Fields)-x.base > extraScanLimit:
		x.seen = make(map[string]struct{}, 2*extraScanLimit)
		for _, g := range x.e.Fields[x.base:] {
			x.seen[g.Key] = struct{}{}
		}
	}
}

// free finds the key for a clashing name. next remembers, per name, the
// suffix to try first, so that many equal names cost linear time.
func (x *extraAdder) free(name string) string {
	key := extraPrefix + name
	if !x.taken(key) {
		return key
	}
	if x.next == nil {
		x.next = make(map[string]int)
	}
	n := max(x.next[name], 2)
	for ; x.taken(key + "_" + strconv.Itoa(n)); n++ {
	}
	x.next[name] = n + 1
	return key + "_" + strconv.Itoa(n)
}

func (x *extraAdder) taken(name string) bool {
	if name == "" {
		return true
	}
	if _, ok := recordKeys[name]; ok {
		return true
	}
	if x.seen != nil {
		_, ok := x.seen[name]
		return ok
	}
	for i := x.base; i < len(x.e.Fields); i++ {
		if x.e.Fields[i].Key == name {
			return true
		}
	}
	return false
}
