// The mapping of SPEC §5, read back by the OpenTelemetry Collector's own
// OTLP receiver, field by field against hand-written expectations, in every
// encoding and compression; and the cutting of a Write into requests.

package otlp

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/plog/plogotlp"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest"
)

// mappingEvents are two events as the poller makes them: a record with
// failures, unknown fields of every literal kind included, and a window.
func mappingEvents() []event.Event {
	var u event.Event
	u.AddString("eventType", "ser.applicationUser")
	u.AddString("eventId", "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	u.AddInt("revision", 2)
	u.AddString("input", "acme")
	u.AddString("windowStart", "2026-11-26T10:00:00.000Z")
	u.AddString("windowEnd", "2026-11-26T11:00:00.000Z")
	u.AddString("applicationName", "Salesforce")
	u.AddString("applicationUserName", "sf-prod-notifications")
	u.AddList("fromEnvelope", []string{"bounces@example.com"})
	u.AddList("fromHeader", []string{"example.com", "example.org"})
	u.AddInt("success", 1200)
	u.AddInt("failure", 3)
	u.AddInt("annualThroughput", 1099511627776)
	u.AddRaw("limits_ratio", "0.25")
	u.AddRaw("trusted", "true")
	u.AddRaw("huge", "18446744073709551616")
	u.AddRaw("deep", `{"b":1,"a":[1,"x",null]}`)
	var w event.Event
	w.AddString("eventType", "ser.window")
	w.AddString("eventId", "6e5f8b0c0d4e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e")
	w.AddInt("revision", 0)
	w.AddString("input", "acme")
	w.AddString("windowStart", "2026-11-26T11:00:00.000Z")
	w.AddString("windowEnd", "2026-11-26T12:00:00.000Z")
	w.AddInt("records", 0)
	w.AddInt("failure", 0)
	return []event.Event{u, w}
}

// wantRecord is a record as SPEC §5 has it, written out by hand.
type wantRecord struct {
	time, observed        time.Time
	eventName             string
	severity              plog.SeverityNumber
	severityText, uid     string
	bodyKeys              []string
	body                  map[string]any
	intKeys               []string // body values that must be OTLP ints
	doubleKeys, boolKeys  []string
	stringKeys, arrayKeys []string
}

func mappingWant(queued []time.Time) []wantRecord {
	return []wantRecord{{
		time: time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC), observed: queued[0],
		eventName: "ser.applicationUser", severity: 13, severityText: "WARN",
		uid: "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		bodyKeys: []string{"eventType", "eventId", "revision", "input", "windowStart", "windowEnd", "applicationName",
			"applicationUserName", "fromEnvelope", "fromHeader", "success", "failure", "annualThroughput",
			"limits_ratio", "trusted", "huge", "deep"},
		body: map[string]any{
			"eventType": "ser.applicationUser", "eventId": "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			"revision": int64(2), "input": "acme", "windowStart": "2026-11-26T10:00:00.000Z", "windowEnd": "2026-11-26T11:00:00.000Z",
			"applicationName": "Salesforce", "applicationUserName": "sf-prod-notifications",
			"fromEnvelope": []any{"bounces@example.com"}, "fromHeader": []any{"example.com", "example.org"},
			"success": int64(1200), "failure": int64(3), "annualThroughput": int64(1099511627776),
			"limits_ratio": 0.25, "trusted": true, "huge": "18446744073709551616",
			"deep": map[string]any{"a": []any{int64(1), "x", nil}, "b": int64(1)},
		},
		intKeys:    []string{"revision", "success", "failure", "annualThroughput"},
		doubleKeys: []string{"limits_ratio"}, boolKeys: []string{"trusted"},
		stringKeys: []string{"eventType", "windowStart", "huge"}, arrayKeys: []string{"fromEnvelope", "fromHeader"},
	}, {
		time: time.Date(2026, 11, 26, 11, 0, 0, 0, time.UTC), observed: queued[1],
		eventName: "ser.window", severity: 9, severityText: "INFO",
		uid:      "6e5f8b0c0d4e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e",
		bodyKeys: []string{"eventType", "eventId", "revision", "input", "windowStart", "windowEnd", "records", "failure"},
		body: map[string]any{
			"eventType": "ser.window", "eventId": "6e5f8b0c0d4e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e",
			"revision": int64(0), "input": "acme", "windowStart": "2026-11-26T11:00:00.000Z",
			"windowEnd": "2026-11-26T12:00:00.000Z", "records": int64(0), "failure": int64(0),
		},
		intKeys: []string{"revision", "records", "failure"},
	}}
}

func TestMappingReadByTheCollectorsReceiver(t *testing.T) {
	col := otlptest.Start(t, otlptest.Options{})
	queued := []time.Time{time.Date(2026, 11, 26, 11, 10, 0, 123e6, time.UTC), time.Date(2026, 11, 26, 12, 10, 0, 456e6, time.UTC)}
	for _, enc := range []string{"protobuf", "json"} {
		for _, comp := range []string{"gzip", "none"} {
			t.Run(enc+"/"+comp, func(t *testing.T) {
				before := len(col.Requests())
				h := newHarness(t, col.URL, func(c *Config) { c.Encoding, c.Compression = enc, comp })
				if err := h.sink.WriteQueued(t.Context(), mappingEvents(), queued); err != nil {
					t.Fatal(err)
				}
				reqs := col.Requests()[before:]
				if len(reqs) != 1 {
					t.Fatalf("%d requests, want 1", len(reqs))
				}
				checkHeaders(t, reqs[0].Headers, enc, comp)
				checkRequest(t, reqs[0].Logs, mappingWant(queued))
			})
		}
	}
}

// checkHeaders checks what the receiver saw of the request's headers.
func checkHeaders(t *testing.T, got map[string][]string, enc, comp string) {
	t.Helper()
	want := map[string]string{"authorization": testHeaderSecret, "content-type": "application/x-protobuf",
		"user-agent": "serfwd/" + testVersion}
	if enc == "json" {
		want["content-type"] = "application/json"
	}
	if comp == "gzip" {
		want["content-encoding"] = "gzip"
	}
	for k, v := range want {
		if g := got[k]; len(g) != 1 || g[0] != v {
			t.Errorf("header %s = %q, want %q", k, g, v)
		}
	}
	if comp == "none" && len(got["content-encoding"]) > 0 {
		t.Errorf("content-encoding %q without compression", got["content-encoding"])
	}
}

// checkRequest checks one request: one resource, one scope, the records.
func checkRequest(t *testing.T, logs plog.Logs, want []wantRecord) {
	t.Helper()
	if logs.ResourceLogs().Len() != 1 || logs.ResourceLogs().At(0).ScopeLogs().Len() != 1 {
		t.Fatalf("%d resources, want 1 with 1 scope", logs.ResourceLogs().Len())
	}
	rl := logs.ResourceLogs().At(0)
	wantRes := map[string]any{"service.name": "serfwd", "service.version": testVersion, "host.name": testHostname}
	if got := rl.Resource().Attributes().AsRaw(); !reflect.DeepEqual(got, wantRes) {
		t.Errorf("resource attributes %v, want %v", got, wantRes)
	}
	sc := rl.ScopeLogs().At(0).Scope()
	if sc.Name() != "serfwd" || sc.Version() != testVersion {
		t.Errorf("scope %q %q, want serfwd %s", sc.Name(), sc.Version(), testVersion)
	}
	records := rl.ScopeLogs().At(0).LogRecords()
	if records.Len() != len(want) {
		t.Fatalf("%d records, want %d", records.Len(), len(want))
	}
	for i, w := range want {
		checkRecord(t, i, records.At(i), w)
	}
}

func checkRecord(t *testing.T, i int, r plog.LogRecord, w wantRecord) {
	t.Helper()
	if got := r.Timestamp().AsTime(); !got.Equal(w.time) {
		t.Errorf("record %d: timeUnixNano %s, want %s", i, got, w.time)
	}
	if got := r.ObservedTimestamp().AsTime(); !got.Equal(w.observed) {
		t.Errorf("record %d: observedTimeUnixNano %s, want %s", i, got, w.observed)
	}
	if r.EventName() != w.eventName || r.SeverityNumber() != w.severity || r.SeverityText() != w.severityText {
		t.Errorf("record %d: eventName %q severity %d %q, want %q %d %q", i, r.EventName(), r.SeverityNumber(),
			r.SeverityText(), w.eventName, w.severity, w.severityText)
	}
	if got := r.Attributes().AsRaw(); !reflect.DeepEqual(got, map[string]any{"log.record.uid": w.uid}) {
		t.Errorf("record %d: attributes %v, want only log.record.uid %s", i, got, w.uid)
	}
	if r.Body().Type() != pcommon.ValueTypeMap {
		t.Fatalf("record %d: body is a %s, want a map", i, r.Body().Type())
	}
	body := r.Body().Map()
	var keys []string
	for k := range body.All() {
		keys = append(keys, k)
	}
	if !reflect.DeepEqual(keys, w.bodyKeys) {
		t.Errorf("record %d: body keys %q, want the event's, in order: %q", i, keys, w.bodyKeys)
	}
	if got := body.AsRaw(); !reflect.DeepEqual(got, w.body) {
		t.Errorf("record %d: body\n got %#v\nwant %#v", i, got, w.body)
	}
	for typ, ks := range map[pcommon.ValueType][]string{pcommon.ValueTypeInt: w.intKeys, pcommon.ValueTypeDouble: w.doubleKeys,
		pcommon.ValueTypeBool: w.boolKeys, pcommon.ValueTypeStr: w.stringKeys, pcommon.ValueTypeSlice: w.arrayKeys} {
		for _, k := range ks {
			if v, _ := body.Get(k); v.Type() != typ {
				t.Errorf("record %d: body %s is a %s, want %s", i, k, v.Type(), typ)
			}
		}
	}
}

// TestRequestsWithinTheLimits: a Write is cut into requests of at most
// batch_max_events records and batch_max_bytes encoded bytes (a record
// larger than that alone), in order, in both encodings.
func TestRequestsWithinTheLimits(t *testing.T) {
	col := otlptest.Start(t, otlptest.Options{})
	for _, tc := range []struct {
		enc       string
		maxEvents int
		maxBytes  int
	}{
		{"protobuf", 3, 1 << 20}, {"json", 3, 1 << 20}, {"protobuf", 500, 1200}, {"json", 500, 1500}, {"json", 500, 100},
	} {
		t.Run(fmt.Sprintf("%s/%d events/%d bytes", tc.enc, tc.maxEvents, tc.maxBytes), func(t *testing.T) {
			before := len(col.Requests())
			h := newHarness(t, col.URL, func(c *Config) {
				c.Encoding, c.Compression, c.BatchMaxEvents, c.BatchMaxBytes = tc.enc, "none", tc.maxEvents, config.Size(tc.maxBytes)
			})
			evs := mkEvents(10)
			if err := h.sink.Write(t.Context(), evs); err != nil {
				t.Fatal(err)
			}
			next := 0
			for n, req := range col.Requests()[before:] {
				records := req.Logs.ResourceLogs().At(0).ScopeLogs().At(0).LogRecords()
				size := encodedSize(t, req.Logs, tc.enc)
				if records.Len() > tc.maxEvents || (size > tc.maxBytes && records.Len() > 1) {
					t.Errorf("request %d: %d records, %d bytes: over the limits", n, records.Len(), size)
				}
				for _, r := range records.All() {
					if uid, _ := r.Attributes().Get("log.record.uid"); uid.Str() != evs[next].ID() {
						t.Fatalf("request %d: record %s, want event %d (%s)", n, uid.Str(), next, evs[next].ID())
					}
					next++
				}
			}
			if next != len(evs) {
				t.Fatalf("%d records arrived, want %d", next, len(evs))
			}
		})
	}
}

// encodedSize is the request's size as the Collector's own code encodes it.
func encodedSize(t *testing.T, logs plog.Logs, enc string) int {
	t.Helper()
	req := plogotlp.NewExportRequestFromLogs(logs)
	var b []byte
	var err error
	if enc == "json" {
		b, err = req.MarshalJSON()
	} else {
		b, err = req.MarshalProto()
	}
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}
