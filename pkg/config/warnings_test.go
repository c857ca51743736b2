// Tests of the warnings Load gives beside its problems: inline secrets in a
// file others can read, http:// URLs that would send a credential
// unencrypted, and warnings of a sink kind's own, each under its full path.

package config_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
)

// loadWarnings loads text from a file of mode and returns its warnings,
// with the file's path replaced by FILE.
func loadWarnings(t *testing.T, text string, mode os.FileMode) ([]string, error) {
	t.Helper()
	path := writeConfig(t, text, mode)
	var warnings []string
	env := func(name string) (string, bool) {
		v, ok := map[string]string{"PART": "from-env", "WHOLE": "env-secret", "EMPTY": ""}[name]
		return v, ok
	}
	_, err := config.Load(path, testOptions(config.WithLookupEnv(env), config.WithWarnings(func(m string) {
		warnings = append(warnings, strings.ReplaceAll(m, path, "FILE"))
	}))...)
	return warnings, err
}

// TestInlineSecretWarningOnlyForTextInTheFile: ${VAR} in a value no longer
// silences the warning; only a value made wholly of references (or a
// *_file key) counts as not inline.
func TestInlineSecretWarningOnlyForTextInTheFile(t *testing.T) {
	tests := []struct {
		secret string
		inline bool
	}{
		{`"${WHOLE}"`, false},
		{`"${WHOLE}${PART}"`, false},
		{`"prefix-${PART}"`, true},
		{`"${PART}-suffix"`, true},
		{`"$${WHOLE}"`, true}, // $$ is a literal $: the text ${WHOLE} is in the file
		{`"literal"`, true},
		{`"${EMPTY}"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.secret, func(t *testing.T) {
			text := "inputs: [{name: a, client_id: i, client_secret: " + tt.secret + "}]\nsinks: [{name: f, type: file, path: /tmp/x}]\n"
			warnings, _ := loadWarnings(t, text, 0o644)
			want := []string(nil)
			if tt.inline {
				want = []string{"FILE is readable by group or others (mode 0644) and holds secrets inline (inputs[0].client_secret); " +
					"chmod 600 it, or use ${VAR} or *_file keys"}
			}
			if !slices.Equal(warnings, want) {
				t.Fatalf("warnings %q\nwant %q", warnings, want)
			}
		})
	}
}

func TestCleartextURLWarnings(t *testing.T) {
	text := `inputs:
  - {name: a, client_id: i, client_secret: "${WHOLE}", token_url: "http://auth.example.com/v1/token", api_url: "http://ser.example.com"}
  - {name: b, client_id: i, client_secret: "${WHOLE}", token_url: "http://127.0.0.1:8089/v1/token", api_url: "http://localhost:8089", proxy: "http://proxy.example.com:3128"}
  - {name: c, client_id: i, client_secret: "${WHOLE}"}
sinks:
  - {name: s, type: splunk_hec, url: "http://splunk.example.com:8088", token: "${WHOLE}"}
  - {name: t, type: splunk_hec, url: "https://splunk.example.com:8088", token: "${WHOLE}"}
`
	warnings, err := loadWarnings(t, text, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"inputs[0].token_url: http:// sends credentials unencrypted to auth.example.com; use https://",
		"inputs[0].api_url: http:// sends credentials unencrypted to ser.example.com; use https://",
		"sinks[0].url: http:// sends credentials unencrypted to splunk.example.com; use https://",
	}
	if !slices.Equal(warnings, want) {
		t.Fatalf("warnings\n%q\nwant\n%q", warnings, want)
	}
}

// TestWarningsComeWithProblems: a config with problems still shows its
// warnings (they may be the reason someone looks at it).
func TestWarningsComeWithProblems(t *testing.T) {
	text := `inputs:
  - {name: a, client_id: i, client_secret: "inline", token_url: "http://auth.example.com/v1/token", window: nonsense}
sinks: [{name: f, type: file, path: /tmp/x, bogus: 1}]
`
	warnings, err := loadWarnings(t, text, 0o644)
	var ps config.Problems
	if !errors.As(err, &ps) || len(ps) != 2 {
		t.Fatalf("err = %v, want the two problems", err)
	}
	want := []string{
		"FILE is readable by group or others (mode 0644) and holds secrets inline (inputs[0].client_secret); chmod 600 it, or use ${VAR} or *_file keys",
		"inputs[0].token_url: http:// sends credentials unencrypted to auth.example.com; use https://",
	}
	if !slices.Equal(warnings, want) {
		t.Fatalf("warnings\n%q\nwant\n%q", warnings, want)
	}
}

// TestSinkKindWarnings: a kind's own warnings (Kafka's SASL PLAIN without
// TLS) come with their full paths, and an http:// endpoint warns only when
// the sink has a credential to send (an otlp sink with headers).
func TestSinkKindWarnings(t *testing.T) {
	text := `inputs: [{name: a, client_id: i, client_secret: "${WHOLE}"}]
sinks:
  - {name: k1, type: kafka, brokers: ["kafka.example.com:9092"], topic: t, sasl: {mechanism: plain, username: u, password: "${WHOLE}"}}
  - {name: k2, type: kafka, brokers: ["kafka.example.com:9093"], topic: t, tls: {enabled: true}, sasl: {mechanism: plain, username: u, password: "${WHOLE}"}}
  - {name: k3, type: kafka, brokers: ["kafka.example.com:9092"], topic: t, sasl: {mechanism: scram-sha-512, username: u, password: "${WHOLE}"}}
  - {name: o1, type: otlp, endpoint: "http://collector.example.com:4318"}
  - {name: o2, type: otlp, endpoint: "http://collector.example.com:4318", headers: {authorization: "Bearer ${WHOLE}"}}
  - {name: o3, type: otlp, endpoint: "http://127.0.0.1:4318", headers: {authorization: "Bearer ${WHOLE}"}}
`
	warnings, err := loadWarnings(t, text, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"sinks[0].sasl.mechanism: plain without TLS sends the password in clear text to the brokers; set tls.enabled: true",
		"sinks[4].endpoint: http:// sends credentials unencrypted to collector.example.com; use https://",
	}
	if !slices.Equal(warnings, want) {
		t.Fatalf("warnings\n%q\nwant\n%q", warnings, want)
	}
}
