// A strict decoder from a yaml.Node tree into the config structs: it knows
// every key by its yaml tag, reports unknown keys (with the nearest known
// one) and duplicate keys with their paths, expands ${VAR} in scalar values
// and collects every problem instead of stopping at the first.

package config

import (
	"reflect"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// decoder holds what one decoding pass collects.
type decoder struct {
	lookup   LookupEnv
	readFile func(string) ([]byte, error)
	kinds    SinkKinds // the sink kinds sinks[] may use
	problems Problems
	inline   []string                         // paths of secrets written (at least partly) literally in the file
	warnings []string                         // "path: what", for things allowed but unwise
	seen     map[reflect.Type]map[string]bool // keys met per struct type; nil unless a test asks
}

// pair is one key and its value in a mapping.
type pair struct{ key, value *yaml.Node }

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// isNull reports an empty value (`key:`, `~`, `null`).
func isNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// kindName says what a node is, for messages that must not quote values.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	default:
		return "a single value"
	}
}

// decodeValue decodes n into v, which already holds v's defaults. An empty
// value keeps the defaults (and empties a list).
func (d *decoder) decodeValue(path string, n *yaml.Node, v reflect.Value) {
	n = resolve(n)
	if isNull(n) {
		if v.Kind() == reflect.Slice {
			v.SetZero()
		}
		return
	}
	switch {
	case v.Type() == reflect.TypeFor[[]Sink]():
		d.decodeSinks(path, n, v)
	case leafDecoders[v.Type()] != nil || isBasicKind(v.Kind()):
		d.decodeLeaf(path, n, v)
	case v.Kind() == reflect.Struct:
		d.decodeStruct(path, n, v)
	case v.Kind() == reflect.Slice:
		d.decodeSlice(path, n, v)
	case v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String:
		d.decodeMap(path, n, v)
	default:
		d.problems.add(path, "cannot decode into %s", v.Type())
	}
}

// decodeStruct decodes a mapping into a struct.
func (d *decoder) decodeStruct(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.problems.add(path, "expected a mapping of keys, got %s", kindName(n))
		return
	}
	d.decodeFields(path, d.pairs(path, n), v, nil)
}

// decodeFields sets v's fields from pairs; keys in skip belong to the caller.
// A Secret field named k also accepts k_file, the path of a file holding it.
func (d *decoder) decodeFields(path string, pairs []pair, v reflect.Value, skip map[string]bool) {
	fields := yamlFields(v.Type())
	present := make(map[string]bool, len(pairs))
	for _, p := range pairs {
		present[p.key.Value] = true
	}
	for _, p := range pairs {
		key := p.key.Value
		kp := field(path, key)
		if skip[key] {
			continue
		}
		if f, ok := fields[key]; ok {
			d.markSeen(v.Type(), key)
			d.decodeValue(kp, p.value, v.FieldByIndex(f.index))
			continue
		}
		if base, ok := strings.CutSuffix(key, "_file"); ok {
			if f, ok := fields[base]; ok && f.secret {
				d.markSeen(v.Type(), base)
				if present[base] {
					d.problems.add(kp, "%s and %s are both set (use one)", base, key)
					continue
				}
				d.decodeSecretFile(kp, p.value, v.FieldByIndex(f.index))
				continue
			}
		}
		d.problems.add(kp, "unknown key%s", didYouMean(key, knownKeys(v.Type(), skip)))
	}
	d.checkCleartext(path, v)
	d.checkWarner(path, v)
	d.checkTLSFiles(path, v)
}

// knownKeys lists the keys a struct accepts, in field order: its yaml names,
// k_file for each Secret k, and the keys its caller handles (skip).
func knownKeys(t reflect.Type, skip map[string]bool) []string {
	keys := make([]string, 0, len(skip))
	for k := range skip {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fields := yamlFields(t)
	for _, name := range fieldOrder(fields) {
		keys = append(keys, name)
		if fields[name].secret {
			keys = append(keys, name+"_file")
		}
	}
	return keys
}

// fieldOrder lists a struct's keys in the order of its fields.
func fieldOrder(fields map[string]yamlField) []string {
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int { return slices.Compare(fields[a].index, fields[b].index) })
	return names
}

// decodeMap decodes a mapping of names to values (such as headers): every
// key is the user's, so none is unknown; values decode like any other.
func (d *decoder) decodeMap(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.problems.add(path, "expected a mapping of keys, got %s", kindName(n))
		return
	}
	pairs := d.pairs(path, n)
	out := reflect.MakeMapWithSize(v.Type(), len(pairs))
	for _, p := range pairs {
		el := reflect.New(v.Type().Elem()).Elem()
		d.decodeValue(field(path, p.key.Value), p.value, el)
		out.SetMapIndex(reflect.ValueOf(p.key.Value).Convert(v.Type().Key()), el)
	}
	v.Set(out)
}

// decodeSlice decodes a list; input items start from DefaultInput.
func (d *decoder) decodeSlice(path string, n *yaml.Node, v reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.problems.add(path, "expected a list, got %s", kindName(n))
		return
	}
	out := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		el := out.Index(i)
		if el.Type() == reflect.TypeFor[Input]() {
			el.Set(reflect.ValueOf(DefaultInput()))
		}
		d.decodeValue(index(path, i), item, el)
	}
	v.Set(out)
}

// pairs returns a mapping's key/value pairs in document order, with the
// keys of `<<: *anchor` merges in place of the merge key unless the mapping
// sets them itself. Keys given twice are reported.
func (d *decoder) pairs(path string, n *yaml.Node) []pair {
	explicit := make(map[string]*yaml.Node, len(n.Content)/2)
	var out []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := resolve(n.Content[i])
		if k.Kind != yaml.ScalarNode {
			d.problems.add(path, "keys must be plain names, got %s (line %d)", kindName(k), k.Line)
			continue
		}
		if isMerge(k) {
			continue
		}
		if first, dup := explicit[k.Value]; dup {
			d.problems.add(field(path, k.Value), "duplicate key (first at line %d)", first.Line)
			continue
		}
		explicit[k.Value] = k
	}
	taken := make(map[string]bool, len(explicit))
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := resolve(n.Content[i]), n.Content[i+1]
		switch {
		case k.Kind != yaml.ScalarNode:
		case isMerge(k):
			for _, p := range d.mergePairs(path, val) {
				if explicit[p.key.Value] == nil && !taken[p.key.Value] {
					taken[p.key.Value] = true
					out = append(out, p)
				}
			}
		case explicit[k.Value] == k:
			taken[k.Value] = true
			out = append(out, pair{k, val})
		}
	}
	return out
}

// isMerge reports a `<<` merge key.
func isMerge(k *yaml.Node) bool {
	return k.Tag == "!!merge" || (k.Value == "<<" && k.Style == 0)
}

// mergePairs returns the pairs a merge key brings in: one mapping or a list
// of them, earlier ones winning.
func (d *decoder) mergePairs(path string, val *yaml.Node) []pair {
	val = resolve(val)
	switch val.Kind {
	case yaml.MappingNode:
		return d.pairs(path, val)
	case yaml.SequenceNode:
		var out []pair
		for _, m := range val.Content {
			out = append(out, d.mergePairs(path, m)...)
		}
		return out
	}
	d.problems.add(field(path, "<<"), "a merge needs a mapping or a list of mappings, got %s", kindName(val))
	return nil
}

// markSeen records that the example-file test met key on type t.
func (d *decoder) markSeen(t reflect.Type, key string) {
	if d.seen == nil {
		return
	}
	if d.seen[t] == nil {
		d.seen[t] = map[string]bool{}
	}
	d.seen[t][key] = true
}

var fieldCache sync.Map // reflect.Type → map[string]yamlField

// yamlField is where a yaml key lives in a struct.
type yamlField struct {
	index  []int // for reflect.Value.FieldByIndex
	secret bool  // a Secret, which also accepts key_file
}

// yamlFields maps a struct's yaml key names to its fields. A struct field
// tagged `yaml:",inline"` lends its keys to the enclosing struct (a kind's
// tls block can add keys to config.TLS).
func yamlFields(t reflect.Type) map[string]yamlField {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]yamlField)
	}
	m := map[string]yamlField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case !f.IsExported() || name == "-":
		case name == "" && opts == "inline" && f.Type.Kind() == reflect.Struct:
			for k, sub := range yamlFields(f.Type) {
				m[k] = yamlField{index: append([]int{i}, sub.index...), secret: sub.secret}
			}
		case name != "":
			m[name] = yamlField{index: []int{i}, secret: f.Type == reflect.TypeFor[Secret]()}
		}
	}
	fieldCache.Store(t, m)
	return m
}
