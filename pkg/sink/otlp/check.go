// sink.Checker for `serfwd check`: an export request without records,
// which OTLP receivers accept, proves the endpoint, encoding, compression,
// TLS and headers without sending an event.

package otlp

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/pdata/plog"
)

// Check sends an empty export request and wants a 2xx answer.
func (s *Sink) Check(ctx context.Context) error {
	body, err := s.marshal(plog.NewLogs())
	if err != nil {
		return err
	}
	a, err := s.post(ctx, body)
	if err != nil {
		return fmt.Errorf("empty export: %w", err)
	}
	switch o := classify(a.status); o {
	case delivered:
		return nil
	case misconfig:
		return fmt.Errorf("empty export: otlp %s: %s: %s", s.opt.url, a, hint(a.status))
	default:
		return fmt.Errorf("empty export: otlp %s: %s", s.opt.url, a)
	}
}
