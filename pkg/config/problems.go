// Problems collect everything wrong with a config, each with its field path.

package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a config: Path names the key
// ("inputs[0].window"; empty for the document as a whole) and Msg says what
// is wrong. Msg never holds a secret.
type Problem struct {
	Path string
	Msg  string
}

// Error renders the problem as "path: msg".
func (p Problem) Error() string {
	if p.Path == "" {
		return p.Msg
	}
	return p.Path + ": " + p.Msg
}

// Problems is every problem found in a config, in document order. It is an
// error whose text is one problem per line.
type Problems []Problem

// Error joins the problems, one per line.
func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap gives each problem as an error, for errors.Is and errors.As.
func (ps Problems) Unwrap() []error {
	errs := make([]error, len(ps))
	for i, p := range ps {
		errs[i] = p
	}
	return errs
}

// err returns nil when there are no problems, so that a nil Problems never
// becomes a non-nil error.
func (ps Problems) err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// add records a problem at path.
func (ps *Problems) add(path, format string, args ...any) {
	*ps = append(*ps, Problem{Path: path, Msg: fmt.Sprintf(format, args...)})
}

// field extends a path with a mapping key: field("inputs[0]", "window").
func field(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index extends a path with a list position: index("inputs", 0).
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}
