// Helpers of the external tests: the environment the testdata configs see,
// loading through the agent's table of sink kinds, and typed access to a
// sink's settings.

package config_test

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
)

// testEnv is the environment the testdata configs see.
var testEnv = map[string]string{
	"SER_CLIENT_ID":         "client-id-123",
	"SER_CLIENT_SECRET":     "env-ser-secret-value",
	"SPLUNK_HEC_TOKEN":      "env-hec-token-value",
	"TESTDATA":              "testdata",
	"CREDENTIALS_DIRECTORY": "testdata/secrets",
}

// testSecrets are every secret value the testdata holds; no output may
// contain one.
var testSecrets = []string{"env-ser-secret-value", "env-hec-token-value", "s3cr3t-from-file", "hec-from-file", "inline-hec-token", "inline-kafka-password"}

func lookupTestEnv(name string) (string, bool) {
	v, ok := testEnv[name]
	return v, ok
}

// testOptions are the options every test loads with: serfwd's sink kinds
// and the test environment.
func testOptions(opts ...config.Option) []config.Option {
	return append([]config.Option{config.WithSinkKinds(agent.SinkKinds()), config.WithLookupEnv(lookupTestEnv)}, opts...)
}

// as returns a sink's settings as the kind's Config type.
func as[T any](t *testing.T, s config.Sink) T {
	t.Helper()
	c, ok := s.Config.(T)
	if !ok {
		t.Fatalf("sink %q: settings %T, want %T", s.Name, s.Config, c)
	}
	return c
}
