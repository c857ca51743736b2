// The seam between the config and the sink kinds: config decodes and
// validates sinks[] through a table of kinds handed to it and never names a
// kind itself.

package config

import (
	"fmt"
	"strings"
)

// SinkConfig is one sink kind's settings: a struct whose fields carry yaml
// tags (decoded strictly over the kind's defaults, with the same value types
// as the rest of the config: Secret with its *_file form, Size, durations,
// nested blocks such as tls, lists and maps) and whose Validate is pure,
// joins its problems with errors.Join and gives each a path relative to the
// sink (Problemf("url", "required"); Within("tls", c.TLS.Validate()) for a
// nested block).
type SinkConfig interface {
	Validate() error
}

// Warner is implemented by a sink config (or any settings struct decoded
// here) whose settings can be allowed but unwise. Warnings reports them
// like Validate reports problems: joined, each with a path relative to the
// struct; Load hands each, with its full path, to WithWarnings (`validate`
// and every command print them on stderr). Pure and fast, like Validate.
type Warner interface {
	Warnings() error
}

// SinkKinds is the table of sink kinds that Load decodes sinks[] with.
type SinkKinds interface {
	// SinkTypes lists every known type, in the table's order.
	SinkTypes() []string
	// DefaultSinkConfig returns a fresh config of the kind named typ with
	// every key at its default (a struct value), or false for an unknown
	// type.
	DefaultSinkConfig(typ string) (SinkConfig, bool)
}

// Sink is one destination: its name, its type and that kind's settings.
type Sink struct {
	Name   string
	Type   string
	Config SinkConfig // the kind's settings; nil when the type is unknown
}

// Validate checks the sink on its own, with paths relative to it.
func (s Sink) Validate() error {
	var p Problems
	s.validate(&p, "")
	return p.err()
}

func (s Sink) validate(p *Problems, path string) {
	checkName(p, field(path, "name"), s.Name)
	tp := field(path, "type")
	switch {
	case s.Type == "":
		p.add(tp, "required")
	case s.Config == nil:
		p.add(tp, "no settings for sink type %q", s.Type)
	default:
		p.addErr(path, s.Config.Validate())
	}
}

// Format implements fmt.Formatter: every verb prints the name, the type and
// the settings, whose Secret values print as [REDACTED].
func (s Sink) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "config.Sink{Name:%q, Type:%q, Config:%#v}", s.Name, s.Type, s.Config)
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{Name:%s Type:%s Config:%+v}", s.Name, s.Type, s.Config)
	default:
		fmt.Fprintf(f, "{%s %s %v}", s.Name, s.Type, s.Config)
	}
}

// typeList renders the known types for messages: "a, b or c".
func typeList(kinds SinkKinds) string {
	if kinds == nil || len(kinds.SinkTypes()) == 0 {
		return "no sink types are known"
	}
	types := kinds.SinkTypes()
	if len(types) == 1 {
		return types[0]
	}
	return strings.Join(types[:len(types)-1], ", ") + " or " + types[len(types)-1]
}
