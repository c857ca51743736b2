// The file kind's configuration: defaults, Validate with paths relative to
// the sink, and the description.

package file

import (
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

func TestConfig(t *testing.T) {
	c := DefaultConfig()
	if c.MaxSize != 100<<20 || c.MaxBackups != 10 || c.Mode != 0o640 || c.Path != "" {
		t.Errorf("DefaultConfig() = %+v", c)
	}
	c.Path = "/var/log/serfwd/x.ndjson"
	if err := c.Validate(); err != nil {
		t.Errorf("defaults with a path: %v", err)
	}
	if d := c.Describe(); d.Target != c.Path || d.Check != "writable" {
		t.Errorf("Describe() = %+v", d)
	}
	c = Config{Path: " ", MaxSize: -1, MaxBackups: -1, Mode: 0o1000}
	want := "path: required\nmax_size: must not be negative\nmax_backups: must not be negative (got -1)\nmode: 1000 is not a permission (at most 0777)"
	if err := c.Validate(); err == nil || config.Within("", err).Error() != want {
		t.Errorf("Validate() = %v\nwant %s", err, want)
	}
	c = Config{Path: "x", Mode: 0o440}
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "mode: 0440 does not let serfwd write the file (the owner needs 0200)") {
		t.Errorf("Validate() = %v", err)
	}
}

// The defaults lack only what a user must give (agent's table test checks
// that every kind's defaults fail only with "required").
func TestDefaultConfigLacksOnlyTheRequiredKeys(t *testing.T) {
	sinktest.CheckProblems(t, DefaultConfig().Validate(), []string{"path: required"})
}
