// The systemd notify protocol: READY, WATCHDOG and STOPPING reach a
// NOTIFY_SOCKET the test listens on.

package main

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// TestE2ESystemdNotify plays systemd for `serfwd run`: it listens on a
// unixgram NOTIFY_SOCKET with a 200ms watchdog and checks the daemon says
// READY=1 once its state file is open, pings WATCHDOG=1 repeatedly, says
// STOPPING=1 after SIGTERM, and exits 0.
func TestE2ESystemdNotify(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	sockDir, err := os.MkdirTemp("", "sdnotify-") // short: socket paths are limited to 108 bytes
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(sockDir) })
	sock := filepath.Join(sockDir, "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	states := make(chan string, 1024)
	go readNotify(conn, states)

	daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
	// go-systemd's SdWatchdogEnabled pings only when WATCHDOG_PID is unset or
	// is the process's own pid; unset, as the child's pid is not known yet.
	daemon.Env = append(envWithout("NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"),
		"NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=200000")
	stderr := &simOutput{} // safe to read while the daemon writes
	daemon.Stderr = stderr
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- daemon.Wait() }()
	defer func() {
		daemon.Process.Kill()
		<-exited
		e.noSecret(stderr.String())
	}()

	first := nextState(t, states, exited, stderr)
	if first != "READY=1" {
		t.Fatalf("first notification %q, want READY=1", first)
	}
	if _, err := os.Stat(filepath.Join(e.dir, "state", "state.db")); err != nil {
		t.Fatalf("READY=1 before the state file exists: %v", err)
	}
	for pings := 0; pings < 3; {
		switch s := nextState(t, states, exited, stderr); s {
		case "WATCHDOG=1":
			pings++
		default:
			t.Fatalf("notification %q while running, want only WATCHDOG=1", s)
		}
	}

	if err := daemon.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	for s := ""; s != "STOPPING=1"; {
		s = nextState(t, states, exited, stderr)
		if s != "WATCHDOG=1" && s != "STOPPING=1" {
			t.Fatalf("notification %q after SIGTERM, want STOPPING=1", s)
		}
	}
	select {
	case err := <-exited:
		exited <- err // for the deferred cleanup
		if err != nil {
			t.Fatalf("serfwd run after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("serfwd run did not exit after SIGTERM\n%s", stderr.String())
	}
}

// readNotify forwards every assignment of every datagram until conn closes.
func readNotify(conn *net.UnixConn, states chan<- string) {
	buf := make([]byte, 4096)
	for {
		n, _, err := conn.ReadFromUnix(buf)
		if err != nil {
			close(states)
			return
		}
		for _, s := range strings.Split(strings.TrimSpace(string(buf[:n])), "\n") {
			states <- s
		}
	}
}

// nextState waits for the next notification; the daemon exiting first, or
// nothing for a long while, fails the test.
func nextState(t *testing.T, states <-chan string, exited chan error, stderr *simOutput) string {
	t.Helper()
	select {
	case s, ok := <-states:
		if !ok {
			t.Fatal("the notify socket closed")
		}
		return s
	case err := <-exited:
		exited <- err
		t.Fatalf("serfwd run exited (%v) while a notification was awaited\n%s", err, stderr.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("no notification from serfwd run\n%s", stderr.String())
	}
	return ""
}

// envWithout returns the environment less the named variables.
func envWithout(names ...string) []string {
	var env []string
next:
	for _, kv := range os.Environ() {
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				continue next
			}
		}
		env = append(env, kv)
	}
	return env
}
