//go:build !linux

// Unix socket addresses on systems without /proc/self/fd: a path longer
// than a socket address allows is refused with advice.

package control

import "fmt"

// viaShortPath calls fn with path, or refuses a path too long for a Unix
// socket address.
func viaShortPath(path string, fn func(addr string) error) error {
	if len(path) > maxSocketPath {
		return fmt.Errorf("the path is longer than the %d bytes a Unix socket allows; use a shorter state_path", maxSocketPath)
	}
	return fn(path)
}
