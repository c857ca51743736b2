// record_test.go checks flattening: the contract's key order for both event
// types, list and entitlement handling, and the typing of unknown fields.

package event

import (
	"reflect"
	"slices"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func keys(e *Event) []string {
	var k []string
	for _, f := range e.Fields {
		k = append(k, f.Key)
	}
	return k
}

func TestFromRecordKeyOrder(t *testing.T) {
	want := []string{"eventType", "eventId", "revision", "input", "windowStart", "windowEnd",
		"applicationName", "applicationUserName", "fromEnvelope", "fromHeader",
		"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total", "recipientsTotal",
		"messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx",
		"licenseStart", "licenseEnd", "annualThroughput"}
	r := referenceRecord()
	e := FromRecord("acme", testWindow, &r, &testEntitlement, 0)
	if got := keys(&e); !slices.Equal(got, want) {
		t.Fatalf("keys\n got %q\nwant %q", got, want)
	}
	if cap(e.Fields) != len(want) {
		t.Errorf("Fields capacity %d, want exactly %d", cap(e.Fields), len(want))
	}
	r.Extra = []serapi.ExtraField{extra("a", `1`), extra("b", `"x"`)}
	e = FromRecord("acme", testWindow, &r, &testEntitlement, 0)
	if got := keys(&e); !slices.Equal(got, append(want, "a", "b")) {
		t.Fatalf("keys with extras: %q", got)
	}
	if cap(e.Fields) != len(want)+2 {
		t.Errorf("Fields capacity %d, want %d", cap(e.Fields), len(want)+2)
	}
}

func TestFromWindowKeyOrder(t *testing.T) {
	want := []string{"eventType", "eventId", "revision", "input", "windowStart", "windowEnd", "records",
		"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total", "recipientsTotal",
		"messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx",
		"licenseStart", "licenseEnd", "annualThroughput"}
	e := FromWindow("acme", testWindow, []serapi.Record{referenceRecord()}, nil, 0)
	if got := keys(&e); !slices.Equal(got, want) {
		t.Fatalf("keys\n got %q\nwant %q", got, want)
	}
}

func TestFromRecordValues(t *testing.T) {
	r := referenceRecord()
	e := FromRecord("acme", testWindow, &r, &testEntitlement, 7)
	wantStr := map[string]string{"eventType": "ser.applicationUser", "input": "acme",
		"windowStart": "2026-11-01T10:00:00.000Z", "windowEnd": "2026-11-01T11:00:00.000Z",
		"applicationName": "Salesforce", "applicationUserName": "sf-prod-notifications",
		"licenseStart": "2026-01-01T00:00:00.000Z", "licenseEnd": "2027-01-01T00:00:00.000Z"}
	for k, v := range wantStr {
		if got := e.Str(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	wantInt := map[string]int64{"revision": 7, "success": 1200, "failure": 3, "tempFailure": 2, "partialSuccess": 0,
		"inProgress": 1, "total": 1206, "recipientsTotal": 1450, "messageSizeTotal": 48213311,
		"deliveredSizeTotal": 48100222, "dsn2xx": 1200, "dsn3xx": 0, "dsn4xx": 2, "dsn5xx": 3,
		"annualThroughput": 1099511627776}
	for k, v := range wantInt {
		if f, ok := e.Get(k); !ok || f.Kind != Int || f.Int != v {
			t.Errorf("%s = %+v, want Int %d", k, f, v)
		}
	}
	if e.Type() != TypeApplicationUser || e.Revision() != 7 || !e.WindowStart().Equal(testWindow.Start) {
		t.Errorf("accessors: %q %d %v", e.Type(), e.Revision(), e.WindowStart())
	}
}

func TestFromRecordLists(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"nil", nil, []string{}},
		{"empty", []string{}, []string{}},
		{"one", []string{"example.com"}, []string{"example.com"}},
		{"invalid UTF-8 cleaned", []string{"ok", "b\xffd"}, []string{"ok", "b\ufffdd"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := serapi.Record{FromEnvelope: tt.in, FromHeader: tt.in}
			orig := slices.Clone(tt.in)
			e := FromRecord("acme", testWindow, &r, nil, 0)
			for _, k := range []string{"fromEnvelope", "fromHeader"} {
				f, _ := e.Get(k)
				if f.Kind != List || f.List == nil || !slices.Equal(f.List, tt.want) {
					t.Fatalf("%s = %#v, want %q", k, f, tt.want)
				}
			}
			if !slices.Equal(tt.in, orig) {
				t.Fatalf("record modified: %q", tt.in)
			}
		})
	}
}

func TestFromRecordExtras(t *testing.T) {
	tests := []struct {
		name  string
		extra []serapi.ExtraField
		want  []Field
	}{
		{"string", []serapi.ExtraField{extra("s", `"v"`)}, []Field{{Key: "s", Kind: String, Str: "v"}}},
		{"escaped string", []serapi.ExtraField{extra("s", `"\u00e9\t"`)}, []Field{{Key: "s", Kind: String, Str: "é\t"}}},
		{"int", []serapi.ExtraField{extra("n", `-42`)}, []Field{{Key: "n", Kind: Int, Int: -42}}},
		{"int64 max", []serapi.ExtraField{extra("n", `9223372036854775807`)}, []Field{{Key: "n", Kind: Int, Int: 1<<63 - 1}}},
		{"beyond int64", []serapi.ExtraField{extra("n", `9223372036854775808`)}, []Field{{Key: "n", Kind: Raw, Str: "9223372036854775808"}}},
		{"fraction", []serapi.ExtraField{extra("n", `2.0`)}, []Field{{Key: "n", Kind: Raw, Str: "2.0"}}},
		{"exponent", []serapi.ExtraField{extra("n", `2E1`)}, []Field{{Key: "n", Kind: Raw, Str: "2E1"}}},
		{"bool", []serapi.ExtraField{extra("b", ` true `)}, []Field{{Key: "b", Kind: Raw, Str: "true"}}},
		{"null dropped", []serapi.ExtraField{extra("z", `null`), extra("y", `1`)}, []Field{{Key: "y", Kind: Int, Int: 1}}},
		{"empty value dropped", []serapi.ExtraField{extra("z", ` `)}, nil},
		{"invalid JSON kept as text", []serapi.ExtraField{extra("x", `nul`)}, []Field{{Key: "x", Kind: String, Str: "nul"}}},
		{"scalar list", []serapi.ExtraField{extra("l", `["a", 1, false, null]`)},
			[]Field{{Key: "l", Kind: List, List: []string{"a", "1", "false", "null"}}}},
		{"object list raw", []serapi.ExtraField{extra("l", `[ 1, {"a" : [ 2 ] } ]`)}, []Field{{Key: "l", Kind: Raw, Str: `[1,{"a":[2]}]`}}},
		{"nested", []serapi.ExtraField{extra("limits", `{"perHour": 5, "sub": {"x": "y"}}`)},
			[]Field{{Key: "limits_perHour", Kind: Int, Int: 5}, {Key: "limits_sub_x", Kind: String, Str: "y"}}},
		{"clash with fixed key", []serapi.ExtraField{extra("revision", `9`)}, []Field{{Key: "extra_revision", Kind: Int, Int: 9}}},
		{"clash with earlier extra", []serapi.ExtraField{extra("a", `1`), extra("a", `2`), extra("extra_a", `3`)},
			[]Field{{Key: "a", Kind: Int, Int: 1}, {Key: "extra_a", Kind: Int, Int: 2}, {Key: "extra_extra_a", Kind: Int, Int: 3}}},
		{"nested clash", []serapi.ExtraField{extra("m", `{"a": 1}`), extra("m_a", `2`)},
			[]Field{{Key: "m_a", Kind: Int, Int: 1}, {Key: "extra_m_a", Kind: Int, Int: 2}}},
		{"empty name", []serapi.ExtraField{extra("", `1`)}, []Field{{Key: "extra_", Kind: Int, Int: 1}}},
		{"invalid UTF-8 name", []serapi.ExtraField{extra("a\xff", `1`), extra("a\xfe", `2`)},
			[]Field{{Key: "a\ufffd", Kind: Int, Int: 1}, {Key: "extra_a\ufffd", Kind: Int, Int: 2}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := serapi.Record{Extra: tt.extra}
			e := FromRecord("acme", testWindow, &r, nil, 0)
			got := e.Fields[recordKeyCount:]
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("extras\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestFromRecordManyExtrasStayUnique(t *testing.T) {
	var extras []serapi.ExtraField
	for i := range 100 {
		extras = append(extras, extra(string(rune('a'+i%7)), `1`))
	}
	r := serapi.Record{Extra: extras}
	e := FromRecord("acme", testWindow, &r, nil, 0)
	seen := map[string]bool{}
	for _, k := range keys(&e) {
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
	}
	if len(e.Fields) != recordKeyCount+100 {
		t.Fatalf("%d fields, want %d", len(e.Fields), recordKeyCount+100)
	}
}

func TestFromReport(t *testing.T) {
	a, b := referenceRecord(), named("B", "b")
	got := FromReport("acme", testWindow, &serapi.Report{Users: serapi.RecordsOf(a, b), Entitlement: testEntitlement})
	if len(got) != 3 {
		t.Fatalf("%d events, want 3", len(got))
	}
	for i, want := range []string{TypeApplicationUser, TypeApplicationUser, TypeWindow} {
		if got[i].Type() != want || got[i].Revision() != 0 {
			t.Errorf("event %d: %s revision %d", i, got[i].Type(), got[i].Revision())
		}
	}
	if got[1].Str("applicationName") != "B" || got[2].IntValue("records") != 2 || got[2].IntValue("success") != 1200 {
		t.Errorf("unexpected events: %s / %s", got[1].AppendJSON(nil), got[2].AppendJSON(nil))
	}
}

// TestFromWindowRecords checks that the packed records give the same window
// event as the slice they were made from.
func TestFromWindowRecords(t *testing.T) {
	a, b := referenceRecord(), named("B", "b")
	b.Status.Success, b.Details.DSN5xx = 7, 3
	for _, recs := range [][]serapi.Record{nil, {a}, {a, b, a}} {
		want := FromWindow("acme", testWindow, recs, &testEntitlement, 2)
		got := FromWindowRecords("acme", testWindow, serapi.RecordsOf(recs...), &testEntitlement, 2)
		if g, w := got.AppendJSON(nil), want.AppendJSON(nil); string(g) != string(w) {
			t.Errorf("%d records:\n got %s\nwant %s", len(recs), g, w)
		}
	}
}
