// export_test.go lends the external tests (package config_test) a few
// internals: key recording for the example-file test, the struct key lists,
// the list of sink types and a fake file system for the fuzz target.

package config

import "reflect"

// ParseRecordingKeys is Parse with validation, recording in seen every key
// met, per struct type.
func ParseRecordingKeys(data []byte, seen map[reflect.Type]map[string]bool, opts ...Option) (*Config, error) {
	o := newOptions(opts)
	o.seen = seen
	cfg, _, err := parse(data, o, true)
	return cfg, err
}

// StructKeys lists the yaml keys of struct type t, in field order, with the
// keys of its inline blocks.
func StructKeys(t reflect.Type) []string { return fieldOrder(yamlFields(t)) }

// IsLeaf reports types decoded from one value (durations, sizes, …).
func IsLeaf(t reflect.Type) bool { return leafDecoders[t] != nil }

// TypeList is how problems list the known sink types ("a, b or c").
func TypeList(kinds SinkKinds) string { return typeList(kinds) }

// WithReadFile replaces os.ReadFile for *_file keys.
func WithReadFile(f func(string) ([]byte, error)) Option {
	return func(o *options) { o.readFile = f }
}
