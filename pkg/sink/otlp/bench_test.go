// Benchmarks of turning a batch of events into export request bodies:
// records built with pdata, marshalled and gzipped, per encoding.

package otlp

import (
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

func BenchmarkEncode500(b *testing.B) {
	evs := make([]event.Event, 500)
	queued := make([]time.Time, len(evs))
	one := benchEvent()
	for i := range evs {
		evs[i] = event.Event{Fields: append([]event.Field(nil), one.Fields...)}
		queued[i] = testStart
	}
	for _, enc := range []string{"protobuf", "json"} {
		b.Run(enc+"_gzip", func(b *testing.B) {
			s := &Sink{opt: options{json: enc == "json", gzip: true, maxEvents: len(evs), maxBytes: 64 << 20},
				origin: origin{version: testVersion, host: testHostname}}
			s.emptyLogs, _ = s.origin.newLogs(0)
			b.ReportAllocs()
			for b.Loop() {
				for _, p := range s.parts(evs, queued) {
					body, err := s.marshal(p.logs)
					if err != nil {
						b.Fatal(err)
					}
					if _, err := s.compress(body); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N*len(evs))/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// benchEvent is a ser.applicationUser event with every SPEC §4 key.
func benchEvent() event.Event {
	var e event.Event
	e.AddString("eventType", event.TypeApplicationUser)
	e.AddString("eventId", "5d41402abc4b2a76b9719d911017c592aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
	e.AddInt("revision", 0)
	e.AddString("input", "acme")
	e.AddString("windowStart", "2026-11-26T10:00:00.000Z")
	e.AddString("windowEnd", "2026-11-26T11:00:00.000Z")
	e.AddString("applicationName", "Salesforce")
	e.AddString("applicationUserName", "sf-prod-notifications")
	e.AddList("fromEnvelope", []string{"bounces@example.com"})
	e.AddList("fromHeader", []string{"example.com"})
	for i, k := range []string{"success", "failure", "tempFailure", "partialSuccess", "inProgress", "total", "recipientsTotal",
		"messageSizeTotal", "deliveredSizeTotal", "dsn2xx", "dsn3xx", "dsn4xx", "dsn5xx"} {
		e.AddInt(k, int64(1000*i+7))
	}
	e.AddString("licenseStart", "2026-01-01T00:00:00.000Z")
	e.AddString("licenseEnd", "2027-01-01T00:00:00.000Z")
	e.AddInt("annualThroughput", 1099511627776)
	return e
}
