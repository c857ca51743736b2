// Safe printing of a Sink: fmt reaches the settings behind its pointers
// without calling their methods when a verb does not fit a pointer (%s,
// %d), which would print a HEC token raw; Format prints them itself.

package config

import "fmt"

// settings returns the type-specific settings the sink holds, or nil.
func (s Sink) settings() any {
	switch {
	case s.HEC != nil:
		return *s.HEC
	case s.Syslog != nil:
		return *s.Syslog
	case s.File != nil:
		return *s.File
	}
	return nil
}

// Format implements fmt.Formatter: every verb prints the name, the type and
// the settings, with secrets redacted.
func (s Sink) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprintf(f, "config.Sink{Name:%q, Type:%q, Settings:%#v}", s.Name, s.Type, s.settings())
	case verb == 'v' && f.Flag('+'):
		fmt.Fprintf(f, "{Name:%s Type:%s Settings:%+v}", s.Name, s.Type, s.settings())
	default:
		fmt.Fprintf(f, "{%s %s %v}", s.Name, s.Type, s.settings())
	}
}
