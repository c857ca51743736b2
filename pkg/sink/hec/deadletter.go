// deadletter.go records events Splunk refused for good in the sink's
// dead-letter file, so that nothing is dropped silently.

package hec

import (
	"strconv"

	"github.com/serfwd/serfwd/pkg/sink"
)

// deadLetter writes one letter per event of req to the dead-letter file
// (which counts and logs them). code is the HEC code of the refusal, or
// its HTTP status when the reply carried no code.
func (s *Sink) deadLetter(b *batch, req []int, a answer, reason string) error {
	code := a.code()
	if code < 0 {
		code = a.status
	}
	letters := make([]sink.Letter, len(req))
	for j, i := range req {
		letters[j] = sink.Letter{Code: strconv.Itoa(code), Reason: reason, Event: b.event(i)}
	}
	return s.set.DeadLetter.Write(letters...)
}
