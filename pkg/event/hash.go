// hash.go fingerprints a record's counters, so that a revisit can tell which
// records changed since the last fetch (SPEC §4, revisions).

package event

import (
	"github.com/serfwd/serfwd/pkg/serapi"
)

// 64-bit FNV-1a parameters.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// CountersHash fingerprints everything of r that may change between fetches
// of its window: the status, messageSizeTotal and details counters, and the
// unknown fields (names and raw values, in order). Records themselves are
// identified by RecordID; two fetches of a record with equal CountersHash are
// treated as unchanged. The value is 64-bit FNV-1a over a fixed layout
// (counters as 8 bytes little-endian, then per extra the length-prefixed name
// and value) and is stable across versions and processes, so it may be
// stored. A change of any single counter always changes it.
func CountersHash(r *serapi.Record) uint64 {
	h := hashCounters(counters(r))
	for i := range r.Extra {
		h = hashExtra(h, bytesOf(r.Extra[i].Name), trimSpace(r.Extra[i].Value))
	}
	return h
}

// RawCountersHash is CountersHash of a decoded record: equal for a record
// and its Record form.
func RawCountersHash(r *serapi.RawRecord) uint64 {
	h := hashCounters(rawCounters(r))
	for i := range r.Extra {
		h = hashExtra(h, r.Extra[i].Name, r.Extra[i].Value)
	}
	return h
}

func hashCounters(c [counterCount]int64) uint64 {
	h := uint64(fnvOffset)
	for _, v := range c {
		h = hashUint(h, uint64(v))
	}
	return h
}

// hashExtra adds an unknown field's length-prefixed name and value.
func hashExtra(h uint64, name, value []byte) uint64 {
	h = hashUint(h, uint64(len(name)))
	for _, c := range name {
		h = (h ^ uint64(c)) * fnvPrime
	}
	h = hashUint(h, uint64(len(value)))
	for _, c := range value {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

func hashUint(h, v uint64) uint64 {
	for i := 0; i < 8; i++ {
		h = (h ^ (v & 0xff)) * fnvPrime
		v >>= 8
	}
	return h
}
