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
	defer f.mu.Unlock()
	if len(f.ackQuery) == 0 || len(f.ackQuery[0]) != 3 {
		t.Fatalf("ack queries %v: want the three ackIds polled together", f.ackQuery)
	}
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
		if _, problems := h.metrics.counts(); problems != 1 {
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
		if _, problems := h.metrics.counts(); problems != 1 {
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
