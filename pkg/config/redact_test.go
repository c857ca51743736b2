// Secrets never show when a config is printed, in any verb or encoding.

package config_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/serfwd/serfwd/pkg/sink/hec"
)

func TestSecretsAreRedacted(t *testing.T) {
	cfg := mustLoad(t, `
inputs:
  - {name: a, client_id: id, client_secret: "${SER_CLIENT_SECRET}"}
  - {name: b, client_id: id, client_secret_file: "${TESTDATA}/secrets/acme.secret"}
sinks:
  - {name: s, type: splunk_hec, url: "https://h:8088", token: inline-hec-token}
  - {name: t, type: splunk_hec, url: "https://h:8088", token_file: "${TESTDATA}/secrets/splunk.token"}
`)
	if cfg.Inputs[1].ClientSecret.Reveal() == "" || as[hec.Config](t, cfg.Sinks[1]).Token.Reveal() == "" {
		t.Fatal("secrets were not loaded")
	}
	renderings := map[string]func() (string, error){}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%t"} {
		for name, v := range map[string]any{"cfg": cfg, "*cfg": *cfg, "input": cfg.Inputs[0], "hec": as[hec.Config](t, cfg.Sinks[0]), "token": as[hec.Config](t, cfg.Sinks[1]).Token, "sink": cfg.Sinks[1], "sinks": cfg.Sinks} {
			renderings[verb+" "+name] = func() (string, error) { return fmt.Sprintf(verb, v), nil }
		}
	}
	renderings["json"] = func() (string, error) { b, err := json.Marshal(cfg); return string(b), err }
	renderings["yaml"] = func() (string, error) { b, err := yaml.Marshal(cfg); return string(b), err }
	for name, render := range renderings {
		out, err := render()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		for _, s := range testSecrets {
			if strings.Contains(out, s) || strings.Contains(out, fmt.Sprintf("%x", s)) {
				t.Errorf("%s shows the secret %q:\n%s", name, s, out)
			}
		}
	}
	if out := fmt.Sprintf("%v", as[hec.Config](t, cfg.Sinks[0])); !strings.Contains(out, "[REDACTED]") {
		t.Errorf("expected [REDACTED] in %s", out)
	}
}
