// fuzz_test.go holds the fuzz targets for the binary decoder and the JSON
// encoder (with flattening in front of it). Seeds live in testdata/fuzz/;
// `go test -run TestFuzzSeeds -update` rewrites the generated ones.
package event

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func FuzzDecodeBinary(f *testing.F) {
	for _, s := range binarySeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		decodeGarbage(t, b)
	})
}

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
		back, rest, err := DecodeBinary(ev.AppendBinary(nil))
		if err != nil || len(rest) != 0 {
			t.Fatalf("binary round trip: %v", err)
		}
		sameEvent(t, back, ev)
	})
}

// binarySeeds are encodings of real events, whole and damaged.
func binarySeeds() [][]byte {
	r := referenceRecord()
	r.Extra = []serapi.ExtraField{extra("limits", `{"perHour": 5, "tags": ["a"]}`), extra("ratio", `0.5`)}
	rec := FromRecord("acme", testWindow, &r, &testEntitlement, 1)
	win := FromWindow("acme", testWindow, []serapi.Record{r}, &testEntitlement, 0)
	good := rec.AppendBinary(nil)
	return [][]byte{
		good,
		win.AppendBinary(nil),
		win.AppendBinary(good),
		good[:len(good)/2],
		{0},
		{1, 1, 'k', byte(List), 0xff, 0xff, 0xff, 0xff, 0x0f},
		{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
	}
}

// TestFuzzSeeds checks that the seed corpus is there and, with -update,
// writes the generated part of it.
func TestFuzzSeeds(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzDecodeBinary")
	if *update {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range binarySeeds() {
			body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", s)
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, target := range []string{"FuzzDecodeBinary", "FuzzAppendJSON"} {
		entries, err := os.ReadDir(filepath.Join("testdata", "fuzz", target))
		if err != nil || len(entries) == 0 {
			t.Errorf("no seed corpus for %s: %v", target, err)
		}
	}
}
