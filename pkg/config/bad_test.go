// Golden test: every file in testdata/bad maps to its exact problem lines.

package config

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

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
var testSecrets = []string{"env-ser-secret-value", "env-hec-token-value", "s3cr3t-from-file", "hec-from-file", "inline-hec-token"}

func lookupTestEnv(name string) (string, bool) {
	v, ok := testEnv[name]
	return v, ok
}

// loadAndValidate returns what `serfwd validate` would report, one problem
// per line.
func loadAndValidate(t *testing.T, path string) string {
	t.Helper()
	cfg, err := Load(path, WithLookupEnv(lookupTestEnv))
	if err == nil {
		err = cfg.Validate()
	}
	if err == nil {
		return ""
	}
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is not Problems: %v", err)
	}
	return ps.Error() + "\n"
}

func TestLoadBadConfigs(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no bad configs: %v", err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".yaml")
		t.Run(name, func(t *testing.T) {
			got := loadAndValidate(t, file)
			if got == "" {
				t.Fatal("config passed, want problems")
			}
			for _, s := range testSecrets {
				if strings.Contains(got, s) {
					t.Errorf("output holds the secret %q:\n%s", s, got)
				}
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".golden"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("reading golden file (run with -update): %v", err)
			}
			if got != string(want) {
				t.Errorf("problems differ from %s\ngot:\n%s\nwant:\n%s", golden, got, want)
			}
		})
	}
}
