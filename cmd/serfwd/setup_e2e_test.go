// End-to-end tests of setup errors: `serfwd run` exits 2 with a message
// saying what to fix, before fetching anything, when the state path lies
// under a file or cannot be written, or the metrics address is in use or a
// host name.

package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// nobody is the user a root test runs serfwd as, so that file modes apply.
const nobody = 65534

// setStatePath rewrites e's config to keep its state file at path.
func setStatePath(t *testing.T, e *e2eEnv, path string) {
	t.Helper()
	data, err := os.ReadFile(e.cfg)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(data), "state_path: "+opsStatePath(e), "state_path: "+path, 1)
	if err := os.WriteFile(e.cfg, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// runSetupCase runs `serfwd run` and wants exit 2 with every want in stderr,
// and nothing fetched.
func runSetupCase(t *testing.T, e *e2eEnv, cmd *exec.Cmd, want ...string) {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != exitUsage {
		t.Fatalf("run exited %d (%v), want 2:\n%s", code, err, stderr.String())
	}
	for _, w := range want {
		if !strings.Contains(stderr.String(), w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr.String())
		}
	}
	if n := e.sim.Stats().ReportRequests; n != 0 {
		t.Errorf("a run that could not start made %d report requests", n)
	}
}

func TestE2ESetupErrorsExit2(t *testing.T) {
	t.Run("state path under a file", func(t *testing.T) {
		e := newE2E(t, sersim.Options{}, 1, "", "")
		file := filepath.Join(e.dir, "plain-file")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		setStatePath(t, e, filepath.Join(file, "state.db"))
		runSetupCase(t, e, exec.Command(serfwdBin, "run", "--config", e.cfg), "not a directory", "check state_path")
	})
	t.Run("state directory not writable", func(t *testing.T) {
		e := newE2E(t, sersim.Options{}, 1, "", "")
		stateDir := filepath.Join(e.dir, "readonly")
		if err := os.Mkdir(stateDir, 0o555); err != nil {
			t.Fatal(err)
		}
		setStatePath(t, e, filepath.Join(stateDir, "state.db"))
		cmd, uid := commandAsUnprivileged(t, e, "run", "--config", e.cfg)
		runSetupCase(t, e, cmd, "permission denied", "this user (uid "+uid+") cannot write that path")
	})
	t.Run("metrics address in use", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		e := newE2E(t, sersim.Options{}, 1, "", "metrics: {listen: \""+ln.Addr().String()+"\"}\n")
		runSetupCase(t, e, exec.Command(serfwdBin, "run", "--config", e.cfg), "already in use", "choose another metrics.listen")
	})
	// A host name would be looked up at each start; one that does not
	// resolve must not become a restart loop: validate and run refuse it.
	t.Run("metrics address a host name", func(t *testing.T) {
		e := newE2E(t, sersim.Options{}, 1, "", "metrics: {listen: \"nosuchhost.invalid:9464\"}\n")
		const want = `metrics.listen: "nosuchhost.invalid:9464": the host must be an IP address of this host, localhost, or empty for every address`
		runSetupCase(t, e, exec.Command(serfwdBin, "run", "--config", e.cfg), want)
		runSetupCase(t, e, exec.Command(serfwdBin, "validate", "--config", e.cfg), want)
	})
}

// commandAsUnprivileged runs serfwd so that file modes bind it: as itself
// when not root, else as nobody, from a copy of the binary that nobody can
// run, reading e's files made readable to it. It returns the uid.
func commandAsUnprivileged(t *testing.T, e *e2eEnv, args ...string) (*exec.Cmd, string) {
	t.Helper()
	if os.Geteuid() != 0 {
		return exec.Command(serfwdBin, args...), strconv.Itoa(os.Geteuid())
	}
	bin := filepath.Join(e.dir, "serfwd")
	data, err := os.ReadFile(serfwdBin)
	if err == nil {
		err = os.WriteFile(bin, data, 0o755)
	}
	for p, mode := range map[string]os.FileMode{e.dir: 0o755, filepath.Dir(e.dir): 0o755, e.cfg: 0o644, filepath.Join(e.dir, "secret"): 0o644} {
		if err == nil {
			err = os.Chmod(p, mode)
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	return cmd, strconv.Itoa(nobody)
}
