// problems.go reports refusals that only an operator can fix: counted every
// time; returned as sink.Permanent errors, which the delivery loop logs at
// most once a minute, or logged here at most once a minute when the Write
// still succeeds (a token that does not acknowledge).

package hec

import (
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/serfwd/serfwd/pkg/sink"
)

// problemLogEvery is how often a persisting configuration problem is logged.
const problemLogEvery = time.Minute

// problemReporter rate-limits configuration-problem logs.
type problemReporter struct {
	mu   sync.Mutex
	last time.Time
}

// configProblem records a refusal of the request to path and returns it as
// a sink.Permanent error carrying the hint.
// The delivery loop logs the returned error (at most once a minute), so it
// is only counted here.
func (s *Sink) configProblem(path string, a answer) error {
	err := sink.Permanent(s.configError(path, a))
	s.set.Metrics.ConfigProblem(s.set.Name, err)
	return err
}

// configError is the plain error for a refusal, with the operator's hint.
func (s *Sink) configError(path string, a answer) error {
	return &hintError{err: s.errorf(path, a), hint: hint(a)}
}

// reportProblem counts err and logs it unless it was logged within a minute:
// for problems that do not fail the Write, so that the loop never sees them.
func (s *Sink) reportProblem(err error, fields ...zap.Field) {
	s.set.Metrics.ConfigProblem(s.set.Name, err)
	s.problems.mu.Lock()
	now := time.Now()
	due := s.problems.last.IsZero() || now.Sub(s.problems.last) >= problemLogEvery
	if due {
		s.problems.last = now
	}
	s.problems.mu.Unlock()
	if due {
		s.log.Error("Splunk HEC refuses this sink's requests; events stay queued until the configuration is fixed",
			append(fields, zap.Error(err))...)
	}
}

// hintError is an error with advice for the operator appended.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() + ": " + e.hint }
func (e *hintError) Unwrap() error { return e.err }
