// event.go defines the Event model: ordered, typed fields and their accessors.

package event

import (
	"strconv"
	"time"
)

// Event types (SPEC §4).
const (
	TypeApplicationUser = "ser.applicationUser"
	TypeWindow          = "ser.window"
)

// Well-known keys that encoders and the pipeline look up.
const (
	KeyEventType   = "eventType"
	KeyEventID     = "eventId"
	KeyRevision    = "revision"
	KeyInput       = "input"
	KeyWindowStart = "windowStart"
	KeyWindowEnd   = "windowEnd"
	KeyFailure     = "failure"
)

// TimeLayout is the SER API's and serfwd's timestamp format, always UTC.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime renders t in TimeLayout, in UTC.
func FormatTime(t time.Time) string {
	var b [len(TimeLayout)]byte
	return string(appendTime(b[:0], t))
}

// Kind says which member of a Field holds its value.
type Kind uint8

const (
	String Kind = iota + 1 // Str
	Int                    // Int
	List                   // List
	Raw                    // Str holds a JSON literal kept verbatim: a non-integer number, true, false or null
)

// Field is one key of an event with its typed value.
type Field struct {
	Key  string
	Kind Kind
	Str  string
	Int  int64
	List []string
}

// Event is one flat event: its fields in their output order. Keys are unique.
type Event struct {
	Fields []Field
}

// Get returns the field named key.
func (e *Event) Get(key string) (Field, bool) {
	for i := range e.Fields {
		if e.Fields[i].Key == key {
			return e.Fields[i], true
		}
	}
	return Field{}, false
}

// Str returns the string value of key, or "" when it is absent or not a string.
func (e *Event) Str(key string) string {
	f, ok := e.Get(key)
	if !ok || f.Kind != String {
		return ""
	}
	return f.Str
}

// IntValue returns the integer value of key, or 0 when it is absent or not an integer.
func (e *Event) IntValue(key string) int64 {
	f, ok := e.Get(key)
	if !ok || f.Kind != Int {
		return 0
	}
	return f.Int
}

// Type is the event's eventType.
func (e *Event) Type() string { return e.Str(KeyEventType) }

// ID is the event's eventId.
func (e *Event) ID() string { return e.Str(KeyEventID) }

// Revision is the event's revision.
func (e *Event) Revision() int64 { return e.IntValue(KeyRevision) }

// WindowStart parses the event's windowStart; the zero time when it is missing or malformed.
func (e *Event) WindowStart() time.Time {
	t, err := time.Parse(TimeLayout, e.Str(KeyWindowStart))
	if err != nil {
		return time.Time{}
	}
	return t
}

// Value renders a field's value as text, lists joined with ",", for
// key=value formats such as LEEF and CEF.
func (f Field) Value() string {
	switch f.Kind {
	case String, Raw:
		return f.Str
	case Int:
		return strconv.FormatInt(f.Int, 10)
	case List:
		n := 0
		for _, s := range f.List {
			n += len(s) + 1
		}
		b := make([]byte, 0, n)
		for i, s := range f.List {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, s...)
		}
		return string(b)
	}
	return ""
}

// AddString appends a string field. The Add methods exist so that
// flattening code reads as a list of keys.
func (e *Event) AddString(key, v string) {
	e.Fields = append(e.Fields, Field{Key: key, Kind: String, Str: v})
}

// AddInt appends an integer field.
func (e *Event) AddInt(key string, v int64) {
	e.Fields = append(e.Fields, Field{Key: key, Kind: Int, Int: v})
}

// AddList appends a list-of-strings field.
func (e *Event) AddList(key string, v []string) {
	e.Fields = append(e.Fields, Field{Key: key, Kind: List, List: v})
}

// AddRaw appends a JSON literal kept verbatim.
func (e *Event) AddRaw(key, literal string) {
	e.Fields = append(e.Fields, Field{Key: key, Kind: Raw, Str: literal})
}

// Set replaces the value of key, or appends the field when it is absent.
func (e *Event) Set(f Field) {
	for i := range e.Fields {
		if e.Fields[i].Key == f.Key {
			e.Fields[i] = f
			return
		}
	}
	e.Fields = append(e.Fields, f)
}
