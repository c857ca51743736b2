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
	h := uint64(fnvOffset)
	for _, v := range counters(r) {
		h = hashUint(h, uint64(v))
	}
	for i := range r.Extra {
		x := &r.Extra[i]
		h = hashUint(h, uint64(len(x.Name)))
		for j := 0; j < len(x.Name); j++ {
			h = (h ^ uint64(x.Name[j])) * fnvPrime
		}
		v := trimSpace(x.Value)
		h = hashUint(h, uint64(len(v)))
		for _, c := range v {
			h = (h ^ uint64(c)) * fnvPrime
		}
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
