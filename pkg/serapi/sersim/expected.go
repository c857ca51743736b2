// Expected: what the simulator serves for a window, decoded, for tests.

package sersim

import (
	"io"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// Expected returns the report the server answers for window w when asked at
// time at (which matters for windows not yet begun and for settling). Users
// is nil for a window without records; bare-string address lists appear as
// one-item lists, and Extra is nil, as a tolerant decoder yields them.
func (s *Server) Expected(w serapi.Window, at time.Time) serapi.Report {
	p := s.opts.newPlan(serapi.Window{Start: w.Start.UTC(), End: w.End.UTC()}, at)
	rep := serapi.Report{Entitlement: s.entitlement()}
	for i := range p.count {
		g := p.record(i)
		rep.Users.Append(&g.Record)
	}
	return rep
}

// WriteBody writes the body the server answers for window w when asked at
// time at, exactly as it serves it: for benchmarks and tests that decode
// the simulator's answers without a server.
func (s *Server) WriteBody(dst io.Writer, w serapi.Window, at time.Time) error {
	p := s.opts.newPlan(serapi.Window{Start: w.Start.UTC(), End: w.End.UTC()}, at)
	return writeReport(dst, &p, s.entitlement(), nil)
}
