// write.go delivers a batch: requests within the limits, the reply handling
// of SPEC §5 (split on 413, isolate and dead-letter invalid events, classify
// refusals), and the memory of what a failed Write had already delivered.

package hec

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

// maxRemembered bounds the memory of delivered events kept across failed Writes.
const maxRemembered = 1 << 20

// Write delivers events to Splunk; it returns nil once every event was
// accepted (and acknowledged, with ack: true) or dead-lettered.
func (s *Sink) Write(ctx context.Context, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	return s.write(ctx, encodeBatch(events, s.layout))
}

// WritePacked is Write for the opened packed batches of the queue: it
// renders the envelopes straight from them.
func (s *Sink) WritePacked(ctx context.Context, batches []*event.Packed) error {
	b := encodePacked(batches, s.packed)
	if b.len() == 0 {
		b.release()
		return nil
	}
	return s.write(ctx, b)
}

// write delivers an encoded batch and releases it.
func (s *Sink) write(ctx context.Context, b *batch) error {
	defer b.release()
	if err := s.writeBatch(ctx, b); err != nil {
		s.remember(b)
		return err
	}
	s.done = nil
	return nil
}

// writeBatch sends the events not yet delivered (nor awaiting an ack from
// a failed Write), then waits for their acks.
func (s *Sink) writeBatch(ctx context.Context, b *batch) error {
	waits, todo := s.resumeAcks(b)
	for _, req := range split(b, todo, s.opt.maxEvents, s.opt.maxBytes) {
		if err := s.send(ctx, b, req, &waits); err != nil {
			s.keepAwaiting(b, waits)
			return err
		}
	}
	return s.awaitAcks(ctx, b, waits)
}

// send posts one request and acts on Splunk's reply; it returns nil once
// every event of req is delivered, awaiting its ack, or dead-lettered.
func (s *Sink) send(ctx context.Context, b *batch, req []int, waits *[]waiting) error {
	a, err := s.post(ctx, b, req)
	if err != nil {
		return err
	}
	switch classify(a) {
	case delivered:
		s.accepted(b, req, a, waits)
		return nil
	case tooLarge:
		if len(req) == 1 {
			return s.deadLetterDone(b, req, a, "too large for Splunk even alone: "+a.String())
		}
		return s.sendHalves(ctx, b, req, waits)
	case badData:
		return s.isolate(ctx, b, req, a, waits)
	case misconfig:
		return s.configProblem(pathEvent, a)
	}
	err = s.errorf(pathEvent, a)
	if a.hasRetry {
		return sink.RetryAfter(err, a.retryAfter)
	}
	return err
}

// sendHalves sends the two halves of req one after the other.
func (s *Sink) sendHalves(ctx context.Context, b *batch, req []int, waits *[]waiting) error {
	mid := len(req) / 2
	if err := s.send(ctx, b, req[:mid], waits); err != nil {
		return err
	}
	return s.send(ctx, b, req[mid:], waits)
}

// isolate handles invalid data: with invalid-event-number N it dead-letters
// event N and resends every other event of req; without it, it halves req
// until the bad event is alone.
func (s *Sink) isolate(ctx context.Context, b *batch, req []int, a answer, waits *[]waiting) error {
	if n := a.InvalidEvent; n != nil && *n >= 0 && *n < len(req) {
		if err := s.deadLetterDone(b, req[*n:*n+1], a, a.String()); err != nil {
			return err
		}
		rest := make([]int, 0, len(req)-1)
		rest = append(append(rest, req[:*n]...), req[*n+1:]...)
		if len(rest) == 0 {
			return nil
		}
		return s.send(ctx, b, rest, waits)
	}
	if len(req) == 1 {
		return s.deadLetterDone(b, req, a, a.String())
	}
	return s.sendHalves(ctx, b, req, waits)
}

// accepted records a 200 code 0: delivered, or awaiting its ack.
func (s *Sink) accepted(b *batch, req []int, a answer, waits *[]waiting) {
	if !s.opt.ack {
		b.markDone(req)
		return
	}
	if a.AckID == nil {
		// Splunk indexed the request but the token does not acknowledge:
		// the events are delivered, the configuration needs a look.
		s.reportProblem(errors.New("splunk hec answered without an ackId: " + ackDisabledHint))
		b.markDone(req)
		return
	}
	*waits = append(*waits, waiting{id: *a.AckID, req: req, sent: time.Now()})
}

// deadLetterDone dead-letters req and counts it as done.
func (s *Sink) deadLetterDone(b *batch, req []int, a answer, reason string) error {
	if err := s.deadLetter(b, req, a, reason); err != nil {
		return err
	}
	b.markDone(req)
	return nil
}

// post sends the envelopes of req to the event endpoint and reads the reply.
func (s *Sink) post(ctx context.Context, b *batch, req []int) (answer, error) {
	body := s.bodies.build(b, req, s.opt.gzip)
	size := int64(body.Len())
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opt.base+pathEvent, body)
	if err != nil {
		_ = body.Close()
		return answer{}, fmt.Errorf("building hec request: %w", err)
	}
	hr.ContentLength = size
	if s.opt.gzip {
		hr.Header.Set("Content-Encoding", "gzip")
	}
	resp, err := s.do(hr)
	if err != nil {
		return answer{}, s.transportError(ctx, pathEvent, err)
	}
	defer resp.Body.Close()
	return s.readAnswer(resp), nil
}

// do sets the headers every HEC request carries and sends it.
func (s *Sink) do(hr *http.Request) (*http.Response, error) {
	hr.Header.Set("Authorization", "Splunk "+s.opt.token.Reveal())
	hr.Header.Set("Content-Type", "application/json")
	hr.Header.Set("User-Agent", "serfwd/"+s.set.Version)
	if s.channel != "" {
		hr.Header.Set("X-Splunk-Request-Channel", s.channel)
	}
	return s.client.Do(hr)
}

// markDone records that the events of req need no further sending.
func (b *batch) markDone(req []int) {
	for _, i := range req {
		b.done[i] = true
	}
}

// doneSet holds eventId#revision of events delivered by failed Writes.
type doneSet map[string]struct{}

func doneKey(ev *event.Event) string {
	id := ev.ID()
	if id == "" {
		return ""
	}
	return id + "#" + strconv.FormatInt(ev.Revision(), 10)
}

// remember adds the events b delivered to s.done, so that the loop's retry
// of this batch resends only the rest.
func (s *Sink) remember(b *batch) {
	if len(s.done) > maxRemembered {
		s.done = nil // only costs duplicates
	}
	for i, d := range b.done {
		if !d {
			continue
		}
		if k := b.doneKey(i); k != "" {
			if s.done == nil {
				s.done = make(doneSet)
			}
			s.done[k] = struct{}{}
		}
	}
}

// pending lists the events of b that no earlier Write delivered.
func (s *Sink) pending(b *batch) []int {
	todo := make([]int, 0, b.len())
	for i := range b.len() {
		if len(s.done) > 0 {
			if _, ok := s.done[b.doneKey(i)]; ok {
				continue
			}
		}
		todo = append(todo, i)
	}
	return todo
}
