// flat.go is the form an event takes while it is flattened: fields whose
// texts are byte slices into the decoder's buffer or the flattener's arena,
// reused from record to record. It is packed straight into a batch, or
// turned into an Event when one is wanted.

package event

import (
	"encoding/hex"
	"unsafe"
)

// constKind marks a field whose value is one of the window's constants
// (Consts): constKind + slot is stored as the field's kind.
const constKind Kind = 0x40

// maxConsts bounds the slots.
const maxConsts = 0x3f

// rawField is one field under construction.
type rawField struct {
	key   []byte
	kind  Kind // String, Int, List, Raw, or constKind + slot
	text  []byte
	num   int64
	items [][]byte
	id    bool // text is the 32 bytes of an eventId; its value is their hex form
}

// rawEvent is an event under construction; Reset keeps its storage.
type rawEvent struct {
	fields []rawField
	items  [][]byte // the list items of all fields
	static int      // the first fields whose keys are the package's own variables (kEventType, …), which never change
	layout uint8    // when not 0: the first static fields have the keys and kinds of every event of this layout
}

// layoutPack is the layout of the events the Flattener packs: the fixed
// fields of a ser.applicationUser event, the entitlement left to the window
// constants.
const layoutPack = 1

func (e *rawEvent) reset() {
	clear(e.fields) // let go of the last record's bytes
	clear(e.items)
	e.fields, e.items, e.static, e.layout = e.fields[:0], e.items[:0], 0, 0
}

func (e *rawEvent) str(key, v []byte) {
	e.fields = append(e.fields, rawField{key: key, kind: String, text: v})
}

func (e *rawEvent) integer(key []byte, v int64) {
	e.fields = append(e.fields, rawField{key: key, kind: Int, num: v})
}

func (e *rawEvent) raw(key, literal []byte) {
	e.fields = append(e.fields, rawField{key: key, kind: Raw, text: literal})
}

// list adds a list field whose items are the items held from index from on.
func (e *rawEvent) list(key []byte, from int) {
	items := e.items[from:len(e.items):len(e.items)]
	if len(items) == 0 {
		items = nil
	}
	e.fields = append(e.fields, rawField{key: key, kind: List, items: items})
}

// constant adds a field whose value is the window's constant slot.
func (e *rawEvent) constant(key []byte, slot int) {
	e.fields = append(e.fields, rawField{key: key, kind: constKind + Kind(slot)})
}

// event copies e into an Event: its texts into one string that the fields
// slice, the keys of the fixed fields as the package's own strings. Const
// fields take their values from consts; lists are never nil.
func (e *rawEvent) event(consts []Field) Event {
	n, items := 0, 0
	for i := range e.fields {
		f := &e.fields[i]
		n += len(f.key) + len(f.text)
		if f.id {
			n += len(f.text)
		}
		for _, it := range f.items {
			n += len(it)
		}
		items += len(f.items)
	}
	t := texts{buf: make([]byte, 0, n)}
	for i := range e.fields {
		f := &e.fields[i]
		t.add(f.key)
		if f.id {
			t.buf = hex.AppendEncode(t.buf, f.text)
		} else {
			t.buf = append(t.buf, f.text...)
		}
		for _, it := range f.items {
			t.buf = append(t.buf, it...)
		}
	}
	all := string(t.buf)
	out := Event{Fields: make([]Field, len(e.fields))}
	list := make([]string, items)
	off := 0
	take := func(n int) string { s := all[off : off+n]; off += n; return s }
	for i := range e.fields {
		f, o := &e.fields[i], &out.Fields[i]
		key := take(len(f.key))
		if k, ok := fixedKeys[key]; ok {
			key = k
		}
		o.Key, o.Kind = key, f.kind
		switch {
		case f.kind >= constKind:
			*o = consts[f.kind-constKind]
			o.Key = key
		case f.kind == Int:
			o.Int = f.num
		case f.kind == List:
			o.List = emptyList
			if len(f.items) > 0 {
				o.List, list = list[:len(f.items):len(f.items)], list[len(f.items):]
				for j, it := range f.items {
					o.List[j] = take(len(it))
				}
			}
		case f.id:
			o.Str = take(2 * len(f.text))
		default:
			o.Str = take(len(f.text))
		}
	}
	return out
}

// texts collects an event's texts.
type texts struct{ buf []byte }

func (t *texts) add(b []byte) { t.buf = append(t.buf, b...) }

// fixedKeys maps the keys of the fixed fields to the package's strings, so
// that events share them.
var fixedKeys = func() map[string]string {
	m := map[string]string{}
	for k := range recordKeys {
		m[k] = k
	}
	m[KeyRecords] = KeyRecords
	return m
}()

// fromEvent fills e with ev's fields as a read-only view of its texts. A
// field of an unknown Kind becomes a Raw null, as AppendJSON writes it.
func (e *rawEvent) fromEvent(ev *Event) {
	e.reset()
	for i := range ev.Fields {
		f := &ev.Fields[i]
		key := bytesOf(f.Key)
		switch f.Kind {
		case String:
			e.str(key, bytesOf(f.Str))
		case Raw:
			e.raw(key, bytesOf(f.Str))
		case Int:
			e.integer(key, f.Int)
		case List:
			from := len(e.items)
			for _, s := range f.List {
				e.items = append(e.items, bytesOf(s))
			}
			e.list(key, from)
		default:
			e.raw(key, nil)
		}
	}
}

// bytesOf views s as bytes without copying. The bytes must never be
// written: only the packer and the flattener read them.
func bytesOf(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
