package syslog

// e2e_helpers_test.go starts real syslog receivers (rsyslog, syslog-ng) as
// child processes in the foreground, each with its own config, pid file and
// work directory under t.TempDir() and a free port, writing the raw messages
// it received to a file that the tests parse. Missing binaries skip the test,
// except with CI=true, where they fail it (.ci/peers.sh installs them).

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// e2eGuard skips end-to-end tests with -short.
func e2eGuard(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test with a real syslog receiver: skipped with -short")
	}
}

// missing skips, or fails when CI=true.
func missing(t *testing.T, what string) {
	t.Helper()
	msg := what + " not found; install it with .ci/peers.sh (as root)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: failing instead of skipping)")
	}
	t.Skip(msg)
}

// peer finds a receiver binary on PATH or in /usr/sbin.
func peer(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	missing(t, name)
	return ""
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// requireGTLS checks for rsyslog's GnuTLS netstream driver.
func requireGTLS(t *testing.T) {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/*/rsyslog/lmnsd_gtls.so")
	more, _ := filepath.Glob("/usr/lib*/rsyslog/lmnsd_gtls.so")
	if len(matches)+len(more) == 0 {
		missing(t, "rsyslog GnuTLS driver (package rsyslog-gnutls)")
	}
}

// opensslCerts makes a CA and a server certificate for 127.0.0.1/localhost
// with the openssl CLI; it returns the paths of ca.pem, server.pem, server.key.
func opensslCerts(t *testing.T, dir string) (ca, cert, key string) {
	t.Helper()
	openssl := peer(t, "openssl")
	run := func(args ...string) {
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	ext := "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
	if err := os.WriteFile(filepath.Join(dir, "server.ext"), []byte(ext), 0o600); err != nil {
		t.Fatal(err)
	}
	run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
		"-days", "2", "-subj", "/CN=serfwd e2e CA")
	run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
	run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "2",
		"-out", "server.pem", "-days", "2", "-extfile", "server.ext")
	return filepath.Join(dir, "ca.pem"), filepath.Join(dir, "server.pem"), filepath.Join(dir, "server.key")
}

// daemon is a receiver running in the foreground as a child process.
type daemon struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	log  string // its stdout and stderr
	done chan struct{}
}

func startDaemon(t *testing.T, dir, name string, args ...string) *daemon {
	t.Helper()
	logPath := filepath.Join(dir, filepath.Base(name)+".stderr")
	lf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr, cmd.Dir = lf, lf, dir
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	_ = lf.Close()
	d := &daemon{t: t, name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); close(d.done) }()
	t.Cleanup(func() { d.stop(syscall.SIGTERM) })
	return d
}

// stop signals the daemon and waits for it to exit (SIGKILL after 10 s).
func (d *daemon) stop(sig syscall.Signal) {
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

func (d *daemon) stderr() string {
	b, _ := os.ReadFile(d.log)
	return string(b)
}

// waitTCP waits until the daemon accepts TCP connections on addr.
func (d *daemon) waitTCP(addr string) {
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
			d.t.Fatalf("%s exited:\n%s", d.name, d.stderr())
		default:
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s does not listen on %s:\n%s", d.name, addr, d.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const probeText = "serfwd-readiness-probe"

// waitUDP sends probe datagrams until one shows up in the output file.
func (d *daemon) waitUDP(addr, out string) {
	d.t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		d.t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		_, _ = c.Write([]byte("<134>1 2026-11-26T10:00:00.000Z probe probe - probe - " + probeText))
		if b, _ := os.ReadFile(out); bytes.Contains(b, []byte(probeText)) {
			return
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("%s never received a UDP probe:\n%s", d.name, d.stderr())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// receivedLines reads the output file without probe lines.
func receivedLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.Contains(l, probeText) {
			out = append(out, l)
		}
	}
	return out
}

// waitDelivered waits until every event of want has arrived at least once.
func waitDelivered(t *testing.T, d *daemon, path string, want []event.Event) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		lines := receivedLines(t, path)
		ids := map[string]bool{}
		for _, l := range lines {
			if _, id, ok := strings.Cut(l, "^eventId="); ok {
				id, _, _ = strings.Cut(id, "^")
				ids[id] = true
			}
		}
		all := true
		for _, e := range want {
			all = all && ids[e.ID()]
		}
		if all {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d events arrived; receiver log:\n%s", len(ids), len(want), d.stderr())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// verifyLines checks every received line against the events sent and
// returns how often each eventId arrived.
func verifyLines(t *testing.T, lines []string, sent []event.Event) map[string]int {
	t.Helper()
	byID := map[string]event.Event{}
	for _, e := range sent {
		byID[e.ID()] = e
	}
	counts := map[string]int{}
	for _, l := range lines {
		p, err := parseRFC5424(l)
		if err != nil {
			t.Fatal(err)
		}
		_, attrs, err := parseLEEF(p.msg)
		if err != nil {
			t.Fatal(err)
		}
		id := ""
		for _, a := range attrs {
			if a.k == "eventId" {
				id = a.v
			}
		}
		e, ok := byID[id]
		if !ok {
			t.Fatalf("unexpected message %q", l)
		}
		counts[id]++
		wantPRI := "134"
		if e.IntValue("failure") > 0 {
			wantPRI = "132"
		}
		if p.pri != wantPRI || p.host != "loghost" || p.app != "serfwd" || p.msgID != e.Type() ||
			p.ts != e.Str("windowStart") {
			t.Errorf("header of %s: %+v", id, p)
		}
		if err := checkLEEFPayload(&e, p.msg); err != nil {
			t.Errorf("LEEF payload of %s: %v", id, err)
		}
	}
	return counts
}

// e2eBatches makes n batches of size events, a window event in each, with
// some failures and awkward values, all with distinct ids.
func e2eBatches(prefix string, n, size int) [][]event.Event {
	out := make([][]event.Event, n)
	for b := range out {
		for i := range size {
			id := fmt.Sprintf("%s-%03d-%03d", prefix, b, i)
			var e event.Event
			if i == 0 {
				e = windowEvent()
				e.Set(event.Field{Key: "eventId", Kind: event.String, Str: id})
			} else {
				e = userEvent(id, int64(i%3))
				e.Set(event.Field{Key: "applicationName", Kind: event.String, Str: "Sales|force ü=x\\y"})
			}
			out[b] = append(out[b], e)
		}
	}
	return out
}

// writeRetrying writes like the delivery loop: on error, retry the batch.
func writeRetrying(t *testing.T, s *Sink, batch []event.Event) {
	t.Helper()
	var err error
	for range 100 {
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		err = s.Write(ctx, batch)
		cancel()
		if err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("batch never delivered: %v", err)
}

func flatten(batches [][]event.Event) []event.Event {
	var out []event.Event
	for _, b := range batches {
		out = append(out, b...)
	}
	return out
}
