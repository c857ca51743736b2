// Indexer acknowledgment: acks polled in bulk, resends after ack_timeout, and
// refusals of the ack endpoint.

package hec

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zapcore"

	"github.com/serfwd/serfwd/pkg/event"
	"github.com/serfwd/serfwd/pkg/sink"
)

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWriteAck(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ackAfter  int     // polls before an id reads true
		lost      []int64 // ackIds never acknowledged
		wantPosts int     // event requests
	}{
		{"immediate", 0, nil, 3},
		{"delayed", 3, nil, 3},
		{"lost ack resent", 1, []int64{1}, 4},
		{"every first ack lost", 0, []int64{0, 1, 2}, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			f.ackAfter = tc.ackAfter
			for _, id := range tc.lost {
				f.lost[id] = true
			}
			timeout := time.Minute // no resend unless an ack is lost
			if len(tc.lost) > 0 {
				timeout = 150 * time.Millisecond
			}
			h := newHarness(t, f.srv.URL, func(c *Config) {
				c.Ack, c.AckTimeout, c.BatchMaxEvents = true, timeout, 4
			})
			evs := mkEvents(10)
			if err := h.write(t.Context(), evs); err != nil {
				t.Fatalf("Write: %v", err)
			}
			reqs, _ := f.snapshot()
			// With lost acks a slow machine may resend more than the lost ones.
			if len(reqs) != tc.wantPosts && (len(tc.lost) == 0 || len(reqs) < tc.wantPosts) {
				t.Errorf("%d event requests, want %d", len(reqs), tc.wantPosts)
			}
			channel := reqs[0].Header.Get("X-Splunk-Request-Channel")
			if !uuidV4.MatchString(channel) {
				t.Errorf("channel %q is not a UUIDv4", channel)
			}
			seen := map[int64]bool{}
			for _, r := range reqs {
				if r.Header.Get("X-Splunk-Request-Channel") != channel {
					t.Errorf("channel changed within a sink")
				}
				if seen[r.AckID] {
					t.Errorf("ackId %d reused", r.AckID)
				}
				seen[r.AckID] = true
			}
			checkAcked(t, f, evs)
		})
	}
}

// checkAcked asserts every event was in an acknowledged request and that the
// first ack query asked for all outstanding ids at once.
func checkAcked(t *testing.T, f *fakeHEC, evs []event.Event) {
	t.Helper()
	f.mu.Lock()
	first := f.ackQuery
	f.mu.Unlock()
	if len(first) == 0 || len(first[0]) != 3 {
		t.Fatalf("ack queries %v: want the three ackIds polled together", first)
	}
	checkAckedEvents(t, f, evs)
}

// checkAckedEvents asserts every event was in an acknowledged request.
func checkAckedEvents(t *testing.T, f *fakeHEC, evs []event.Event) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	var acked []string
	for _, r := range f.requests {
		if r.AckID >= 0 && !f.lost[r.AckID] {
			acked = append(acked, eventNames(r.Envelopes)...)
		}
	}
	for i := range evs {
		if name := evs[i].Str("applicationName"); !slices.Contains(acked, name) {
			t.Errorf("event %s returned as delivered but never acknowledged", name)
		}
	}
}

func TestWriteAckProblems(t *testing.T) {
	t.Run("ack disabled on the token", func(t *testing.T) {
		f := newFakeHEC(t, false)
		f.ackReply = &reply{Status: 400, Code: codeAckDisabled, Text: "ACK is disabled", InvalidEvent: -1}
		h := newHarness(t, f.srv.URL, func(c *Config) { c.Ack = true })
		err := h.write(t.Context(), mkEvents(2))
		if !sink.IsPermanent(err) || !strings.Contains(err.Error(), ackDisabledHint) {
			t.Fatalf("Write = %v, want Permanent with %q", err, ackDisabledHint)
		}
		if _, problems := h.metrics.Counts(); problems != 1 {
			t.Errorf("ConfigProblem reported %d times", problems)
		}
	})
	t.Run("no ackId in the answer", func(t *testing.T) {
		f := newFakeHEC(t, false)
		f.script = []reply{{Status: 200, Code: 0, Text: "Success", InvalidEvent: -1, NoAckID: true}}
		h := newHarness(t, f.srv.URL, func(c *Config) { c.Ack = true })
		if err := h.write(t.Context(), mkEvents(2)); err != nil {
			t.Fatalf("Write: %v", err)
		}
		if _, problems := h.metrics.Counts(); problems != 1 {
			t.Errorf("ConfigProblem reported %d times, want 1", problems)
		}
	})
	t.Run("context ends while waiting", func(t *testing.T) {
		f := newFakeHEC(t, false)
		f.lost[0] = true
		h := newHarness(t, f.srv.URL, func(c *Config) { c.Ack = true })
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		err := h.write(ctx, mkEvents(2))
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Write = %v, want the context's error", err)
		}
		if err := h.write(t.Context(), nil); err != nil {
			t.Errorf("empty Write: %v", err)
		}
	})
}

// TestAckPollFailureFailsTheWrite: an ack endpoint that fails fails the
// Write at once (the delivery loop retries it, and its status and metrics
// see the failure), without a warning per poll; the retry polls for the
// acks still outstanding instead of sending their events again, and counts
// the batch delivered only once Splunk acknowledged it.
func TestAckPollFailureFailsTheWrite(t *testing.T) {
	f := newFakeHEC(t, false)
	f.ackReply = &reply{Status: 503, Code: 9, Text: "Server is busy", InvalidEvent: -1}
	h := newHarness(t, f.srv.URL, func(c *Config) { c.Ack, c.BatchMaxEvents = true, 4 })
	evs := mkEvents(10)
	err := h.write(t.Context(), evs)
	if err == nil || sink.IsPermanent(err) || !strings.Contains(err.Error(), "polling 3 splunk hec acknowledgments") ||
		!strings.Contains(err.Error(), "503") {
		t.Fatalf("Write = %v, want a retryable error of the ack poll", err)
	}
	if n := h.logs.FilterLevelExact(zapcore.WarnLevel).Len(); n != 0 {
		t.Errorf("%d warnings logged, want none (the delivery loop reports the failure)", n)
	}
	f.mu.Lock()
	f.ackReply = nil
	f.mu.Unlock()
	if err := h.write(t.Context(), evs); err != nil {
		t.Fatalf("Write after the ack endpoint recovered: %v", err)
	}
	reqs, _ := f.snapshot()
	if len(reqs) != 3 {
		t.Errorf("%d event requests, want the 3 of the first Write only", len(reqs))
	}
	f.mu.Lock()
	last := f.ackQuery[len(f.ackQuery)-1]
	f.mu.Unlock()
	if !slices.Equal(slices.Sorted(slices.Values(last)), []int64{0, 1, 2}) {
		t.Errorf("the retry polled %v, want the first Write's ackIds 0, 1, 2", last)
	}
	checkAcked(t, f, evs)
}

// TestOutstandingAcksResentAfterTimeout: acks a failed Write left
// outstanding that Splunk never gives are resent by a later Write once
// ack_timeout (counted from the first send) has passed, and that Write
// succeeds only when the resent requests are acknowledged.
func TestOutstandingAcksResentAfterTimeout(t *testing.T) {
	f := newFakeHEC(t, false)
	f.ackReply = &reply{Status: 503, Code: 9, Text: "Server is busy", InvalidEvent: -1}
	f.lost[0], f.lost[1] = true, true
	h := newHarness(t, f.srv.URL, func(c *Config) { c.Ack, c.BatchMaxEvents, c.AckTimeout = true, 5, 100*time.Millisecond })
	evs := mkEvents(10)
	if err := h.write(t.Context(), evs); err == nil {
		t.Fatal("Write succeeded while the ack endpoint fails")
	}
	f.mu.Lock()
	f.ackReply = nil
	f.mu.Unlock()
	if err := h.write(t.Context(), evs); err != nil {
		t.Fatalf("Write after the ack endpoint recovered: %v", err)
	}
	reqs, _ := f.snapshot()
	if len(reqs) < 4 {
		t.Fatalf("%d event requests, want the 2 lost ones sent again", len(reqs))
	}
	checkAckedEvents(t, f, evs)
}
