// The socket file: its path beside the state file, created with mode 0600
// before anyone can reach it, a stale one from a killed daemon replaced,
// removed when the daemon stops.

package control

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
)

// maxSocketPath is the longest path a Unix socket address can hold on
// Linux (sun_path is 108 bytes with its NUL); a longer one is reached
// through its directory (viaShortPath).
const maxSocketPath = 107

// SocketPath is the control socket of the daemon that holds the state file
// at statePath.
func SocketPath(statePath string) string { return statePath + ".sock" }

// listener is the daemon's socket and what it needs to remove it again.
type listener struct {
	*net.UnixListener
	path string
	info os.FileInfo // the socket file created, to remove only that one
}

// listen creates the socket at path, mode 0600: it is bound in a new
// private directory beside path, its mode set, then renamed into place,
// replacing a socket left there (the caller holds the state file's lock,
// so no daemon can be serving it). Anything at path that is not a socket
// is left alone and reported.
func listen(path string) (*listener, error) {
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSocket == 0 {
		return nil, fmt.Errorf("control socket %s: a file that is not a socket is in the way; remove it", path)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), "s") // mode 0700
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	defer os.RemoveAll(tmp)
	bound := filepath.Join(tmp, "s")
	var ln *net.UnixListener
	err = viaShortPath(bound, func(addr string) (err error) {
		ln, err = net.ListenUnix("unix", &net.UnixAddr{Name: addr, Net: "unix"})
		return dialCause(err)
	})
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ln.SetUnlinkOnClose(false)
	if err := placeSocket(bound, path); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	info, err := os.Lstat(path)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	return &listener{UnixListener: ln, path: path, info: info}, nil
}

// placeSocket makes the socket at bound owner-only and moves it to path.
func placeSocket(bound, path string) error {
	if err := os.Chmod(bound, 0o600); err != nil {
		return err
	}
	return os.Rename(bound, path)
}

// Close stops listening and removes the socket file, unless another has
// taken its place since.
func (l *listener) Close() error {
	err := l.UnixListener.Close()
	if errors.Is(err, net.ErrClosed) {
		err = nil // the HTTP server closed it first
	}
	if fi, serr := os.Lstat(l.path); serr == nil && os.SameFile(fi, l.info) {
		if rerr := os.Remove(l.path); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	return err
}

// Accept implements net.Listener: connections from another user are
// closed unanswered (see peerAllowed).
func (l *listener) Accept() (net.Conn, error) {
	for {
		c, err := l.UnixListener.AcceptUnix()
		if err != nil {
			return nil, err
		}
		if peerAllowed(c) {
			return c, nil
		}
		c.Close()
	}
}
