// Decoding of single values: strings, numbers, booleans, durations, times,
// sizes, rate limits, file modes, secrets and *_file secrets.

package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// leafDecoders parse the named types that are written as one value.
var leafDecoders = map[reflect.Type]func(string) (any, error){
	reflect.TypeFor[time.Duration](): func(s string) (any, error) {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("invalid duration %q (want a Go duration such as 90s, 5m or 1h)", s)
		}
		return d, nil
	},
	reflect.TypeFor[time.Time](): func(s string) (any, error) { return parseTime(s) },
	reflect.TypeFor[Size]():      func(s string) (any, error) { return ParseSize(s) },
	reflect.TypeFor[RateLimit](): func(s string) (any, error) { return ParseRateLimit(s) },
	reflect.TypeFor[FileMode]():  func(s string) (any, error) { return parseMode(s) },
	reflect.TypeFor[Secret]():    func(s string) (any, error) { return Secret(s), nil },
	reflect.TypeFor[string]():    func(s string) (any, error) { return s, nil },
	reflect.TypeFor[bool]():      parseBool,
	reflect.TypeFor[int]():       parseInt,
}

// isBasicKind reports kinds decoded as single values when the type is not
// listed above (named strings and ints).
func isBasicKind(k reflect.Kind) bool {
	return k == reflect.String || k == reflect.Int || k == reflect.Bool
}

// decodeLeaf expands and parses one scalar into v.
func (d *decoder) decodeLeaf(path string, n *yaml.Node, v reflect.Value) {
	s, ok := d.scalar(path, n)
	if !ok {
		return
	}
	parse := leafDecoders[v.Type()]
	if parse == nil {
		parse = leafDecoders[kindType(v.Kind())]
	}
	x, err := parse(s)
	if err != nil {
		d.problems.add(path, "%s", err.Error())
		return
	}
	if v.Type() == reflect.TypeFor[Secret]() && s != "" && hasLiteral(resolve(n).Value) {
		d.inline = append(d.inline, path)
	}
	v.Set(reflect.ValueOf(x).Convert(v.Type()))
}

// kindType is the plain type of a basic kind.
func kindType(k reflect.Kind) reflect.Type {
	switch k {
	case reflect.Int:
		return reflect.TypeFor[int]()
	case reflect.Bool:
		return reflect.TypeFor[bool]()
	}
	return reflect.TypeFor[string]()
}

// scalar returns a single value with ${VAR} expanded.
func (d *decoder) scalar(path string, n *yaml.Node) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		d.problems.add(path, "expected a single value, got %s", kindName(n))
		return "", false
	}
	s, err := expandEnv(n.Value, d.lookup)
	if err != nil {
		d.problems.add(path, "%s", err.Error())
		return "", false
	}
	return s, true
}

// decodeSecretFile reads a secret from the file a *_file key names and drops
// one trailing newline. Messages name the file, never its content.
func (d *decoder) decodeSecretFile(path string, n *yaml.Node, v reflect.Value) {
	name, ok := d.scalar(path, n)
	if !ok {
		return
	}
	if strings.TrimSpace(name) == "" {
		d.problems.add(path, "empty file name")
		return
	}
	data, ok := d.readKeyFile(path, name)
	if !ok {
		return
	}
	s := string(data)
	if t, ok := strings.CutSuffix(s, "\n"); ok {
		s = strings.TrimSuffix(t, "\r")
	}
	if s == "" {
		d.problems.add(path, "%s is empty", name)
		return
	}
	v.SetString(s)
}

// parseTime accepts YYYY-MM-DDTHH:mm:ss.SSSZ and any RFC 3339 time; the
// result is in UTC. An empty value is the zero time (not set).
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("invalid time %q (want YYYY-MM-DDTHH:mm:ss.SSSZ, e.g. 2026-11-01T00:00:00.000Z)", s)
	}
	if err := CheckTime(t); err != nil {
		return time.Time{}, err
	}
	return t.UTC(), nil
}

// parseMode accepts 0640, "0640" and 0o640.
func parseMode(s string) (FileMode, error) {
	t := strings.TrimSpace(s)
	if rest, ok := strings.CutPrefix(strings.ToLower(t), "0o"); ok {
		t = rest
	}
	m, err := ParseFileMode(t)
	if err != nil {
		return 0, fmt.Errorf("invalid file mode %q (want octal such as \"0640\")", s)
	}
	return m, nil
}

func parseBool(s string) (any, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true, nil
	case "false", "no", "off":
		return false, nil
	}
	return nil, fmt.Errorf("invalid boolean %q (want true or false)", s)
}

func parseInt(s string) (any, error) {
	n, err := strconv.Atoi(strings.ReplaceAll(strings.TrimSpace(s), "_", ""))
	if err != nil {
		return nil, fmt.Errorf("invalid integer %q", s)
	}
	return n, nil
}
