// fingerprint.go records, compactly, what a fetch of a window sent: per
// record its eventId and a hash of its counters, and a hash of the window
// event's sums. Revisits compare a new fetch against it (SPEC §4).

package poller

import (
	"bytes"
	"encoding/binary"
	"slices"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// MaxRevisitEntries caps an input's revisit list whatever revisit/window
// allows; the oldest windows leave first, with a warning.
const MaxRevisitEntries = 10_000

// DefaultRevisitsPerPass is how many due revisits one pass fetches at most.
const DefaultRevisitsPerPass = 100

// maxRevisitSpacing caps the doubling spacing between revisits (SPEC §3).
const maxRevisitSpacing = 6 * time.Hour

// fingerprints collects the records of one fetch in body order. It also
// numbers records that share an identity (event.Numberer) from the same
// list, so that a window's eventIds are kept once: the first record of an
// identity has the identity as its eventId.
type fingerprints struct {
	recs      []state.Record
	unsettled bool // some record has tempFailure or inProgress > 0

	slots []uint32          // open addressing over identities: 1 + the index in recs of their first record; 0 is free
	used  int               // slots in use
	dups  map[uint32]uint32 // per first record with repeats: how many came after it
}

// add records one record: its eventId, the hash of its counters, and
// whether its counts may still change. Each record that Ordinal numbered
// must be added next, in order.
func (f *fingerprints) add(id state.EventID, hash uint64, unsettled bool) {
	f.recs = append(f.recs, state.Record{ID: id, Hash: hash})
	f.unsettled = f.unsettled || unsettled
}

// Ordinal numbers the record about to be added by its identity id.
func (f *fingerprints) Ordinal(id event.Identity) int {
	if 4*(f.used+1) > 3*len(f.slots) {
		f.grow()
	}
	mask := uint64(len(f.slots) - 1)
	for i := binary.LittleEndian.Uint64(id[:8]) & mask; ; i = (i + 1) & mask {
		s := f.slots[i]
		if s == 0 {
			f.slots[i] = uint32(len(f.recs)) + 1
			f.used++
			return 1
		}
		if f.recs[s-1].ID == state.EventID(id) {
			if f.dups == nil {
				f.dups = map[uint32]uint32{}
			}
			f.dups[s-1]++
			return int(f.dups[s-1]) + 1
		}
	}
}

// grow doubles the table (a SHA-256 is its own hash).
func (f *fingerprints) grow() {
	old := f.slots
	f.slots = make([]uint32, max(2*len(old), 1024))
	mask := uint64(len(f.slots) - 1)
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := binary.LittleEndian.Uint64(f.recs[s-1].ID[:8]) & mask
		for f.slots[i] != 0 {
			i = (i + 1) & mask
		}
		f.slots[i] = s
	}
}

// sorted returns the records sorted by eventId. Records of one answer with
// the same identity have distinct eventIds (ordinals, SPEC §4); should two
// eventIds still be equal, they count as one whose hash covers both.
func (f *fingerprints) sorted() []state.Record {
	recs := f.recs
	slices.SortStableFunc(recs, func(a, b state.Record) int { return bytes.Compare(a.ID[:], b.ID[:]) })
	out := recs[:0]
	for _, r := range recs {
		if n := len(out); n > 0 && out[n-1].ID == r.ID {
			out[n-1].Hash = combineHash(out[n-1].Hash, r.Hash)
			continue
		}
		out = append(out, r)
	}
	f.recs, f.slots, f.dups = nil, nil, nil
	return slices.Clip(out)
}

func combineHash(a, b uint64) uint64 {
	const prime = 1099511628211
	return (a*prime ^ b) * prime
}

// windowHash fingerprints a ser.window event's figures: every integer key
// but revision and annualThroughput (the record count and the sums).
func windowHash(ev *event.Event) uint64 {
	h := uint64(14695981039346656037)
	for _, f := range ev.Fields {
		if f.Kind != event.Int || f.Key == event.KeyRevision || f.Key == event.KeyAnnualThroughput {
			continue
		}
		for i := 0; i < len(f.Key); i++ {
			h = combineHash(h, uint64(f.Key[i]))
		}
		h = combineHash(h, uint64(f.Int))
	}
	return h
}

// revisitSpacing is the wait before the next revisit of a window that has
// been revisited attempts times: interval, then 2×, 4×, … capped at 6h.
func revisitSpacing(interval time.Duration, attempts int) time.Duration {
	if attempts <= 0 {
		return interval
	}
	d := interval << min(attempts, 30)
	if d <= 0 || d > maxRevisitSpacing {
		return max(maxRevisitSpacing, interval)
	}
	return d
}

// agedOut reports whether a window ending at end is too old to revisit.
func (p *Poller) agedOut(now, end time.Time) bool {
	return now.Sub(end) >= p.Input.Revisit
}

// newRevisit is the revisit list entry for a window first fetched at now,
// or nil when the window needs none: revisits are off, every record is
// settled, or the window is already older than revisit.
func (p *Poller) newRevisit(w serapi.Window, fp *fingerprints, window uint64, now time.Time) *state.Revisit {
	if fp == nil || !fp.unsettled || p.Input.Revisit <= 0 || p.agedOut(now, w.End) {
		return nil
	}
	return &state.Revisit{Start: w.Start, End: w.End, First: now, Due: now.Add(revisitSpacing(p.Input.Interval, 0)),
		Window: state.Record{Hash: window}, Records: fp.sorted()}
}
