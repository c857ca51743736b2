// Deterministic generation of a window's records: a plan per window, then
// each record on its own from (plan, index), so that huge windows can be
// streamed without holding them in memory.

package sersim

import (
	"math"
	"strconv"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// plan is everything needed to generate one window's answer at one moment.
type plan struct {
	seed      uint64
	count     int
	offset    int // first sender of the window
	stride    int // step through senders, coprime with len(senders)
	hours     float64
	pending   bool // SettleAfter > 0: some records carry pending counts
	unsettled bool // pending counts are still tempFailure/inProgress
	listsOnly bool
}

// newPlan plans window w as answered at time at.
func (o *Options) newPlan(w serapi.Window, at time.Time) plan {
	h := mix(o.Seed + 0x5e7f3d)
	h = mix(h ^ uint64(w.Start.UnixMilli()))
	h = mix(h ^ uint64(w.End.UnixMilli())*0x9e3779b97f4a7c15)
	r := rng{state: h}
	p := plan{seed: r.next(), hours: w.End.Sub(w.Start).Hours(), listsOnly: o.ListsOnly}
	empty := r.intn(12) == 0
	p.count = 1 + r.intn(15)
	p.offset = r.intn(len(senders))
	p.stride = coprimeStride(1+r.intn(len(senders)-1), len(senders))
	switch {
	case !w.Start.Before(at): // the window has not begun: nothing happened yet
		p.count = 0
	case o.RecordsPerWindow > 0:
		p.count = o.RecordsPerWindow
	case empty:
		p.count = 0
	}
	p.pending = o.SettleAfter > 0
	p.unsettled = p.pending && at.Sub(w.End) < o.SettleAfter
	return p
}

// coprimeStride returns the first step ≥ s that is coprime with n, so that
// i*step mod n visits every sender once before repeating.
func coprimeStride(s, n int) int {
	for gcd(s, n) != 1 {
		s++
	}
	return s
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// generated is one record plus how its address lists are encoded.
type generated struct {
	serapi.Record
	bareEnvelope, bareHeader bool
}

// record generates record i of the plan.
func (p *plan) record(i int) generated {
	r := rng{state: mix(p.seed ^ mix(uint64(i)+1))}
	n := len(senders)
	s := senders[int((int64(p.offset)+int64(i)*int64(p.stride))%int64(n))]
	g := generated{Record: serapi.Record{ApplicationName: s.app.name, ApplicationUserName: s.user}}
	if i >= n { // more records than senders: further instances of each user
		g.ApplicationUserName += "-" + strconv.Itoa(i/n+1)
	}
	g.FromEnvelope, g.bareEnvelope = p.pickAddrs(&r, s.app.envelope)
	g.FromHeader, g.bareHeader = p.pickAddrs(&r, s.app.header)
	p.counts(&r, s.app, &g.Record)
	return g
}

// pickAddrs picks one to three consecutive items of pool; a single item is
// sometimes sent as a bare string.
func (p *plan) pickAddrs(r *rng, pool []string) ([]string, bool) {
	k := 1
	switch x := r.intn(10); {
	case x == 9:
		k = 3
	case x >= 7:
		k = 2
	}
	k = min(k, len(pool))
	first := r.intn(len(pool))
	out := make([]string, k)
	for j := range out {
		out[j] = pool[(first+j)%len(pool)]
	}
	bare := r.chance(1, 10)
	return out, bare && k == 1 && !p.listsOnly
}

// counts fills the status, size and details blocks, scaled to the window.
func (p *plan) counts(r *rng, app *application, rec *serapi.Record) {
	rate := float64(app.perHour) * float64(r.between(50, 150)) / 100
	total := max(int64(math.Round(rate*p.hours)), 1)
	failure := total * r.between(0, 20) / 1000
	partial := int64(0)
	if r.chance(1, 4) {
		partial = total * r.between(0, 5) / 1000
	}
	hasPending := r.chance(1, 3)
	pending := max(total*r.between(1, 30)/1000, 1)
	inProgress := r.between(0, pending/4)
	toSuccess := pending * r.between(50, 95) / 100
	recipients := total + total*r.between(0, 300)/1000
	avg := app.avgSize * r.between(60, 140) / 100
	dsn3 := int64(0)
	if r.chance(1, 8) {
		dsn3 = r.between(1, 3)
	}

	st := serapi.Status{Failure: failure, PartialSuccess: partial, Total: total, RecipientsTotal: recipients}
	st.Success = total - failure - partial
	if p.pending && hasPending {
		st.Success -= pending
		if p.unsettled {
			st.TempFailure, st.InProgress = pending-inProgress, inProgress
		} else {
			st.Success += toSuccess
			st.Failure += pending - toSuccess
		}
	}
	rec.Status = st
	rec.Size = serapi.Size{MessageSizeTotal: avg * total, DeliveredSizeTotal: avg*st.Success + avg*partial/2}
	rec.Details = serapi.Details{DSN2xx: st.Success, DSN3xx: dsn3, DSN4xx: st.TempFailure, DSN5xx: st.Failure}
}
