// Tests that Collect finds every secret of a config, also in sink configs it
// does not know (behind interfaces, in maps, in passwords of URLs, through a
// cycle), and nothing else.

package redact

import (
	"slices"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
)

// kafkaLike and otlpLike stand for sink configs that other packages own:
// Collect must find their secrets without knowing them.
type kafkaLike struct {
	Brokers []string
	SASL    struct {
		Username string
		Password config.Secret
	}
}

// hecLike stands for a sink config behind config.Sink's interface.
type hecLike struct {
	URL   string
	Token config.Secret
}

func (hecLike) Validate() error { return nil }

type otlpLike struct {
	Endpoint string
	Headers  map[string]config.Secret
	nested   *otlpLike
}

func TestCollectFindsSecretsAnywhere(t *testing.T) {
	k := kafkaLike{Brokers: []string{"k:9093"}}
	k.SASL.Username, k.SASL.Password = "user", "kafka-pw"
	o := &otlpLike{Endpoint: "https://collector:4318", Headers: map[string]config.Secret{"authorization": "Bearer otlp-tok"}}
	o.nested = &otlpLike{Headers: map[string]config.Secret{"x": "deep-secret"}}
	o.nested.nested = o // a cycle
	cfg := config.Config{
		Inputs: []config.Input{{Name: "a", ClientSecret: "ser-secret", APIURL: "https://u:url-pw@api.example.com", Proxy: "http://p:proxy-pw@proxy:3128"}},
		Sinks:  []config.Sink{{Name: "s", Type: "hec", Config: hecLike{URL: "https://hec:8088", Token: "hec-token"}}},
	}
	got := Collect(struct {
		Cfg   *config.Config
		Sinks []any
	}{&cfg, []any{k, o}})
	want := []string{"ser-secret", "url-pw", "proxy-pw", "hec-token", "kafka-pw", "Bearer otlp-tok", "otlp-tok", "deep-secret"}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("Collect missed %q (got %q)", w, got)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			t.Errorf("Collect returned %q, which is not a secret", g)
		}
	}
}
