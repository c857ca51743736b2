// Load reads a config file: YAML into a node tree, strict decoding over the
// defaults (sinks through the table of kinds it is given), ${VAR} expansion,
// *_file secrets, and resolution of each input's sink list; LoadAndValidate
// adds Validate in the same pass.

package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Option changes how Load and Parse work.
type Option func(*options)

type options struct {
	kinds    SinkKinds
	lookup   LookupEnv
	warn     func(msg string)
	readFile func(string) ([]byte, error)
	seen     map[reflect.Type]map[string]bool // for the example-file test
	lenient  bool
}

// WithSinkKinds is the table of sink kinds that sinks[] may use; without it
// every sink type is unknown.
func WithSinkKinds(k SinkKinds) Option { return func(o *options) { o.kinds = k } }

// WithLookupEnv replaces os.LookupEnv for ${VAR} expansion (tests, and the
// commands' --env-file and --credentials).
func WithLookupEnv(f LookupEnv) Option { return func(o *options) { o.lookup = f } }

// WithWarnings receives warnings that are not errors, such as a config file
// that holds inline secrets and is readable by group or others.
func WithWarnings(f func(msg string)) Option { return func(o *options) { o.warn = f } }

// Lenient is the mode of commands that need only where the state file is
// and the names of inputs and sinks (`status`, `checkpoint show`): of the
// problems, only those of the YAML itself, of state_path and of names are
// reported; everything else is kept as it could be decoded. A secret whose
// ${VAR} is not set or whose *_file cannot be read is then simply empty, so
// that `sudo serfwd status` works without the service's --env-file and
// --credentials. Commands that use secrets never load leniently.
func Lenient() Option { return func(o *options) { o.lenient = true } }

func newOptions(opts []Option) *options {
	o := &options{lookup: os.LookupEnv, warn: func(string) {}, readFile: os.ReadFile}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// Load reads and decodes the config file at path. Problems with the content
// come back as Problems; a file that cannot be read as a plain error naming
// it. Load does not validate: call Validate on the result.
func Load(path string, opts ...Option) (*Config, error) {
	return load(path, false, opts)
}

// LoadAndValidate is Load and Validate in one pass, for `serfwd validate`
// and every command that runs on a config: the problems of decoding and of
// validation come back together as Problems, decoding's first, except a
// validation problem that only repeats a decoding one (a key whose value
// could not be read, at or under its path, or the key its *_file form
// failed to fill).
func LoadAndValidate(path string, opts ...Option) (*Config, error) {
	return load(path, true, opts)
}

func load(path string, validate bool, opts []Option) (*Config, error) {
	o := newOptions(opts)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading config: %w", err)
	}
	cfg, d, err := parse(data, o, validate)
	if d != nil {
		if len(d.inline) > 0 {
			if fi, serr := os.Stat(path); serr == nil && fi.Mode().Perm()&0o044 != 0 {
				o.warn(fmt.Sprintf("%s is readable by group or others (mode %04o) and holds secrets inline (%s); "+
					"chmod 600 it, or use ${VAR} or *_file keys", path, fi.Mode().Perm(), strings.Join(d.inline, ", ")))
			}
		}
		for _, w := range d.warnings {
			o.warn(w)
		}
	}
	if err != nil {
		return nil, err
	}
	return cfg, nil
}

// Parse decodes a config from YAML text, as Load does for a file; its
// warnings (not the file-mode one) go to WithWarnings, problems or not.
func Parse(data []byte, opts ...Option) (*Config, error) {
	o := newOptions(opts)
	cfg, d, err := parse(data, o, false)
	if d != nil {
		for _, w := range d.warnings {
			o.warn(w)
		}
	}
	return cfg, err
}

// parse decodes data and validates it too when asked. It also returns the
// decoder, for the paths of inline secrets and the warnings, also when
// there are problems (nil when the text is not YAML).
func parse(data []byte, o *options, validate bool) (*Config, *decoder, error) {
	root, err := parseYAML(data)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{lookup: o.lookup, readFile: o.readFile, seen: o.seen, kinds: o.kinds}
	cfg := Default()
	if doc := resolve(root); !isNull(doc) {
		if doc.Kind != yaml.MappingNode {
			return nil, nil, Problems{{Msg: fmt.Sprintf("line %d: the config must be a mapping of keys, got %s", doc.Line, kindName(doc))}}
		}
		d.decodeValue("", doc, reflect.ValueOf(&cfg).Elem())
	}
	cfg.resolveSinks()
	ps := d.problems
	if validate {
		var vs Problems
		cfg.validate(&vs)
		ps = append(ps, vs.without(d.problems)...)
	}
	if o.lenient {
		ps = ps.lenient()
	}
	if err := ps.err(); err != nil {
		return nil, d, err
	}
	return &cfg, d, nil
}

// parseYAML parses one YAML document into a node tree (nil when empty).
func parseYAML(data []byte) (*yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, Problems{{Msg: yamlMessage(err)}}
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		return nil, Problems{{Msg: fmt.Sprintf("line %d: a second YAML document; the config is one document", next.Line)}}
	case !errors.Is(err, io.EOF):
		return nil, Problems{{Msg: yamlMessage(err)}}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	return doc.Content[0], nil
}

// yamlMessage turns a yaml.v3 syntax error into "not valid YAML near line
// N: what". yaml.v3 often names the line where the enclosing block starts,
// or the one before, rather than the offending line: hence "near".
func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		return "not valid YAML near line " + rest
	}
	return "not valid YAML: " + msg
}

// resolveSinks gives every input without a sink list the names of all sinks.
func (c *Config) resolveSinks() {
	for i := range c.Inputs {
		if len(c.Inputs[i].Sinks) > 0 {
			continue
		}
		names := make([]string, 0, len(c.Sinks))
		for _, s := range c.Sinks {
			if !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
		c.Inputs[i].Sinks = names
	}
}
