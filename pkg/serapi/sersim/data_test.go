// Tests of the generated data: every record's counters consistent with each
// other, whatever the window's length and settling; counters scaling with the
// window; address fields as bare strings or lists; and the JSON string
// escaping of the encoder.

package sersim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// checkRecord returns what is inconsistent in one record.
func checkRecord(r serapi.Record) []string {
	var bad []string
	st, sz, d := r.Status, r.Size, r.Details
	check := func(ok bool, format string, args ...any) {
		if !ok {
			bad = append(bad, fmt.Sprintf(format, args...))
		}
	}
	check(r.ApplicationName != "" && r.ApplicationUserName != "", "empty names")
	check(len(r.FromEnvelope) > 0 && len(r.FromHeader) > 0, "empty address lists")
	sum := st.Success + st.Failure + st.TempFailure + st.PartialSuccess + st.InProgress
	check(st.Total == sum && st.Total > 0, "total %d, sum of parts %d", st.Total, sum)
	check(st.Success >= 0 && st.Failure >= 0 && st.TempFailure >= 0 && st.PartialSuccess >= 0 && st.InProgress >= 0,
		"negative counter %+v", st)
	check(st.RecipientsTotal >= st.Total, "recipientsTotal %d < total %d", st.RecipientsTotal, st.Total)
	check(d.DSN2xx == st.Success && d.DSN4xx == st.TempFailure && d.DSN5xx == st.Failure,
		"details %+v do not match status %+v", d, st)
	check(d.DSN3xx >= 0 && d.DSN3xx <= 3, "3.X.X %d not small", d.DSN3xx)
	check(sz.MessageSizeTotal >= sz.DeliveredSizeTotal && sz.DeliveredSizeTotal >= 0,
		"sizes %+v", sz)
	return bad
}

func TestRecordsConsistent(t *testing.T) {
	clock := newClock("2026-06-10T00:00:00.000Z")
	lengths := []time.Duration{time.Minute, 15 * time.Minute, time.Hour, 6 * time.Hour, 24 * time.Hour, 90 * 24 * time.Hour}
	for _, settle := range []time.Duration{0, 48 * time.Hour} {
		s := New(Options{Now: clock.Now, SettleAfter: settle, Seed: 3})
		unsettled := 0
		for _, l := range lengths {
			for i := range 150 {
				end := clock.Now().Add(-time.Duration(i) * l)
				w := serapi.Window{Start: end.Add(-l), End: end}
				rep := s.Expected(w, clock.Now())
				seen := map[string]bool{}
				for _, r := range rep.Users.Slice() {
					if bad := checkRecord(r); len(bad) > 0 {
						t.Fatalf("settle %s window %s record %s/%s: %v", settle, w, r.ApplicationName, r.ApplicationUserName, bad)
					}
					id := r.ApplicationName + "|" + r.ApplicationUserName
					if seen[id] {
						t.Errorf("window %s repeats %s", w, id)
					}
					seen[id] = true
					if r.Unsettled() {
						unsettled++
					}
				}
				if got := rep.Entitlement; got.AnnualThroughput != 1<<40 || got.LicenseStart != "2026-01-01T00:00:00.000Z" ||
					got.LicenseEnd != "2027-01-01T00:00:00.000Z" {
					t.Fatalf("entitlement %+v", got)
				}
			}
		}
		if settle == 0 && unsettled > 0 {
			t.Errorf("SettleAfter 0: %d unsettled records", unsettled)
		}
		if settle > 0 && unsettled == 0 {
			t.Errorf("SettleAfter %s: no unsettled records in recent windows", settle)
		}
	}
}

func TestCountersScaleWithWindow(t *testing.T) {
	clock := newClock("2026-06-10T00:00:00.000Z")
	s := New(Options{Now: clock.Now})
	mean := func(l time.Duration) float64 {
		var sum, n int64
		for i := range 200 {
			start := mustTime("2026-03-01T00:00:00.000Z").Add(time.Duration(i) * l)
			for _, r := range s.Expected(serapi.Window{Start: start, End: start.Add(l)}, clock.Now()).Users.Slice() {
				sum += r.Status.Total
				n++
			}
		}
		return float64(sum) / float64(n)
	}
	hour, day := mean(time.Hour), mean(24*time.Hour)
	if day < 10*hour || day > 50*hour {
		t.Errorf("mean total per record: %.0f for 1h windows, %.0f for 24h windows; want about 24 times", hour, day)
	}
}

func TestAddressEncoding(t *testing.T) {
	clock := newClock("2026-06-10T00:00:00.000Z")
	for _, tt := range []struct {
		name      string
		listsOnly bool
	}{{"default: some bare strings", false}, {"lists only", true}} {
		t.Run(tt.name, func(t *testing.T) {
			o := Options{Now: clock.Now, ListsOnly: tt.listsOnly}.withDefaults()
			bare, fields := 0, 0
			for i := range 100 {
				w := window("2026-05-01T00:00:00.000Z", time.Hour)
				w.Start, w.End = w.Start.Add(time.Duration(i)*time.Hour), w.End.Add(time.Duration(i)*time.Hour)
				p := o.newPlan(w, clock.Now())
				var buf bytes.Buffer
				if err := writeReport(&buf, &p, serapi.Entitlement{}, nil); err != nil {
					t.Fatal(err)
				}
				rep, b := decode(t, buf.Bytes())
				bare += b
				fields += 2 * rep.Users.Len()
				for _, r := range rep.Users.Slice() {
					for _, a := range append(r.FromEnvelope, r.FromHeader...) {
						if !strings.Contains(a, "example.") {
							t.Errorf("address %q outside the example domains", a)
						}
					}
				}
			}
			if tt.listsOnly && bare != 0 {
				t.Errorf("%d bare strings with ListsOnly", bare)
			}
			if !tt.listsOnly && (bare == 0 || bare > fields/5) {
				t.Errorf("%d of %d address fields bare, want a small fraction", bare, fields)
			}
		})
	}
}

func TestAppendStringEscapes(t *testing.T) {
	tests := map[string]string{
		"plain":     `"plain"`,
		`q"b\`:      `"q\"b\\"`,
		"tab\there": `"tab\u0009here"`,
		"bad\xffut": "\"bad\uFFFDut\"",
	}
	for in, want := range tests {
		if got := string(appendString(nil, in)); got != want {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
	}
}
