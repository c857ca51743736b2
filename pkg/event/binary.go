package event

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// The binary form is what the state file's queues hold (compressed in
// batches): per event a uvarint field count, then per field the key, a kind
// byte and the value. Strings are a uvarint length and bytes; integers are
// zig-zag varints; lists are a uvarint count of strings.

// AppendBinary appends the event's binary form.
func (e *Event) AppendBinary(dst []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(e.Fields)))
	for i := range e.Fields {
		f := &e.Fields[i]
		dst = appendBinString(dst, f.Key)
		dst = append(dst, byte(f.Kind))
		switch f.Kind {
		case Int:
			dst = binary.AppendVarint(dst, f.Int)
		case List:
			dst = binary.AppendUvarint(dst, uint64(len(f.List)))
			for _, s := range f.List {
				dst = appendBinString(dst, s)
			}
		default:
			dst = appendBinString(dst, f.Str)
		}
	}
	return dst
}

func appendBinString(dst []byte, s string) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(s)))
	return append(dst, s...)
}

var errShort = errors.New("event: truncated binary event")

// DecodeBinary reads one event from the front of b and returns the rest.
func DecodeBinary(b []byte) (Event, []byte, error) {
	n, b, err := readUvarint(b)
	if err != nil {
		return Event{}, nil, err
	}
	if n > uint64(len(b)) {
		return Event{}, nil, errShort
	}
	e := Event{Fields: make([]Field, n)}
	for i := range e.Fields {
		f := &e.Fields[i]
		if f.Key, b, err = readBinString(b); err != nil {
			return Event{}, nil, err
		}
		if len(b) == 0 {
			return Event{}, nil, errShort
		}
		f.Kind, b = Kind(b[0]), b[1:]
		switch f.Kind {
		case Int:
			v, k := binary.Varint(b)
			if k <= 0 {
				return Event{}, nil, errShort
			}
			f.Int, b = v, b[k:]
		case List:
			var c uint64
			if c, b, err = readUvarint(b); err != nil {
				return Event{}, nil, err
			}
			if c > uint64(len(b)) {
				return Event{}, nil, errShort
			}
			f.List = make([]string, c)
			for j := range f.List {
				if f.List[j], b, err = readBinString(b); err != nil {
					return Event{}, nil, err
				}
			}
		case String, Raw:
			if f.Str, b, err = readBinString(b); err != nil {
				return Event{}, nil, err
			}
		default:
			return Event{}, nil, fmt.Errorf("event: unknown field kind %d", f.Kind)
		}
	}
	return e, b, nil
}

func readUvarint(b []byte) (uint64, []byte, error) {
	v, k := binary.Uvarint(b)
	if k <= 0 {
		return 0, nil, errShort
	}
	return v, b[k:], nil
}

func readBinString(b []byte) (string, []byte, error) {
	n, b, err := readUvarint(b)
	if err != nil {
		return "", nil, err
	}
	if n > uint64(len(b)) {
		return "", nil, errShort
	}
	return string(b[:n]), b[n:], nil
}
