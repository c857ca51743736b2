// Golden test: every file in testdata/bad maps to its exact problem lines,
// decoding's and validation's together, as `serfwd validate` prints them.
// The list of known sink types is @KINDS@ in the golden files, so that a
// new kind in the table does not change them.

package config_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// loadAndValidate returns what `serfwd validate` would report, one problem
// per line: decoding and validation in one pass.
func loadAndValidate(t *testing.T, path string) string {
	t.Helper()
	_, err := config.LoadAndValidate(path, testOptions()...)
	if err == nil {
		return ""
	}
	var ps config.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error is not Problems: %v", err)
	}
	kinds := config.TypeList(agent.SinkKinds())
	return strings.ReplaceAll(ps.Error()+"\n", kinds, "@KINDS@")
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
