// Who is at the other end of a control connection, on Linux: the
// connecting process's uid from SO_PEERCRED.

package control

import (
	"net"
	"os"
	"syscall"
)

// peerAllowed admits the daemon's own user and root; a peer whose
// credentials cannot be read is refused.
func peerAllowed(c *net.UnixConn) bool {
	raw, err := c.SyscallConn()
	if err != nil {
		return false
	}
	var cred *syscall.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil || cerr != nil {
		return false
	}
	return cred.Uid == 0 || int(cred.Uid) == os.Geteuid()
}
