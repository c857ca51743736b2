// Validate checks a loaded Config: pure and fast, every problem with its
// field path, no secret in any message.

package config

import (
	"strings"
	"time"
)

// Minimums Validate enforces.
const (
	MinWindow          = time.Minute
	MaxConcurrency     = 64
	MinMaxBytesPerSink = Size(1 << 20)
)

// Validate reports every problem of the config as Problems (nil when there
// are none). It touches neither the network nor the disk.
func (c *Config) Validate() error {
	var p Problems
	c.validate(&p)
	return p.err()
}

func (c *Config) validate(p *Problems) {
	if strings.TrimSpace(c.StatePath) == "" {
		p.add("state_path", "required")
	}
	p.check(CheckPositive("shutdown_timeout", c.ShutdownTimeout),
		CheckEnum("log.level", c.Log.Level, "debug", "info", "warn", "error"),
		CheckEnum("log.format", c.Log.Format, "json", "console"))
	if c.Metrics.Listen != "" {
		p.check(CheckListen("metrics.listen", c.Metrics.Listen))
	}
	c.validateInputs(p)
	c.validateSinks(p)
	if c.Queue.MaxBytesPerSink < MinMaxBytesPerSink {
		p.add("queue.max_bytes_per_sink", "must be at least %s (got %s)", MinMaxBytesPerSink, c.Queue.MaxBytesPerSink)
	}
}

// validateInputs checks each input, name uniqueness and routing.
func (c *Config) validateInputs(p *Problems) {
	if len(c.Inputs) == 0 {
		p.add("inputs", "at least one input is required")
		return
	}
	sinks := make(map[string]bool, len(c.Sinks))
	names := make([]string, 0, len(c.Sinks))
	for _, s := range c.Sinks {
		sinks[s.Name] = true
		names = append(names, s.Name)
	}
	seen := map[string]int{}
	for i, in := range c.Inputs {
		path := index("inputs", i)
		in.validate(p, path)
		checkUnique(p, "inputs", i, in.Name, seen)
		routed := map[string]bool{}
		for j, name := range in.Sinks {
			sp := index(field(path, "sinks"), j)
			switch {
			case routed[name]:
				p.add(sp, "%q is listed twice", name)
			case !sinks[name]:
				p.add(sp, "no sink named %q%s", name, didYouMean(name, names))
			}
			routed[name] = true
		}
	}
}

// checkUnique reports a name that an earlier item of list (at its index in
// seen) already has, and records it otherwise.
func checkUnique(p *Problems, list string, i int, name string, seen map[string]int) {
	if j, dup := seen[name]; dup && name != "" {
		p.add(field(index(list, i), "name"), "%q is already the name of %s", name, index(list, j))
		return
	}
	seen[name] = i
}
