// A job's followers: a slow one misses steps but never the end, and one
// that comes after the end hears of it at once.

package agent

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/control"
)

func TestSlowFollowerStillHearsTheEnd(t *testing.T) {
	j := &job{subs: map[chan control.JobEvent]bool{}}
	ch := j.subscribe()
	for i := range 200 { // more than the channel holds, nobody reading
		j.publish(control.JobEvent{Type: control.JobProgress, Done: i + 1, Total: 200})
	}
	j.publish(control.JobEvent{Type: control.JobDone, Windows: 200})
	var got []control.JobEvent
	for ev := range ch { // closed after the end
		got = append(got, ev)
	}
	if len(got) == 0 || got[len(got)-1].Type != control.JobDone || got[len(got)-1].Windows != 200 {
		t.Fatalf("the follower got %d events ending with %+v, want the end last", len(got), got[len(got)-1])
	}
	for i := 1; i < len(got)-1; i++ {
		if got[i].Done <= got[i-1].Done {
			t.Fatalf("steps out of order: %+v after %+v", got[i], got[i-1])
		}
	}
	late := j.subscribe()
	if ev, ok := <-late; !ok || ev.Type != control.JobDone {
		t.Fatalf("a follower after the end got %+v, %v", ev, ok)
	}
	if _, ok := <-late; ok {
		t.Fatal("the late follower's channel stays open")
	}
}
