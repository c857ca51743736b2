// Sending one export request and acting on the answer (SPEC §5): delivered,
// a partial success dead-lettered for replay, split on 413, refused data
// dead-lettered, retryable failures and configuration problems returned to
// the delivery loop.

package otlp

import (
	"context"
	"fmt"
	"strconv"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/sink"
)

// codePartial marks the dead letters of a partial success.
const codePartial = "partial"

// export sends p; it returns nil once the receiver accepted it (wholly or
// in part) or its events are in the dead-letter file.
func (s *Sink) export(ctx context.Context, p part) error {
	body, err := s.marshal(p.logs)
	if err != nil {
		return err
	}
	if len(body) > s.opt.maxBytes && len(p.events) > 1 {
		return s.exportHalves(ctx, p)
	}
	a, err := s.post(ctx, body)
	if err != nil {
		return err
	}
	switch classify(a.status) {
	case delivered:
		return s.accepted(p, a)
	case tooLarge:
		if len(p.events) > 1 {
			return s.exportHalves(ctx, p)
		}
		return s.deadLetter(p, strconv.Itoa(a.status), "too large for the receiver even alone: "+a.String())
	case refused:
		return s.deadLetter(p, strconv.Itoa(a.status), "refused by the receiver: "+a.String())
	case misconfig:
		return s.configProblem(fmt.Errorf("otlp %s: %s: %s", s.opt.url, a, hint(a.status)))
	}
	err = fmt.Errorf("otlp %s: %s", s.opt.url, a)
	if a.hasRetry {
		return sink.RetryAfter(err, a.retryAfter)
	}
	return err
}

// exportHalves sends the two halves of p one after the other.
func (s *Sink) exportHalves(ctx context.Context, p part) error {
	first, second := s.halves(p)
	if err := s.export(ctx, first); err != nil {
		return err
	}
	return s.export(ctx, second)
}

// accepted handles a 2xx: for a partial success (rejected records) the
// request's events are written to the dead-letter file marked partial,
// since the answer does not say which records were rejected, counting the
// rejected ones (the file logs it, with the receiver's message in the
// reason); a message without rejections is a warning. A count below zero
// (a JSON -5, or a protobuf varint of 2^63 or more read as int64) is a
// malformed answer, not a success: the events are kept and the request is
// retried, as nothing says what the receiver took. A count above the
// request's records counts them all.
func (s *Sink) accepted(p part, a answer) error {
	switch {
	case a.rejected < 0:
		return fmt.Errorf("otlp %s: %s: a partial success with %d rejected log records is not a valid answer; retrying the request",
			s.opt.url, a, a.rejected)
	case a.rejected > 0:
		reason := fmt.Sprintf("partial success: the receiver rejected %d of %d log records", a.rejected, len(p.events))
		if a.message != "" {
			reason += ": " + a.message
		}
		return s.writeLetters(p, codePartial, reason, int(min(a.rejected, int64(len(p.events)))))
	case a.message != "":
		s.log.Warn("the OTLP receiver accepted a request with a warning", zap.String("message", a.message))
	}
	return nil
}

// deadLetter writes p's events to the dead-letter file, which counts and
// logs them.
func (s *Sink) deadLetter(p part, code, reason string) error {
	return s.writeLetters(p, code, reason, len(p.events))
}

// writeLetters writes one letter per event of p, counting n dead letters.
func (s *Sink) writeLetters(p part, code, reason string, n int) error {
	letters := make([]sink.Letter, len(p.events))
	for i := range p.events {
		letters[i] = sink.Letter{Code: code, Reason: reason, Event: &p.events[i]}
	}
	return s.set.DeadLetter.WriteCounting(n, letters...)
}

// configProblem counts err and returns it as sink.Permanent: the delivery
// loop keeps the events queued, retries slowly and logs it at most once a
// minute.
func (s *Sink) configProblem(err error) error {
	err = sink.Permanent(err)
	s.set.Metrics.ConfigProblem(s.set.Name, err)
	return err
}
