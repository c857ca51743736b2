// helpers_test.go holds fixtures and random event generators shared by the
// package's tests, fuzz targets and benchmarks.

package event

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

var testWindow = serapi.Window{
	Start: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC),
	End:   time.Date(2026, 11, 1, 11, 0, 0, 0, time.UTC),
}

var testEntitlement = serapi.Entitlement{
	AnnualThroughput: 1099511627776,
	LicenseStart:     "2026-01-01T00:00:00.000Z",
	LicenseEnd:       "2027-01-01T00:00:00.000Z",
}

// referenceRecord is the SPEC §1 example record.
func referenceRecord() serapi.Record {
	return serapi.Record{
		ApplicationName:     "Salesforce",
		ApplicationUserName: "sf-prod-notifications",
		FromEnvelope:        []string{"bounces@example.com"},
		FromHeader:          []string{"example.com"},
		Status: serapi.Status{Success: 1200, Failure: 3, TempFailure: 2, PartialSuccess: 0,
			InProgress: 1, Total: 1206, RecipientsTotal: 1450},
		Size:    serapi.Size{MessageSizeTotal: 48213311, DeliveredSizeTotal: 48100222},
		Details: serapi.Details{DSN2xx: 1200, DSN3xx: 0, DSN4xx: 2, DSN5xx: 3},
	}
}

func extra(name, raw string) serapi.ExtraField {
	return serapi.ExtraField{Name: name, Value: json.RawMessage(raw)}
}

// randString returns a short string of arbitrary bytes, biased towards the
// characters that need escaping and towards multi-byte UTF-8.
func randString(rng *rand.Rand) string {
	n := rng.IntN(12)
	b := make([]byte, 0, n*3)
	for range n {
		switch rng.IntN(4) {
		case 0:
			b = append(b, byte(rng.IntN(256)))
		case 1:
			b = append(b, `"\<>&`[rng.IntN(5)])
		case 2:
			b = append(b, byte(rng.IntN(0x20)))
		default:
			b = append(b, string([]rune{'é', '€', '😀', '\u2028', '\u2029', '\ufffd', 'a'}[rng.IntN(7)])...)
		}
	}
	return string(b)
}

var rawLiterals = []string{"true", "false", "null", "1.5", "-0", "1e400", "12345678901234567890123",
	`[{"a":1}]`, `{"k":["x",null]}`, ""}

// randEvent returns an event with fields of every kind and keys that stay
// distinct after Clean.
func randEvent(rng *rand.Rand) Event {
	var e Event
	seen := map[string]bool{}
	for range rng.IntN(8) {
		k := randString(rng)
		if seen[Clean(k)] {
			continue
		}
		seen[Clean(k)] = true
		switch Kind(rng.IntN(4) + 1) {
		case String:
			e.AddString(k, randString(rng))
		case Int:
			e.AddInt(k, []int64{0, -1, math.MaxInt64, math.MinInt64, rng.Int64(), -rng.Int64()}[rng.IntN(6)])
		case List:
			list := make([]string, rng.IntN(4))
			for i := range list {
				list[i] = randString(rng)
			}
			e.AddList(k, list)
		case Raw:
			e.AddRaw(k, rawLiterals[rng.IntN(len(rawLiterals))])
		}
	}
	return e
}

// sameEvent compares events field by field; nil and empty lists are equal.
func sameEvent(t *testing.T, got, want Event) {
	t.Helper()
	if len(got.Fields) != len(want.Fields) {
		t.Fatalf("got %d fields, want %d:\n got %s\nwant %s", len(got.Fields), len(want.Fields), got.AppendJSON(nil), want.AppendJSON(nil))
	}
	for i := range want.Fields {
		g, w := got.Fields[i], want.Fields[i]
		if len(g.List) == 0 && len(w.List) == 0 {
			g.List, w.List = nil, nil
		}
		if !reflect.DeepEqual(g, w) {
			t.Fatalf("field %d: got %#v, want %#v", i, g, w)
		}
	}
}

func newRand(t testing.TB, seed uint64) *rand.Rand {
	t.Helper()
	return rand.New(rand.NewPCG(seed, 0x5e7f3d))
}

// iterations is n, or a tenth of it under -short.
func iterations(n int) int {
	if testing.Short() {
		return n / 10
	}
	return n
}
