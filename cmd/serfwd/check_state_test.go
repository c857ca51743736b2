// `serfwd check` end to end: the state path row beside a running daemon and
// for a directory it cannot write, and the hints where TLS meets plain text.

package main

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// checkStateRow runs `serfwd check` through cmd and returns its exit status,
// its table and the state row's line.
func checkStateRow(t *testing.T, cmd *exec.Cmd) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	cmd.Run()
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(line, "state ") {
			return cmd.ProcessState.ExitCode(), out.String(), line
		}
	}
	t.Fatalf("no state row:\n%s%s", out.String(), errOut.String())
	return 0, "", ""
}

func TestE2ECheckBesideARunningDaemon(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 2, "", "")
	daemon := exec.Command(serfwdBin, "run", "--config", e.cfg)
	if err := daemon.Start(); err != nil {
		t.Fatal(err)
	}
	defer daemon.Process.Kill()
	waitFor(t, 20*time.Second, func() bool { _, err := os.Stat(e.out); return err == nil })

	code, table, row := checkStateRow(t, exec.Command(serfwdBin, "check", "--config", e.cfg))
	if code != exitOK || !strings.Contains(row, " OK ") || !strings.Contains(row, "held by a running serfwd") {
		t.Fatalf("check beside the daemon: exit %d, state row %q\n%s", code, row, table)
	}
	daemon.Process.Signal(syscall.SIGTERM)
	if err := daemon.Wait(); err != nil {
		t.Fatalf("the daemon after the check and SIGTERM: %v", err)
	}
}

func TestE2ECheckStateDirectoryNotWritable(t *testing.T) {
	e := newE2E(t, sersim.Options{}, 1, "", "")
	stateDir := filepath.Join(e.dir, "readonly")
	if err := os.Mkdir(stateDir, 0o555); err != nil {
		t.Fatal(err)
	}
	setStatePath(t, e, filepath.Join(stateDir, "state.db"))
	cmd, uid := commandAsUnprivileged(t, e, "check", "--config", e.cfg)
	code, table, row := checkStateRow(t, cmd)
	if code != exitFailure || !strings.Contains(row, " FAIL ") || !strings.Contains(row, "is not writable by uid "+uid) {
		t.Fatalf("exit %d, state row %q\n%s", code, row, table)
	}
}

// plainTCP accepts connections and, for each, writes banner (if any) and
// reads until the client goes.
func plainTCP(t *testing.T, banner string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.WriteString(c, banner)
				io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().String()
}

func syslogTLSSinkYAML(name, addr string) string {
	return fmt.Sprintf("  - name: %s\n    type: syslog\n    address: %s\n    network: tls\n    format: leef\n", name, addr)
}

func TestCheckHintsAtPlainTextPorts(t *testing.T) {
	plainHTTP := httptest.NewServer(http.NotFoundHandler())
	defer plainHTTP.Close()
	hecHTTPS := "https://" + strings.TrimPrefix(plainHTTP.URL, "http://")
	sinks := opsHECSinkYAML(hecHTTPS) +
		syslogTLSSinkYAML("banner", plainTCP(t, "<13>1 plain text from a syslog port\n")) +
		syslogTLSSinkYAML("silent", plainTCP(t, ""))
	e := newE2E(t, sersim.Options{}, 1, "", sinks)
	code, stdout, _ := opsRun(t, "check", "--config", e.cfg, "--timeout", "3s")
	t.Logf("check:\n%s", stdout)
	if code != exitFailure {
		t.Fatalf("check exited %d, want 1:\n%s", code, stdout)
	}
	want := map[string]string{
		"splunk": "the server answered in plain text: is https:// right for this port?",
		"banner": "the server answered in plain text: is network: tls right for this port?",
		"silent": "no TLS answer from the server: if this port takes plain syslog over TCP, use network: tcp",
	}
	rows := opsCheckRows(t, stdout)
	for name, hint := range want {
		if rows[name] != "FAIL" {
			t.Errorf("row %s: %q, want FAIL", name, rows[name])
		}
		if !rowContains(stdout, name, hint) {
			t.Errorf("row %s lacks the hint %q:\n%s", name, hint, stdout)
		}
	}
	if rowContains(stdout, "acme", "hint") || rowContains(stdout, "archive", "plain text") {
		t.Errorf("a hint on a row that does not use TLS:\n%s", stdout)
	}
}

// rowContains reports whether the table row of name contains s.
func rowContains(table, name, s string) bool {
	for _, line := range strings.Split(table, "\n") {
		if f := strings.Fields(line); len(f) > 1 && f[1] == name {
			return strings.Contains(line, s)
		}
	}
	return false
}

func TestTLSHintForAnInput(t *testing.T) {
	sim, err := sersim.Start(sersim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()
	e := newE2E(t, sersim.Options{}, 1, "", "")
	data, _ := os.ReadFile(e.cfg)
	text := strings.ReplaceAll(string(data), e.sim.TokenURL(), strings.Replace(sim.TokenURL(), "http://", "https://", 1))
	if err := os.WriteFile(e.cfg, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, _ := opsRun(t, "check", "--config", e.cfg, "--timeout", "10s")
	if code != exitFailure || !rowContains(stdout, "acme", "the server answered in plain text: is https:// right for this port?") {
		t.Fatalf("exit %d:\n%s", code, stdout)
	}
}
