// The shipped example config must load, validate, show every key (of the
// top level, inputs and every sink kind in the table), and show each key at
// its default, so that docs and code cannot drift.

package config_test

import (
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink/syslog"
)

const examplePath = "../../configs/serfwd.example.yaml"

func TestExampleConfigLoadsAndValidates(t *testing.T) {
	seen := map[reflect.Type]map[string]bool{}
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := config.ParseRecordingKeys(data, seen, testOptions()...)
	if err != nil {
		t.Fatalf("loading %s:\n%v", examplePath, err)
	}
	if got := cfg.Inputs[0].ClientSecret.Reveal(); got != "s3cr3t-from-file" {
		t.Errorf("client_secret_file was not read (got %d bytes)", len(got))
	}
	roots := []reflect.Type{reflect.TypeFor[config.Config]()}
	kinds := agent.SinkKinds()
	for _, typ := range kinds.SinkTypes() {
		def, _ := kinds.DefaultSinkConfig(typ)
		roots = append(roots, reflect.TypeOf(def))
	}
	var missing []string
	for _, root := range roots {
		for t, keys := range yamlKeysOf(root) {
			for _, k := range keys {
				if !seen[t][k] {
					missing = append(missing, t.String()+"."+k)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("%s lacks these keys: %v", examplePath, missing)
	}
}

// yamlKeysOf lists the yaml keys of every struct reachable from t, leaves
// (durations, sizes, times…) excepted.
func yamlKeysOf(t reflect.Type) map[reflect.Type][]string {
	out := map[reflect.Type][]string{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if _, done := out[t]; done || t.Kind() != reflect.Struct || config.IsLeaf(t) {
			return
		}
		out[t] = config.StructKeys(t)
		for i := range t.NumField() {
			walk(t.Field(i).Type)
		}
	}
	walk(t)
	return out
}

func TestExampleConfigShowsDefaults(t *testing.T) {
	cfg, err := config.Load(examplePath, testOptions()...)
	if err != nil {
		t.Fatal(err)
	}
	top := *cfg
	top.Inputs, top.Sinks = nil, nil
	if want := config.Default(); !reflect.DeepEqual(top, want) {
		t.Errorf("top level:\n got %+v\nwant %+v", top, want)
	}
	in := cfg.Inputs[0]
	in.Name, in.ClientID, in.ClientSecret, in.Sinks = "", "", "", nil
	if want := config.DefaultInput(); !reflect.DeepEqual(in, want) {
		t.Errorf("input:\n got %+v\nwant %+v", in, want)
	}
	kinds := agent.SinkKinds()
	var types []string
	for _, s := range cfg.Sinks {
		types = append(types, s.Type)
		want, _ := kinds.DefaultSinkConfig(s.Type)
		if sl, ok := want.(syslog.Config); ok {
			// 0 means "the network's default"; the example shows it for tls.
			sl.MaxMessageBytes = sl.MessageLimit()
			want = sl
		}
		if got := withoutRequired(s.Config, want); !reflect.DeepEqual(got, want) {
			t.Errorf("sink %s (%s):\n got %+v\nwant %+v", s.Name, s.Type, got, want)
		}
	}
	for _, typ := range kinds.SinkTypes() {
		if !slices.Contains(types, typ) {
			t.Errorf("%s has no %s sink", examplePath, typ)
		}
	}
}

// withoutRequired returns got with every key that has no default (those the
// defaults fail validation on, such as url or path) set to the default's
// value: what is left must equal the defaults.
func withoutRequired(got, defaults config.SinkConfig) config.SinkConfig {
	v := reflect.New(reflect.TypeOf(got)).Elem()
	v.Set(reflect.ValueOf(got))
	d := reflect.ValueOf(defaults)
	var ps config.Problems
	if err := defaults.Validate(); err != nil {
		ps, _ = config.Within("", err).(config.Problems)
	}
	for _, p := range ps {
		for i := range v.NumField() {
			if name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ","); name == p.Path {
				v.Field(i).Set(d.Field(i))
			}
		}
	}
	return v.Interface().(config.SinkConfig)
}

func TestDemoConfigsLoadAndValidate(t *testing.T) {
	for _, path := range []string{"../../configs/serfwd.simulate.yaml"} {
		if _, err := config.LoadAndValidate(path, testOptions()...); err != nil {
			t.Errorf("%s:\n%v", path, err)
		}
	}
}
