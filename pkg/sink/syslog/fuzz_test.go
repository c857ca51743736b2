package syslog

// fuzz_test.go: the encoders must always yield exactly one well-formed
// message without CR or LF, whatever the keys and values, that a parser
// reads back to the same keys and values (as sanitized by the documented
// rules, mirrored here independently). Seed corpora are in testdata/fuzz/.

import (
	"encoding/json"
	"fmt"
	"reflect"
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
		// Every key reads back with its value, in order, after devTime and cat.
		want := []kv{{"devTime", "1795687200000"}, {"cat", expectedLEEFValue(event.Field{Kind: event.String, Str: eventType})}}
		for _, fl := range e.Fields {
			want = append(want, kv{expectedLEEFKey(fl.Key), expectedLEEFValue(fl)})
		}
		if fmt.Sprint(attrs) != fmt.Sprint(want) {
			t.Fatalf("attributes read back differ:\n got %q\nwant %q\nmessage %q", attrs, want, p.msg)
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
		// Every key reads back with its value, in order.
		if got, want := cefBack(t, pairs), expectedCEF(e); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("pairs read back differ:\n got %q\nwant %q\nmessage %q", got, want, p.msg)
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
			// The header reads back as the documented sanitized fields.
			if p.host != expectedHeader(host, 255) || p.app != expectedHeader(app, 48) ||
				p.msgID != expectedHeader(eventType, 32) || p.ts != "2026-11-26T10:00:00.000Z" {
				t.Fatalf("header fields %q %q %q %q from %q %q %q", p.ts, p.host, p.app, p.msgID, host, app, eventType)
			}
			if format == "json" {
				var got, want map[string]any
				if err := json.Unmarshal([]byte(p.msg), &got); err != nil {
					t.Fatalf("JSON payload does not parse: %v: %q", err, p.msg)
				}
				if err := json.Unmarshal(e.AppendJSON(nil), &want); err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("JSON payload reads back as %v, want %v", got, want)
				}
			}
		}
	})
}

// expectedHeader mirrors the documented header rules independently: every
// character outside printable US-ASCII becomes "_", cut to max bytes,
// "-" when empty.
func expectedHeader(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() == max {
			break
		}
		if r < 33 || r > 126 {
			r = '_'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "-"
	}
	return b.String()
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
