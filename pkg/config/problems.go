// Problems collect everything wrong with a config, each with its field path.

package config

import (
	"fmt"
	"regexp"
	"slices"
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

// addErr records every problem in err under prefix: a Problem's path is
// appended to prefix, joined errors (errors.Join, Problems) are flattened,
// and any other error becomes a problem at prefix itself.
func (ps *Problems) addErr(prefix string, err error) {
	switch e := err.(type) {
	case nil:
	case Problem:
		*ps = append(*ps, Problem{Path: field(prefix, e.Path), Msg: e.Msg})
	case Problems:
		for _, p := range e {
			ps.addErr(prefix, p)
		}
	case interface{ Unwrap() []error }:
		for _, x := range e.Unwrap() {
			ps.addErr(prefix, x)
		}
	default:
		*ps = append(*ps, Problem{Path: prefix, Msg: err.Error()})
	}
}

// check records the problems of each error (nil ones add nothing).
func (ps *Problems) check(errs ...error) {
	for _, err := range errs {
		ps.addErr("", err)
	}
}

// Problemf returns one problem at path, relative to the struct whose
// Validate reports it: Problemf("url", "required").
func Problemf(path, format string, args ...any) error {
	return Problem{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Within puts every problem of err under path, for a nested block:
// Within("tls", err) turns "cert_file: …" into "tls.cert_file: …". Joined
// errors are flattened; an error that is not a Problem is placed at path.
// It returns nil for nil.
func Within(path string, err error) error {
	var ps Problems
	ps.addErr(path, err)
	return ps.err()
}

// field extends a path with a mapping key: field("inputs[0]", "window").
// Either may be empty; a key that is a list position ("[2]") is appended
// without a dot.
func field(path, key string) string {
	switch {
	case path == "":
		return key
	case key == "":
		return path
	case strings.HasPrefix(key, "["):
		return path + key
	}
	return path + "." + key
}

// index extends a path with a list position: index("inputs", 0).
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// without drops the problems that repeat one of decoded's: at the same path
// or under it (a value that could not be read left a default behind), or at
// the key whose *_file form failed.
func (ps Problems) without(decoded Problems) Problems {
	var out Problems
	for _, p := range ps {
		if !slices.ContainsFunc(decoded, func(d Problem) bool { return covers(d.Path, p.Path) }) {
			out = append(out, p)
		}
	}
	return out
}

// lenientPath matches the paths whose problems a Lenient load reports.
var lenientPath = regexp.MustCompile(`^(|state_path|(inputs|sinks)\[\d+\]\.name)$`)

// lenient keeps the problems a Lenient load reports: the YAML's, state_path's
// and the names'.
func (ps Problems) lenient() Problems {
	var out Problems
	for _, p := range ps {
		if lenientPath.MatchString(p.Path) {
			out = append(out, p)
		}
	}
	return out
}

// covers reports whether a decoding problem at d explains a validation
// problem at p.
func covers(d, p string) bool {
	switch {
	case d == p, d == p+"_file":
		return true
	case d == "":
		return false
	}
	return strings.HasPrefix(p, d+".") || strings.HasPrefix(p, d+"[")
}
