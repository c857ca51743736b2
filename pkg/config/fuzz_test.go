// fuzz_test.go: Parse never panics on any input; a config it returns
// validates without panic; and a secret (inline, from ${VAR} or from a
// *_file) never appears in the text of a Load or Validate error, nor in the
// config's formatted form. Seed corpus: testdata/fuzz/FuzzParse.

package config_test

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/serfwd/serfwd/pkg/config"

	"github.com/serfwd/serfwd/pkg/agent"
)

// fuzzSeedConfig is a valid config with every secret form.
const fuzzSeedConfig = `state_path: /var/lib/serfwd/state.db
inputs:
  - name: acme
    client_id: id
    client_secret: inline-secret
  - name: beta
    client_id: id
    client_secret_file: /run/credentials/beta.secret
sinks:
  - {name: splunk, type: splunk_hec, url: "https://splunk.example.com:8088", token: "${SPLUNK_HEC_TOKEN}"}
  - {name: qradar, type: syslog, address: "qradar.example.com:6514"}
  - {name: archive, type: file, path: /var/log/serfwd/ser.ndjson}
`

// secretFilePath is where *_file keys point in the fuzz target.
const secretFilePath = "/fuzz/secret"

func FuzzParse(f *testing.F) {
	f.Add([]byte(fuzzSeedConfig), "s3cr3t-value", uint8(0))
	f.Add([]byte(fuzzSeedConfig), "p@ss word\"'\\", uint8(1))
	f.Add([]byte(fuzzSeedConfig), "tok\nen", uint8(2))
	f.Add([]byte("inputs: [{name: a, client_secret: x, window: 7m}]\nsinks: []\n"), "hunter22", uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, secret string, mode uint8) {
		// Any input: no panic, and a returned config validates without one.
		if cfg, err := config.Parse(data, config.WithSinkKinds(agent.SinkKinds()), config.WithLookupEnv(func(string) (string, bool) { return "v", true })); err == nil {
			_ = cfg.Validate()
		}
		var root yaml.Node
		if yaml.Unmarshal(data, &root) != nil || len(strings.TrimSpace(secret)) < 4 {
			return
		}
		// Put the secret into every secret position of the document, in
		// one of three ways, and compare with a harmless stand-in.
		withSecret, okS := placeSecret(&root, mode)
		if !okS || strings.Contains(withSecret, secret) {
			return
		}
		got := parseAll(withSecret, secret, mode)
		if !strings.Contains(got, secret) {
			return
		}
		// The secret's text may appear by chance (say it is "inputs"):
		// only a leak if it is absent with another secret value.
		if other := parseAll(withSecret, "Zq7-standin-Zq7", mode); strings.Contains(other, secret) {
			return
		}
		t.Fatalf("the secret %q appears in the output:\n%s\nconfig:\n%s", secret, got, withSecret)
	})
}

// placeSecret rewrites every client_secret/token value (and their *_file
// forms) for mode: 0 inline placeholder, 1 ${FUZZ_SECRET}, 2 a *_file
// holding the secret. It returns the YAML text.
func placeSecret(root *yaml.Node, mode uint8) (string, bool) {
	found := false
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				switch k.Value {
				case "client_secret", "token", "client_secret_file", "token_file":
					if v.Kind == yaml.ScalarNode {
						found = true
						base := strings.TrimSuffix(k.Value, "_file")
						k.Value, v.Style, v.Tag = base, yaml.DoubleQuotedStyle, "!!str"
						switch mode % 3 {
						case 0:
							v.Value = "@SECRET@"
						case 1:
							v.Value = "${FUZZ_SECRET}"
						default:
							k.Value, v.Value = base+"_file", secretFilePath
						}
					}
				}
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(root)
	b, err := yaml.Marshal(root)
	return string(b), found && err == nil
}

// parseAll parses text with the secret in place and returns every error
// text and the config's formatted form.
func parseAll(text, secret string, mode uint8) string {
	if mode%3 == 0 {
		quoted, _ := yaml.Marshal(secret) // a YAML scalar, maybe with a trailing newline
		text = strings.ReplaceAll(text, `"@SECRET@"`, strings.TrimSuffix(string(quoted), "\n"))
	}
	lookup := config.WithLookupEnv(func(name string) (string, bool) {
		if name == "FUZZ_SECRET" {
			return secret, true
		}
		return "", false
	})
	files := config.WithReadFile(func(name string) ([]byte, error) {
		if name == secretFilePath {
			return []byte(secret + "\n"), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	})
	var out strings.Builder
	cfg, err := config.Parse([]byte(text), config.WithSinkKinds(agent.SinkKinds()), lookup, files)
	if err != nil {
		out.WriteString(errorText(err))
		return out.String()
	}
	out.WriteString(errorText(cfg.Validate()))
	fmt.Fprintf(&out, "\n%v\n%+v\n%#v\n", cfg, cfg, cfg)
	return out.String()
}

// errorText renders err and each problem in it.
func errorText(err error) string {
	if err == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(err.Error())
	var ps config.Problems
	if errors.As(err, &ps) {
		for _, p := range ps {
			fmt.Fprintf(&b, "\n%s|%s|%v", p.Path, p.Msg, p)
		}
	}
	return b.String()
}
