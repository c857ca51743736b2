// number.go numbers the records of one answer (SPEC §4) so that no two of
// them share an eventId, even when a field holds U+001F and one record's
// text is another's with an ordinal suffix: the rule (number), the memory
// it needs (Numberer) and that memory as a Go map (Ordinals).

package event

import (
	"crypto/sha256"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// Numberer remembers what the numbering of one answer handed out: every
// eventId taken so far and, per identity, the ordinal its last record took.
// Both live under one key, an eventId: an identity is kept under its first
// eventId (the hash of its text without ordinal), which is always taken
// once the identity has a record (by that record, or by an earlier one
// whose numbered text is this identity's text). So one entry per record
// holds it all. Ordinals (a Go map) is one; the poller brings its own,
// whose memory does not grow with the answer (pkg/internal/idtable).
type Numberer interface {
	// Taken reports whether id was handed out, and the last ordinal taken
	// by the identity whose first eventId is id (0: none yet).
	Taken(id ID) (last uint32, taken bool)
	// Take marks id handed out and sets last as the last ordinal of the
	// identity whose first eventId is id (0 for an id no identity seen so
	// far has as its first).
	Take(id ID, last uint32)
}

// number returns the eventId and ordinal of the next record of the answer
// whose identity text (appendRawIdentity) is text, and notes both in nb.
// text's spare capacity may be overwritten.
//
// The rule (SPEC §4, made collision-proof): the k-th record of an identity
// takes the smallest ordinal n ≥ k whose eventId (the hash of text, followed
// by ␟n for n > 1) no earlier record of the answer has taken. Without a
// field holding ␟ no eventId can be taken twice, so n = k: the ids are the
// plain ordinal ones. Starting from the identity's last ordinal + 1 is the
// same search, since every ordinal between k and that one is taken, and
// it keeps the work per answer linear: a taken eventId is passed over at
// most twice (as the first eventId of the identity its text is, and as
// ordinal n of the identity its text minus ␟n is).
func number(nb Numberer, text []byte) (ID, int) {
	first := ID(sha256.Sum256(text))
	last, taken := nb.Taken(first)
	if last == 0 && !taken {
		nb.Take(first, 1)
		return first, 1
	}
	for n := max(int(last), 1) + 1; ; n++ {
		id := ordinalID(text, n)
		if _, taken := nb.Taken(id); !taken {
			nb.Take(id, 0)
			nb.Take(first, uint32(n))
			return id, n
		}
	}
}

// Ordinals is a Numberer in a Go map, for answers held in memory. The zero
// value is ready.
type Ordinals struct {
	taken      map[ID]uint32
	identities int
}

// Taken is Numberer's.
func (o *Ordinals) Taken(id ID) (uint32, bool) {
	last, ok := o.taken[id]
	return last, ok
}

// Take is Numberer's.
func (o *Ordinals) Take(id ID, last uint32) {
	if o.taken == nil {
		o.taken = make(map[ID]uint32)
	}
	if last > 0 && o.taken[id] == 0 {
		o.identities++
	}
	o.taken[id] = last
}

// Number numbers record r of window start of input as the next record of
// its answer and returns its ordinal, for RecordIDOrdinal and
// FromRecordOrdinal: 1 for the first record of an identity, then 2, 3, …
// unless that eventId is taken (see number).
func (o *Ordinals) Number(input string, start time.Time, r *serapi.Record) int {
	var scratch [256]byte
	_, n := number(o, appendIdentity(scratch[:0], input, start, r))
	return n
}

// Len is how many distinct identities were numbered.
func (o *Ordinals) Len() int { return o.identities }

// reset forgets every record, keeping the map's memory.
func (o *Ordinals) reset() {
	clear(o.taken)
	o.identities = 0
}
