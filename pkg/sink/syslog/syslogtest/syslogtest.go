// Package syslogtest starts real syslog receivers (rsyslog, syslog-ng) for
// tests, as child processes in the foreground, each with its own config, pid
// file and work directory under the test's temporary directory, and waits
// until they listen. A receiver that is not installed skips the test, or
// fails it when CI=true (.ci/peers.sh installs them). Only tests import it.
package syslogtest

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Missing skips the test because what is not installed, or fails it when
// CI=true.
func Missing(t testing.TB, what string) {
	t.Helper()
	msg := what + " not found; install it with .ci/peers.sh (as root)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: failing instead of skipping)")
	}
	t.Skip(msg)
}

// Peer finds a receiver's binary on PATH or in the sbin directories.
func Peer(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return p
		}
	}
	Missing(t, name)
	return ""
}

// Daemon is a receiver running in the foreground as a child process,
// stopped at the end of the test.
type Daemon struct {
	t    testing.TB
	name string
	cmd  *exec.Cmd
	log  string // its stdout and stderr
	done chan struct{}
}

// Start runs bin with args in dir, its output going to a file there.
func Start(t testing.TB, dir, bin string, args ...string) *Daemon {
	t.Helper()
	logPath := filepath.Join(dir, filepath.Base(bin)+".stderr")
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr, cmd.Dir = lf, lf, dir
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", bin, err)
	}
	_ = lf.Close()
	d := &Daemon{t: t, name: bin, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.Stop(syscall.SIGTERM) })
	return d
}

// Stop signals the daemon and waits for it to exit (SIGKILL after 10 s).
func (d *Daemon) Stop(sig syscall.Signal) {
	select {
	case <-d.done:
		return
	default:
	}
	_ = d.cmd.Process.Signal(sig)
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		_ = d.cmd.Process.Kill()
		<-d.done
	}
}

// Stderr is what the daemon printed so far.
func (d *Daemon) Stderr() string {
	b, _ := os.ReadFile(d.log)
	return string(b)
}

// WaitTCP waits until the daemon accepts TCP connections on addr; it fails
// the test when the daemon exits or 20 s pass.
func (d *Daemon) WaitTCP(addr string) {
	d.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = c.Close()
			return
		}
		select {
		case <-d.done:
			d.t.Fatalf("%s exited:\n%s", d.name, d.Stderr())
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s does not listen on %s:\n%s", d.name, addr, d.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ProbeText marks the readiness probes WaitUDP sends; drop lines holding it.
const ProbeText = "serfwd-readiness-probe"

// WaitUDP sends probe datagrams to addr until one shows up in the file out.
func (d *Daemon) WaitUDP(addr, out string) {
	d.t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		d.t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, _ = c.Write([]byte("<134>1 2026-11-26T10:00:00.000Z probe probe - probe - " + ProbeText))
		if b, _ := os.ReadFile(out); bytes.Contains(b, []byte(ProbeText)) {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s never received a UDP probe:\n%s", d.name, d.Stderr())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// WaitLines waits until the file path holds at least n lines (without
// probes) and returns them; it fails the test after timeout with the
// daemon's output.
func (d *Daemon) WaitLines(path string, n int, timeout time.Duration) []string {
	d.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		lines := Lines(d.t, path)
		if len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s wrote %d of %d lines to %s; its output:\n%s", d.name, len(lines), n, path, d.Stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Lines reads a receiver's output file without probe lines; a missing file
// has none.
func Lines(t testing.TB, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, l := range bytes.Split(b, []byte("\n")) {
		if len(l) > 0 && !bytes.Contains(l, []byte(ProbeText)) {
			out = append(out, string(l))
		}
	}
	return out
}
