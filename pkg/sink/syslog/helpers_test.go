// helpers_test.go holds what the tests share: sample events, golden files,
// small parsers for RFC 5424, LEEF and CEF, certificates and sink builders.

package syslog

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
	"github.com/serfwd/serfwd/pkg/testpki"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

func TestMain(m *testing.M) {
	// Local listeners answer at once: shorter probes keep the TLS tests quick.
	handshakeProbe, probeTimeout = 50*time.Millisecond, 50*time.Millisecond
	os.Exit(m.Run())
}

const testVersion = "1.2.3"

// userEvent is a ser.applicationUser event as SPEC §4 describes it.
func userEvent(id string, failure int64) event.Event {
	var e event.Event
	e.AddString("eventType", event.TypeApplicationUser)
	e.AddString("eventId", id)
	e.AddInt("revision", 0)
	e.AddString("input", "acme")
	e.AddString("windowStart", "2026-11-26T10:00:00.000Z")
	e.AddString("windowEnd", "2026-11-26T11:00:00.000Z")
	e.AddString("applicationName", "Salesforce")
	e.AddString("applicationUserName", "sf-prod-notifications")
	e.AddList("fromEnvelope", []string{"bounces@example.com"})
	e.AddList("fromHeader", []string{"example.com", "example.org"})
	for _, kv := range []struct {
		k string
		v int64
	}{
		{"success", 1200}, {"failure", failure}, {"tempFailure", 2}, {"partialSuccess", 0},
		{"inProgress", 1}, {"total", 1206}, {"recipientsTotal", 1450},
		{"messageSizeTotal", 48213311}, {"deliveredSizeTotal", 48100222},
		{"dsn2xx", 1200}, {"dsn3xx", 0}, {"dsn4xx", 2}, {"dsn5xx", 3},
	} {
		e.AddInt(kv.k, kv.v)
	}
	e.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
	e.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
	e.AddInt("annualThroughput", 1099511627776)
	return e
}

// windowEvent is a ser.window event.
func windowEvent() event.Event {
	var e event.Event
	e.AddString("eventType", event.TypeWindow)
	e.AddString("eventId", strings.Repeat("ab", 32))
	e.AddInt("revision", 1)
	e.AddString("input", "acme")
	e.AddString("windowStart", "2026-11-26T10:00:00.000Z")
	e.AddString("windowEnd", "2026-11-26T11:00:00.000Z")
	e.AddInt("records", 0)
	e.AddInt("success", 0)
	e.AddInt("failure", 0)
	return e
}

// nastyEvent carries every character the encoders must handle.
func nastyEvent() event.Event {
	e := userEvent("nasty", 3)
	e.Set(event.Field{Key: "applicationName", Kind: event.String, Str: "Sales^force|CRM=prod\\x"})
	e.Set(event.Field{Key: "applicationUserName", Kind: event.String, Str: "tab\there\r\nnew line"})
	e.Set(event.Field{Key: "fromEnvelope", Kind: event.List, List: []string{"a^b@example.com", "ü@bücher.de"}})
	e.AddString("limits_perHour", "größe=10\\20|x")
	e.AddString("bad\tkey=^", "invalid \xff utf8 ✓")
	e.AddRaw("ratio", "0.25")
	e.AddString("cat", "clash")
	return e
}

// forgedEvent has unknown fields named like SPEC §4 keys, the payloads' own
// attributes, attributes a SIEM reads (LEEF's predefined src, proto,
// identSrc; CEF's act, msg, src, proto) and each other once LEEF's and
// CEF's key rule is applied, and a failure rate whose severity rounds a
// half up (603 of 1206: sev 6).
func forgedEvent() event.Event {
	e := userEvent("forged", 603)
	e.AddString("succ ess", "999")
	e.AddInt("failure\n", 1)
	e.AddString("sev", "10")
	e.AddString("usrName", "admin")
	e.AddString("a b", "x")
	e.AddString("a_b", "y")
	e.AddString("extra_a_b", "z")
	e.AddString("cs1Label", "forged")
	e.AddInt("cn1", 5)
	e.AddString("größe", "1")
	e.AddString("devTime", "0")
	e.AddString("act", "forge")
	e.AddString("msg", "m")
	e.AddString("src", "192.0.2.1")
	e.AddString("proto", "TCP")
	e.AddString("identSrc", "192.0.2.2")
	return e
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs\n got: %q\nwant: %q", name, got, want)
	}
}

// syslogConfig is a config with the defaults a test usually wants.
func syslogConfig(addr, network string) Config {
	c := DefaultConfig()
	c.Address, c.Network, c.Hostname = addr, network, "loghost"
	return c
}

// countingMetrics records Truncated calls.
type countingMetrics struct {
	sink.NopMetrics
	mu        sync.Mutex
	truncated int
}

func (m *countingMetrics) Truncated(_ string, n int) {
	m.mu.Lock()
	m.truncated += n
	m.mu.Unlock()
}

func (m *countingMetrics) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.truncated
}

func settings(t *testing.T) sink.Settings {
	return sink.Settings{Name: "qradar", Logger: zaptest.NewLogger(t), Version: testVersion,
		Hostname: "machine", Metrics: sink.NopMetrics{}}
}

// newSink builds a sink or fails the test.
func newSink(t *testing.T, s sink.Settings, c Config) *Sink {
	t.Helper()
	sk, err := New(s, c)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { _ = sk.Close(t.Context()) })
	return sk.(*Sink)
}

// rfc5424 is a parsed RFC 5424 message.
type rfc5424 struct {
	pri, ts, host, app, procID, msgID, sd, msg string
}

var rfc5424RE = regexp.MustCompile(`^<([0-9]{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?\]) (.*)$`)

// parseRFC5424 parses and checks one message strictly.
func parseRFC5424(m string) (rfc5424, error) {
	if strings.ContainsAny(m, "\r\n") {
		return rfc5424{}, fmt.Errorf("message contains CR or LF: %q", m)
	}
	g := rfc5424RE.FindStringSubmatch(m)
	if g == nil {
		return rfc5424{}, fmt.Errorf("not an RFC 5424 message: %q", m)
	}
	p := rfc5424{g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8]}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"HOSTNAME", p.host, 255}, {"APP-NAME", p.app, 48}, {"PROCID", p.procID, 128}, {"MSGID", p.msgID, 32}} {
		if len(f.v) > f.max {
			return p, fmt.Errorf("%s longer than %d: %q", f.name, f.max, f.v)
		}
		for i := 0; i < len(f.v); i++ {
			if f.v[i] < 33 || f.v[i] > 126 {
				return p, fmt.Errorf("%s has a non-printable byte: %q", f.name, f.v)
			}
		}
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000Z", p.ts); err != nil {
		return p, fmt.Errorf("TIMESTAMP %q: %w", p.ts, err)
	}
	return p, nil
}

// kv is one parsed key=value pair.
type kv struct{ k, v string }

// parseLEEF splits a LEEF 2.0 payload into its header and attributes.
func parseLEEF(s string) ([]string, []kv, error) {
	parts := strings.SplitN(s, "|", 7)
	if len(parts) != 7 || parts[0] != "LEEF:2.0" || parts[5] != "^" {
		return nil, nil, fmt.Errorf("bad LEEF header: %q", s)
	}
	var attrs []kv
	if parts[6] != "" {
		for _, a := range strings.Split(parts[6], "^") {
			k, v, ok := strings.Cut(a, "=")
			if !ok {
				return nil, nil, fmt.Errorf("attribute without '=': %q", a)
			}
			attrs = append(attrs, kv{k, v})
		}
	}
	return parts[:6], attrs, nil
}

// parseCEF splits a CEF payload into unescaped header fields and
// extension pairs with unescaped values.
func parseCEF(s string) ([]string, []kv, error) {
	var header []string
	var cur strings.Builder
	i := 0
	for ; i < len(s) && len(header) < 7; i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '|'):
			cur.WriteByte(s[i+1])
			i++
		case c == '\\':
			return nil, nil, fmt.Errorf("bad escape in CEF header at %d: %q", i, s)
		case c == '|':
			header = append(header, cur.String())
			cur.Reset()
		default:
			cur.WriteByte(c)
		}
	}
	if len(header) != 7 || header[0] != "CEF:0" {
		return nil, nil, fmt.Errorf("bad CEF header: %q", s)
	}
	ext, err := parseCEFExtension(s[i:])
	return header, ext, err
}

var cefKeyChar = func(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.'
}

// parseCEFExtension finds each unescaped '=' and takes the key before it.
func parseCEFExtension(s string) ([]kv, error) {
	var eqs []int // positions of unescaped '='
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == '=' {
			eqs = append(eqs, i)
		}
	}
	var out []kv
	for n, eq := range eqs {
		ks := eq
		for ks > 0 && cefKeyChar(s[ks-1]) {
			ks--
		}
		if ks == eq || (ks > 0 && s[ks-1] != ' ') || (n == 0 && ks != 0) {
			return nil, fmt.Errorf("bad CEF key before %d: %q", eq, s)
		}
		if n > 0 {
			out[n-1].v = s[eqs[n-1]+1 : ks-1]
		}
		out = append(out, kv{k: s[ks:eq]})
	}
	if len(out) > 0 {
		out[len(out)-1].v = s[eqs[len(eqs)-1]+1:]
	}
	for i := range out {
		v, err := cefUnescape(out[i].v)
		if err != nil {
			return nil, err
		}
		out[i].v = v
	}
	return out, nil
}

func cefUnescape(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 == len(s) {
			return "", fmt.Errorf("dangling backslash in %q", s)
		}
		i++
		switch s[i] {
		case '\\', '=':
			b.WriteByte(s[i])
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			return "", fmt.Errorf("unknown escape \\%c in %q", s[i], s)
		}
	}
	return b.String(), nil
}

// testPKI is a CA with a server and a client certificate, all as PEM files
// (pkg/testpki), and a CA that signed none of them.
type testPKI struct {
	caFile, clientCert, clientKey, otherCA string
	pki                                    *testpki.PKI
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	p := testpki.New(t)
	return testPKI{caFile: p.CAFile, clientCert: p.ClientCert, clientKey: p.ClientKey, otherCA: p.OtherCAFile, pki: p}
}
