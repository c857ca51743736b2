// window.go fetches one window as a stream: each record, as it is decoded,
// is numbered, fingerprinted, flattened and packed; full batches, and the
// fingerprints of the records for the revisit list, are staged in the state
// file a few at a time, so that memory holds only the batches in the
// making, whatever the size of the window. The result is what the
// committer needs to publish the window in one small transaction.

package poller

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/internal/idtable"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// stageBytes is how many bytes of full batches and fingerprints a fetch
// collects before it writes them to its stage in one transaction.
const stageBytes = 1 << 20

// printBytes is about what one record's fingerprint takes when staged.
const printBytes = 42

// windowJob is the StreamHandler of one fetch of one window.
type windowJob struct {
	p       *Poller
	w       serapi.Window
	last    *idtable.Table[sent] // a revisit's: what was last sent; nil for a first fetch
	track   bool                 // keep the records' fingerprints for the revisit list
	attempt uint32               // 1, +1 at each Restart

	ids       *identities
	flat      *event.Flattener
	enc       *state.Encoder
	stage     *state.Stage
	pending   []state.Batch  // full batches not staged yet
	prints    []state.Record // fingerprints not staged yet
	size      int            // their bytes
	unsettled bool           // some record has tempFailure or inProgress > 0
	ent       serapi.Entitlement
	events    int // events packed
}

// newJob starts the fetch of window w: a first fetch (last nil, every
// record sent at revision 0) or a revisit, which sends what changed since
// last (revisit_window.go).
func (p *Poller) newJob(w serapi.Window, last *idtable.Table[sent], track bool) *windowJob {
	j := &windowJob{p: p, w: w, last: last, track: track, attempt: 1, ids: p.newIdentities(),
		flat: event.NewFlattener(p.Input.Name, w), enc: state.NewEncoder(0), stage: p.Store.NewStage()}
	j.flat.Number(j.ids)
	return j
}

// Record numbers, fingerprints and (when it is to be sent) packs one record.
func (j *windowJob) Record(r *serapi.RawRecord) error {
	id := j.flat.Next(r)
	if err := j.ids.err; err != nil {
		return j.scratchFailed("numbering", err)
	}
	var hash uint64
	if j.track {
		hash = event.RawCountersHash(r)
		j.unsettled = j.unsettled || unsettled(r)
	}
	rev, send, err := j.decide(id, hash)
	if err != nil {
		return j.scratchFailed("comparing", err)
	}
	if j.track {
		j.prints = append(j.prints, state.Record{ID: state.EventID(id), Hash: hash, Revision: rev})
		j.size += printBytes
	}
	if send {
		j.flat.Pack(j.enc.Packer(), r, &id, rev)
		j.events++
	}
	return j.collect(false)
}

// scratchFailed is the error of a fetch whose id tables failed: their
// scratch files are the state directory's, so the run ends as for a state
// file that cannot be written.
func (j *windowJob) scratchFailed(what string, err error) error {
	return fmt.Errorf("%w: %s the records of window %s of input %q: %w", ErrStateWrite, what, j.w, j.p.Input.Name, err)
}

// Entitlement keeps the entitlement block for the window constants and the
// window event.
func (j *windowJob) Entitlement(e serapi.Entitlement) error {
	j.ent = e
	return nil
}

// Restart forgets what an unusable answer handed over: the window is
// fetched again.
func (j *windowJob) Restart() error {
	if err := j.stage.Drop(); err != nil {
		return fmt.Errorf("%w: %w", ErrStateWrite, err)
	}
	if err := j.ids.t.Close(); err != nil {
		return j.scratchFailed("numbering", err)
	}
	j.ids.err = nil
	j.flat.Reset(j.p.Input.Name, j.w)
	j.flat.Number(j.ids)
	j.enc.Finish() // drops the open batch
	clear(j.prints)
	j.pending, j.prints, j.size, j.unsettled, j.ent, j.events = nil, j.prints[:0], 0, false, serapi.Entitlement{}, 0
	j.attempt++ // records a revisit saw in the first answer count as unseen again
	return nil
}

// collect takes the batches the encoder closed and stages them, with the
// fingerprints so far, once there are stageBytes of them (or all of them,
// with flush).
func (j *windowJob) collect(flush bool) error {
	for _, b := range j.enc.Closed() {
		j.pending = append(j.pending, b)
		j.size += len(b.Data)
	}
	if j.size < stageBytes && !flush || len(j.pending) == 0 && len(j.prints) == 0 {
		return nil
	}
	if err := j.stage.Add(j.pending, j.prints); err != nil {
		return fmt.Errorf("%w: staging window %s of input %q: %w", ErrStateWrite, j.w, j.p.Input.Name, err)
	}
	j.p.Logger.Debug("window staged in part", zap.String("input", j.p.Input.Name), zap.Stringer("window", j.w),
		zap.Int("events_staged", j.stage.Events()), zap.Int("records_staged", j.stage.Records()))
	clear(j.pending)
	j.pending, j.prints, j.size = j.pending[:0], j.prints[:0], 0
	return nil
}

// finish closes the last batch, with the window event (when given) last.
// It returns the batches and fingerprints not staged, for the commit to
// write.
func (j *windowJob) finish(wev *event.Event) ([]state.Batch, []state.Record) {
	if wev != nil {
		j.enc.Add(wev)
		j.events++
	}
	last, _ := j.enc.Finish()
	out, prints := append(j.pending, last...), j.prints
	j.pending, j.prints = nil, nil
	return out, prints
}

// release lets go of the job's id tables (memory and scratch files).
func (j *windowJob) release() {
	err := j.ids.t.Close()
	if j.last != nil {
		err = errors.Join(err, j.last.Close())
	}
	if err != nil {
		j.p.Logger.Warn("closing a scratch file", zap.String("input", j.p.Input.Name), zap.Stringer("window", j.w), zap.Error(err))
	}
}

// abandon drops what a fetch that failed with err staged. It returns the
// error that ends the run (the state file failing, or ctx's end), or nil
// when the fetch may be tried again.
func (j *windowJob) abandon(ctx context.Context, err error) error {
	j.release()
	if derr := j.stage.Drop(); derr != nil && !errors.Is(err, ErrStateWrite) {
		err = fmt.Errorf("%w: dropping the staged part of window %s: %w", ErrStateWrite, j.w, derr)
	}
	switch {
	case errors.Is(err, ErrStateWrite):
		return err
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return nil
}

// Replay hands the records of an answer fetched whole to h, as a
// Streamer's Stream would.
func Replay(rep *serapi.Report, h serapi.Handler) error {
	for _, r := range rep.Users.All() {
		raw := event.RawRecord(r)
		if err := h.Record(&raw); err != nil {
			return err
		}
	}
	return h.Entitlement(rep.Entitlement)
}
