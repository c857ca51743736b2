// e2e_helpers_test.go holds what the end-to-end tests with real syslog
// receivers share (started by syslogtest, writing the raw messages they
// received to a file that the tests parse): certificates from the openssl
// CLI, waiting for delivery, and checking what arrived.

package syslog

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink/syslog/syslogtest"
)

// e2eGuard skips end-to-end tests with -short.
func e2eGuard(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test with a real syslog receiver: skipped with -short")
	}
}

// peer finds a receiver binary, or skips (fails when CI=true).
func peer(t *testing.T, name string) string { return syslogtest.Peer(t, name) }

// requireGTLS checks for rsyslog's GnuTLS netstream driver.
func requireGTLS(t *testing.T) {
	t.Helper()
	matches, _ := filepath.Glob("/usr/lib/*/rsyslog/lmnsd_gtls.so")
	more, _ := filepath.Glob("/usr/lib*/rsyslog/lmnsd_gtls.so")
	if len(matches)+len(more) == 0 {
		syslogtest.Missing(t, "rsyslog GnuTLS driver (package rsyslog-gnutls)")
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

// waitDelivered waits until every event of want has arrived at least once.
func waitDelivered(t *testing.T, d *syslogtest.Daemon, path string, want []event.Event) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		lines := syslogtest.Lines(t, path)
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
			t.Fatalf("%d of %d events arrived; receiver log:\n%s", len(ids), len(want), d.Stderr())
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
		err = writeFor(t, s, ctx, batch)
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
