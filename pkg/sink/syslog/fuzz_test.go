package syslog

// fuzz_test.go: the encoders must always yield exactly one well-formed
// message without CR or LF, whatever the keys and values. Seed corpora are in
// testdata/fuzz/.

import (
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
)

// fuzzEvent is a small event with one fuzzed extra field and a fuzzed
// eventType and list.
func fuzzEvent(eventType, key, value string) event.Event {
	var e event.Event
	e.AddString("eventType", eventType)
	e.AddString("eventId", "fuzz")
	e.AddString("windowStart", "2026-11-26T10:00:00.000Z")
	e.AddInt("failure", int64(len(value)%2))
	e.AddList("fromHeader", []string{value, key})
	e.AddString(key, value)
	return e
}

func checkOneMessage(t *testing.T, msg []byte) rfc5424 {
	t.Helper()
	p, err := parseRFC5424(string(msg))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzLEEF(f *testing.F) {
	f.Add("ser.applicationUser", "limits_perHour", "10")
	f.Fuzz(func(t *testing.T, eventType, key, value string) {
		fm := testFormatter("rfc5424", "leef")
		e := fuzzEvent(eventType, key, value)
		p := checkOneMessage(t, mustMessage(t, fm, &e))
		_, attrs, err := parseLEEF(p.msg)
		if err != nil {
			t.Fatal(err)
		}
		if len(attrs) != 2+len(e.Fields) {
			t.Fatalf("%d attributes for %d fields: %q", len(attrs), len(e.Fields), p.msg)
		}
		last := attrs[len(attrs)-1]
		if last.k != expectedLEEFKey(key) || last.v != expectedLEEFValue(e.Fields[len(e.Fields)-1]) {
			t.Fatalf("last attribute %q", last)
		}
	})
}

func FuzzCEF(f *testing.F) {
	f.Add("ser.window", "records", "0")
	f.Fuzz(func(t *testing.T, eventType, key, value string) {
		fm := testFormatter("rfc5424", "cef")
		e := fuzzEvent(eventType, key, value)
		p := checkOneMessage(t, mustMessage(t, fm, &e))
		header, pairs, err := parseCEF(p.msg)
		if err != nil {
			t.Fatal(err)
		}
		if header[4] != stripControls(eventType) {
			t.Fatalf("header eventType %q from %q", header[4], eventType)
		}
		back := cefBack(t, pairs)
		if len(back) != len(e.Fields) {
			t.Fatalf("%d pairs for %d fields: %q", len(back), len(e.Fields), p.msg)
		}
	})
}

func FuzzRFC5424(f *testing.F) {
	f.Add("loghost", "serfwd", "ser.applicationUser", "value")
	f.Fuzz(func(t *testing.T, host, app, eventType, value string) {
		for _, format := range []string{"leef", "cef", "json"} {
			o := options{protocol: "rfc5424", format: format, facility: 16, appName: app,
				hostname: host, maxBytes: 1 << 20}
			fm := newFormatter(o, testVersion)
			e := fuzzEvent(eventType, "k", value)
			p := checkOneMessage(t, mustMessage(t, fm, &e))
			if p.pri != "134" && p.pri != "132" {
				t.Fatalf("PRI %s", p.pri)
			}
		}
	})
}

func mustMessage(t *testing.T, fm *formatter, e *event.Event) []byte {
	t.Helper()
	msg, _, short := fm.appendMessage(nil, e)
	if short {
		t.Fatal("shortened without a limit")
	}
	return msg
}

// stripControls removes control characters and turns each invalid byte into
// U+FFFD, as the encoders do.
func stripControls(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
