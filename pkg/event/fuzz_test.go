// fuzz_test.go holds the fuzz target for the JSON encoder (with flattening
// in front of it, and a packed round trip behind it). Seeds live in
// testdata/fuzz/; FuzzUnpack is in packed_test.go.

package event

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func FuzzAppendJSON(f *testing.F) {
	f.Add("label", "gold", int64(42), `{"perHour": 5}`)
	f.Add("", "\xff\x00\u2028", int64(-1), `[1, {"a": null}]`)
	f.Fuzz(func(t *testing.T, key, text string, n int64, raw string) {
		var e Event
		e.AddString(key, text)
		if Clean(key) != "n" {
			e.AddInt("n", n)
		}
		if c := Clean(key); c != "l" && c != "n" {
			e.AddList("l", []string{key, text})
		}
		checkJSON(t, &e, e.AppendJSON(nil))

		r := serapi.Record{ApplicationName: text, ApplicationUserName: key, FromEnvelope: []string{text, key},
			Extra: []serapi.ExtraField{{Name: key, Value: []byte(raw)}, {Name: text, Value: []byte(raw)}}}
		r.Status.Total = n
		ev := FromRecord(key, testWindow, &r, nil, n)
		checkUniqueKeys(t, &ev)
		checkJSON(t, &ev, ev.AppendJSON(nil))
		back, err := Unpack(pack(nil, []Event{ev}))
		if err != nil || len(back) != 1 {
			t.Fatalf("packed round trip: %d events, %v", len(back), err)
		}
		sameEvent(t, back[0], ev)
	})
}

// TestFuzzSeeds checks that the seed corpus is there and, with -update,
// writes the generated part of it.
func TestFuzzSeeds(t *testing.T) {
	for _, target := range []string{"FuzzAppendJSON"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		if err != nil || len(entries) == 0 {
			t.Errorf("no seed corpus for %s: %v", target, err)
		}
	}
}
