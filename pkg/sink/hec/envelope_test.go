// The exact bytes of both envelope forms (SPEC §5), written out by hand:
// the event form and the multi-metric form, the source per input, and the
// sourcetype that follows the format unless set.

package hec

import (
	"bytes"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/config"
	"github.com/serfwd/serfwd/pkg/event"
)

// Hand-picked eventIds of the three test events.
const (
	idUser   = "6a9db2423435a7c5d124a1733cea41bcb826d2d9aa70f44d486af4c202c8555a"
	idWindow = "f069c30bdcfb8a309387c35032d24313a4f75b22b41d5c6d54e96d1e5e4d08ff"
	idGlobex = "a382887a2788549f13ded3be0e2e75005875eaac6ae97b5476b69bab9dbe15ff"
)

// specEvents are a ser.applicationUser and a ser.window event of input acme
// (window 2025-11-26T12:00:00.250Z, all keys of SPEC §4, plus two unknown
// fields: limits_perHour and a field that happens to be named records) and a
// ser.applicationUser of input globex without an applicationUserName.
func specEvents() []event.Event {
	var user, window, globex event.Event
	user.AddString("eventType", "ser.applicationUser")
	user.AddString("eventId", idUser)
	user.AddInt("revision", 1)
	user.AddString("input", "acme")
	user.AddString("windowStart", "2025-11-26T12:00:00.250Z")
	user.AddString("windowEnd", "2025-11-26T13:00:00.250Z")
	user.AddString("applicationName", "Salesforce")
	user.AddString("applicationUserName", `notify "eu"`)
	user.AddList("fromEnvelope", []string{"bounces@example.com"})
	user.AddList("fromHeader", []string{"example.com", "example.org"})
	addInts(&user, "success", 95, "failure", 3, "tempFailure", 2, "partialSuccess", 0, "inProgress", 1,
		"total", 101, "recipientsTotal", 130, "messageSizeTotal", 4141000, "deliveredSizeTotal", 3933640,
		"dsn2xx", 95, "dsn3xx", 0, "dsn4xx", 2, "dsn5xx", 3)
	user.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
	user.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
	addInts(&user, "annualThroughput", 1099511627776, "limits_perHour", 500, "records", 7)

	window.AddString("eventType", "ser.window")
	window.AddString("eventId", idWindow)
	window.AddInt("revision", 0)
	window.AddString("input", "acme")
	window.AddString("windowStart", "2025-11-26T12:00:00.250Z")
	window.AddString("windowEnd", "2025-11-26T13:00:00.250Z")
	addInts(&window, "records", 2, "success", 195, "failure", 4, "tempFailure", 2, "partialSuccess", 1,
		"inProgress", 1, "total", 203, "recipientsTotal", 260, "messageSizeTotal", 8282000,
		"deliveredSizeTotal", 7867280, "dsn2xx", 195, "dsn3xx", 1, "dsn4xx", 2, "dsn5xx", 4)
	window.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
	window.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
	window.AddInt("annualThroughput", 1099511627776)

	globex.AddString("eventType", "ser.applicationUser")
	globex.AddString("eventId", idGlobex)
	globex.AddInt("revision", 0)
	globex.AddString("input", "globex")
	globex.AddString("windowStart", "2025-11-26T13:00:00.000Z")
	globex.AddString("windowEnd", "2025-11-26T14:00:00.000Z")
	globex.AddString("applicationName", "Workday")
	globex.AddList("fromEnvelope", []string{})
	globex.AddList("fromHeader", []string{})
	addInts(&globex, "success", 1, "failure", 0, "tempFailure", 0, "partialSuccess", 0, "inProgress", 0,
		"total", 1, "recipientsTotal", 1, "messageSizeTotal", 2048, "deliveredSizeTotal", 2048,
		"dsn2xx", 1, "dsn3xx", 0, "dsn4xx", 0, "dsn5xx", 0)
	globex.AddString("licenseStart", "")
	globex.AddString("licenseEnd", "")
	globex.AddInt("annualThroughput", 0)
	return []event.Event{user, window, globex}
}

// addInts adds integer fields given as key, value, key, value, ….
func addInts(e *event.Event, kv ...any) {
	for i := 0; i < len(kv); i += 2 {
		e.AddInt(kv[i].(string), int64(kv[i+1].(int)))
	}
}

// The envelopes of specEvents with the default config, in two parts each:
// the head up to "event": or "fields":{, which the config decides, and the
// rest.
var (
	eventHeads = []string{
		`{"time":1764158400.250,"host":"loghost","source":"serfwd:acme","sourcetype":"proofpoint:ser:summary","event":`,
		`{"time":1764158400.250,"host":"loghost","source":"serfwd:acme","sourcetype":"proofpoint:ser:summary","event":`,
		`{"time":1764162000.000,"host":"loghost","source":"serfwd:globex","sourcetype":"proofpoint:ser:summary","event":`,
	}
	eventRests = []string{
		`{"eventType":"ser.applicationUser","eventId":"` + idUser + `","revision":1,"input":"acme",` +
			`"windowStart":"2025-11-26T12:00:00.250Z","windowEnd":"2025-11-26T13:00:00.250Z",` +
			`"applicationName":"Salesforce","applicationUserName":"notify \"eu\"",` +
			`"fromEnvelope":["bounces@example.com"],"fromHeader":["example.com","example.org"],` +
			`"success":95,"failure":3,"tempFailure":2,"partialSuccess":0,"inProgress":1,"total":101,` +
			`"recipientsTotal":130,"messageSizeTotal":4141000,"deliveredSizeTotal":3933640,` +
			`"dsn2xx":95,"dsn3xx":0,"dsn4xx":2,"dsn5xx":3,` +
			`"licenseStart":"2026-01-01T00:00:00.000Z","licenseEnd":"2027-01-01T00:00:00.000Z",` +
			`"annualThroughput":1099511627776,"limits_perHour":500,"records":7}}`,
		`{"eventType":"ser.window","eventId":"` + idWindow + `","revision":0,"input":"acme",` +
			`"windowStart":"2025-11-26T12:00:00.250Z","windowEnd":"2025-11-26T13:00:00.250Z","records":2,` +
			`"success":195,"failure":4,"tempFailure":2,"partialSuccess":1,"inProgress":1,"total":203,` +
			`"recipientsTotal":260,"messageSizeTotal":8282000,"deliveredSizeTotal":7867280,` +
			`"dsn2xx":195,"dsn3xx":1,"dsn4xx":2,"dsn5xx":4,` +
			`"licenseStart":"2026-01-01T00:00:00.000Z","licenseEnd":"2027-01-01T00:00:00.000Z",` +
			`"annualThroughput":1099511627776}}`,
		`{"eventType":"ser.applicationUser","eventId":"` + idGlobex + `","revision":0,"input":"globex",` +
			`"windowStart":"2025-11-26T13:00:00.000Z","windowEnd":"2025-11-26T14:00:00.000Z",` +
			`"applicationName":"Workday","fromEnvelope":[],"fromHeader":[],` +
			`"success":1,"failure":0,"tempFailure":0,"partialSuccess":0,"inProgress":0,"total":1,` +
			`"recipientsTotal":1,"messageSizeTotal":2048,"deliveredSizeTotal":2048,` +
			`"dsn2xx":1,"dsn3xx":0,"dsn4xx":0,"dsn5xx":0,` +
			`"licenseStart":"","licenseEnd":"","annualThroughput":0}}`,
	}
	metricHeads = []string{
		`{"time":1764158400.250,"event":"metric","host":"loghost","source":"serfwd:acme","sourcetype":"proofpoint:ser:metrics","fields":{`,
		`{"time":1764158400.250,"event":"metric","host":"loghost","source":"serfwd:acme","sourcetype":"proofpoint:ser:metrics","fields":{`,
		`{"time":1764162000.000,"event":"metric","host":"loghost","source":"serfwd:globex","sourcetype":"proofpoint:ser:metrics","fields":{`,
	}
	// Dimensions first, as strings; then every counter in event order.
	// Neither annualThroughput nor unknown fields are measures, and records
	// is one only for ser.window.
	metricRests = []string{
		`"eventType":"ser.applicationUser","eventId":"` + idUser + `","revision":"1","input":"acme",` +
			`"applicationName":"Salesforce","applicationUserName":"notify \"eu\"",` +
			`"metric_name:ser.success":95,"metric_name:ser.failure":3,"metric_name:ser.tempFailure":2,` +
			`"metric_name:ser.partialSuccess":0,"metric_name:ser.inProgress":1,"metric_name:ser.total":101,` +
			`"metric_name:ser.recipientsTotal":130,"metric_name:ser.messageSizeTotal":4141000,` +
			`"metric_name:ser.deliveredSizeTotal":3933640,"metric_name:ser.dsn2xx":95,` +
			`"metric_name:ser.dsn3xx":0,"metric_name:ser.dsn4xx":2,"metric_name:ser.dsn5xx":3}}`,
		`"eventType":"ser.window","eventId":"` + idWindow + `","revision":"0","input":"acme",` +
			`"metric_name:ser.records":2,` +
			`"metric_name:ser.success":195,"metric_name:ser.failure":4,"metric_name:ser.tempFailure":2,` +
			`"metric_name:ser.partialSuccess":1,"metric_name:ser.inProgress":1,"metric_name:ser.total":203,` +
			`"metric_name:ser.recipientsTotal":260,"metric_name:ser.messageSizeTotal":8282000,` +
			`"metric_name:ser.deliveredSizeTotal":7867280,"metric_name:ser.dsn2xx":195,` +
			`"metric_name:ser.dsn3xx":1,"metric_name:ser.dsn4xx":2,"metric_name:ser.dsn5xx":4}}`,
		`"eventType":"ser.applicationUser","eventId":"` + idGlobex + `","revision":"0","input":"globex",` +
			`"applicationName":"Workday",` +
			`"metric_name:ser.success":1,"metric_name:ser.failure":0,"metric_name:ser.tempFailure":0,` +
			`"metric_name:ser.partialSuccess":0,"metric_name:ser.inProgress":0,"metric_name:ser.total":1,` +
			`"metric_name:ser.recipientsTotal":1,"metric_name:ser.messageSizeTotal":2048,` +
			`"metric_name:ser.deliveredSizeTotal":2048,"metric_name:ser.dsn2xx":1,` +
			`"metric_name:ser.dsn3xx":0,"metric_name:ser.dsn4xx":0,"metric_name:ser.dsn5xx":0}}`,
	}
)

// TestEnvelopeBytes posts specEvents with the default config in both
// formats, gzipped and not, and compares the body with the bytes above.
func TestEnvelopeBytes(t *testing.T) {
	for _, tc := range []struct {
		name, format, compression string
		heads, rests              []string
	}{
		{"event gzip", "event", "gzip", eventHeads, eventRests},
		{"event uncompressed", "event", "none", eventHeads, eventRests},
		{"metric gzip", "metric", "gzip", metricHeads, metricRests},
		{"metric uncompressed", "metric", "none", metricHeads, metricRests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			h := newHarness(t, f.srv.URL, func(c *Config) { c.Format, c.Compression = tc.format, tc.compression })
			if err := h.write(t.Context(), specEvents()); err != nil {
				t.Fatalf("Write: %v", err)
			}
			reqs, _ := f.snapshot()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			var want strings.Builder
			for i := range tc.heads {
				want.WriteString(tc.heads[i] + tc.rests[i])
			}
			if !bytes.Equal(reqs[0].Raw, []byte(want.String())) {
				t.Errorf("body:\n got %s\nwant %s", reqs[0].Raw, want.String())
			}
			if gz := reqs[0].Header.Get("Content-Encoding") == "gzip"; gz != (tc.compression == "gzip") {
				t.Errorf("Content-Encoding = %q with compression %s", reqs[0].Header.Get("Content-Encoding"), tc.compression)
			}
		})
	}
}

// TestEnvelopeHeads checks what source, sourcetype and index make of the
// head of each envelope; the rest stays as in TestEnvelopeBytes.
func TestEnvelopeHeads(t *testing.T) {
	for _, tc := range []struct {
		name  string
		mod   func(*Config)
		heads []string
		rests []string
	}{
		{"an explicit source applies to every event", func(c *Config) { c.Source = "proofpoint" }, []string{
			`{"time":1764158400.250,"host":"loghost","source":"proofpoint","sourcetype":"proofpoint:ser:summary","event":`,
			`{"time":1764158400.250,"host":"loghost","source":"proofpoint","sourcetype":"proofpoint:ser:summary","event":`,
			`{"time":1764162000.000,"host":"loghost","source":"proofpoint","sourcetype":"proofpoint:ser:summary","event":`,
		}, eventRests},
		{"empty source is the default", func(c *Config) { c.Source = "" }, eventHeads, eventRests},
		{"<input> in a source names the input", func(c *Config) { c.Source = `ser "<input>" <input>` }, []string{
			`{"time":1764158400.250,"host":"loghost","source":"ser \"acme\" acme","sourcetype":"proofpoint:ser:summary","event":`,
			`{"time":1764158400.250,"host":"loghost","source":"ser \"acme\" acme","sourcetype":"proofpoint:ser:summary","event":`,
			`{"time":1764162000.000,"host":"loghost","source":"ser \"globex\" globex","sourcetype":"proofpoint:ser:summary","event":`,
		}, eventRests},
		{"event with sourcetype, index and host", func(c *Config) { c.Sourcetype, c.Index, c.Host = "ser:json", "proofpoint", "relay-1" }, []string{
			`{"time":1764158400.250,"host":"relay-1","source":"serfwd:acme","sourcetype":"ser:json","index":"proofpoint","event":`,
			`{"time":1764158400.250,"host":"relay-1","source":"serfwd:acme","sourcetype":"ser:json","index":"proofpoint","event":`,
			`{"time":1764162000.000,"host":"relay-1","source":"serfwd:globex","sourcetype":"ser:json","index":"proofpoint","event":`,
		}, eventRests},
		{"metric with sourcetype, index and source", func(c *Config) {
			c.Format, c.Sourcetype, c.Index, c.Source = "metric", "ser:m", "proofpoint_metrics", "x"
		}, []string{
			`{"time":1764158400.250,"event":"metric","host":"loghost","source":"x","sourcetype":"ser:m","index":"proofpoint_metrics","fields":{`,
			`{"time":1764158400.250,"event":"metric","host":"loghost","source":"x","sourcetype":"ser:m","index":"proofpoint_metrics","fields":{`,
			`{"time":1764162000.000,"event":"metric","host":"loghost","source":"x","sourcetype":"ser:m","index":"proofpoint_metrics","fields":{`,
		}, metricRests},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			h := newHarness(t, f.srv.URL, tc.mod)
			if err := h.write(t.Context(), specEvents()); err != nil {
				t.Fatalf("Write: %v", err)
			}
			reqs, _ := f.snapshot()
			if len(reqs) != 1 || len(reqs[0].Pieces) != len(tc.heads) {
				t.Fatalf("requests = %d, want 1 with %d envelopes", len(reqs), len(tc.heads))
			}
			for i, piece := range reqs[0].Pieces {
				if want := tc.heads[i] + tc.rests[i]; string(piece) != want {
					t.Errorf("envelope %d:\n got %s\nwant %s", i, piece, want)
				}
			}
		})
	}
}

// TestEnvelopeWithoutWindowStart: an event without a valid windowStart has
// no time in either form, so that Splunk uses the time it arrives.
func TestEnvelopeWithoutWindowStart(t *testing.T) {
	var e event.Event
	e.AddString("eventType", "ser.window")
	e.AddString("windowStart", "yesterday")
	e.AddInt("records", 0)
	for _, tc := range []struct{ format, want string }{
		{"event", `{"host":"h","source":"serfwd:","sourcetype":"proofpoint:ser:summary","event":{"eventType":"ser.window","windowStart":"yesterday","records":0}}`},
		{"metric", `{"event":"metric","host":"h","source":"serfwd:","sourcetype":"proofpoint:ser:metrics","fields":{"eventType":"ser.window","metric_name:ser.records":0}}`},
	} {
		c := DefaultConfig()
		c.URL, c.Token, c.Format = "http://127.0.0.1:8088", config.Secret(testToken), tc.format
		r := renderer{layout: newLayout(resolve(c, "h"))}
		if got := string(r.appendEnvelope(nil, &e)); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.format, got, tc.want)
		}
	}
}
