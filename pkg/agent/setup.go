// Setup errors: failures the operator must fix and a restart cannot (the
// state file held by another serfwd or damaged, a path the process cannot
// write, an address it cannot listen on, a sink that cannot be built from
// its config). Commands exit 2 on them, so that the unit's
// RestartPreventExitStatus=2 stops a restart loop; this is the one place
// that decides which failures they are.

package agent

import (
	"errors"
	"io/fs"
	"net"
	"syscall"

	"github.com/serfwd/serfwd/pkg/state"
)

// SetupError marks a failure that is the operator's to fix (exit 2).
type SetupError struct{ Err error }

func (e *SetupError) Error() string { return e.Err.Error() }
func (e *SetupError) Unwrap() error { return e.Err }

// IsSetupError reports whether err, or an error it wraps, is a SetupError.
func IsSetupError(err error) bool {
	var se *SetupError
	return errors.As(err, &se)
}

// ClassifySetup returns err wrapped in a SetupError when its cause is one a
// restart cannot fix (see the file's comment), else err unchanged. It is
// for errors of opening the state path or listening on an address.
func ClassifySetup(err error) error {
	if err == nil || IsSetupError(err) || !setupCause(err) {
		return err
	}
	return &SetupError{err}
}

// setupCause reports whether err is the operator's to fix.
func setupCause(err error) bool {
	switch {
	case errors.Is(err, state.ErrLocked), errors.Is(err, state.ErrCorrupt):
		return true
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS), errors.Is(err, syscall.ENOTDIR),
		errors.Is(err, syscall.EISDIR):
		return true // a path the process cannot write
	case errors.Is(err, syscall.EADDRINUSE), errors.Is(err, syscall.EADDRNOTAVAIL):
		return true // an address it cannot listen on
	}
	// A listen address whose name does not resolve (or a port name that
	// does not exist); a DNS timeout or a temporary failure may pass, and
	// a restart may then succeed.
	var dns *net.DNSError
	return errors.As(err, &dns) && !dns.IsTimeout && !dns.IsTemporary
}
