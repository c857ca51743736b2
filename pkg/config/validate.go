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
	checkPositive(p, "shutdown_timeout", c.ShutdownTimeout)
	checkEnum(p, "log.level", c.Log.Level, "debug", "info", "warn", "error")
	checkEnum(p, "log.format", c.Log.Format, "json", "console")
	if c.Metrics.Listen != "" {
		checkHostPort(p, "metrics.listen", c.Metrics.Listen, true)
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
	for _, s := range c.Sinks {
		sinks[s.Name] = true
	}
	names := map[string]int{}
	for i, in := range c.Inputs {
		path := index("inputs", i)
		in.validate(p, path)
		if j, dup := names[in.Name]; dup && in.Name != "" {
			p.add(field(path, "name"), "%q is already the name of inputs[%d]", in.Name, j)
		} else {
			names[in.Name] = i
		}
		routed := map[string]bool{}
		for j, name := range in.Sinks {
			sp := index(field(path, "sinks"), j)
			switch {
			case routed[name]:
				p.add(sp, "%q is listed twice", name)
			case !sinks[name]:
				p.add(sp, "no sink named %q", name)
			}
			routed[name] = true
		}
	}
}

// validateSinks checks each sink and name uniqueness.
func (c *Config) validateSinks(p *Problems) {
	if len(c.Sinks) == 0 {
		p.add("sinks", "at least one sink is required")
		return
	}
	names := map[string]int{}
	for i, s := range c.Sinks {
		path := index("sinks", i)
		s.validate(p, path)
		if j, dup := names[s.Name]; dup && s.Name != "" {
			p.add(field(path, "name"), "%q is already the name of sinks[%d]", s.Name, j)
		} else {
			names[s.Name] = i
		}
	}
}
