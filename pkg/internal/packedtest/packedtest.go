// Package packedtest makes packed queue batches for the sinks' tests, so
// that each sink can render the same batches both ways — from the events
// Unpack returns (Write) and straight from the opened batches
// (WritePacked) — and compare the bytes.
package packedtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// Batch is one packed batch: its bytes and the window constants it needs.
type Batch struct {
	Data   []byte
	Consts []event.Field
}

// Events are the batch's events as the delivery loop used to decode them.
func (b Batch) Events(t testing.TB) []event.Event {
	t.Helper()
	evs, err := event.UnpackWith(b.Data, b.Consts)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// Open opens the batch in p (a new Packed when p is nil) and returns it.
func (b Batch) Open(t testing.TB, p *event.Packed) *event.Packed {
	t.Helper()
	if p == nil {
		p = new(event.Packed)
	}
	if err := p.Open(b.Data, b.Consts); err != nil {
		t.Fatal(err)
	}
	return p
}

// Pack packs evs into one batch without window constants.
func Pack(evs []event.Event) Batch {
	var p event.Packer
	for i := range evs {
		p.Add(&evs[i])
	}
	return Batch{Data: p.AppendPacked(nil)}
}

// Flattened is a batch as the poller queues it: n records of input acme
// flattened with their entitlement left to the window constants. Every
// fourth record has unknown fields (a string that needs escaping, a number,
// a nested object, a list).
func Flattened(t testing.TB, n int, start time.Time) Batch {
	t.Helper()
	w := serapi.Window{Start: start, End: start.Add(time.Hour)}
	f := event.NewFlattener("acme", w)
	var p event.Packer
	apps := []string{"Salesforce", "Workday", `Service "Now"`, "Zendesk\u00e9"}
	for i := range n {
		r := serapi.Record{ApplicationName: apps[i%len(apps)], ApplicationUserName: fmt.Sprintf("notifications-%d", i),
			FromEnvelope: []string{fmt.Sprintf("bounces-%d@mail.example.com", i%7)}, FromHeader: []string{"example.com", "example.org"}[:i%3]}
		total := int64(100 + i%50)
		r.Status = serapi.Status{Success: total - 5, Failure: int64(i%4) * int64(i%50) / 2, Total: total}
		r.Details.DSN5xx = int64(i % 3)
		if i%4 == 0 {
			r.Extra = []serapi.ExtraField{{Name: "region", Value: []byte(`"eu\u0001\\"`)}, {Name: "ratio", Value: []byte(`0.25`)},
				{Name: "limits", Value: []byte(`{"perHour":500,"burst":true}`)}, {Name: "tags", Value: []byte(`["a",1,null]`)},
				{Name: "sev", Value: []byte(`"x|y^z=w"`)}}
		}
		raw := event.RawRecord(&r)
		id := f.Next(&raw)
		f.Pack(&p, &raw, &id, int64(i%2))
	}
	ent := serapi.Entitlement{AnnualThroughput: 1 << 40, LicenseStart: "2026-01-01T00:00:00.000Z", LicenseEnd: "2027-01-01T00:00:00.000Z"}
	consts, err := event.Unpack(event.Consts(&ent))
	if err != nil || len(consts) != 1 {
		t.Fatalf("window constants: %v", err)
	}
	return Batch{Data: p.AppendPacked(nil), Consts: consts[0].Fields}
}

// Mixed returns one to three batches, each a Flattened one (a third of the
// time, of a window start picks among three hours) or Random events packed.
func Mixed(t testing.TB, rng *rand.Rand, round int) []Batch {
	t.Helper()
	start := time.Date(2026, 11, 1, 10+round%3, 0, 0, 0, time.UTC)
	var out []Batch
	for range 1 + rng.IntN(3) {
		if rng.IntN(3) == 0 {
			out = append(out, Flattened(t, rng.IntN(30), start))
		} else {
			out = append(out, Pack(Random(rng, rng.IntN(25))))
		}
	}
	return out
}

// specKeys are keys that sinks look up or rename, and two of no meaning.
var specKeys = []string{
	"eventType", "eventId", "revision", "input", "windowStart", "windowEnd", "applicationName",
	"applicationUserName", "fromEnvelope", "fromHeader", "success", "failure", "tempFailure", "total",
	"messageSizeTotal", "deliveredSizeTotal", "dsn5xx", "licenseStart", "licenseEnd", "annualThroughput",
	"records", "devTime", "sev", "rt", "cs1", "cs1Label", "extra_sev", "a b", "", "é", "key\n", "x=y",
}

// Random returns n random events: keys SPEC §4 names and others (some of
// them twice), every kind, texts that need escaping or are not UTF-8,
// valid and invalid times, eventTypes of both kinds and others, and key
// orders that repeat.
func Random(rng *rand.Rand, n int) []event.Event {
	out := make([]event.Event, n)
	for i := range out {
		if i > 0 && rng.IntN(3) == 0 {
			out[i] = withNewValues(rng, out[rng.IntN(i)])
			continue
		}
		var e event.Event
		for range rng.IntN(14) {
			e.Fields = append(e.Fields, randomField(rng, specKeys[rng.IntN(len(specKeys))]))
		}
		out[i] = e
	}
	return out
}

// withNewValues keeps e's keys and kinds with new values.
func withNewValues(rng *rand.Rand, e event.Event) event.Event {
	out := event.Event{Fields: make([]event.Field, len(e.Fields))}
	for i, f := range e.Fields {
		out.Fields[i] = randomField(rng, f.Key)
		if out.Fields[i].Kind != f.Kind {
			out.Fields[i] = f
		}
	}
	return out
}

func randomField(rng *rand.Rand, key string) event.Field {
	f := event.Field{Key: key}
	switch rng.IntN(6) {
	case 0, 1:
		f.Kind, f.Str = event.String, randomText(rng, key)
	case 2:
		f.Kind, f.Int = event.Int, []int64{0, 1, 3, -1, 42, 100, math.MaxInt64, math.MinInt64, rng.Int64N(1 << 40), rng.Int64N(100)}[rng.IntN(10)]
	case 3:
		f.Kind = event.List
		for range rng.IntN(4) {
			f.List = append(f.List, randomText(rng, ""))
		}
	case 4:
		f.Kind, f.Str = event.Raw, []string{"true", "1.5", "null", "", `{"a":1}`, "-0"}[rng.IntN(6)]
	default:
		f.Kind, f.Str = event.String, []string{"", "x"}[rng.IntN(2)]
	}
	return f
}

// randomText is a text for key: for time and type keys often a valid one.
func randomText(rng *rand.Rand, key string) string {
	switch {
	case (key == "windowStart" || key == "windowEnd" || key == "licenseStart") && rng.IntN(3) > 0:
		return event.FormatTime(time.Date(2026, 11, 1+rng.IntN(2), 10+rng.IntN(2), 0, 0, rng.IntN(2)*250e6, time.UTC))
	case key == "eventType" && rng.IntN(3) > 0:
		return []string{event.TypeApplicationUser, event.TypeWindow, "custom|type"}[rng.IntN(3)]
	case key == "eventId" && rng.IntN(2) > 0:
		return fmt.Sprintf("%064x", rng.Uint64())
	}
	pieces := []string{"a", "Zz", " ", "é", "😀", "\u2028", "\"", "\\", "<&>", "|", "^", "=", "\n", "\r", "\t", "\x00",
		"\x7f", "\xff", "\xe2\x82", ",", "acme", "0123456789abcdef"}
	var s string
	for range rng.IntN(6) {
		s += pieces[rng.IntN(len(pieces))]
	}
	return s
}
