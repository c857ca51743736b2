// Validation of sinks[]: each sink's name and settings (through its kind's
// Validate), and that no two sinks share a name.

package config

// validateSinks checks each sink and name uniqueness.
func (c *Config) validateSinks(p *Problems) {
	if len(c.Sinks) == 0 {
		p.add("sinks", "at least one sink is required")
		return
	}
	seen := map[string]int{}
	for i, s := range c.Sinks {
		s.validate(p, index("sinks", i))
		checkUnique(p, "sinks", i, s.Name, seen)
	}
}
