// fingerprint.go keeps what a fetch of a window needs per record without
// holding it in memory: the eventIds handed out so far and the last ordinal
// of each identity (to number records so that no two share an eventId,
// SPEC §4) and, on a revisit, what was last sent per eventId (to send only
// what changed). Both are id tables
// (pkg/internal/idtable) that move to a scratch file beside the state file
// once they outgrow their share of memory. The fingerprints of what a fetch
// sends are staged in the state file as it goes (window.go); a hash of the
// window event's sums completes them.

package poller

import (
	"encoding/binary"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/idtable"
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

// tableMemory is the memory that the id tables of all fetches in the
// process share (idtable.Budget): enough for four windows of about 50,000
// records at once, beyond which tables work from their scratch files.
const tableMemory = 16 << 20

// tables is the budget every Poller takes its tables' memory from.
var tables = idtable.NewBudget(tableMemory)

// identities is the memory of numbering the records of one answer
// (event.Numberer): an entry per eventId handed out, holding for an
// identity's first eventId the last ordinal the identity took. A failure
// of its table sticks: Taken then answers "free", so that numbering ends,
// and the fetch fails on err.
type identities struct {
	t   *idtable.Table[uint32]
	err error
}

var countCodec = idtable.Codec[uint32]{
	Size: 4,
	Put:  func(b []byte, v uint32) { binary.LittleEndian.PutUint32(b, v) },
	Get:  func(b []byte) uint32 { return binary.LittleEndian.Uint32(b) },
}

func (p *Poller) newIdentities() *identities {
	return &identities{t: idtable.New(countCodec, p.budget, p.scratch)}
}

// Taken is event.Numberer's.
func (n *identities) Taken(id event.ID) (uint32, bool) {
	if n.err != nil {
		return 0, false
	}
	last, ok, err := n.t.Get((*idtable.Key)(&id))
	if err != nil {
		n.err = err
		return 0, false
	}
	return last, ok
}

// Take is event.Numberer's.
func (n *identities) Take(id event.ID, last uint32) {
	if n.err == nil {
		n.err = n.t.Put((*idtable.Key)(&id), last)
	}
}

// sent is what the last fetch of a window sent for one eventId, and in
// which attempt of the current revisit fetch the record was seen again.
type sent struct {
	hash  uint64
	rev   int64
	seen  uint32 // the attempt (windowJob.attempt) that saw it; 0 for none
	mixed bool   // two fingerprints shared the eventId (see merged): hash proves nothing
}

var sentCodec = idtable.Codec[sent]{
	Size: 21,
	Put: func(b []byte, v sent) {
		binary.LittleEndian.PutUint64(b, v.hash)
		binary.LittleEndian.PutUint64(b[8:], uint64(v.rev))
		binary.LittleEndian.PutUint32(b[16:], v.seen)
		b[20] = 0
		if v.mixed {
			b[20] = 1
		}
	},
	Get: func(b []byte) sent {
		return sent{binary.LittleEndian.Uint64(b), int64(binary.LittleEndian.Uint64(b[8:])), binary.LittleEndian.Uint32(b[16:]), b[20] != 0}
	},
}

// merged is the one entry loadSent keeps for two fingerprints of a window
// that share an eventId, as a serfwd that numbered records by ordinal alone
// could stage (a field holding U+001F could make one record's text
// another's with ␟2). It holds the higher revision, so that a re-send goes
// out above both; when the two hashes differ it is mixed, since a SIEM may
// hold either record under that eventId: the record that now takes the
// eventId is then sent once more at revision + 1, whatever its counts, and
// its fingerprint is single from then on (the other record has an eventId
// of its own now, and is sent under it as new). An entry the answer lacks
// keeps the higher revision's hash.
func merged(a, b sent) sent {
	m := b
	if a.rev > b.rev {
		m = a
	}
	m.mixed = a.mixed || b.mixed || a.hash != b.hash
	return m
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

// newRevisit is the revisit list entry for a window first fetched at now
// (its records are the fingerprints the fetch staged), or nil when the
// window needs none: revisits are off, every record is settled, or the
// window is already older than revisit.
func (p *Poller) newRevisit(j *windowJob, window uint64, now time.Time) *state.Revisit {
	w := j.w
	if !j.track || !j.unsettled || p.Input.Revisit <= 0 || p.agedOut(now, w.End) {
		return nil
	}
	return &state.Revisit{Start: w.Start, End: w.End, First: now, Due: now.Add(revisitSpacing(p.Input.Interval, 0)),
		Window: state.Record{Hash: window}}
}

// unsettled reports whether a record's counts may still change.
func unsettled(r *serapi.RawRecord) bool { return r.Status.TempFailure > 0 || r.Status.InProgress > 0 }
