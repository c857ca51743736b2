// Unix socket addresses longer than sun_path allows, on Linux: the socket is
// named through a descriptor of its directory, /proc/self/fd/N/NAME, which
// always fits, so that a state_path of any length has its control socket.

package control

import (
	"fmt"
	"os"
	"path/filepath"
)

// viaShortPath calls fn with an address for the socket file at path that
// fits a Unix socket address: path itself when short enough, else a name
// through a descriptor of its directory, open while fn runs.
func viaShortPath(path string, fn func(addr string) error) error {
	if len(path) <= maxSocketPath {
		return fn(path)
	}
	dir, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer dir.Close()
	short := fmt.Sprintf("/proc/self/fd/%d/%s", dir.Fd(), filepath.Base(path))
	if len(short) > maxSocketPath {
		return fmt.Errorf("the socket's name %q is longer than the %d bytes a Unix socket allows", filepath.Base(path), maxSocketPath)
	}
	if _, err := os.Stat(filepath.Dir(short)); err != nil {
		return fmt.Errorf("the path is longer than the %d bytes a Unix socket allows and /proc is not available to shorten it (%w); use a shorter state_path", maxSocketPath, err)
	}
	return fn(short)
}
