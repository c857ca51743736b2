// transport_test.go drives the sink against real listeners on 127.0.0.1:
// exact bytes per transport and framing, reconnects, resends, TLS
// verification, mutual TLS, Check and Close.

package syslog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

func readGolden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExactBytes(t *testing.T) {
	pki := newTestPKI(t)
	events := []event.Event{userEvent("e1", 0), userEvent("e2", 3), windowEvent()}
	goldens := []string{"rfc5424_leef_user.golden", "rfc5424_leef_failure.golden", "rfc5424_leef_window.golden"}
	for _, c := range []struct{ network, framing string }{
		{"tcp", "octet-counting"}, {"tcp", "newline"}, {"tls", "octet-counting"}, {"tls", "newline"}, {"udp", ""},
	} {
		t.Run(c.network+"_"+c.framing, func(t *testing.T) {
			var srvTLS = serverTLS(t, pki, false)
			if c.network != "tls" {
				srvTLS = nil
			}
			r := startReceiver(t, c.network, c.framing, srvTLS, "")
			cfg := syslogConfig(r.addr(), c.network)
			if c.network == "tls" {
				cfg.TLS.CAFile = pki.caFile
			}
			if c.framing != "" { // UDP has none
				cfg.Framing = c.framing
			}
			s := newSink(t, settings(t), cfg)
			if err := writeFor(t, s, t.Context(), events); err != nil {
				t.Fatal(err)
			}
			msgs := r.waitMessages(len(events))
			var want []byte
			for i, g := range goldens {
				msg := readGolden(t, g)
				if msgs[i] != string(msg) {
					t.Errorf("message %d:\n got %q\nwant %q", i, msgs[i], msg)
				}
				switch c.framing {
				case "newline":
					want = append(append(want, msg...), '\n')
				case "octet-counting":
					want = append(append(append(want, strconv.Itoa(len(msg))...), ' '), msg...)
				default:
					want = append(want, msg...)
				}
			}
			if got := r.rawBytes(); !bytes.Equal(got, want) {
				t.Errorf("raw bytes differ:\n got %q\nwant %q", got, want)
			}
		})
	}
}

// manyEvents makes n events with distinct ids and padding of pad bytes.
func manyEvents(prefix string, n, pad int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		out[i] = userEvent(fmt.Sprintf("%s-%05d", prefix, i), 0)
		if pad > 0 {
			out[i].AddString("padding", strings.Repeat("p", pad))
		}
	}
	return out
}

// idsOf extracts the eventId of each received LEEF message.
func idsOf(t *testing.T, msgs []string) map[string]int {
	t.Helper()
	ids := map[string]int{}
	for _, m := range msgs {
		p, err := parseRFC5424(m)
		if err != nil {
			t.Fatal(err)
		}
		_, attrs, err := parseLEEF(p.msg)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range attrs {
			if a.k == "eventId" {
				ids[a.v]++
			}
		}
	}
	return ids
}

func requireAll(t *testing.T, ids map[string]int, batches ...[]event.Event) {
	t.Helper()
	for _, b := range batches {
		for _, e := range b {
			if ids[e.ID()] == 0 {
				t.Errorf("event %s lost", e.ID())
			}
		}
	}
}

func TestReconnectAfterPeerClose(t *testing.T) {
	pki := newTestPKI(t)
	for _, network := range []string{"tcp", "tls"} {
		t.Run(network, func(t *testing.T) {
			var srvTLS = serverTLS(t, pki, false)
			if network != "tls" {
				srvTLS = nil
			}
			r := startReceiver(t, network, "octet-counting", srvTLS, "")
			cfg := syslogConfig(r.addr(), network)
			if network == "tls" {
				cfg.TLS.CAFile = pki.caFile
			}
			s := newSink(t, settings(t), cfg)
			first, second := manyEvents("a", 5, 0), manyEvents("b", 5, 0)
			if err := writeFor(t, s, t.Context(), first); err != nil {
				t.Fatal(err)
			}
			r.waitMessages(5)
			r.dropConns() // the receiver restarts its side
			if err := writeFor(t, s, t.Context(), second); err != nil {
				t.Fatal(err)
			}
			msgs := r.waitMessages(10)
			requireAll(t, idsOf(t, msgs), first, second)
			if n := r.connCount(); n != 2 {
				t.Errorf("%d connections, want 2", n)
			}
		})
	}
}

func TestResendAfterWriteFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("sends a 5 MB batch; skipped with -short")
	}
	r := startReceiver(t, "tcp", "octet-counting", nil, "")
	r.mu.Lock()
	r.onConn = func(i int, c net.Conn) {
		if i > 0 {
			r.read(i, c)
			return
		}
		// The first connection takes 64 KiB, then resets: the Write fails,
		// and its retry must resend the whole batch on the next connection.
		buf := make([]byte, 64<<10)
		_, _ = c.Read(buf)
		_ = c.(*net.TCPConn).SetLinger(0)
		_ = c.Close()
	}
	r.mu.Unlock()
	s := newSink(t, settings(t), syslogConfig(r.addr(), "tcp"))
	batch := manyEvents("big", 700, 7000) // about 5 MB: more than the socket buffers hold
	if err := writeFor(t, s, t.Context(), batch); err == nil {
		t.Fatal("Write succeeded although the peer reset the connection mid-batch")
	}
	if err := writeFor(t, s, t.Context(), batch); err != nil { // the delivery loop's retry
		t.Fatal(err)
	}
	msgs := r.waitMessages(len(batch))
	requireAll(t, idsOf(t, msgs), batch)
	r.mu.Lock()
	onSecond := len(r.perCn[1])
	r.mu.Unlock()
	if onSecond != len(batch) {
		t.Errorf("second connection got %d messages, want the whole batch (%d)", onSecond, len(batch))
	}
}

func TestDialFailureThenRecover(t *testing.T) {
	addr := sinktest.ClosedTCPAddr(t)
	s := newSink(t, settings(t), syslogConfig(addr, "tcp"))
	batch := manyEvents("d", 3, 0)
	if err := writeFor(t, s, t.Context(), batch); err == nil {
		t.Fatal("Write succeeded with nothing listening")
	}
	r := startReceiver(t, "tcp", "octet-counting", nil, addr)
	if err := writeFor(t, s, t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	requireAll(t, idsOf(t, r.waitMessages(3)), batch)
}

func TestTLSVerification(t *testing.T) {
	pki := newTestPKI(t)
	cases := []struct {
		name     string
		host     string
		tls      config.TLS
		ok       bool
		warnings int
	}{
		{"system roots only", "127.0.0.1", config.TLS{}, false, 0},
		{"wrong CA", "127.0.0.1", config.TLS{CAFile: pki.otherCA}, false, 0},
		{"ca_file, IP address", "127.0.0.1", config.TLS{CAFile: pki.caFile}, true, 0},
		{"ca_file, host name", "localhost", config.TLS{CAFile: pki.caFile}, true, 0},
		{"insecure_skip_verify", "127.0.0.1", config.TLS{InsecureSkipVerify: true}, true, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := startReceiver(t, "tls", "octet-counting", serverTLS(t, pki, false), "")
			_, port, _ := net.SplitHostPort(r.addr())
			core, logs := observer.New(zap.WarnLevel)
			st := settings(t)
			st.Logger = zap.New(core)
			cfg := syslogConfig(net.JoinHostPort(c.host, port), "tls")
			cfg.TLS = c.tls
			s := newSink(t, st, cfg)
			if logs.Len() != c.warnings {
				t.Errorf("%d warnings at New, want %d", logs.Len(), c.warnings)
			}
			err := writeFor(t, s, t.Context(), manyEvents("v", 1, 0))
			if c.ok != (err == nil) {
				t.Fatalf("Write: %v", err)
			}
			if cerr := s.Check(t.Context()); c.ok != (cerr == nil) {
				t.Fatalf("Check: %v", cerr)
			}
			if c.ok {
				r.waitMessages(1)
			}
		})
	}
}

func TestMutualTLS(t *testing.T) {
	pki := newTestPKI(t)
	for _, c := range []struct {
		name     string
		withCert bool
	}{{"client certificate", true}, {"no client certificate", false}} {
		t.Run(c.name, func(t *testing.T) {
			r := startReceiver(t, "tls", "octet-counting", serverTLS(t, pki, true), "")
			cfg := syslogConfig(r.addr(), "tls")
			cfg.TLS.CAFile = pki.caFile
			if c.withCert {
				cfg.TLS.CertFile, cfg.TLS.KeyFile = pki.clientCert, pki.clientKey
			}
			s := newSink(t, settings(t), cfg)
			err := writeFor(t, s, t.Context(), manyEvents("m", 2, 0))
			cerr := s.Check(t.Context())
			if c.withCert {
				if err != nil || cerr != nil {
					t.Fatalf("Write: %v, Check: %v", err, cerr)
				}
				r.waitMessages(2)
				return
			}
			if err == nil || cerr == nil {
				t.Fatalf("a server that rejects the client went unnoticed: Write %v, Check %v", err, cerr)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	pki := newTestPKI(t)
	tcp := startReceiver(t, "tcp", "octet-counting", nil, "")
	tlsR := startReceiver(t, "tls", "octet-counting", serverTLS(t, pki, false), "")
	cases := []struct {
		name, addr, network string
		ok                  bool
	}{
		{"tcp listening", tcp.addr(), "tcp", true},
		{"tcp nothing listening", sinktest.ClosedTCPAddr(t), "tcp", false},
		{"tls handshake", tlsR.addr(), "tls", true},
		{"tls to a plain tcp listener", tcp.addr(), "tls", false},
		{"udp resolves and dials only", sinktest.ClosedTCPAddr(t), "udp", true},
		{"unresolvable host", "no-such-host.invalid:514", "tcp", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := syslogConfig(c.addr, c.network)
			if c.network == "tls" {
				cfg.TLS.CAFile = pki.caFile
			}
			s := newSink(t, settings(t), cfg)
			ctx, cancel := context.WithTimeout(t.Context(), time.Second)
			defer cancel()
			if err := s.Check(ctx); c.ok != (err == nil) {
				t.Fatalf("Check: %v", err)
			}
		})
	}
}

func TestCloseIdempotent(t *testing.T) {
	r := startReceiver(t, "tcp", "octet-counting", nil, "")
	s := newSink(t, settings(t), syslogConfig(r.addr(), "tcp"))
	if err := writeFor(t, s, t.Context(), manyEvents("c", 1, 0)); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := s.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeFor(t, s, t.Context(), manyEvents("c", 1, 0)); err == nil {
		t.Fatal("Write after Close succeeded")
	}
}

func TestWriteCanceled(t *testing.T) {
	r := startReceiver(t, "tcp", "octet-counting", nil, "")
	hold := make(chan struct{})
	t.Cleanup(func() { close(hold) })
	r.mu.Lock()
	r.onConn = func(int, net.Conn) { <-hold } // accepts, never reads
	r.mu.Unlock()
	s := newSink(t, settings(t), syslogConfig(r.addr(), "tcp"))
	ctx, cancel := context.WithCancel(t.Context())
	go func() {
		time.Sleep(200 * time.Millisecond)
		cancel()
	}()
	err := writeFor(t, s, ctx, manyEvents("x", 1000, 7000))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Write: %v, want context.Canceled", err)
	}
}

func TestUDPResendsFromFailedDatagram(t *testing.T) {
	r := startReceiver(t, "udp", "", nil, "")
	cfg := syslogConfig(r.addr(), "udp")
	s := newSink(t, settings(t), cfg)
	batch := manyEvents("u", 20, 0)
	for i := range batch { // the UDP default limit shortens these: drop lists
		batch[i].Set(event.Field{Key: "fromHeader", Kind: event.List, List: []string{strings.Repeat("x", 3000)}})
	}
	m := &countingMetrics{}
	s.metrics = m
	if err := writeFor(t, s, t.Context(), batch); err != nil {
		t.Fatal(err)
	}
	msgs := r.waitMessages(len(batch))
	for _, msg := range msgs {
		if len(msg) > DefaultMaxMessageUDP {
			t.Errorf("datagram of %d bytes over the UDP default", len(msg))
		}
	}
	requireAll(t, idsOf(t, msgs), batch)
	if m.count() != len(batch) {
		t.Errorf("Truncated counted %d, want %d", m.count(), len(batch))
	}
}

// plainPort listens on TCP, writes banner to every connection and then
// reads whatever comes without ever answering.
func plainPort(t *testing.T, banner string) string {
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
				_, _ = io.WriteString(c, banner)
				_, _ = io.Copy(io.Discard, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestCheckAdvisesOnPlainTextPorts: a TLS sink pointed at a port that
// speaks plain syslog says what to change, whether the port answers the
// handshake with text or waits silently; a TCP sink gets no such advice.
func TestCheckAdvisesOnPlainTextPorts(t *testing.T) {
	cases := []struct {
		name, network, banner, want string
	}{
		{"banner", "tls", "<13>1 plain text from a syslog port\n", "; the server answered in plain text: is network: tls right for this port?"},
		{"silent", "tls", "", "; no TLS answer from the server: if this port takes plain syslog over TCP, use network: tcp (or the receiver's TLS port)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newSink(t, settings(t), syslogConfig(plainPort(t, c.banner), c.network))
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			err := s.Check(ctx)
			if err == nil || !strings.HasSuffix(err.Error(), c.want) {
				t.Fatalf("Check: %v\nwant the advice %q", err, c.want)
			}
		})
	}
	t.Run("no advice without tls", func(t *testing.T) {
		if hint := plainTextHint("tcp", context.DeadlineExceeded); hint != "" {
			t.Errorf("a tcp sink is told %q", hint)
		}
	})
}
