// A fetch that panics ends the catch-up with a *crash.Error instead of the
// process: the windows before it are committed, the cursor stops before
// it, and nothing of it is queued.

package poller

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/internal/crash"
	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestFetchPanicEndsTheRunAsAnError(t *testing.T) {
	clk := &clock{t: hour(4).Add(10 * time.Minute)}
	f := &scriptFetcher{answer: func(w serapi.Window, _ int) (*serapi.Report, error) {
		if w.Start.Equal(hour(2)) {
			panic("decoder bug")
		}
		return nil, nil // the default answer
	}}
	p, st := newRevisitPoller(t, f, clk)
	p.Input.Concurrency = 1 // windows 0 and 1 are committed before window 2 is fetched
	n, err := p.CatchUp(context.Background())
	var ce *crash.Error
	if !errors.As(err, &ce) || ce.Value != "decoder bug" || !strings.Contains(ce.Stack, "TestFetchPanicEndsTheRunAsAnError") {
		t.Fatalf("CatchUp = %d, %v; want a *crash.Error with the panic and its stack", n, err)
	}
	if !strings.Contains(err.Error(), "internal error (panic: decoder bug)") {
		t.Errorf("error %q does not say it is an internal error", err)
	}
	cur, _, err := st.Cursor("acme")
	if err != nil || !cur.Equal(hour(2)) || n != 2 {
		t.Fatalf("cursor %s (%v) after %d windows, want %s after 2", cur, err, n, hour(2))
	}
	evs := take(t, st)
	for _, ev := range evs {
		if f, _ := ev.Get("windowStart"); f.Str == hour(2).Format("2006-01-02T15:04:05.000Z") {
			t.Fatalf("an event of the window that panicked was queued: %v", ev)
		}
	}
	if len(evs) != 4 { // one record and the window event, for windows 0 and 1
		t.Errorf("%d events queued, want 4", len(evs))
	}
}
