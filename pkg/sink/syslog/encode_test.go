// encode_test.go: golden files for headers and payloads, round-trip
// properties of LEEF and CEF, and the size limit.

package syslog

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"go.uber.org/zap"
	"go.uber.org/zap/zaptest/observer"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

func testFormatter(protocol, format string) *formatter {
	o := options{protocol: protocol, format: format, facility: 16, appName: "serfwd",
		hostname: "loghost", maxBytes: 1 << 20}
	f := newFormatter(o, testVersion)
	f.now = func() time.Time { return testNow }
	return f
}

// testNow is the tests' formatter clock, the event time without windowStart.
var testNow = time.Date(2026, 11, 26, 9, 8, 7, 0, time.UTC)

// TestGoldenMessages compares whole messages with hand-written expectations
// in testdata/ (-update rewrites them; review such a diff line by line).
func TestGoldenMessages(t *testing.T) {
	cases := []struct {
		name, protocol, format string
		event                  event.Event
	}{
		{"rfc5424_leef_user", "rfc5424", "leef", userEvent("e1", 0)},
		{"rfc5424_leef_failure", "rfc5424", "leef", userEvent("e2", 3)},
		{"rfc5424_leef_window", "rfc5424", "leef", windowEvent()},
		{"rfc5424_leef_nasty", "rfc5424", "leef", nastyEvent()},
		{"rfc3164_leef_user", "rfc3164", "leef", userEvent("e1", 0)},
		{"rfc3164_cef_failure", "rfc3164", "cef", userEvent("e2", 3)},
		{"rfc5424_cef_user", "rfc5424", "cef", userEvent("e1", 0)},
		{"rfc5424_cef_window", "rfc5424", "cef", windowEvent()},
		{"rfc5424_cef_nasty", "rfc5424", "cef", nastyEvent()},
		{"rfc5424_leef_forged", "rfc5424", "leef", forgedEvent()},
		{"rfc5424_cef_forged", "rfc5424", "cef", forgedEvent()},
		{"rfc5424_json_user", "rfc5424", "json", userEvent("e1", 0)},
		{"rfc5424_json_nasty", "rfc5424", "json", nastyEvent()},
		{"rfc5424_leef_no_windowstart", "rfc5424", "leef", func() event.Event {
			var e event.Event
			e.AddString("eventType", "custom|type with spaces and a very long name that exceeds 32")
			e.AddString("eventId", "x")
			return e
		}()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := testFormatter(c.protocol, c.format)
			msg, _, short := messageFor(t, f, &c.event)
			if short {
				t.Fatal("unexpectedly shortened")
			}
			if strings.ContainsAny(string(msg), "\r\n") {
				t.Errorf("message contains CR or LF: %q", msg)
			}
			golden(t, c.name+".golden", msg)
		})
	}
}

func TestGoldenHeaderFields(t *testing.T) {
	o := options{protocol: "rfc5424", format: "json", facility: 23, maxBytes: 1 << 20,
		appName:  "app name with spaces, ünïcode and more than forty-eight characters in it",
		hostname: "host name\twith\x00controls.example.com"}
	f := newFormatter(o, testVersion)
	e := userEvent("h", 0)
	msg, _, _ := messageFor(t, f, &e)
	p, err := parseRFC5424(string(msg))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "rfc5424_header_fields.golden", []byte(p.pri+" "+p.ts+" "+p.host+" "+p.app+" "+p.msgID+"\n"))

	o.protocol = "rfc3164"
	o.appName = "tag:with[brackets]"
	f = newFormatter(o, testVersion)
	e.Set(event.Field{Key: "windowStart", Kind: event.String, Str: "2026-02-03T04:05:06.789Z"})
	msg, _, _ = messageFor(t, f, &e)
	head, _, _ := strings.Cut(string(msg), "{")
	golden(t, "rfc3164_header_fields.golden", []byte(head+"\n"))
}

func TestPRI(t *testing.T) {
	for _, c := range []struct {
		facility string
		failure  int64
		want     string
	}{
		{"local0", 0, "<134>"}, {"local0", 1, "<132>"}, {"kern", 0, "<6>"},
		{"user", 5, "<12>"}, {"local7", 0, "<190>"}, {"authpriv", 0, "<86>"},
	} {
		t.Run(fmt.Sprintf("%s_%d", c.facility, c.failure), func(t *testing.T) {
			c0 := DefaultConfig()
			c0.Address, c0.Facility = "h:1", c.facility
			f := newFormatter(resolve(c0, "h"), testVersion)
			e := userEvent("p", c.failure)
			msg, _, _ := messageFor(t, f, &e)
			if !strings.HasPrefix(string(msg), c.want) {
				t.Errorf("got %q, want prefix %q", msg[:8], c.want)
			}
		})
	}
}

// randomEvent builds an event with awkward keys and values (valid UTF-8):
// keys that differ from SPEC §4 keys or the payloads' own names by a
// character LEEF and CEF cannot carry, keys that become equal once
// rewritten, and keys that look like the extra_ names the rule makes.
func randomEvent(r *rand.Rand) event.Event {
	const alphabet = "abcXYZ019 ^|=\\\t\r\n,.:_-\"'üß✓€\x01\x7f"
	runes := []rune(alphabet)
	word := func(n int) string {
		var b strings.Builder
		for range r.IntN(n) {
			b.WriteRune(runes[r.IntN(len(runes))])
		}
		return b.String()
	}
	bases := []string{"success", "failure", "eventId", "sev", "usrName", "devTime", "cat", "cs1Label",
		"cn1", "rt", "extra_x", "extra2_x", "x", "a_b", "fromHeader", "limits.perHour",
		"src", "dst", "act", "msg", "proto", "identSrc", "deviceAction"}
	e := userEvent(word(10), int64(r.IntN(3)))
	seen := map[string]bool{}
	for _, f := range e.Fields {
		seen[f.Key] = true
	}
	for range r.IntN(8) {
		key := bases[r.IntN(len(bases))]
		if r.IntN(3) > 0 { // spoil one character, or add one
			i := r.IntN(len(key) + 1)
			key = key[:i] + string(runes[r.IntN(len(runes))]) + key[min(i+r.IntN(2), len(key)):]
		}
		if r.IntN(4) == 0 {
			key = word(8)
		}
		if seen[key] { // events hold each key once
			continue
		}
		seen[key] = true
		switch r.IntN(3) {
		case 0:
			e.AddString(key, word(30))
		case 1:
			e.AddInt(key, r.Int64()-r.Int64())
		default:
			e.AddList(key, []string{word(5), word(5)})
		}
	}
	e.Set(event.Field{Key: "applicationName", Kind: event.String, Str: word(40)})
	e.Set(event.Field{Key: "applicationUserName", Kind: event.String, Str: word(20)})
	return e
}

func TestLEEFRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	f := testFormatter("rfc5424", "leef")
	for i := range 2000 {
		e := randomEvent(r)
		msg, _, _ := messageFor(t, f, &e)
		p, err := parseRFC5424(string(msg))
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := checkLEEFPayload(&e, p.msg); err != nil {
			t.Fatalf("event %d: %v\nmessage %q", i, err, p.msg)
		}
	}
}

func TestCEFRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	f := testFormatter("rfc5424", "cef")
	for i := range 2000 {
		e := randomEvent(r)
		msg, _, _ := messageFor(t, f, &e)
		p, err := parseRFC5424(string(msg))
		if err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		if err := checkCEFPayload(&e, p.msg); err != nil {
			t.Fatalf("event %d: %v\nmessage %q", i, err, p.msg)
		}
	}
}

func TestSizeLimit(t *testing.T) {
	big := func() event.Event {
		e := userEvent("big-1", 0)
		e.AddString("extraA", strings.Repeat("a", 300))
		e.AddString("extraB", strings.Repeat("b", 300))
		e.Set(event.Field{Key: "fromHeader", Kind: event.List, List: []string{strings.Repeat("h", 300)}})
		e.Set(event.Field{Key: "fromEnvelope", Kind: event.List, List: []string{strings.Repeat("e", 300)}})
		return e
	}
	base := big()
	full, _, _ := testFormatter("rfc5424", "leef").appendMessage(nil, &base)
	cases := []struct {
		name     string
		format   string
		max      int
		event    event.Event
		dropped  []string
		truncate bool
	}{
		{"fits", "leef", len(full), big(), nil, false},
		{"drop last extra", "leef", len(full) - 1, big(), []string{"extraB"}, false},
		{"drop extras", "leef", len(full) - 310, big(), []string{"extraB", "extraA"}, false},
		{"drop lists", "leef", len(full) - 1000, big(), []string{"extraB", "extraA", "fromHeader", "fromEnvelope"}, false},
		{"truncate", "leef", 400, big(), []string{"extraB", "extraA", "fromHeader", "fromEnvelope"}, true},
		{"truncate json", "json", 300, big(), []string{"extraB", "extraA", "fromHeader", "fromEnvelope"}, true},
		{"truncate utf8", "leef", 500, func() event.Event {
			e := userEvent("utf8", 0)
			e.Set(event.Field{Key: "applicationName", Kind: event.String, Str: strings.Repeat("€", 400)})
			return e
		}(), []string{"fromHeader", "fromEnvelope"}, true},
		{"truncate cef escapes", "cef", 450, func() event.Event {
			e := userEvent("cef", 0)
			e.Set(event.Field{Key: "applicationName", Kind: event.String, Str: strings.Repeat("\\", 400)})
			return e
		}(), []string{"fromHeader", "fromEnvelope"}, true},
		{"truncate cef escapes, other parity", "cef", 451, func() event.Event {
			e := userEvent("cef", 0)
			e.Set(event.Field{Key: "applicationName", Kind: event.String, Str: strings.Repeat("\\", 400)})
			return e
		}(), []string{"fromHeader", "fromEnvelope"}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkShortened(t, c.format, c.max, c.event, c.dropped, c.truncate)
		})
	}
}

// TestSizeLimitManyExtras: a record with 50,000 unknown fields is shortened
// by dropping extras from the last one, in two renderings (the old loop
// rendered once per dropped key and did not finish), keeping every SPEC §4
// key, and the warning names the first dropped keys and counts them all.
func TestSizeLimitManyExtras(t *testing.T) {
	for _, format := range []string{"leef", "cef", "json"} {
		t.Run(format, func(t *testing.T) {
			e := userEvent("many", 1)
			const n = 50000
			for i := range n {
				e.AddString(fmt.Sprintf("k%05d", i), "v")
			}
			core, logs := observer.New(zap.WarnLevel)
			s := settings(t)
			s.Logger = zap.New(core)
			cfg := syslogConfig("127.0.0.1:1", "tcp")
			cfg.Format, cfg.MaxMessageBytes = format, 8192
			sk := newSink(t, s, cfg)
			encodeFor(t, sk, []event.Event{e})
			msg := string(sk.out.buf[strings.IndexByte(string(sk.out.buf), ' ')+1:])
			if len(msg) > 8192 {
				t.Fatalf("message is %d bytes", len(msg))
			}
			// The kept extras are k00000 … k(m-1): the last ones went first.
			m := 0
			for m < n && strings.Contains(msg, fmt.Sprintf("k%05d", m)) {
				m++
			}
			if m == 0 || m == n || strings.Contains(msg, fmt.Sprintf("k%05d", m)) {
				t.Fatalf("kept extras are not a prefix: first missing k%05d", m)
			}
			for _, v := range []string{"many", "example.org", "1099511627776", "sf-prod-notifications"} {
				if !strings.Contains(msg, v) {
					t.Errorf("the SPEC §4 key with value %s was dropped", v)
				}
			}
			ctx := logs.All()[0].ContextMap()
			if ctx["dropped"] != int64(n-m) || ctx["truncated"] != false {
				t.Errorf("warning context %v, want %d dropped", ctx, n-m)
			}
			if got := fmt.Sprint(ctx["dropped_keys"]); !strings.HasPrefix(got, fmt.Sprintf("[k%05d k%05d", n-1, n-2)) ||
				strings.Count(got, " ")+1 != maxLoggedDrops {
				t.Errorf("dropped_keys %s", got)
			}
			if format == "json" {
				return
			}
			if !strings.Contains(msg, "^sev=1^usrName=sf-prod-notifications^") && !strings.Contains(msg, "|SER application user summary|1|rt=") {
				t.Error("the payload's own attributes were dropped")
			}
			// Nothing was cut: the payload still ends with the last kept extra.
			if !strings.HasSuffix(msg, fmt.Sprintf("k%05d=v", m-1)) {
				t.Errorf("message does not end with the last kept extra: …%s", msg[len(msg)-20:])
			}
		})
	}
}

// checkShortened encodes e with a limit and checks size, metric, warning and
// the keys dropped.
func checkShortened(t *testing.T, format string, limit int, e event.Event, dropped []string, truncate bool) {
	t.Helper()
	core, logs := observer.New(zap.WarnLevel)
	m := &countingMetrics{}
	s := settings(t)
	s.Logger, s.Metrics = zap.New(core), m
	cfg := syslogConfig("127.0.0.1:1", "tcp")
	cfg.Format, cfg.MaxMessageBytes = format, max(limit, MinMaxMessageBytes)
	sk := newSink(t, s, cfg)
	sk.opts.maxBytes, sk.fmt.maxBytes = limit, limit // below what a config may set, to exercise truncation
	encodeFor(t, sk, []event.Event{e})
	msg := sk.out.buf[strings.IndexByte(string(sk.out.buf), ' ')+1:]
	if len(msg) > limit {
		t.Fatalf("message is %d bytes, limit %d", len(msg), limit)
	}
	if !utf8.Valid(msg) {
		t.Fatalf("message is not valid UTF-8 after the cut: %q", msg[len(msg)-8:])
	}
	shortened := dropped != nil || truncate
	if got := m.count(); got != map[bool]int{true: 1}[shortened] {
		t.Errorf("Truncated counted %d", got)
	}
	for _, k := range dropped {
		if strings.Contains(string(msg), k+"=") || strings.Contains(string(msg), `"`+k+`"`) {
			t.Errorf("key %s was not dropped", k)
		}
	}
	if !shortened {
		return
	}
	if logs.Len() != 1 {
		t.Fatalf("%d warnings, want 1", logs.Len())
	}
	ctx := logs.All()[0].ContextMap()
	if ctx["eventId"] != e.ID() || ctx["truncated"] != truncate {
		t.Errorf("warning context %v", ctx)
	}
	if fmt.Sprint(ctx["dropped_keys"]) != fmt.Sprint(dropped) {
		t.Errorf("dropped %v, want %v", ctx["dropped_keys"], dropped)
	}
	if format == "cef" {
		p, _ := parseRFC5424(string(msg))
		if _, _, err := parseCEF(p.msg); err != nil {
			t.Errorf("truncated CEF does not parse: %v", err)
		}
	}
}

func BenchmarkEncodeLEEF(b *testing.B) {
	cfg := syslogConfig("127.0.0.1:1", "tcp")
	sk, err := New(sink.Settings{Name: "bench", Logger: zap.NewNop(), Version: testVersion, Metrics: sink.NopMetrics{}}, cfg)
	if err != nil {
		b.Fatal(err)
	}
	s := sk.(*Sink)
	batch := manyEvents("bench", 500, 0)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		s.encode(batch)
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "events/s")
}
