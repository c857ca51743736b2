// window.go fetches one window as a stream: each record, as it is decoded,
// is numbered, fingerprinted, flattened and packed; full batches are staged
// in the state file a few at a time, so that memory holds only the batches
// in the making, whatever the size of the window. The result is what the
// committer needs to publish the window in one small transaction.

package poller

import (
	"context"
	"errors"
	"fmt"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/serapi"
	"github.com/serfwd/serfwd/pkg/state"
)

// stageBytes is how many bytes of full batches a fetch collects before it
// writes them to its stage in one transaction.
const stageBytes = 1 << 20

// decider says whether a record is sent, at which revision: the first fetch
// of a window sends every record at revision 0; a revisit only those that
// changed (revisit_window.go).
type decider interface {
	decide(id event.ID, hash uint64) (revision int64, send bool)
}

// firstFetch is the decider of the first fetch of a window.
type firstFetch struct{}

func (firstFetch) decide(event.ID, uint64) (int64, bool) { return 0, true }

// windowJob is the StreamHandler of one fetch of one window.
type windowJob struct {
	p       *Poller
	w       serapi.Window
	decider decider
	fp      *fingerprints // nil: no revisit tracking

	flat    *event.Flattener
	enc     *state.Encoder
	stage   *state.Stage
	pending []state.Batch // full batches not staged yet
	size    int           // their bytes
	ent     serapi.Entitlement
	events  int // events packed
}

func (p *Poller) newJob(w serapi.Window, d decider, track bool) *windowJob {
	j := &windowJob{p: p, w: w, decider: d, flat: event.NewFlattener(p.Input.Name, w),
		enc: state.NewEncoder(0), stage: p.Store.NewStage()}
	if track {
		j.fp = &fingerprints{}
		j.flat.Number(j.fp)
	}
	return j
}

// Record numbers, fingerprints and (when it is to be sent) packs one record.
func (j *windowJob) Record(r *serapi.RawRecord) error {
	id := j.flat.Next(r)
	var hash uint64
	if j.fp != nil {
		hash = event.RawCountersHash(r)
		j.fp.add(state.EventID(id), hash, r.Status.TempFailure > 0 || r.Status.InProgress > 0)
	}
	rev, send := j.decider.decide(id, hash)
	if j.fp != nil {
		j.fp.recs[len(j.fp.recs)-1].Revision = rev
	}
	if !send {
		return nil
	}
	j.flat.Pack(j.enc.Packer(), r, &id, rev)
	j.events++
	return j.collect(false)
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
	j.flat.Reset(j.p.Input.Name, j.w)
	j.enc.Finish() // drops the open batch
	j.pending, j.size, j.ent, j.events = nil, 0, serapi.Entitlement{}, 0
	if j.fp != nil {
		j.fp = &fingerprints{}
		j.flat.Number(j.fp)
	}
	return nil
}

// collect takes the batches the encoder closed and stages them once there
// are stageBytes of them (or all of them, with flush).
func (j *windowJob) collect(flush bool) error {
	for _, b := range j.enc.Closed() {
		j.pending = append(j.pending, b)
		j.size += len(b.Data)
	}
	if j.size < stageBytes && !flush || len(j.pending) == 0 {
		return nil
	}
	if err := j.stage.Add(j.pending); err != nil {
		return fmt.Errorf("%w: staging window %s of input %q: %w", ErrStateWrite, j.w, j.p.Input.Name, err)
	}
	j.p.Logger.Debug("window staged in part", zap.String("input", j.p.Input.Name), zap.Stringer("window", j.w),
		zap.Int("events_staged", j.stage.Events()))
	clear(j.pending)
	j.pending, j.size = j.pending[:0], 0
	return nil
}

// finish closes the last batch, with the window event (when given) last.
// It returns the batches not staged, for the commit to write.
func (j *windowJob) finish(wev *event.Event) []state.Batch {
	if wev != nil {
		j.enc.Add(wev)
		j.events++
	}
	last, _ := j.enc.Finish()
	out := append(j.pending, last...)
	j.pending = nil
	return out
}

// abandon drops what a fetch that failed with err staged. It returns the
// error that ends the run (the state file failing, or ctx's end), or nil
// when the fetch may be tried again.
func (j *windowJob) abandon(ctx context.Context, err error) error {
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
