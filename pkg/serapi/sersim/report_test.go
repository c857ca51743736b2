// Tests of the report endpoint: timestamps not in the strict format refused
// with 400, omitted timestamps defaulted, the same body for the same window
// and seed, Expected agreeing with what is served, and windows that have no
// records.

package sersim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestReportBadRequests(t *testing.T) {
	_, c := newSim(t, Options{})
	tok := c.token("k")
	const good = "2026-03-01T10:00:00.000Z"
	tests := []struct {
		name, query, wantIn string
	}{
		{"no milliseconds", "startTimeStamp=2026-03-01T10:00:00Z&endTimeStamp=" + good, "startTimeStamp"},
		{"end without milliseconds", "startTimeStamp=2026-03-01T09:00:00.000Z&endTimeStamp=2026-03-01T10:00:00Z", "endTimeStamp"},
		{"offset instead of Z", "startTimeStamp=2026-03-01T09:00:00.000%2B00:00&endTimeStamp=" + good, "format"},
		{"microseconds", "startTimeStamp=2026-03-01T09:00:00.000000Z&endTimeStamp=" + good, "format"},
		{"date only", "startTimeStamp=2026-03-01&endTimeStamp=" + good, "format"},
		{"impossible date", "startTimeStamp=2026-02-30T09:00:00.000Z&endTimeStamp=" + good, "valid"},
		{"empty value", "startTimeStamp=&endTimeStamp=" + good, "format"},
		{"start equals end", "startTimeStamp=" + good + "&endTimeStamp=" + good, "before"},
		{"start after end", "startTimeStamp=2026-03-01T11:00:00.000Z&endTimeStamp=" + good, "before"},
		{"repeated", "startTimeStamp=2026-03-01T09:00:00.000Z&startTimeStamp=2026-03-01T09:00:00.000Z&endTimeStamp=" + good, "2 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, body, err := c.get(tok, tt.query)
			if err != nil {
				t.Fatal(err)
			}
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", status, body)
			}
			var e map[string]string
			if err := json.Unmarshal(body, &e); err != nil || hdr.Get("Content-Type") != "application/json" {
				t.Fatalf("error body is not JSON (%v): %s", err, body)
			}
			if e["error"] != "invalid_request" || !strings.Contains(e["message"], tt.wantIn) {
				t.Errorf("error %q message %q, want invalid_request mentioning %q", e["error"], e["message"], tt.wantIn)
			}
		})
	}
}

func TestReportOmittedTimestamps(t *testing.T) {
	clock := newClock("2026-03-01T12:34:56.789Z")
	s, c := newSim(t, Options{Now: clock.Now})
	tok := c.token("k")
	tests := []struct {
		name, query string
		want        serapi.Window
	}{
		{"no start: licence start", "endTimeStamp=2026-01-02T00:00:00.000Z",
			serapi.Window{Start: DefaultLicenseStart, End: mustTime("2026-01-02T00:00:00.000Z")}},
		{"no end: now", "startTimeStamp=2026-03-01T12:00:00.000Z",
			serapi.Window{Start: mustTime("2026-03-01T12:00:00.000Z"), End: clock.Now()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, _, body, err := c.get(tok, tt.query)
			if err != nil || status != 200 {
				t.Fatalf("status %d err %v: %s", status, err, body)
			}
			log := s.Stats().Requests
			if got := log[len(log)-1].Window; !got.Start.Equal(tt.want.Start) || !got.End.Equal(tt.want.End) {
				t.Errorf("window %s, want %s", got, tt.want)
			}
			got, _ := decode(t, body)
			if want := s.Expected(tt.want, clock.Now()); !reflect.DeepEqual(got, want) {
				t.Errorf("served %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	w := window("2026-05-04T03:00:00.000Z", time.Hour)
	_, c1 := newSim(t, Options{Seed: 7})
	_, c2 := newSim(t, Options{Seed: 7})
	_, c3 := newSim(t, Options{Seed: 8})
	tok1, tok2, tok3 := c1.token("a"), c2.token("b"), c3.token("a")
	_, first := c1.report(tok1, w)
	_, again := c1.report(tok1, w)
	_, other := c2.report(tok2, w)
	if !bytes.Equal(first, again) || !bytes.Equal(first, other) {
		t.Fatalf("same window and seed gave different bodies:\n%s\n%s\n%s", first, again, other)
	}
	if _, seeded := c3.report(tok3, w); bytes.Equal(first, seeded) {
		t.Errorf("another seed gave the same body")
	}
	next := serapi.Window{Start: w.End, End: w.End.Add(time.Hour)}
	if _, body := c1.report(tok1, next); bytes.Equal(first, body) {
		t.Errorf("the next window gave the same body")
	}
}

func TestExpectedMatchesServed(t *testing.T) {
	clock := newClock("2026-06-10T00:00:00.000Z")
	tests := []struct {
		name string
		opts Options
	}{
		{"defaults", Options{}},
		{"seeded", Options{Seed: 42}},
		{"settling", Options{SettleAfter: 72 * time.Hour}},
		{"forced count", Options{RecordsPerWindow: 40}},
		{"lists only", Options{ListsOnly: true}},
	}
	windows := []serapi.Window{
		window("2026-06-09T00:00:00.000Z", time.Hour),
		window("2026-06-09T23:00:00.000Z", time.Hour),
		window("2026-06-08T00:00:00.000Z", 24*time.Hour),
		window("2026-06-09T12:00:00.000Z", 5*time.Minute),
		window("2026-06-09T23:30:00.000Z", time.Hour), // still open
		window("2026-06-11T00:00:00.000Z", time.Hour), // not begun
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Now = clock.Now
			s, c := newSim(t, tt.opts)
			tok := c.token("k")
			for _, w := range windows {
				status, body := c.report(tok, w)
				if status != 200 {
					t.Fatalf("%s: status %d: %s", w, status, body)
				}
				got, _ := decode(t, body)
				if want := s.Expected(w, clock.Now()); !reflect.DeepEqual(got, want) {
					t.Errorf("%s: served %+v\nexpected %+v", w, got, want)
				}
			}
		})
	}
}

func TestWindowsWithoutRecords(t *testing.T) {
	clock := newClock("2026-06-10T00:00:00.000Z")
	s, c := newSim(t, Options{Now: clock.Now})
	tok := c.token("k")
	future := window("2026-06-10T00:00:00.000Z", time.Hour)
	if _, body := c.report(tok, future); !bytes.HasPrefix(body, []byte(`{"applicationUsers":[],"entitlement":{`)) {
		t.Errorf("a window not yet begun has records: %.200s", body)
	}
	empty := 0
	start := mustTime("2026-06-01T00:00:00.000Z")
	const n = 24 * 8
	for i := range n {
		w := serapi.Window{Start: start.Add(time.Duration(i) * time.Hour), End: start.Add(time.Duration(i+1) * time.Hour)}
		if s.Expected(w, clock.Now()).Users.Len() == 0 {
			empty++
		}
	}
	if empty == 0 || empty > n/4 {
		t.Errorf("%d of %d past windows are empty, want some but few (about 1 in 12)", empty, n)
	}
}
