// A backfill job's stream over the socket: every event in order up to
// "done", a refusal as a RequestError, and a follower that goes away ends
// only the following.

package control_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/serfwd/serfwd/pkg/control"
)

func TestBackfillStreamsEveryEvent(t *testing.T) {
	path := socketIn(t)
	events := []control.JobEvent{
		{Type: control.JobAccepted, Job: 3, Total: 2},
		{Type: control.JobWait, WaitSeconds: -1},
		{Type: control.JobProgress, Done: 1, Total: 2},
		{Type: control.JobWait, WaitSeconds: 12.5},
		{Type: control.JobProgress, Done: 2, Total: 2},
		{Type: control.JobFetched, OK: true, Windows: 2, Events: 40},
		{Type: control.JobDone, Windows: 2, Events: 40, Left: map[string]int64{"splunk": 5}},
	}
	req := control.BackfillRequest{Input: "acme", From: "2026-11-28T00:00:00.000Z", To: "2026-11-28T02:00:00.000Z"}
	d := &fakeDaemon{events: events, got: make(chan control.BackfillRequest, 1)}
	serve(t, path, d)
	var seen []control.JobEvent
	final, err := dial(t, path).Backfill(context.Background(), req, func(ev control.JobEvent) { seen = append(seen, ev) })
	if err != nil {
		t.Fatal(err)
	}
	if got := <-d.got; got != req {
		t.Errorf("the daemon got %+v, want %+v", got, req)
	}
	if !reflect.DeepEqual(seen, events) || !reflect.DeepEqual(final, events[len(events)-1]) {
		t.Errorf("followed %+v, ended with %+v; want %+v", seen, final, events)
	}
}

func TestBackfillRefused(t *testing.T) {
	path := socketIn(t)
	serve(t, path, &fakeDaemon{refuse: &control.RequestError{Msg: `the daemon has no input "nope"`}})
	_, err := dial(t, path).Backfill(context.Background(), control.BackfillRequest{Input: "nope"}, func(control.JobEvent) {})
	var re *control.RequestError
	if !errors.As(err, &re) || re.Msg != `the daemon has no input "nope"` {
		t.Fatalf("Backfill = %v, want the daemon's RequestError", err)
	}
}

func TestFollowerGoingAwayEndsOnlyTheFollowing(t *testing.T) {
	path := socketIn(t)
	d := &fakeDaemon{events: []control.JobEvent{{Type: control.JobAccepted, Job: 1, Total: 5}},
		hold: make(chan struct{}), followed: make(chan error, 1)}
	serve(t, path, d)
	ctx, cancel := context.WithCancel(context.Background())
	last, err := dial(t, path).Backfill(ctx, control.BackfillRequest{Input: "acme"}, func(ev control.JobEvent) {
		if ev.Type == control.JobAccepted {
			cancel() // Ctrl-C once the job runs
		}
	})
	if !errors.Is(err, context.Canceled) || last.Job != 1 {
		t.Fatalf("Backfill = %+v, %v; want the accepted event and context.Canceled", last, err)
	}
	// The daemon's side learns that its follower went away.
	if err := <-d.followed; !errors.Is(err, context.Canceled) {
		t.Fatalf("the daemon's Backfill returned %v, want its follower's context canceled", err)
	}
}
