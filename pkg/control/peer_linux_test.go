// Another user cannot use the socket: mode 0600 keeps them from
// connecting, and were the mode wider, the daemon would close their
// connection unanswered. The other user is this test binary run again as
// nobody, which needs root.

package control_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/serfwd/serfwd/pkg/control"
)

const peerEnv = "SERFWD_CONTROL_PEER_SOCKET"

// TestPeerChild is the other user's side: it reports what it got.
func TestPeerChild(t *testing.T) {
	path := os.Getenv(peerEnv)
	if path == "" {
		t.Skip("run by TestOtherUsersAreNotAnswered")
	}
	c, err := control.Dial(context.Background(), path)
	if err != nil {
		fmt.Println("dial failed:", err)
		return
	}
	if _, err := c.Status(context.Background()); err != nil {
		fmt.Println("status failed:", err)
		return
	}
	fmt.Println("status answered")
}

func TestOtherUsersAreNotAnswered(t *testing.T) {
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root: this test must run there")
		}
		t.Skip("needs root, to run a client as another user")
	}
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil { // nobody may reach the socket's directory
			t.Fatal(err)
		}
	}
	bin := filepath.Join(dir, "control.test")
	copyExecutable(t, bin)
	path := control.SocketPath(filepath.Join(dir, "state.db"))
	serve(t, path, &fakeDaemon{status: control.Status{Protocol: 1}})
	asNobody := func() string {
		t.Helper()
		cmd := exec.Command(bin, "-test.run=^TestPeerChild$", "-test.v")
		cmd.Env = append(os.Environ(), peerEnv+"="+path)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := asNobody(); !strings.Contains(out, "dial failed:") || !strings.Contains(out, "permission denied") {
		t.Errorf("nobody on the 0600 socket:\n%s", out)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if out := asNobody(); !strings.Contains(out, "status failed:") {
		t.Errorf("nobody on a socket opened to all was answered:\n%s", out)
	}
	// The daemon's own user still is.
	if _, err := dial(t, path).Status(context.Background()); err != nil {
		t.Errorf("the owner's status: %v", err)
	}
}

// copyExecutable copies this test binary to dst, readable and executable
// by all.
func copyExecutable(t *testing.T, dst string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(self)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
