// Expansion of ${VAR} references in config values.

package config

import (
	"errors"
	"fmt"
	"strings"
)

// LookupEnv finds an environment variable, like os.LookupEnv.
type LookupEnv func(name string) (string, bool)

// expandEnv replaces every ${NAME} in s with the variable's value and every
// $$ with one $. A $ followed by anything else stays as it is. Errors name
// the variable but never quote s, which may be a secret.
func expandEnv(s string, lookup LookupEnv) (string, error) {
	if !strings.Contains(s, "$") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '$')
		if i < 0 || i == len(s)-1 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			s = s[i+2:]
		case '{':
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				return "", errors.New("unterminated ${ (write $$ for a literal $)")
			}
			name := s[i+2 : i+2+end]
			if !validEnvName(name) {
				return "", errors.New("invalid ${...} reference: a variable name is letters, digits and _ and does not start with a digit (write $$ for a literal $)")
			}
			v, ok := lookup(name)
			if !ok {
				return "", fmt.Errorf("environment variable %s is not set", name)
			}
			b.WriteString(v)
			s = s[i+3+end:]
		default:
			b.WriteByte('$')
			s = s[i+1:]
		}
	}
}

// hasLiteral reports whether s, a value before expansion, holds any text of
// its own besides ${VAR} references: a secret whose value is wholly made of
// references comes from the environment, any other is (partly) written in
// the file. A reference that does not parse counts as text.
func hasLiteral(s string) bool {
	for s != "" {
		i := strings.Index(s, "${")
		if i != 0 {
			return true
		}
		end := strings.IndexByte(s, '}')
		if end < 0 || !validEnvName(s[2:end]) {
			return true
		}
		s = s[end+1:]
	}
	return false
}

// validEnvName reports whether name is a portable environment variable name.
func validEnvName(name string) bool {
	if name == "" || (name[0] >= '0' && name[0] <= '9') {
		return false
	}
	for _, c := range []byte(name) {
		ok := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !ok {
			return false
		}
	}
	return true
}
