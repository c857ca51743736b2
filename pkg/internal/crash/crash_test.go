// Tests of Call and Catch: errors and nil pass through unchanged, a panic
// becomes an *Error naming what ran, the value and the panicking frame.

package crash

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCallPassesResultsThrough(t *testing.T) {
	if err := Call("x", func() error { return nil }); err != nil {
		t.Errorf("Call of a function returning nil = %v", err)
	}
	want := errors.New("plain failure")
	if err := Call("x", func() error { return want }); err != want {
		t.Errorf("Call = %v, want the function's own error", err)
	}
	if Stack(want) != "" || Stack(nil) != "" {
		t.Error("Stack of an error that is no panic is not empty")
	}
}

func panicsWithIndex() error {
	var s []int
	return fmt.Errorf("unreachable %d", s[3])
}

func TestCallTurnsAPanicIntoAnError(t *testing.T) {
	err := Call(`delivery to sink "splunk"`, panicsWithIndex)
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("Call = %v, want an *Error", err)
	}
	if e.What != `delivery to sink "splunk"` || !strings.Contains(fmt.Sprint(e.Value), "index out of range [3]") {
		t.Errorf("Error %+v", e)
	}
	if !strings.HasPrefix(err.Error(), `delivery to sink "splunk": internal error (panic: runtime error: index out of range [3]`) {
		t.Errorf("message %q", err)
	}
	if st := Stack(fmt.Errorf("wrapped: %w", err)); !strings.Contains(st, "crash.panicsWithIndex") {
		t.Errorf("the stack does not name the panicking function:\n%s", st)
	}
}
