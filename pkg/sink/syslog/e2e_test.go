// e2e_test.go delivers events to real rsyslog and syslog-ng receivers and
// checks, from what they wrote to disk, that every event arrived exactly once
// with the right headers and LEEF fields — and that a receiver killed and
// restarted in the middle of a run loses nothing.

package syslog

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
	"github.com/serfwd/serfwd/pkg/sink/syslog/syslogtest"
)

// rsyslogConf is an rsyslog config writing every raw message to out.
func rsyslogConf(dir, input, port, tlsGlobals, out string) string {
	return fmt.Sprintf(`global(workDirectory=%q maxMessageSize="64k"%s)
%s
template(name="raw" type="string" string="%%rawmsg%%\n")
action(type="omfile" file=%q template="raw")
`, dir, tlsGlobals, fmt.Sprintf(input, port), out)
}

type rsyslogCase struct {
	name, network, framing string
	input                  string // module and input lines; %s is the port
	tls                    bool
}

var rsyslogCases = []rsyslogCase{
	{"imtcp octet-counting", "tcp", "octet-counting",
		"module(load=\"imtcp\")\ninput(type=\"imtcp\" address=\"127.0.0.1\" port=\"%s\")", false},
	{"imtcp newline", "tcp", "newline",
		"module(load=\"imtcp\")\ninput(type=\"imtcp\" address=\"127.0.0.1\" port=\"%s\")", false},
	{"imudp", "udp", "",
		"module(load=\"imudp\")\ninput(type=\"imudp\" address=\"127.0.0.1\" port=\"%s\")", false},
	{"imtcp gtls", "tls", "octet-counting",
		"module(load=\"imtcp\" StreamDriver.Name=\"gtls\" StreamDriver.Mode=\"1\" StreamDriver.AuthMode=\"anon\")\ninput(type=\"imtcp\" address=\"127.0.0.1\" port=\"%s\")", true},
}

// startRsyslog writes the config and starts rsyslogd -n; it returns the
// daemon, the output file and the address.
func startRsyslog(t *testing.T, dir string, c rsyslogCase, addr, caFile, certFile, keyFile string, n int) (*syslogtest.Daemon, string) {
	t.Helper()
	rsyslogd := peer(t, "rsyslogd")
	out := filepath.Join(dir, "received.log")
	_, port, _ := net.SplitHostPort(addr)
	globals := ""
	if c.tls {
		globals = fmt.Sprintf(`
  DefaultNetstreamDriver="gtls" DefaultNetstreamDriverCAFile=%q
  DefaultNetstreamDriverCertFile=%q DefaultNetstreamDriverKeyFile=%q`, caFile, certFile, keyFile)
	}
	conf := filepath.Join(dir, "rsyslog.conf")
	if err := os.WriteFile(conf, []byte(rsyslogConf(dir, c.input, port, globals, out)), 0o600); err != nil {
		t.Fatal(err)
	}
	d := syslogtest.Start(t, dir, rsyslogd, "-n", "-f", conf, "-i", filepath.Join(dir, fmt.Sprintf("rsyslogd-%d.pid", n)))
	if c.network == "udp" {
		d.WaitUDP(addr, out)
	} else {
		d.WaitTCP(addr)
	}
	return d, out
}

func TestE2ERsyslog(t *testing.T) {
	e2eGuard(t)
	for _, c := range rsyslogCases {
		t.Run(c.name, func(t *testing.T) {
			peer(t, "rsyslogd")
			dir := t.TempDir()
			var ca, cert, key string
			if c.tls {
				requireGTLS(t)
				ca, cert, key = opensslCerts(t, dir)
			}
			addr := sinktest.ClosedTCPAddr(t)
			if c.network == "udp" {
				addr = sinktest.ClosedUDPAddr(t)
			}
			d, out := startRsyslog(t, dir, c, addr, ca, cert, key, 0)
			cfg := syslogConfig(addr, c.network)
			cfg.TLS.CAFile = ca
			if c.framing != "" { // UDP has none
				cfg.Framing = c.framing
			}
			s := newSink(t, settings(t), cfg)
			batches := e2eBatches("rs", 3, 20)
			for _, b := range batches {
				writeRetrying(t, s, b)
			}
			sent := flatten(batches)
			lines := waitDelivered(t, d, out, sent)
			checkExactlyOnce(t, verifyLines(t, lines, sent), sent)
		})
	}
}

func TestE2ESyslogNG(t *testing.T) {
	e2eGuard(t)
	for _, c := range []struct {
		name, driver, framing, flags string
	}{
		{"network() tls newline", "network", "newline", "syslog-protocol, store-raw-message"},
		{"syslog() tls octet-counting", "syslog", "octet-counting", "store-raw-message"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sng := peer(t, "syslog-ng")
			dir := t.TempDir()
			ca, cert, key := opensslCerts(t, dir)
			addr := sinktest.ClosedTCPAddr(t)
			_, port, _ := net.SplitHostPort(addr)
			out := filepath.Join(dir, "received.log")
			conf := fmt.Sprintf(`@version: 3.38
options { keep-hostname(yes); chain-hostnames(no); log-msg-size(65536); };
source s_net { %s(ip("127.0.0.1") port(%s) transport("tls") flags(%s) log-msg-size(65536)
  tls(key-file(%q) cert-file(%q) peer-verify(optional-untrusted))); };
destination d_file { file(%q template("${RAWMSG}\n")); };
log { source(s_net); destination(d_file); };
`, c.driver, port, c.flags, key, cert, out)
			confPath := filepath.Join(dir, "syslog-ng.conf")
			if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
				t.Fatal(err)
			}
			d := syslogtest.Start(t, dir, sng, "-F", "-e", "--no-caps", "-f", confPath,
				"-p", filepath.Join(dir, "syslog-ng.pid"), "-R", filepath.Join(dir, "syslog-ng.persist"),
				"-c", filepath.Join(dir, "syslog-ng.ctl"))
			d.WaitTCP(addr)
			cfg := syslogConfig(addr, "tls")
			cfg.Framing, cfg.TLS.CAFile = c.framing, ca
			s := newSink(t, settings(t), cfg)
			batches := e2eBatches("sng", 3, 20)
			for _, b := range batches {
				writeRetrying(t, s, b)
			}
			sent := flatten(batches)
			lines := waitDelivered(t, d, out, sent)
			checkExactlyOnce(t, verifyLines(t, lines, sent), sent)
		})
	}
}

// TestE2ERsyslogRestart kills rsyslog (SIGKILL) in the middle of a TCP run
// and starts it again on the same port: nothing may be lost. The kill comes
// once rsyslog has written what it was sent: bytes still in its socket buffer
// when it dies are lost to any syslog sender (there are no acknowledgments;
// see the package doc), so this tests the sender's side — noticing the dead
// connection before the next batch and resending instead of writing into it.
func TestE2ERsyslogRestart(t *testing.T) {
	e2eGuard(t)
	peer(t, "rsyslogd")
	dir := t.TempDir()
	c := rsyslogCases[0]
	addr := sinktest.ClosedTCPAddr(t)
	d, out := startRsyslog(t, dir, c, addr, "", "", "", 0)
	s := newSink(t, settings(t), syslogConfig(addr, "tcp"))
	batches := e2eBatches("restart", 10, 50)
	for i, b := range batches {
		if i == 5 {
			waitDelivered(t, d, out, flatten(batches[:5]))
			d.Stop(syscall.SIGKILL)
			d, _ = startRsyslog(t, dir, c, addr, "", "", "", 1)
		}
		writeRetrying(t, s, b)
	}
	sent := flatten(batches)
	lines := waitDelivered(t, d, out, sent)
	counts := verifyLines(t, lines, sent)
	dups := 0
	for _, e := range sent {
		if counts[e.ID()] == 0 {
			t.Errorf("event %s lost", e.ID())
		}
		dups += max(counts[e.ID()]-1, 0)
	}
	t.Logf("restart: %d events sent, %d messages received, %d duplicates", len(sent), len(lines), dups)
}

// checkExactlyOnce requires every event to have arrived once.
func checkExactlyOnce(t *testing.T, counts map[string]int, sent []event.Event) {
	t.Helper()
	for _, e := range sent {
		if n := counts[e.ID()]; n != 1 {
			t.Errorf("event %s arrived %d times", e.ID(), n)
		}
	}
}
