// The shipped example config must load, validate, show every key, and show
// each key at its default, so that docs and code cannot drift.

package config

import (
	"os"
	"reflect"
	"sort"
	"testing"
)

const examplePath = "../../configs/serfwd.example.yaml"

func TestExampleConfigLoadsAndValidates(t *testing.T) {
	seen := map[reflect.Type]map[string]bool{}
	data, err := os.ReadFile(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	o := newOptions([]Option{WithLookupEnv(lookupTestEnv)})
	o.seen = seen
	cfg, _, err := parse(data, o)
	if err != nil {
		t.Fatalf("loading %s:\n%v", examplePath, err)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("validating %s:\n%v", examplePath, err)
	}
	if got := cfg.Inputs[0].ClientSecret.Reveal(); got != "s3cr3t-from-file" {
		t.Errorf("client_secret_file was not read (got %d bytes)", len(got))
	}
	var missing []string
	for t, keys := range yamlKeysOf(reflect.TypeFor[Config]()) {
		for _, k := range keys {
			if !seen[t][k] {
				missing = append(missing, t.Name()+"."+k)
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
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		if _, done := out[t]; done || t.Kind() != reflect.Struct || leafDecoders[t] != nil {
			return
		}
		out[t] = []string{}
		for i := range t.NumField() {
			if name := t.Field(i).Tag.Get("yaml"); name != "" && name != "-" {
				out[t] = append(out[t], name)
			}
			walk(t.Field(i).Type)
		}
	}
	walk(t)
	return out
}

func TestExampleConfigShowsDefaults(t *testing.T) {
	cfg, err := Load(examplePath, WithLookupEnv(lookupTestEnv))
	if err != nil {
		t.Fatal(err)
	}
	top := *cfg
	top.Inputs, top.Sinks = nil, nil
	if want := Default(); !reflect.DeepEqual(top, want) {
		t.Errorf("top level:\n got %+v\nwant %+v", top, want)
	}
	in := cfg.Inputs[0]
	in.Name, in.ClientID, in.ClientSecret, in.Sinks = "", "", "", nil
	if want := DefaultInput(); !reflect.DeepEqual(in, want) {
		t.Errorf("input:\n got %+v\nwant %+v", in, want)
	}
	if len(cfg.Sinks) != 3 || cfg.Sinks[0].HEC == nil || cfg.Sinks[1].Syslog == nil || cfg.Sinks[2].File == nil {
		t.Fatalf("want sinks splunk_hec, syslog, file; got %+v", cfg.Sinks)
	}
	hec := *cfg.Sinks[0].HEC
	hec.URL, hec.Token = "", ""
	if want := DefaultHEC(); !reflect.DeepEqual(hec, want) {
		t.Errorf("hec:\n got %+v\nwant %+v", hec, want)
	}
	sl := *cfg.Sinks[1].Syslog
	sl.Address = ""
	want := DefaultSyslog()
	want.MaxMessageBytes = DefaultMaxMessageBytesFor(want.Network)
	if !reflect.DeepEqual(sl, want) {
		t.Errorf("syslog:\n got %+v\nwant %+v", sl, want)
	}
	f := *cfg.Sinks[2].File
	f.Path = ""
	if want := DefaultFile(); !reflect.DeepEqual(f, want) {
		t.Errorf("file:\n got %+v\nwant %+v", f, want)
	}
}

func TestDemoConfigsLoadAndValidate(t *testing.T) {
	for _, path := range []string{"../../configs/serfwd.simulate.yaml"} {
		cfg, err := Load(path, WithLookupEnv(lookupTestEnv))
		if err == nil {
			err = cfg.Validate()
		}
		if err != nil {
			t.Errorf("%s:\n%v", path, err)
		}
	}
}
