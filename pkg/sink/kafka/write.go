// Write: one record per event, oversized records to the dead-letter file,
// the rest produced and waited for until every one is acknowledged.

package kafka

import (
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// codeTooLarge is the dead-letter code of a record over max_message_bytes,
// Kafka's own name for the refusal.
const codeTooLarge = "MESSAGE_TOO_LARGE"

// Write delivers a batch: it returns nil only when every record of it is
// acknowledged (by all in-sync replicas with acks: all) or was written to
// the dead-letter file. It waits at most the sink's delivery timeout: records
// still unacknowledged then fail, so that brokers that are down become a
// retryable error for the delivery loop. Refusals only an operator can fix
// (unknown topic, authentication, authorization, TLS verification) are
// returned as sink.Permanent and reported as configuration problems.
func (s *Sink) Write(ctx context.Context, events []event.Event) error {
	recs, letters := s.records(events)
	if err := s.deadLetter(letters); err != nil {
		return err
	}
	if len(recs) == 0 {
		s.done.Reset()
		return nil
	}
	wctx, end := s.watch.start(ctx, s.timeout)
	defer end()
	results := s.cl.ProduceSync(wctx, recs...)
	if cause := context.Cause(wctx); cause != nil && s.configProblem(cause) != nil {
		// A connection failed for good: the records failed with the
		// cancellation, the cause is what the operator must fix.
		for i := range results {
			if results[i].Err != nil {
				results[i].Err = cause
			}
		}
	}
	failed := 0
	var first, problem error
	for _, r := range results {
		if r.Err == nil {
			s.done.Add(recordDeliveredKey(r.Record))
			continue
		}
		failed++
		if first == nil {
			first = r.Err
		}
		if problem == nil {
			problem = s.configProblem(r.Err)
		}
	}
	switch {
	case failed == 0:
		s.done.Reset()
		return nil
	case problem != nil:
		err := sink.Permanent(fmt.Errorf("kafka: %d of %d records refused: %w", failed, len(recs), problem))
		s.set.Metrics.ConfigProblem(s.set.Name, err)
		return err
	}
	if errors.Is(first, context.DeadlineExceeded) && ctx.Err() == nil {
		return fmt.Errorf("kafka: %d of %d records not acknowledged within %s (brokers unreachable or partitions without a leader): %w",
			failed, len(recs), s.timeout, first)
	}
	return fmt.Errorf("kafka: %d of %d records not acknowledged: %w", failed, len(recs), first)
}

// records builds the records of the events an earlier Write did not
// deliver, and sets aside as letters the events whose record is larger than
// max_message_bytes.
func (s *Sink) records(events []event.Event) ([]*kgo.Record, []sink.Letter) {
	recs := make([]*kgo.Record, 0, len(events))
	var letters []sink.Letter
	for i := range events {
		ev := &events[i]
		if s.done.Has(ev) {
			continue
		}
		r := record(ev, s.key)
		if n := soloBatchBytes(r); n > s.maxRecord {
			letters = append(letters, sink.Letter{Code: codeTooLarge, Event: ev,
				Reason: fmt.Sprintf("the record needs %d bytes, more than max_message_bytes (%d)", n, s.maxRecord)})
			continue
		}
		recs = append(recs, r)
	}
	return recs, letters
}

// deadLetter writes the letters to the sink's dead-letter file (which counts
// and logs them), and remembers them as done for a retry of the batch.
func (s *Sink) deadLetter(letters []sink.Letter) error {
	if len(letters) == 0 {
		return nil
	}
	if err := s.set.DeadLetter.Write(letters...); err != nil {
		return err
	}
	for _, l := range letters {
		s.done.Add(sink.DeliveredKey(l.Event.ID(), l.Event.Revision()))
	}
	return nil
}
