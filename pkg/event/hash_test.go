// hash_test.go checks CountersHash against its documented layout and that
// every counter and unknown field takes part in it, and nothing else does.

package event

import (
	"encoding/binary"
	"hash/fnv"
	"reflect"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// layoutHash recomputes CountersHash from its documentation with hash/fnv.
func layoutHash(r *serapi.Record) uint64 {
	h := fnv.New64a()
	put := func(v uint64) { h.Write(binary.LittleEndian.AppendUint64(nil, v)) }
	s, z, d := r.Status, r.Size, r.Details
	for _, v := range []int64{s.Success, s.Failure, s.TempFailure, s.PartialSuccess, s.InProgress, s.Total,
		s.RecipientsTotal, z.MessageSizeTotal, z.DeliveredSizeTotal, d.DSN2xx, d.DSN3xx, d.DSN4xx, d.DSN5xx} {
		put(uint64(v))
	}
	for _, x := range r.Extra {
		put(uint64(len(x.Name)))
		h.Write([]byte(x.Name))
		v := trimSpace(x.Value)
		put(uint64(len(v)))
		h.Write(v)
	}
	return h.Sum64()
}

func TestCountersHashLayout(t *testing.T) {
	r := referenceRecord()
	r.Extra = []serapi.ExtraField{extra("limits", ` {"perHour": 5} `), extra("n", `1`)}
	for _, rec := range []serapi.Record{{}, referenceRecord(), r} {
		if got, want := CountersHash(&rec), layoutHash(&rec); got != want {
			t.Fatalf("CountersHash = %#x, want %#x", got, want)
		}
	}
}

// TestCountersHashSeesEveryCounter changes each integer field of the
// status, size and details blocks in turn, found by reflection so that a
// counter added to serapi.Record but forgotten here fails the test.
func TestCountersHashSeesEveryCounter(t *testing.T) {
	base := referenceRecord()
	h0 := CountersHash(&base)
	n := 0
	for _, block := range []string{"Status", "Size", "Details"} {
		typ := reflect.ValueOf(base).FieldByName(block).Type()
		for i := range typ.NumField() {
			r := referenceRecord()
			f := reflect.ValueOf(&r).Elem().FieldByName(block).Field(i)
			f.SetInt(f.Int() + 1)
			if CountersHash(&r) == h0 {
				t.Errorf("%s.%s: hash unchanged", block, typ.Field(i).Name)
			}
			n++
		}
	}
	if n != counterCount {
		t.Errorf("found %d counters, the event carries %d", n, counterCount)
	}
}

func TestCountersHashExtrasAndIdentity(t *testing.T) {
	base := referenceRecord()
	base.Extra = []serapi.ExtraField{extra("a", `1`)}
	h0 := CountersHash(&base)
	tests := []struct {
		name    string
		change  func(r *serapi.Record)
		changes bool
	}{
		{"extra value", func(r *serapi.Record) { r.Extra[0].Value = []byte(`2`) }, true},
		{"extra name", func(r *serapi.Record) { r.Extra[0].Name = "b" }, true},
		{"extra added", func(r *serapi.Record) { r.Extra = append(r.Extra, extra("b", `1`)) }, true},
		{"extra removed", func(r *serapi.Record) { r.Extra = nil }, true},
		{"name/value boundary", func(r *serapi.Record) { r.Extra[0] = extra("a1", ``) }, true},
		{"space around value", func(r *serapi.Record) { r.Extra[0].Value = []byte(" 1\n") }, false},
		{"application name", func(r *serapi.Record) { r.ApplicationName = "other" }, false},
		{"from lists", func(r *serapi.Record) { r.FromEnvelope = nil }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := referenceRecord()
			r.Extra = []serapi.ExtraField{extra("a", `1`)}
			tt.change(&r)
			if changed := CountersHash(&r) != h0; changed != tt.changes {
				t.Fatalf("hash changed = %v, want %v", changed, tt.changes)
			}
		})
	}
}
