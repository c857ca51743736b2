// Package crash turns a panic in a goroutine that serfwd owns (a delivery
// loop, a poller, a fetch) into an error carrying its stack. An unrecovered
// panic ends a Go program with exit status 2, the status serfwd gives to
// setup errors, which the systemd unit's RestartPreventExitStatus=2 does not
// restart: a bug would leave collection stopped for good. As an error it
// stops the daemon the ordinary way instead (queues drained as far as they
// go, exit 1, restarted by systemd), and says what to report.
package crash

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// Error is a recovered panic.
type Error struct {
	What  string // what was running: "delivery to sink \"splunk\""
	Value any    // what was passed to panic
	Stack string // the goroutine's stack where it panicked
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: internal error (panic: %v); this is a bug in serfwd: please report it with the stack logged beside this message", e.What, e.Value)
}

// Catch, deferred, recovers a panic of the function that defers it and
// stores it in *err as an *Error about what.
func Catch(what string, err *error) {
	if v := recover(); v != nil {
		*err = Recovered(what, v)
	}
}

// Recovered is the *Error of the panic value v that a deferred function
// recovered; called from that function, its stack is the panic's.
func Recovered(what string, v any) *Error {
	return &Error{What: what, Value: v, Stack: string(debug.Stack())}
}

// Call runs fn and returns its error, or the *Error of its panic.
func Call(what string, fn func() error) (err error) {
	defer Catch(what, &err)
	return fn()
}

// Stack is the stack of the first *Error in err's tree, or "".
func Stack(err error) string {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Stack
	}
	return ""
}
