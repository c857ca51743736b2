// End to end into a syslog receiver with LEEF, and the demo printing the last
// 24 hours.

package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi/sersim"
)

// tcpSyslog is a minimal RFC 6587 octet-counting receiver.
type tcpSyslog struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
}

func newTCPSyslog(t *testing.T) *tcpSyslog {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &tcpSyslog{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.read(c)
		}
	}()
	return r
}

func (r *tcpSyslog) read(c net.Conn) {
	defer c.Close()
	br := bufio.NewReader(c)
	for {
		n, err := br.ReadString(' ')
		if err != nil {
			return
		}
		size, err := strconv.Atoi(strings.TrimSpace(n))
		if err != nil {
			return
		}
		msg := make([]byte, size)
		if _, err := io.ReadFull(br, msg); err != nil {
			return
		}
		r.mu.Lock()
		r.msgs = append(r.msgs, string(msg))
		r.mu.Unlock()
	}
}

func (r *tcpSyslog) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.msgs...)
}

// TestE2EOnceToSyslogLEEF runs the binary with a syslog sink (TCP, octet
// counting, RFC 5424, LEEF): one message per event, with the event's
// header fields and eventId.
func TestE2EOnceToSyslogLEEF(t *testing.T) {
	rcv := newTCPSyslog(t)
	e := newE2E(t, sersim.Options{RecordsPerWindow: 5}, 3, "", fmt.Sprintf(`  - name: qradar
    type: syslog
    address: %s
    network: tcp
    hostname: serfwd-e2e
`, rcv.ln.Addr()))
	if code, _, stderr := e.run("once"); code != exitOK {
		t.Fatalf("once exited %d:\n%s", code, stderr)
	}
	want := e.expected(e.end)
	waitFor(t, 10*time.Second, func() bool { return len(rcv.received()) >= len(want) })
	got := rcv.received()
	if len(got) != len(want) {
		t.Fatalf("syslog received %d messages, want %d", len(got), len(want))
	}
	t.Logf("%d messages, e.g. %.200s", len(got), got[0])
	for i, m := range got {
		ev := normJSON(t, want[i])
		if !strings.HasPrefix(m, "<134>1 ") && !strings.HasPrefix(m, "<132>1 ") {
			t.Fatalf("message %d: PRI/version wrong: %.60s", i, m)
		}
		if !strings.Contains(m, " serfwd-e2e serfwd - ser.") || !strings.Contains(m, "LEEF:2.0|Proofpoint|SER|") {
			t.Fatalf("message %d: header or LEEF prefix wrong: %.160s", i, m)
		}
		id := ev[strings.Index(ev, `"eventId":"`)+11:]
		id = id[:64]
		if !strings.Contains(m, "eventId="+id) {
			t.Fatalf("message %d does not carry eventId %s: %.200s", i, id, m)
		}
	}
}

// TestE2EDemoPrintsTheLast24Hours runs `serfwd demo` as a new user would.
func TestE2EDemoPrintsTheLast24Hours(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: skipped with -short")
	}
	e := &e2eEnv{t: t, cfg: "/nonexistent-demo-needs-no-config.yaml"}
	code, stdout, stderr := e.run("demo")
	if code != exitOK {
		t.Fatalf("demo exited %d:\n%s", code, stderr)
	}
	windows := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		ev := checkFields(t, line)
		if ev["eventType"] == "ser.window" {
			windows[ev["windowStart"].(string)] = true
		}
	}
	if len(windows) != 24 {
		t.Fatalf("demo printed %d distinct windows, want the last 24 hours", len(windows))
	}
	if !strings.Contains(stderr, "24 hourly windows") {
		t.Fatalf("demo summary missing from stderr:\n%s", stderr)
	}
}
