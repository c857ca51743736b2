// fuzz_test.go: the encoders must always yield exactly one well-formed
// message without CR or LF, whatever the keys and values. For LEEF and CEF
// the payload, read back by the test's own parsers, must hold every key of
// the event exactly once, SPEC §4 keys under their own names with their own
// values, and the other keys under names the documented rule allows
// (props_test.go); the severity follows the failure rate; rendered from a
// packed batch, the message is the same. Seed corpora are in testdata/fuzz/.

package syslog

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/packedtest"
)

// fuzzEvent is a full ser.applicationUser event with a fuzzed eventType,
// failure and total, and two fuzzed extra fields (which may repeat a key).
func fuzzEvent(eventType, key1, key2, value string, failure, total int64) event.Event {
	e := userEvent("fuzz", failure)
	e.Set(event.Field{Key: "eventType", Kind: event.String, Str: eventType})
	e.Set(event.Field{Key: "total", Kind: event.Int, Int: total})
	e.Set(event.Field{Key: "fromHeader", Kind: event.List, List: []string{value, key1}})
	e.AddString(key1, value)
	e.Fields = append(e.Fields, event.Field{Key: key2, Kind: event.List, List: []string{key2, value}})
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
	f.Add("ser.applicationUser", "limits_perHour", "limits perHour", "10", int64(3), int64(1206))
	f.Add("ser.applicationUser", "succ ess", "failure\n", "999", int64(0), int64(0))
	f.Add("ser.applicationUser", "sev", "extra_sev", "10", int64(1), int64(2))
	f.Add("ser.applicationUser", "src", "identSrc", "192.0.2.1", int64(1), int64(2))
	f.Fuzz(func(t *testing.T, eventType, key1, key2, value string, failure, total int64) {
		fm := testFormatter("rfc5424", "leef")
		e := fuzzEvent(eventType, key1, key2, value, failure, total)
		p := checkOneMessage(t, mustMessage(t, fm, &e))
		if err := checkLEEFPayload(&e, p.msg); err != nil {
			t.Fatalf("%v\nmessage %q", err, p.msg)
		}
	})
}

func FuzzCEF(f *testing.F) {
	f.Add("ser.window", "records", "cs1Label", "0", int64(0), int64(5))
	f.Add("ser.applicationUser", "cn1", "success ", "1", int64(5), int64(5))
	f.Add("ser.applicationUser", "act", "msg", "forge", int64(1), int64(2))
	f.Fuzz(func(t *testing.T, eventType, key1, key2, value string, failure, total int64) {
		fm := testFormatter("rfc5424", "cef")
		e := fuzzEvent(eventType, key1, key2, value, failure, total)
		p := checkOneMessage(t, mustMessage(t, fm, &e))
		if err := checkCEFPayload(&e, p.msg); err != nil {
			t.Fatalf("%v\nmessage %q", err, p.msg)
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
			e := fuzzEvent(eventType, "k", "l", value, 1, 2)
			p := checkOneMessage(t, mustMessage(t, fm, &e))
			if p.pri != "132" {
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

// mustMessage renders e, which must fit; rendered from e packed into a
// queue batch it must come out the same.
func mustMessage(t *testing.T, fm *formatter, e *event.Event) []byte {
	t.Helper()
	msg, _, short := fm.appendMessage(nil, e)
	if short {
		t.Fatal("shortened without a limit")
	}
	p := packedtest.Pack([]event.Event{*e}).Open(t, nil)
	var v event.View
	p.Next(&v)
	if packed, _, _, _ := newPackedFormatter(fm).appendMessage(nil, p, &v); !bytes.Equal(packed, msg) {
		t.Fatalf("rendered from a packed batch:\n got %q\nwant %q", packed, msg)
	}
	return msg
}
