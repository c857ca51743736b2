// Refused data: 413 splits, invalid events found and dead-lettered with their
// code and reason.

package hec

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/sink/sinktest"
)

// deadLetters reads the dead-letter file of harness h, checking its mode
// and each line's time and sink.
func deadLetters(t *testing.T, h *harness) []sinktest.Letter {
	t.Helper()
	path := h.dir + "/deadletter-splunk.ndjson"
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("dead-letter file mode %v, want 0600", fi.Mode().Perm())
	}
	lines := sinktest.ReadLetters(t, path)
	for _, l := range lines {
		if _, err := time.Parse(time.RFC3339, l.Time); err != nil {
			t.Errorf("dead-letter time %v: %v", l.Time, err)
		}
		if l.Sink != "splunk" {
			t.Errorf("dead-letter sink = %v", l.Sink)
		}
	}
	return lines
}

// badNamed answers code 6 for a request holding an event named BAD.
func badNamed(withNumber bool) func(*hecRequest) *reply {
	return func(r *hecRequest) *reply {
		for i, name := range eventNames(r.Envelopes) {
			if strings.HasPrefix(name, "BAD") {
				rep := &reply{Status: 400, Code: codeInvalidData, Text: "Invalid data format", InvalidEvent: -1}
				if withNumber {
					rep.InvalidEvent = i
				}
				return rep
			}
		}
		return nil
	}
}

// tooLargeOver answers 413 for requests with more than n events or bytes.
func tooLargeOver(events, bytes int) func(*hecRequest) *reply {
	return func(r *hecRequest) *reply {
		if len(r.Envelopes) > events || len(r.Raw) > bytes {
			return &reply{Status: 413, Code: -1, Text: "Content-Length too large", InvalidEvent: -1}
		}
		return nil
	}
}

func TestWriteRefusedData(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bad      []int // positions of events that Splunk rejects
		huge     int   // position of an oversized event, -1 none
		decide   func(*hecRequest) *reply
		wantCode float64
		reason   string
	}{
		{"413 splits", nil, -1, tooLargeOver(2, 1<<20), 0, ""},
		{"413 single event dead-lettered", nil, 4, tooLargeOver(3, 2500), 413, "too large"},
		{"code 6 with invalid-event-number", []int{6}, -1, badNamed(true), 6, "Invalid data format"},
		{"code 6 twice with number", []int{0, 9}, -1, badNamed(true), 6, "Invalid data format"},
		{"code 6 without number", []int{6}, -1, badNamed(false), 6, "Invalid data format"},
		{"code 6 without number, two bad", []int{2, 7}, -1, badNamed(false), 6, "Invalid data format"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeHEC(t, false)
			f.decide = tc.decide
			h := newHarness(t, f.srv.URL, nil)
			evs := mkEvents(10)
			var refused []string
			for _, i := range tc.bad {
				evs[i] = mkEvent(i, fmt.Sprintf("BAD-%d", i))
				refused = append(refused, evs[i].ID())
			}
			if tc.huge >= 0 {
				evs[tc.huge] = mkEvent(tc.huge, strings.Repeat("h", 4000))
				refused = append(refused, evs[tc.huge].ID())
			}
			if err := h.write(t.Context(), evs); err != nil {
				t.Fatalf("Write: %v", err)
			}
			var want []string
			for i := range evs {
				if !slices.Contains(refused, evs[i].ID()) {
					want = append(want, evs[i].Str("applicationName"))
				}
			}
			_, indexed := f.snapshot()
			if got := eventNames(indexed); !slices.Equal(got, want) {
				t.Errorf("indexed %v, want %v", got, want)
			}
			checkDeadLetters(t, h, refused, tc.wantCode, tc.reason)
		})
	}
}

// checkDeadLetters asserts that exactly the events with ids were
// dead-lettered, with code and a reason containing reason, and counted.
func checkDeadLetters(t *testing.T, h *harness, ids []string, code float64, reason string) {
	t.Helper()
	var got []string
	for _, l := range deadLetters(t, h) {
		got = append(got, fmt.Sprint(l.Event["eventId"]))
		if l.Code != code || !strings.Contains(l.Reason, reason) {
			t.Errorf("dead letter code %v reason %q, want %v and %q", l.Code, l.Reason, code, reason)
		}
	}
	slices.Sort(got)
	ids = slices.Sorted(slices.Values(ids))
	if !slices.Equal(got, ids) {
		t.Errorf("dead-lettered %v, want %v", got, ids)
	}
	if dead, _ := h.metrics.Counts(); dead != len(ids) {
		t.Errorf("DeadLetter counted %d, want %d", dead, len(ids))
	}
}
