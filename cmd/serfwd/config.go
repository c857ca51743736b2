// The --config flag and config loading shared by every command that reads
// the configuration.

package main

import (
	"errors"
	"flag"
	"fmt"
	"os"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/agent"
	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/redact"
)

// defaultConfigPath is used when neither --config nor $SERFWD_CONFIG is set.
const defaultConfigPath = "/etc/serfwd/serfwd.yaml"

// configFlags are the flags of every command that reads the configuration.
type configFlags struct {
	path        string // "": $SERFWD_CONFIG, else defaultConfigPath
	credentials string // stands in for the unit's LoadCredential=serfwd:DIR
	envFile     string // stands in for the unit's EnvironmentFile=
	tmp         string // the stand-in $CREDENTIALS_DIRECTORY; close removes it
}

// newConfigFlags declares --config, --credentials and --env-file on fs.
func newConfigFlags(fs *flag.FlagSet) *configFlags {
	c := &configFlags{}
	fs.StringVar(&c.path, "config", "", "read the configuration from `FILE` (default: $SERFWD_CONFIG, else "+defaultConfigPath+")")
	fs.StringVar(&c.credentials, "credentials", "", "outside systemd, provide ${CREDENTIALS_DIRECTORY} as the packaged unit does "+
		"(LoadCredential="+credentialID+":`DIR`): each file DIR/NAME appears as $CREDENTIALS_DIRECTORY/"+credentialID+"_NAME")
	fs.StringVar(&c.envFile, "env-file", "", "take ${VAR} values from `FILE` (VAR=value lines, as the unit's EnvironmentFile=) before the environment")
	return c
}

// configPath is the file to load.
func (c *configFlags) configPath() string {
	if c.path != "" {
		return c.path
	}
	if p := os.Getenv("SERFWD_CONFIG"); p != "" {
		return p
	}
	return defaultConfigPath
}

// close removes what load set up for the command's lifetime.
func (c *configFlags) close() {
	if c.tmp != "" {
		os.RemoveAll(c.tmp)
		c.tmp = ""
	}
}

// loadConfig loads and validates the config named by c in one pass,
// through the agent's table of sink kinds, and teaches io's redactor every
// secret in it. Warnings go to stderr, also when there are problems. On
// failure it prints a header naming the file and then each
// problem as "path: problem", one per line, and returns exitUsage. opts
// add to the options (config.Lenient).
func loadConfig(io stdio, c *configFlags, opts ...config.Option) (*config.Config, int) {
	lookup, err := c.lookupEnv()
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd: %v\n", err)
		return nil, exitUsage
	}
	path := c.configPath()
	warn := func(msg string) { fmt.Fprintf(io.Stderr, "serfwd: warning: %s\n", msg) }
	cfg, err := agent.LoadConfig(path, append([]config.Option{config.WithWarnings(warn), config.WithLookupEnv(lookup)}, opts...)...)
	if cfg != nil {
		io.redactor().Add(redact.Collect(cfg)...)
	}
	if err == nil {
		return cfg, exitOK
	}
	var ps config.Problems
	if !errors.As(err, &ps) {
		fmt.Fprintf(io.Stderr, "serfwd: %v\n", err)
		return nil, exitUsage
	}
	fmt.Fprintf(io.Stderr, "serfwd: invalid config %s (%s):\n", path, configCount(len(ps), "problem"))
	for _, p := range ps {
		fmt.Fprintln(io.Stderr, p.Error())
	}
	if hint := credentialsHint(ps, lookup); hint != "" {
		fmt.Fprintln(io.Stderr, hint)
	}
	return nil, exitUsage
}

// loadViewConfig loads the config for a command that only looks (status,
// checkpoint show): leniently, so that a secret it cannot read (no
// --credentials or --env-file under sudo) does not stop it; the secrets it
// can read still teach io's redactor.
func loadViewConfig(io stdio, c *configFlags) (*config.Config, int) {
	return loadConfig(io, c, config.Lenient())
}

// loadConfigAndLogger loads and validates the config at path and builds the
// logger it describes; on a problem it prints it and returns exitUsage.
func loadConfigAndLogger(io stdio, cmd string, c *configFlags) (*config.Config, *zap.Logger, int) {
	cfg, code := loadConfig(io, c)
	if code != exitOK {
		return nil, nil, code
	}
	log, err := newLogger(cfg.Log, io.Stderr)
	if err != nil {
		fmt.Fprintf(io.Stderr, "serfwd %s: %v\n", cmd, err)
		return nil, nil, exitUsage
	}
	return cfg, log, exitOK
}

// configCount renders "1 input" or "3 sinks".
func configCount(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
