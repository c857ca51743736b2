// answer.go is a Fetcher that answers every window with the same decoded
// records, streamed as the client streams them: for benchmarks that measure
// the path from decoded records to the queues as the poller takes it.

package poller

import (
	"context"
	"errors"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// Answer answers every window with Records and Entitlement.
type Answer struct {
	Records     []serapi.RawRecord
	Entitlement serapi.Entitlement
}

// Stream hands the records, then the entitlement, to h.
func (a Answer) Stream(ctx context.Context, _ serapi.Window, h serapi.StreamHandler) error {
	for i := range a.Records {
		if err := h.Record(&a.Records[i]); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return h.Entitlement(a.Entitlement)
}

// Report is never used: the poller streams from a Streamer.
func (a Answer) Report(context.Context, serapi.Window) (*serapi.Report, error) {
	return nil, errNoReport
}

var errNoReport = errors.New("poller.Answer streams only")
