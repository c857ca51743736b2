// Brokers going away in the middle of a run: one broker killed and brought
// back, and the whole cluster down long enough for Writes to fail and the
// delivery loop to retry. Every event arrives; repeats are bounded by what
// was in flight, and every record carries its event as it is.

package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink/kafka/kafkatest"
)

const (
	restartEvents   = 600
	restartPerWrite = 50
)

// startRestartRun queues restartEvents events and starts a loop delivering
// them in Writes of restartPerWrite through a sink whose Writes wait at
// most writeTimeout; it returns once the first Write was confirmed. ready,
// when not nil, is called with the rig before the loop starts.
func startRestartRun(t *testing.T, c *kafkatest.Cluster, writeTimeout time.Duration, ready func(*loopRig)) (*harness, *loopRig, chan struct{}, <-chan error) {
	t.Helper()
	h := newHarness(t, clusterConfig(c, "scram-sha-256"), writeTimeout)
	rig := newLoopRig(t, mkEvents(0, restartEvents), 10)
	if ready != nil {
		ready(rig)
	}
	stop := make(chan struct{})
	done := rig.run(context.Background(), t, h.sink, restartPerWrite, stop)
	rig.waitUntil(t, "a confirmed Write", func(sent, _ int) bool { return sent > 0 })
	return h, rig, stop, done
}

// finishRestartRun lets the loop drain and checks what the topic holds:
// every event, each record as it was sent, at most maxRepeats repeats.
func finishRestartRun(t *testing.T, c *kafkatest.Cluster, rig *loopRig, stop chan struct{}, done <-chan error, maxRepeats int) {
	t.Helper()
	close(stop)
	if err := <-done; err != nil {
		t.Fatalf("the loop ended with %v", err)
	}
	if n := rig.queued(t); n != 0 {
		t.Fatalf("%d events still queued", n)
	}
	recs := c.ReadAll(testTopic, time.Minute)
	seen := map[string]int{}
	for _, r := range recs {
		seen[header(r, event.KeyEventID)]++
	}
	evs := mkEvents(0, restartEvents)
	for i := range evs {
		if seen[evs[i].ID()] == 0 {
			t.Fatalf("event %d is missing after the restart", i)
		}
	}
	for _, r := range recs {
		var i int
		for i = range evs {
			if evs[i].ID() == header(r, event.KeyEventID) {
				break
			}
		}
		if string(r.Value) != wantValue(i) || string(r.Key) != evs[i].ID() {
			t.Fatalf("record of event %d: key %q value %s", i, r.Key, r.Value)
		}
	}
	repeats := len(recs) - len(seen)
	if len(seen) != restartEvents || repeats > maxRepeats {
		t.Fatalf("%d distinct events (want %d), %d repeats (at most %d)", len(seen), restartEvents, repeats, maxRepeats)
	}
	t.Logf("%d records, %d repeats", len(recs), repeats)
}

// holdProduce makes the brokers of c hold every produce request that
// arrives once rig has seen a Write confirmed, until release is closed
// (then they are handled as usual); held receives a value when the first
// is held.
func holdProduce(c *kafkatest.Cluster, rig *loopRig, held chan<- struct{}, release <-chan struct{}) {
	kc := c.Kfake()
	kc.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
		kc.KeepControl()
		select {
		case <-release:
			return nil, nil, false
		default:
		}
		if sent, _ := rig.counts(); sent == 0 {
			return nil, nil, false
		}
		select {
		case held <- struct{}{}:
		default:
		}
		kc.SleepControl(func() { <-release })
		return nil, nil, false
	})
}

// TestOneBrokerRestartMidRun: the broker dies while a Write is in flight
// (its produce requests are held until the kill), with events delivered
// before and still queued; the rest arrive while it is down and after it
// is back.
func TestOneBrokerRestartMidRun(t *testing.T) {
	c := startCluster(t)
	held, release := make(chan struct{}, 1), make(chan struct{})
	_, rig, stop, done := startRestartRun(t, c, 10*time.Second, func(rig *loopRig) { holdProduce(c, rig, held, release) })
	<-held
	before, _ := rig.counts()
	if queued := rig.queued(t); before == 0 || queued == 0 {
		t.Fatalf("at the kill: %d events delivered, %d queued; want some of each", before, queued)
	}
	c.KillBroker(1)
	close(release)
	rig.waitUntil(t, "a Write confirmed while broker 1 is down", func(sent, _ int) bool { return sent > before })
	c.StartBroker(1)
	// At most the Writes in flight at the kill and at the restart repeat.
	finishRestartRun(t, c, rig, stop, done, 2*restartPerWrite)
}

func TestClusterDownMidRunIsRetried(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for Writes to time out: skipped with -short")
	}
	c := startCluster(t)
	h, rig, stop, done := startRestartRun(t, c, 2*time.Second, nil)
	c.Stop()
	// Two Writes failed: the loop backs off and retries.
	rig.waitUntil(t, "two failed Writes", func(_, failed int) bool { return failed >= 2 })
	if n := h.metrics.ProblemCount(); n != 0 {
		t.Fatalf("brokers that are down were reported as %d configuration problems", n)
	}
	if n := rig.queued(t); n == 0 {
		t.Fatal("nothing is queued while every broker is down")
	}
	c.Restart()
	finishRestartRun(t, c, rig, stop, done, restartPerWrite)
}
