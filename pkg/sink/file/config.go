// The file kind's configuration (SPEC §3): its keys and defaults, Validate,
// how the sink describes itself, and its entry in the table of kinds.

package file

import (
	"errors"
	"strings"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/sink"
)

// Type is the sink type in the configuration.
const Type = "file"

// Config configures a file sink.
type Config struct {
	Path       string          `yaml:"path"`
	MaxSize    config.Size     `yaml:"max_size"` // 0: never rotate
	MaxBackups int             `yaml:"max_backups"`
	Mode       config.FileMode `yaml:"mode"` // for files serfwd creates
}

// DefaultConfig returns the file sink's defaults; Path has none.
func DefaultConfig() Config {
	return Config{MaxSize: 100 << 20, MaxBackups: 10, Mode: 0o640}
}

// Kind is the file entry of the table of sink kinds.
func Kind() sink.Kind { return sink.NewKind(Type, DefaultConfig, New) }

// Validate checks the settings, with paths relative to the sink.
func (c Config) Validate() error {
	var errs []error
	if strings.TrimSpace(c.Path) == "" {
		errs = append(errs, config.Problemf("path", "required"))
	}
	if c.MaxSize < 0 {
		errs = append(errs, config.Problemf("max_size", "must not be negative"))
	}
	if c.MaxBackups < 0 {
		errs = append(errs, config.Problemf("max_backups", "must not be negative (got %d)", c.MaxBackups))
	}
	switch {
	case c.Mode > 0o777:
		errs = append(errs, config.Problemf("mode", "%s is not a permission (at most 0777)", c.Mode))
	case c.Mode&0o200 == 0:
		errs = append(errs, config.Problemf("mode", "%s does not let serfwd write the file (the owner needs 0200)", c.Mode))
	}
	return errors.Join(errs...)
}

// Describe says where the sink writes and what `check` proves.
func (c Config) Describe() sink.Description {
	return sink.Description{Target: c.Path, Check: "writable", About: "files"}
}

// Limits leaves a Write at the delivery loop's default size: a batch is one
// write and one fsync.
func (c Config) Limits() sink.Limits { return sink.Limits{} }
