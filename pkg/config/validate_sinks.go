// Validation of sinks[]: each sink's name and settings (through its kind's
// Validate), and that no two sinks share a name.

package config

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
