// Sink kinds: what a sink package hands to the table of kinds (its type,
// default config and constructor), how its config describes the sink, and
// the Registry that serves the table to config decoding and to the agent.

package sink

import (
	"fmt"
	"reflect"
	"time"

	"github.com/serfwd/serfwd/pkg/config"
)

// Config is a sink kind's settings: a struct with yaml tags that config
// decodes over the kind's defaults, validates, and that describes the sink
// it configures. Which values are secret is said by their type: every
// config.Secret in it (nested blocks and maps included) is redacted from
// all output, found by type rather than registered.
type Config interface {
	config.SinkConfig      // Validate: pure, errors.Join, paths relative to the sink
	Describe() Description // how the sink presents itself
	Limits() Limits        // what one Write gets
}

// Description is how a sink presents itself in `check`, `status`, logs and
// metrics, and its kind in `serfwd help` (the kind's defaults describe it
// there).
type Description struct {
	Target string // where events go, safe to print: a URL without credentials, network://address, a path
	Check  string // what a passed `serfwd check` proved, e.g. "health ok, token accepted"
	About  string // what the kind delivers to, in words: "Splunk (HTTP Event Collector)"
	// Truncates says that the sink may shorten messages to fit a size
	// limit and reports it (Metrics.Truncated): its truncation counter
	// exists from the start; a sink that never truncates has none.
	Truncates bool
}

// KindHelp is how one kind appears in help texts: its type, what it
// delivers to and what `check` proves, as its defaults describe them.
type KindHelp struct {
	Type, About, Check string
}

// Help lists every kind for help texts, in the table's order.
func (r *Registry) Help() []KindHelp {
	out := make([]KindHelp, len(r.kinds))
	for i, k := range r.kinds {
		d := k.defaults().Describe()
		out[i] = KindHelp{Type: k.typ, About: d.About, Check: d.Check}
	}
	return out
}

// Limits bound what the delivery loop hands one Write. Bytes per request
// are the sink's own to bound (batch_max_bytes), as it encodes.
type Limits struct {
	// MaxEvents: events per Write (0 = the loop's default). Whole queue
	// entries are joined while they fit; an entry larger than this (the
	// poller packs up to state.DefaultBatchEvents) comes alone, so a sink
	// that needs smaller requests cuts the Write itself.
	MaxEvents    int
	BatchTimeout time.Duration // how long to wait for more events when fewer than MaxEvents are queued; 0 = none
}

// Kind is one kind of sink, as its package offers it: sink packages define
// `func Kind() sink.Kind { return sink.NewKind(Type, DefaultConfig, New) }`.
type Kind struct {
	typ      string
	defaults func() Config
	build    func(Settings, Config) (Sink, error)
}

// NewKind makes a Kind from a package's type name, its defaults constructor
// (a struct value) and its constructor.
func NewKind[C Config](typ string, defaults func() C, newSink func(Settings, C) (Sink, error)) Kind {
	return Kind{
		typ:      typ,
		defaults: func() Config { return defaults() },
		build: func(s Settings, c Config) (Sink, error) {
			cc, ok := c.(C)
			if !ok {
				return nil, fmt.Errorf("sink %q: settings of type %T, want %s settings", s.Name, c, typ)
			}
			return newSink(s, cc)
		},
	}
}

// Type is the kind's name in the config's `type` key.
func (k Kind) Type() string { return k.typ }

// DefaultConfig returns a fresh config of the kind at its defaults.
func (k Kind) DefaultConfig() Config { return k.defaults() }

// Registry is the table of sink kinds, built from an explicit list.
type Registry struct {
	kinds  []Kind
	byType map[string]Kind
}

// NewRegistry builds a registry in the given order (the order messages list
// the types in) and rejects duplicate types and configs that are not
// structs.
func NewRegistry(kinds ...Kind) (*Registry, error) {
	r := &Registry{byType: make(map[string]Kind, len(kinds))}
	for _, k := range kinds {
		if k.typ == "" || k.defaults == nil || k.build == nil {
			return nil, fmt.Errorf("sink kind %q is incomplete", k.typ)
		}
		if _, dup := r.byType[k.typ]; dup {
			return nil, fmt.Errorf("sink type %q registered twice", k.typ)
		}
		if t := reflect.TypeOf(k.defaults()); t == nil || t.Kind() != reflect.Struct {
			return nil, fmt.Errorf("sink type %q: its config is %v, want a struct", k.typ, t)
		}
		r.kinds = append(r.kinds, k)
		r.byType[k.typ] = k
	}
	return r, nil
}

// SinkTypes lists the known types in the table's order (config.SinkKinds).
func (r *Registry) SinkTypes() []string {
	out := make([]string, len(r.kinds))
	for i, k := range r.kinds {
		out[i] = k.typ
	}
	return out
}

// DefaultSinkConfig returns the defaults of type typ (config.SinkKinds).
func (r *Registry) DefaultSinkConfig(typ string) (config.SinkConfig, bool) {
	k, ok := r.byType[typ]
	if !ok {
		return nil, false
	}
	return k.defaults(), true
}

// New builds the sink of one config entry; s is completed WithDefaults.
func (r *Registry) New(s Settings, c config.Sink) (Sink, error) {
	k, ok := r.byType[c.Type]
	if !ok {
		return nil, fmt.Errorf("sink %q: unknown type %q", c.Name, c.Type)
	}
	sc, ok := c.Config.(Config)
	if !ok {
		return nil, fmt.Errorf("sink %q: no %s settings", c.Name, c.Type)
	}
	if s.Name == "" {
		s.Name = c.Name
	}
	return k.build(s.WithDefaults(), sc)
}

// Describe is how the sink of config entry c presents itself.
func Describe(c config.Sink) Description {
	if sc, ok := c.Config.(Config); ok {
		return sc.Describe()
	}
	return Description{Target: "-", Check: "ok"}
}

// LimitsOf is what the delivery loop hands one Write of the sink of c.
func LimitsOf(c config.Sink) Limits {
	if sc, ok := c.Config.(Config); ok {
		return sc.Limits()
	}
	return Limits{}
}
