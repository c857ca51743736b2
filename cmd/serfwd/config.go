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

// configPath registers --config on fs; its default is $SERFWD_CONFIG, else
// /etc/serfwd/serfwd.yaml.
func configPath(fs *flag.FlagSet) *string {
	def := os.Getenv("SERFWD_CONFIG")
	if def == "" {
		def = defaultConfigPath
	}
	return fs.String("config", def, "config `FILE` ($SERFWD_CONFIG, else "+defaultConfigPath+")")
}

// loadConfig loads and validates the config at path in one pass, through
// the agent's table of sink kinds, and teaches io's redactor every secret
// in it. Warnings go to stderr, also when there are problems. On failure it
// prints a header naming the file and then each problem as "path: problem",
// one per line, and returns exitUsage.
func loadConfig(io stdio, path string) (*config.Config, int) {
	warn := func(msg string) { fmt.Fprintf(io.Stderr, "serfwd: warning: %s\n", msg) }
	cfg, err := agent.LoadConfig(path, config.WithWarnings(warn))
	switch {
	case cfg != nil:
		io.redact.Add(redact.Collect(cfg)...)
	case err != nil:
		// The config decodes but does not validate: its secrets are
		// known before any problem is printed.
		if decoded, lerr := config.Load(path, config.WithSinkKinds(agent.SinkKinds())); lerr == nil {
			io.redact.Add(redact.Collect(decoded)...)
		}
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
	return nil, exitUsage
}

// loadConfigAndLogger loads and validates the config at path and builds the
// logger it describes; on a problem it prints it and returns exitUsage.
func loadConfigAndLogger(io stdio, cmd, path string) (*config.Config, *zap.Logger, int) {
	cfg, code := loadConfig(io, path)
	if code != exitOK {
		return nil, nil, code
	}
	log, err := newLogger(cfg.Log, io.Stderr, io.redact)
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
