// The sink against an independent HEC server: OpenTelemetry's own
// splunkhecreceiver, started inside the test. Events arrive as log records
// (body = the event, Splunk metadata as resource attributes), multi-metric
// envelopes as one gauge data point per measure with the dimensions as
// attributes. Expected values come from the hand-written envelopes of
// envelope_test.go, decoded with encoding/json.
//
// The receiver is v0.158.0 of opentelemetry-collector-contrib, the release
// this project's module proxy serves with all its dependencies. That release
// is missing from the public checksum database, so it was fetched once with
// GONOSUMDB=github.com/open-telemetry/opentelemetry-collector-contrib; go.sum
// now holds its hashes, and building or testing needs nothing special.

package hec

import (
	"encoding/json"
	"errors"
	"net"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/open-telemetry/opentelemetry-collector-contrib/receiver/splunkhecreceiver"
	"go.opentelemetry.io/collector/component/componenttest"
	"go.opentelemetry.io/collector/consumer/consumertest"
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/pmetric"
	"go.opentelemetry.io/collector/receiver/receivertest"
)

// otelHEC is a running splunkhecreceiver and what it received.
type otelHEC struct {
	url     string
	logs    *consumertest.LogsSink
	metrics *consumertest.MetricsSink
}

// startOtelHEC starts the receiver for logs and metrics on a free loopback
// port. It passes the token of each request on as a resource attribute, so
// that the test sees which token arrived. The receiver binds the address
// itself, so the test asks the kernel for a free port first and tries
// again with another one if something else took it in between.
func startOtelHEC(t *testing.T) *otelHEC {
	t.Helper()
	f := splunkhecreceiver.NewFactory()
	for attempt := 1; ; attempt++ {
		addr := freeLoopbackAddr(t)
		cfg := f.CreateDefaultConfig().(*splunkhecreceiver.Config)
		cfg.ServerConfig.NetAddr.Endpoint = addr
		cfg.AccessTokenPassthroughConfig.AccessTokenPassthrough = true
		o := &otelHEC{url: "http://" + addr, logs: new(consumertest.LogsSink), metrics: new(consumertest.MetricsSink)}
		set := receivertest.NewNopSettings(f.Type())
		lr, err := f.CreateLogs(t.Context(), set, cfg, o.logs)
		if err != nil {
			t.Fatalf("creating the logs receiver: %v", err)
		}
		// Same config: the factory hands back the same receiver, now with
		// a metrics consumer too.
		if _, err := f.CreateMetrics(t.Context(), set, cfg, o.metrics); err != nil {
			t.Fatalf("creating the metrics receiver: %v", err)
		}
		err = lr.Start(t.Context(), componenttest.NewNopHost())
		if err == nil {
			t.Cleanup(func() { _ = lr.Shutdown(t.Context()) })
			return o
		}
		_ = lr.Shutdown(t.Context())
		if !errors.Is(err, syscall.EADDRINUSE) || attempt == 5 {
			t.Fatalf("starting splunkhecreceiver on %s: %v", addr, err)
		}
	}
}

// freeLoopbackAddr returns a loopback address the kernel just gave out.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// msTime rounds a receiver's time stamp to the millisecond: it turns HEC's
// epoch seconds into nanoseconds through a float64, which is off by some
// nanoseconds (1764158400.250 becomes …00.249999872).
func msTime(ts pcommon.Timestamp) time.Time { return ts.AsTime().Round(time.Millisecond) }

// Resource attributes the receiver sets by default.
const (
	attrHost       = "host.name"
	attrSource     = "com.splunk.source"
	attrSourcetype = "com.splunk.sourcetype"
	attrIndex      = "com.splunk.index"
	attrToken      = "com.splunk.hec.access_token"
)

// specTimes are the windowStart of each of specEvents.
var specTimes = []time.Time{
	time.Date(2025, 11, 26, 12, 0, 0, 250e6, time.UTC),
	time.Date(2025, 11, 26, 12, 0, 0, 250e6, time.UTC),
	time.Date(2025, 11, 26, 13, 0, 0, 0, time.UTC),
}

// decodeJSON decodes hand-written JSON text as encoding/json does.
func decodeJSON(t *testing.T, text string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		t.Fatalf("expected JSON %s: %v", text, err)
	}
	return m
}

func TestOtelReceiverEvents(t *testing.T) {
	for _, compression := range []string{"gzip", "none"} {
		t.Run(compression, func(t *testing.T) {
			o := startOtelHEC(t)
			h := newHarness(t, o.url, func(c *Config) { c.Compression, c.Index = compression, "proofpoint" })
			if err := h.sink.Check(t.Context()); err != nil {
				t.Errorf("Check: %v", err)
			}
			// Write returns nil only once HEC answered 200 with code 0.
			if err := h.write(t.Context(), specEvents()); err != nil {
				t.Fatalf("Write: %v", err)
			}
			type record struct {
				resource map[string]any
				body     map[string]any
				time     time.Time
			}
			var got []record
			for _, ld := range o.logs.AllLogs() {
				for _, rl := range ld.ResourceLogs().All() {
					for _, sl := range rl.ScopeLogs().All() {
						for _, lr := range sl.LogRecords().All() {
							body := lr.Body()
							if body.Type() != pcommon.ValueTypeMap {
								t.Fatalf("log body is a %s, want the event as a map", body.Type())
							}
							got = append(got, record{rl.Resource().Attributes().AsRaw(), body.Map().AsRaw(), msTime(lr.Timestamp())})
						}
					}
				}
			}
			if len(got) != len(eventRests) {
				t.Fatalf("the receiver got %d log records, want %d", len(got), len(eventRests))
			}
			for i, rest := range eventRests {
				source := "serfwd:acme"
				if i == 2 {
					source = "serfwd:globex"
				}
				wantRes := map[string]any{attrHost: "loghost", attrSource: source,
					attrSourcetype: "proofpoint:ser:summary", attrIndex: "proofpoint", attrToken: testToken}
				if !reflect.DeepEqual(got[i].resource, wantRes) {
					t.Errorf("record %d resource:\n got %v\nwant %v", i, got[i].resource, wantRes)
				}
				if want := decodeJSON(t, strings.TrimSuffix(rest, "}")); !reflect.DeepEqual(got[i].body, want) {
					t.Errorf("record %d body:\n got %v\nwant %v", i, got[i].body, want)
				}
				if !got[i].time.Equal(specTimes[i]) {
					t.Errorf("record %d time %s, want %s", i, got[i].time, specTimes[i])
				}
			}
		})
	}
}

// point is one gauge data point the receiver made of a metric envelope.
type point struct {
	value float64
	attrs map[string]any
	time  time.Time
}

func TestOtelReceiverMetrics(t *testing.T) {
	for _, compression := range []string{"gzip", "none"} {
		t.Run(compression, func(t *testing.T) {
			o := startOtelHEC(t)
			h := newHarness(t, o.url, func(c *Config) { c.Compression, c.Format = compression, "metric" })
			if err := h.write(t.Context(), specEvents()); err != nil {
				t.Fatalf("Write: %v", err)
			}
			got := map[string]map[string]point{} // eventId → metric name → point
			for _, md := range o.metrics.AllMetrics() {
				for _, rm := range md.ResourceMetrics().All() {
					res := rm.Resource().Attributes().AsRaw()
					if res[attrSourcetype] != "proofpoint:ser:metrics" || res[attrToken] != testToken || res[attrHost] != "loghost" {
						t.Errorf("resource attributes %v", res)
					}
					collectPoints(t, rm, got)
				}
			}
			if len(got) != len(metricRests) {
				t.Errorf("data points for %d events, want %d", len(got), len(metricRests))
			}
			for i, rest := range metricRests {
				checkPoints(t, got, decodeJSON(t, "{"+strings.TrimSuffix(rest, "}")), specTimes[i])
			}
		})
	}
}

// collectPoints files the gauge data points of rm by their eventId.
func collectPoints(t *testing.T, rm pmetric.ResourceMetrics, got map[string]map[string]point) {
	t.Helper()
	for _, sm := range rm.ScopeMetrics().All() {
		for _, m := range sm.Metrics().All() {
			if m.Type() != pmetric.MetricTypeGauge || m.Gauge().DataPoints().Len() != 1 {
				t.Errorf("metric %s: %s with %d points, want a gauge with one", m.Name(), m.Type(), m.Gauge().DataPoints().Len())
				continue
			}
			dp := m.Gauge().DataPoints().At(0)
			v := dp.DoubleValue()
			if dp.ValueType() == pmetric.NumberDataPointValueTypeInt {
				v = float64(dp.IntValue())
			}
			attrs := dp.Attributes().AsRaw()
			id, _ := attrs["eventId"].(string)
			if got[id] == nil {
				got[id] = map[string]point{}
			}
			if _, dup := got[id][m.Name()]; dup {
				t.Errorf("event %s has %s twice", id, m.Name())
			}
			got[id][m.Name()] = point{v, attrs, msTime(dp.Timestamp())}
		}
	}
}

// checkPoints compares the points of one event with its hand-written
// fields: a point per metric_name:<name> with that value, each carrying
// exactly the other fields as attributes, at the window's start.
func checkPoints(t *testing.T, got map[string]map[string]point, fields map[string]any, at time.Time) {
	t.Helper()
	dims := map[string]any{}
	measures := map[string]float64{}
	for k, v := range fields {
		if name, ok := strings.CutPrefix(k, "metric_name:"); ok {
			measures[name] = v.(float64)
		} else {
			dims[k] = v
		}
	}
	id := dims["eventId"].(string)
	points := got[id]
	if len(points) != len(measures) {
		t.Errorf("event %s: %d metrics, want %d", id, len(points), len(measures))
	}
	for name, want := range measures {
		p, ok := points[name]
		switch {
		case !ok:
			t.Errorf("event %s: no metric %s", id, name)
		case p.value != want:
			t.Errorf("event %s: %s = %v, want %v", id, name, p.value, want)
		case !reflect.DeepEqual(p.attrs, dims):
			t.Errorf("event %s: %s attributes\n got %v\nwant %v", id, name, p.attrs, dims)
		case !p.time.Equal(at):
			t.Errorf("event %s: %s at %s, want %s", id, name, p.time, at)
		}
	}
}
