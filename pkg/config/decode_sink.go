// Decoding of sinks[]: read `type` first, then decode the same mapping into
// that type's struct.

package config

import (
	"reflect"

	"gopkg.in/yaml.v3"
)

// sinkTypeList is how messages name the known sink types.
const sinkTypeList = SinkSplunkHEC + ", " + SinkSyslog + " or " + SinkFile

// decodeSinks decodes the sinks list.
func (d *decoder) decodeSinks(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.problems.add(path, "expected a list, got %s", kindName(n))
		return
	}
	sinks := make([]Sink, len(n.Content))
	for i, item := range n.Content {
		sinks[i] = d.decodeSink(index(path, i), resolve(item))
	}
	v.Set(reflect.ValueOf(sinks))
}

// decodeSink decodes one sink: name and type, then the type's own keys over
// its defaults.
func (d *decoder) decodeSink(path string, n *yaml.Node) Sink {
	var s Sink
	if isNull(n) || n.Kind != yaml.MappingNode {
		d.problems.add(path, "expected a mapping of keys, got %s", kindName(n))
		return s
	}
	pairs := d.pairs(path, n)
	var typeNode *yaml.Node
	for _, p := range pairs {
		switch p.key.Value {
		case "name":
			d.decodeValue(field(path, "name"), p.value, reflect.ValueOf(&s.Name).Elem())
		case "type":
			typeNode = p.value
		}
	}
	tp := field(path, "type")
	if typeNode == nil || isNull(resolve(typeNode)) {
		d.problems.add(tp, "required (%s)", sinkTypeList)
		return s
	}
	t, ok := d.scalar(tp, typeNode)
	if !ok {
		return s
	}
	s.Type = t
	skip := map[string]bool{"name": true, "type": true}
	switch t {
	case SinkSplunkHEC:
		h := DefaultHEC()
		d.decodeFields(path, pairs, reflect.ValueOf(&h).Elem(), skip)
		s.HEC = &h
	case SinkSyslog:
		sl := DefaultSyslog()
		d.decodeFields(path, pairs, reflect.ValueOf(&sl).Elem(), skip)
		if sl.MaxMessageBytes == 0 {
			sl.MaxMessageBytes = DefaultMaxMessageBytesFor(sl.Network)
		}
		s.Syslog = &sl
	case SinkFile:
		f := DefaultFile()
		d.decodeFields(path, pairs, reflect.ValueOf(&f).Elem(), skip)
		s.File = &f
	case "":
		d.problems.add(tp, "required (%s)", sinkTypeList)
	default:
		d.problems.add(tp, "unknown sink type %q (want %s)", t, sinkTypeList)
	}
	return s
}
