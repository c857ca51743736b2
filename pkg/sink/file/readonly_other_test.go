//go:build !linux

// Elsewhere a read-only mount for root is not set up by the tests.

package file

import "testing"

func inReadOnlyMount(t *testing.T, dir string, fn func() error) error {
	t.Helper()
	ciOrSkip(t, "a read-only mount for root is only set up on Linux")
	return nil
}
