// The README's Collector pipeline example stays a valid Collector config:
// YAML, every component a pipeline or a queue names is declared, its otlp
// receiver section is accepted by the Collector's own otlpreceiver, and the
// serfwd sink it mentions talks to that receiver.

package otlp

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.opentelemetry.io/collector/confmap"
	"go.opentelemetry.io/collector/receiver/otlpreceiver"
	"gopkg.in/yaml.v3"
)

// collectorExample returns the YAML block after the README's marker.
func collectorExample(t *testing.T) map[string]any {
	t.Helper()
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- otlp:collector-example[^>]*-->\n```yaml\n(.*?)\n```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no collector example after <!-- otlp:collector-example -->")
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(m[1], &cfg); err != nil {
		t.Fatalf("the collector example is not YAML: %v", err)
	}
	return cfg
}

// section returns cfg[key] as a mapping.
func section(t *testing.T, cfg map[string]any, key string) map[string]any {
	t.Helper()
	s, ok := cfg[key].(map[string]any)
	if !ok {
		t.Fatalf("%s is %T, want a mapping", key, cfg[key])
	}
	return s
}

func TestReadmeCollectorExample(t *testing.T) {
	cfg := collectorExample(t)
	service := section(t, cfg, "service")
	logs := section(t, section(t, service, "pipelines"), "logs")
	for kind, wantNames := range map[string][]string{
		"receivers": {"otlp"}, "processors": {"batch"}, "exporters": {"splunk_hec", "elasticsearch"},
	} {
		declared := section(t, cfg, kind)
		used, _ := logs[kind].([]any)
		var names []string
		for _, u := range used {
			name, _ := u.(string)
			if _, ok := declared[name]; !ok {
				t.Errorf("the logs pipeline uses %s %q, which is not declared", kind, name)
			}
			names = append(names, name)
		}
		if !slices.Equal(names, wantNames) {
			t.Errorf("the logs pipeline's %s are %q, want %q", kind, names, wantNames)
		}
	}
	extensions := section(t, cfg, "extensions")
	for _, e := range service["extensions"].([]any) {
		if _, ok := extensions[e.(string)]; !ok {
			t.Errorf("service.extensions names %q, which is not declared", e)
		}
	}
	exporters := section(t, cfg, "exporters")
	for name, required := range map[string][]string{"splunk_hec": {"endpoint", "token"}, "elasticsearch": {"endpoint"}} {
		exp := section(t, exporters, name)
		for _, k := range required {
			if exp[k] == nil {
				t.Errorf("exporter %s lacks %s", name, k)
			}
		}
		if q, ok := exp["sending_queue"].(map[string]any); ok {
			if _, declared := extensions[q["storage"].(string)]; !declared {
				t.Errorf("exporter %s queues in storage %q, which is not declared", name, q["storage"])
			}
		}
	}
	checkReceiverSection(t, section(t, section(t, cfg, "receivers"), "otlp"))
}

// checkReceiverSection has the Collector's own code read the receiver's
// section, and checks that the sink the README pairs with it is valid.
func checkReceiverSection(t *testing.T, raw map[string]any) {
	t.Helper()
	rcfg := otlpreceiver.NewFactory().CreateDefaultConfig().(*otlpreceiver.Config)
	if err := confmap.NewFromStringMap(raw).Unmarshal(rcfg); err != nil {
		t.Fatalf("the otlpreceiver does not read the example's receiver: %v", err)
	}
	if err := rcfg.Validate(); err != nil {
		t.Fatalf("the otlpreceiver refuses the example's receiver: %v", err)
	}
	if !rcfg.Protocols.HTTP.HasValue() {
		t.Fatal("the example's receiver has no http protocol: serfwd speaks OTLP/HTTP")
	}
	endpoint := rcfg.Protocols.HTTP.Get().ServerConfig.NetAddr.Endpoint
	c := DefaultConfig()
	c.Endpoint = "http://" + endpoint
	if err := c.Validate(); err != nil {
		t.Fatalf("a sink with endpoint %s: %v", c.Endpoint, err)
	}
	if !strings.Contains(string(mustRead(t, "../../../README.md")), "endpoint: "+c.Endpoint) {
		t.Errorf("the example does not tell the sink's endpoint %s", c.Endpoint)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
