// golden_test.go turns records and windows into events and compares their
// JSON lines with testdata/golden/*.ndjson; run with -update to rewrite them.

package event

import (
	"bytes"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

type goldenCase struct {
	name   string
	events func() []Event
}

func report(ent serapi.Entitlement, users ...serapi.Record) func() []Event {
	return func() []Event {
		return FromReport("acme", testWindow, &serapi.Report{Users: serapi.RecordsOf(users...), Entitlement: ent})
	}
}

func named(app, user string) serapi.Record {
	return serapi.Record{ApplicationName: app, ApplicationUserName: user}
}

func withExtras(extras ...serapi.ExtraField) serapi.Record {
	r := named("Workday", "wd-extras")
	r.Extra = extras
	return r
}

func deepObject(levels int) string {
	return strings.Repeat(`{"d":`, levels) + `1` + strings.Repeat(`}`, levels)
}

func manySameName(n int) []serapi.ExtraField {
	out := make([]serapi.ExtraField, n)
	for i := range out {
		out[i] = extra("dup", `1`)
	}
	return append(out, extra("extra_dup", `2`))
}

var goldenCases = []goldenCase{
	{"reference", report(testEntitlement, referenceRecord())},
	{"from_lists", report(testEntitlement,
		func() serapi.Record { r := named("A", "one-item"); r.FromEnvelope = []string{"example.com"}; return r }(),
		func() serapi.Record {
			r := named("A", "several")
			r.FromEnvelope = []string{"b@example.com", "a@example.com", ""}
			r.FromHeader = []string{"x,y@example.com", "example.org"}
			return r
		}(),
		func() serapi.Record { r := named("A", "empty"); r.FromHeader = []string{}; return r }(),
	)},
	{"text", func() []Event {
		r := named("Müller & Söhne <日本> 😀\u2028", "ctl\x00\t\n\r\x1f\x7f\"\\")
		r.FromEnvelope = []string{"bad\xffutf8@example.com", "\xe2\x82"}
		r.FromHeader = []string{"ok.example"}
		r.Extra = []serapi.ExtraField{extra("bad\xfename", `"v\u00e9\ud83d\ude00\n"`), extra("ctl\x01name", "\"raw\xffbyte\""),
			extra("badEscape", `"raw\xffbyte"`)}
		return FromReport("in\xc0put", testWindow, &serapi.Report{Users: serapi.RecordsOf(r)})
	}},
	{"extras_scalars", report(testEntitlement, withExtras(
		extra("label", `"gold"`), extra("escaped", `"a\"b\\c\u0041"`), extra("count", `42`),
		extra("negative", `-7`), extra("ratio", `0.25`), extra("exp", `1e3`), extra("huge", `123456789012345678901234`),
		extra("flag", `true`), extra("off", `false`), extra("gone", `null`), extra("empty", ``),
		extra("padded", " \n 17 \t"), extra("broken", `{"unterminated": `), extra("status_newCounter", `3`),
	))},
	{"extras_lists", report(testEntitlement, withExtras(
		extra("tags", `["a", "b", "c"]`), extra("mixed", `[1, "two", true, null, 2.5]`), extra("none", `[]`),
		extra("objects", `[{"a": 1}, {"b": [2, 3]}]`), extra("matrix", `[[1, 2], [3]]`),
	))},
	{"extras_nested", report(testEntitlement, withExtras(
		extra("limits", `{"perHour": 100, "perDay": {"soft": 1000, "hard": "2000"}, "domains": ["a.example", "b.example"], "none": null, "empty": {}}`),
		extra("emptyObject", `{}`), extra("keys", `{"": 1, "a_b": 2, "\u00fc": 3}`),
		extra("deep", deepObject(40)),
	))},
	{"extras_clashes", report(testEntitlement, withExtras(
		extra("total", `99`), extra("extra_total", `98`), extra("eventId", `"spoofed"`),
		extra("fromEnvelope", `["x@example.com"]`), extra("", `"no name"`), extra("label", `1`), extra("label", `2`),
		extra("limits_perHour", `5`), extra("limits", `{"perHour": 6}`), extra("records", `1`),
	))},
	{"extras_many_clashes", report(testEntitlement, withExtras(manySameName(20)...))},
	{"zero_blocks", func() []Event {
		return FromReport("acme", testWindow, &serapi.Report{Users: serapi.RecordsOf(serapi.Record{}, named("OnlyName", ""))})
	}},
	{"window_several", report(testEntitlement, referenceRecord(),
		func() serapi.Record {
			r := referenceRecord()
			r.ApplicationUserName = "second"
			r.Status.Success, r.Details.DSN2xx = 7, 7
			return r
		}(),
		named("Zero", "counts"),
	)},
	{"window_saturating", report(serapi.Entitlement{}, func() serapi.Record {
		r := named("Big", "a")
		r.Status.Total, r.Status.Failure = math.MaxInt64-1, math.MinInt64+1
		return r
	}(), func() serapi.Record {
		r := named("Big", "b")
		r.Status.Total, r.Status.Failure = 5, -5
		return r
	}())},
	{"window_none", report(testEntitlement)},
	{"window_nil_report", func() []Event { return FromReport("acme", testWindow, nil) }},
	{"revisions", func() []Event {
		r := referenceRecord()
		users := []serapi.Record{r}
		return []Event{
			FromRecord("acme", testWindow, &r, &testEntitlement, 2),
			FromWindow("acme", testWindow, users, &testEntitlement, 1),
			FromWindow("acme", testWindow, nil, nil, 0),
		}
	}},
}

func TestGolden(t *testing.T) {
	for _, tc := range goldenCases {
		t.Run(tc.name, func(t *testing.T) {
			var got []byte
			for _, e := range tc.events() {
				checkUniqueKeys(t, &e)
				line := e.AppendJSON(nil)
				checkJSON(t, &e, line)
				got = append(append(got, line...), '\n')
			}
			path := filepath.Join("testdata", "golden", tc.name+".ndjson")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("reading golden file (run with -update to create it): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs (run with -update after checking):\n got:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}

func checkUniqueKeys(t *testing.T, e *Event) {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range e.Fields {
		k := runeClean(f.Key)
		if seen[k] {
			t.Fatalf("duplicate key %q", k)
		}
		seen[k] = true
	}
}
