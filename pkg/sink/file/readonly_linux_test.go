//go:build linux

// A read-only directory that stops root too: a read-only bind mount in a
// mount namespace of one locked thread, so nothing leaks to the machine.

package file

import (
	"fmt"
	"runtime"
	"syscall"
	"testing"
)

// inReadOnlyMount runs fn on a thread that sees dir mounted read-only and
// returns fn's error. The thread ends with fn's goroutine, its namespace
// with it. Without the privilege to mount, the test skips (fails in CI).
func inReadOnlyMount(t *testing.T, dir string, fn func() error) error {
	t.Helper()
	type result struct{ setup, err error }
	done := make(chan result)
	go func() {
		runtime.LockOSThread() // never unlocked: the thread exits with this goroutine
		steps := []struct {
			what string
			do   func() error
		}{
			{"unshare", func() error { return syscall.Unshare(syscall.CLONE_NEWNS) }},
			{"private mounts", func() error { return syscall.Mount("", "/", "", syscall.MS_REC|syscall.MS_PRIVATE, "") }},
			{"bind", func() error { return syscall.Mount(dir, dir, "", syscall.MS_BIND, "") }},
			{"read-only", func() error {
				return syscall.Mount("", dir, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, "")
			}},
		}
		for _, s := range steps {
			if err := s.do(); err != nil {
				done <- result{setup: fmt.Errorf("%s: %w", s.what, err)}
				return
			}
		}
		done <- result{err: fn()}
	}()
	r := <-done
	if r.setup != nil {
		ciOrSkip(t, "cannot mount "+dir+" read-only as root: "+r.setup.Error())
	}
	return r.err
}
