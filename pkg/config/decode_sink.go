// Decoding of sinks[]: read `type` first, then decode the same mapping into
// that kind's config struct over its defaults, through the table of kinds
// Load was given.

package config

import (
	"reflect"

	"gopkg.in/yaml.v3"
)

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

// decodeSink decodes one sink: name and type, then the kind's own keys over
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
		d.problems.add(tp, "required (%s)", typeList(d.kinds))
		return s
	}
	t, ok := d.scalar(tp, typeNode)
	if !ok {
		return s
	}
	s.Type = t
	if t == "" {
		d.problems.add(tp, "required (%s)", typeList(d.kinds))
		return s
	}
	var def SinkConfig
	if d.kinds != nil {
		def, ok = d.kinds.DefaultSinkConfig(t)
	}
	if !ok || def == nil || reflect.TypeOf(def).Kind() != reflect.Struct {
		d.problems.add(tp, "unknown sink type %q (want %s)%s", t, typeList(d.kinds), didYouMean(t, sinkTypes(d.kinds)))
		return s
	}
	cv := reflect.New(reflect.TypeOf(def)).Elem()
	cv.Set(reflect.ValueOf(def))
	d.decodeFields(path, pairs, cv, map[string]bool{"name": true, "type": true})
	s.Config = cv.Interface().(SinkConfig)
	return s
}

// sinkTypes lists the known types; none without a table.
func sinkTypes(kinds SinkKinds) []string {
	if kinds == nil {
		return nil
	}
	return kinds.SinkTypes()
}
