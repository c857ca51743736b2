// Tests of Records, the compact store of a report's records: round trips of
// varied records, stored values independent of the caller's, values past the
// shared tables' bound, stopping All early, and decoded strings that do not
// point into the reused buffer.

package serapi

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

// sampleRecord is record i of a varied set: repeated and unique strings,
// nil, empty and multi-item lists, extremes of the counters, some Extra.
func sampleRecord(i int) Record {
	r := Record{
		ApplicationName:     fmt.Sprintf("App %d", i%7),
		ApplicationUserName: fmt.Sprintf("user-%d", i),
		Status:              Status{int64(i), -int64(i), 3, 0, 1, math.MaxInt64, math.MinInt64},
		Size:                Size{int64(i) << 33, 1},
		Details:             Details{DSN2xx: int64(i % 5), DSN5xx: -1},
	}
	switch i % 4 {
	case 0: // both nil
	case 1:
		r.FromEnvelope, r.FromHeader = []string{}, []string{"example.com"}
	case 2:
		r.FromEnvelope = []string{fmt.Sprintf("u%d@example.com", i), "example.com", ""}
	case 3:
		r.FromHeader = []string{"a", "b"}
		r.Extra = []ExtraField{{Name: "region", Value: json.RawMessage(fmt.Sprintf(`"eu-%d"`, i))}}
	}
	if i%3 == 0 {
		r.ApplicationName = ""
	}
	return r
}

func TestRecordsRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, blockLen - 1, blockLen, 3*blockLen + 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			want := make([]Record, n)
			var rs Records
			for i := range want {
				want[i] = sampleRecord(i)
				rs.Append(&want[i])
			}
			if rs.Len() != n {
				t.Fatalf("Len = %d, want %d", rs.Len(), n)
			}
			seen := 0
			for i, r := range rs.All() {
				if i != seen || !reflect.DeepEqual(*r, want[i]) {
					t.Fatalf("All: record %d (index %d) = %+v, want %+v", seen, i, *r, want[i])
				}
				seen++
			}
			if seen != n {
				t.Fatalf("All yielded %d records, want %d", seen, n)
			}
			for _, i := range []int{0, n / 2, n - 1} {
				if n > 0 && !reflect.DeepEqual(rs.At(i), want[i]) {
					t.Errorf("At(%d) = %+v, want %+v", i, rs.At(i), want[i])
				}
			}
			if got := rs.Slice(); !reflect.DeepEqual(got, want) && !(n == 0 && got == nil) {
				t.Error("Slice differs from the appended records")
			}
		})
	}
}

// TestRecordsKeepsCopies checks that changing what was appended, or a list
// read back, does not change the stored records.
func TestRecordsKeepsCopies(t *testing.T) {
	r := Record{ApplicationName: "A", FromEnvelope: []string{"x"}, Extra: []ExtraField{{Name: "k", Value: json.RawMessage("1")}}}
	rs := RecordsOf(r, r)
	r.FromEnvelope[0], r.Extra[0].Name = "changed", "changed"
	got := rs.At(1)
	if got.FromEnvelope[0] != "x" || got.Extra[0].Name != "k" {
		t.Fatalf("stored record changed with its source: %+v", got)
	}
	_ = append(got.FromEnvelope, "appended")
	if again := rs.At(0); len(again.FromEnvelope) != 1 || again.FromEnvelope[0] != "x" {
		t.Fatalf("an append to a list read back changed the store: %+v", again)
	}
}

// TestRecordsManyDistinct passes the bound of the shared tables: values
// beyond it are kept per block and read back the same.
func TestRecordsManyDistinct(t *testing.T) {
	n := maxShared + 2*blockLen
	var rs Records
	for i := range n {
		s := fmt.Sprintf("v%d", i)
		rs.Append(&Record{ApplicationName: s, FromHeader: []string{s}})
	}
	if len(rs.shared.strs) != maxShared || len(rs.shared.lists) != maxShared {
		t.Errorf("shared tables hold %d strings and %d lists, want %d each", len(rs.shared.strs), len(rs.shared.lists), maxShared)
	}
	for i, r := range rs.All() {
		s := fmt.Sprintf("v%d", i)
		if r.ApplicationName != s || len(r.FromHeader) != 1 || r.FromHeader[0] != s {
			t.Fatalf("record %d = %+v", i, *r)
		}
	}
}

func TestRecordsAllStops(t *testing.T) {
	rs := RecordsOf(sampleRecord(0), sampleRecord(1), sampleRecord(2))
	n := 0
	for range rs.All() {
		if n++; n == 2 {
			break
		}
	}
	if n != 2 {
		t.Fatalf("loop ran %d times, want 2", n)
	}
}

// TestDecodeReusedBuffer decodes records whose unknown fields and strings
// would be overwritten if they pointed into the buffer reused per record.
func TestDecodeReusedBuffer(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"applicationUsers":[`)
	const n = 50
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"applicationName":"App %d","applicationUserName":"u%d","fromHeader":"h%d","zone":{"id":%d},"status":{"queued":"q%d"}}`, i%3, i, i%2, i, i)
	}
	b.WriteString(`]}`)
	rep, err := Decode(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Users.Len() != n {
		t.Fatalf("%d records, want %d", rep.Users.Len(), n)
	}
	for i, r := range rep.Users.All() {
		want := []ExtraField{{"zone", json.RawMessage(fmt.Sprintf(`{"id":%d}`, i))}, {"status_queued", json.RawMessage(fmt.Sprintf(`"q%d"`, i))}}
		if r.ApplicationName != fmt.Sprintf("App %d", i%3) || r.ApplicationUserName != fmt.Sprintf("u%d", i) ||
			!reflect.DeepEqual(r.FromHeader, []string{fmt.Sprintf("h%d", i%2)}) || !reflect.DeepEqual(r.Extra, want) {
			t.Fatalf("record %d = %+v", i, *r)
		}
	}
}
