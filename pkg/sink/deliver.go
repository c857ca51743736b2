// The delivery loop: one per sink, it reads batches from the sink's durable
// queue, writes them, retries with backoff and removes them only once the
// sink confirmed them.

package sink

import (
	"context"
	"fmt"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/backoff"
	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/state"
)

// Queue is the part of the state file a delivery loop uses.
type Queue interface {
	Peek(sink string, maxEvents int) ([]state.Entry, error)
	Ack(sink string, entries []state.Entry) error
	Notify(sink string) <-chan struct{}
	Stat(sink string) (state.QueueStat, error)
}

// LoopObserver receives a delivery loop's figures; metrics implement it.
type LoopObserver interface {
	// Sent: the destination confirmed events (those the sink dead-lettered
	// in the same Write are not among them).
	Sent(sink string, events int)
	// Failed: one delivery attempt failed with err (or an unreadable queue
	// entry was set aside).
	Failed(sink string, err error)
	// QueueDepth: the sink's queue after the loop changed it.
	QueueDepth(sink string, events, bytes int64)
}

type nopObserver struct{}

func (nopObserver) Sent(string, int)                {}
func (nopObserver) Failed(string, error)            {}
func (nopObserver) QueueDepth(string, int64, int64) {}

// Loop delivers one sink's queue. Exactly one Loop runs per sink; it alone
// removes entries from that queue, and only after Write confirmed them.
type Loop struct {
	Name         string
	Sink         Sink
	Queue        Queue
	Logger       *zap.Logger
	Observer     LoopObserver  // optional
	MaxEvents    int           // events per Write: whole entries joined while they fit, a larger entry alone
	BatchTimeout time.Duration // how long to wait for more events when fewer than MaxEvents are queued
	MinBackoff   time.Duration // first retry wait (default 1s)
	MaxBackoff   time.Duration // cap of the retry wait (default 60s; 5m for configuration problems)
	// DeadLetters is where unreadable queue entries are set aside (the
	// sink's own dead-letter file); nil stops the loop on one instead.
	DeadLetters *DeadLetters
	// DeadLettered is the count the sink's dead-letter file reports to (its
	// Settings.Metrics; optional): the events dead-lettered during a Write
	// are not counted as sent.
	DeadLettered *DeadLetterCount

	opened []*event.Packed // reused for a PackedWriter's batches
}

func (l *Loop) defaults() {
	if l.MaxEvents <= 0 {
		l.MaxEvents = 1000
	}
	if l.MinBackoff <= 0 {
		l.MinBackoff = time.Second
	}
	if l.MaxBackoff <= 0 {
		l.MaxBackoff = time.Minute
	}
	if l.Observer == nil {
		l.Observer = nopObserver{}
	}
	if l.Logger == nil {
		l.Logger = zap.NewNop()
	}
}

// Run delivers until the queue is empty after stop was closed, or until ctx
// ends (what is left stays queued). It returns ctx's error in the latter case
// and nil when it drained; a state file failure ends it with that error.
func (l *Loop) Run(ctx context.Context, stop <-chan struct{}) error {
	l.defaults()
	notify := l.Queue.Notify(l.Name)
	for {
		entries, err := l.Queue.Peek(l.Name, l.MaxEvents)
		if err != nil {
			return fmt.Errorf("reading queue of sink %q: %w", l.Name, err)
		}
		if len(entries) == 0 {
			l.reportDepth()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-stop:
				// Drain: a commit may have landed between Peek and here.
				if again, err := l.Queue.Peek(l.Name, 1); err == nil && len(again) == 0 {
					return nil
				}
			case <-notify:
			}
			continue
		}
		if l.short(entries) && l.BatchTimeout > 0 && !closed(stop) {
			waitFor(ctx, notify, l.BatchTimeout)
			if entries, err = l.Queue.Peek(l.Name, l.MaxEvents); err != nil {
				return fmt.Errorf("reading queue of sink %q: %w", l.Name, err)
			}
		}
		if err := l.deliver(ctx, entries); err != nil {
			return err
		}
	}
}

func (l *Loop) short(entries []state.Entry) bool {
	n := 0
	for _, e := range entries {
		n += e.Events
	}
	return n < l.MaxEvents
}

// deliver writes entries until the sink confirms them, retrying with capped
// backoff, then removes them from the queue. A PackedWriter gets the opened
// batches, any other sink their events.
func (l *Loop) deliver(ctx context.Context, entries []state.Entry) error {
	pw, packed := l.Sink.(PackedWriter)
	var events []event.Event
	var batches []*event.Packed
	var good []state.Entry
	var err error
	if packed {
		batches, good, err = l.open(entries)
	} else {
		events, good, err = l.decode(entries)
	}
	if err != nil {
		return err
	}
	if len(good) == 0 {
		return nil
	}
	n := len(events)
	for _, b := range batches {
		n += b.Len()
	}
	write := func() error { return pw.WritePacked(ctx, batches) }
	if !packed {
		w := l.writer(good)
		write = func() error { return w(ctx, events) }
	}
	dead, err := l.retry(ctx, n, write)
	if err != nil {
		return err
	}
	if err := l.Queue.Ack(l.Name, good); err != nil {
		return fmt.Errorf("removing delivered events of sink %q: %w", l.Name, err)
	}
	l.Observer.Sent(l.Name, max(n-int(dead), 0))
	l.reportDepth()
	return nil
}

// retry calls write until it succeeds, with capped backoff, and returns how
// many of the n events the sink dead-lettered on the way, in any attempt: a
// sink remembers what a failed attempt dead-lettered and skips it on the
// retry, so the count is taken once for the whole batch.
func (l *Loop) retry(ctx context.Context, n int, write func() error) (int64, error) {
	var lastLoud time.Time
	before := l.DeadLettered.Total()
	for attempt := 1; ; attempt++ {
		err := write()
		if err == nil {
			return l.DeadLettered.Total() - before, nil
		}
		if ctx.Err() != nil {
			return 0, ctx.Err()
		}
		wait := l.backoff(attempt, err)
		err = Bounded(err) // a destination's text can be any length
		l.Observer.Failed(l.Name, err)
		fields := []zap.Field{zap.String("sink", l.Name), zap.Int("attempt", attempt), zap.Int("events", n), zap.Duration("retry_in", wait), zap.Error(err)}
		switch {
		case IsPermanent(err) && time.Since(lastLoud) >= time.Minute:
			lastLoud = time.Now()
			l.Logger.Error("sink refuses delivery; events stay queued until its configuration is fixed", fields...)
		case IsPermanent(err):
		case attempt == 1 || attempt%10 == 0:
			l.Logger.Warn("delivery failed; retrying", fields...)
		default:
			l.Logger.Debug("delivery failed; retrying", fields...)
		}
		if err := backoff.Sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
}

// writer is how the entries' events are handed to the sink: Write, or
// WriteQueued with the time each event's entry was queued.
func (l *Loop) writer(entries []state.Entry) func(context.Context, []event.Event) error {
	qw, ok := l.Sink.(QueuedWriter)
	if !ok {
		return l.Sink.Write
	}
	n := 0
	for _, e := range entries {
		n += e.Events
	}
	queued := make([]time.Time, 0, n)
	for _, e := range entries {
		for range e.Events {
			queued = append(queued, e.Queued)
		}
	}
	return func(ctx context.Context, events []event.Event) error { return qw.WriteQueued(ctx, events, queued) }
}

func (l *Loop) reportDepth() {
	if st, err := l.Queue.Stat(l.Name); err == nil {
		l.Observer.QueueDepth(l.Name, st.Events, st.Bytes)
	}
}

// backoff is pkg/backoff's capped exponential backoff with equal jitter; a
// destination's Retry-After wins when it asks for longer; configuration
// problems are retried slowly.
func (l *Loop) backoff(attempt int, err error) time.Duration {
	p := backoff.Policy{Min: l.MinBackoff, Max: l.MaxBackoff}
	if IsPermanent(err) {
		p.Max = max(p.Max, 5*time.Minute)
	}
	d := p.Delay(attempt - 1)
	if after, ok := RetryAfterDelay(err); ok {
		d = backoff.AtLeast(d, after)
	}
	return d
}

// decodeEntries decodes the entries of one Write; a single entry's events
// are used as they are, several are joined into one slice sized up front.
// decode returns the events of the readable entries and those entries. An
// entry that cannot be read (damaged, or written by another serfwd version)
// is set aside: its raw bytes go to the dead-letter file and it leaves the
// queue, so that it neither blocks the sink forever nor vanishes.
func (l *Loop) decode(entries []state.Entry) ([]event.Event, []state.Entry, error) {
	n := 0
	for _, e := range entries {
		n += e.Events
	}
	events := make([]event.Event, 0, n)
	good := entries[:0:0]
	for _, e := range entries {
		err := e.Bad
		var evs []event.Event
		if err == nil {
			if evs, err = state.DecodeBatch(e.Data); err != nil {
				err = fmt.Errorf("queue entry %d: %w", e.Seq, err)
			}
		}
		if err != nil {
			if serr := l.setAside(e, err); serr != nil {
				return nil, nil, serr
			}
			continue
		}
		if len(entries) == 1 {
			return evs, entries, nil
		}
		events = append(events, evs...)
		good = append(good, e)
	}
	return events, good, nil
}

// open opens the readable entries for a PackedWriter, in Packeds the loop
// reuses from Write to Write, and sets the others aside as decode does.
func (l *Loop) open(entries []state.Entry) ([]*event.Packed, []state.Entry, error) {
	good := entries[:0:0]
	for _, e := range entries {
		if len(good) == len(l.opened) {
			l.opened = append(l.opened, new(event.Packed))
		}
		err := e.Bad
		if err == nil {
			if err = state.OpenBatch(e.Data, l.opened[len(good)]); err != nil {
				err = fmt.Errorf("queue entry %d: %w", e.Seq, err)
			}
		}
		if err != nil {
			if serr := l.setAside(e, err); serr != nil {
				return nil, nil, serr
			}
			continue
		}
		good = append(good, e)
	}
	return l.opened[:len(good)], good, nil
}

// setAside moves an unreadable entry from the queue to the dead-letter file.
// Without a dead-letter file it stops the loop instead: nothing is ever
// dropped.
func (l *Loop) setAside(e state.Entry, cause error) error {
	if l.DeadLetters == nil {
		return fmt.Errorf("sink %q: %w", l.Name, cause)
	}
	// The file counts and logs the letter. An entry whose header cannot be
	// read does not tell how many events it held: it counts as one.
	letter := Letter{Code: "queue-entry", Reason: fmt.Sprintf("queue entry %d: %v", e.Seq, cause), Entry: e.Data}
	if err := l.DeadLetters.WriteCounting(max(e.Events, 1), letter); err != nil {
		return fmt.Errorf("sink %q: setting aside an unreadable queue entry (%v): %w", l.Name, cause, err)
	}
	l.Observer.Failed(l.Name, Bounded(cause))
	if err := l.Queue.Ack(l.Name, []state.Entry{e}); err != nil {
		return fmt.Errorf("removing a set-aside entry of sink %q: %w", l.Name, err)
	}
	l.reportDepth()
	return nil
}

func waitFor(ctx context.Context, ch <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-ch:
	case <-t.C:
	}
}

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
