// id_test.go recomputes eventIds by hand from SPEC §4's recipe and checks
// the timestamp formatting they rely on.

package event

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func sha256Hex(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestRecordIDByHand(t *testing.T) {
	start := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		input string
		start time.Time
		rec   serapi.Record
		text  string // the hashed text, spelled out
	}{
		{"reference", "acme", start, referenceRecord(),
			"acme\x1f2026-11-01T10:00:00.000Z\x1fSalesforce\x1fsf-prod-notifications\x1fbounces@example.com\x1fexample.com"},
		{"lists joined in order", "acme", start,
			serapi.Record{ApplicationName: "A", ApplicationUserName: "u",
				FromEnvelope: []string{"z@example.com", "a@example.com"}, FromHeader: []string{"h1", "h2", "h3"}},
			"acme\x1f2026-11-01T10:00:00.000Z\x1fA\x1fu\x1fz@example.com,a@example.com\x1fh1,h2,h3"},
		{"empty record", "acme", start, serapi.Record{},
			"acme\x1f2026-11-01T10:00:00.000Z\x1f\x1f\x1f\x1f"},
		{"non-UTC start with millis", "eu-prod",
			time.Date(2026, 3, 29, 3, 30, 15, 123456789, time.FixedZone("CEST", 2*3600)),
			serapi.Record{ApplicationName: "Jira", FromHeader: []string{"example.com"}},
			"eu-prod\x1f2026-03-29T01:30:15.123Z\x1fJira\x1f\x1f\x1fexample.com"},
		{"unicode and invalid UTF-8", "acme", start,
			serapi.Record{ApplicationName: "Müller", ApplicationUserName: "bad\xffname\xe2\x82", FromEnvelope: []string{"😀"}},
			"acme\x1f2026-11-01T10:00:00.000Z\x1fMüller\x1fbad\ufffdname\ufffd\ufffd\x1f😀\x1f"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sha256Hex(tt.text)
			if got := RecordID(tt.input, tt.start, &tt.rec); got != want {
				t.Fatalf("RecordID = %s, want %s", got, want)
			}
			w := serapi.Window{Start: tt.start, End: tt.start.Add(time.Hour)}
			for rev := range int64(3) {
				e := FromRecord(tt.input, w, &tt.rec, nil, rev)
				if e.ID() != want {
					t.Fatalf("revision %d: eventId %s, want %s", rev, e.ID(), want)
				}
			}
			changed := tt.rec
			changed.Status.Success += 5
			changed.Extra = []serapi.ExtraField{extra("x", "1")}
			if e := FromRecord(tt.input, w, &changed, &testEntitlement, 1); e.ID() != want {
				t.Fatalf("eventId changed with the counters: %s", e.ID())
			}
		})
	}
}

func TestWindowIDByHand(t *testing.T) {
	start := time.Date(2026, 11, 1, 23, 0, 0, 0, time.UTC)
	want := sha256Hex("acme\x1f2026-11-01T23:00:00.000Z\x1fser.window")
	if got := WindowID("acme", start); got != want {
		t.Fatalf("WindowID = %s, want %s", got, want)
	}
	w := serapi.Window{Start: start, End: start.Add(time.Hour)}
	if e := FromWindow("acme", w, nil, nil, 4); e.ID() != want {
		t.Fatalf("FromWindow eventId = %s, want %s", e.ID(), want)
	}
}

func TestRecordIDDistinguishes(t *testing.T) {
	base := func() serapi.Record {
		r := referenceRecord()
		r.FromEnvelope = []string{"a@example.com", "b@example.com"}
		return r
	}
	r0 := base()
	id := RecordID("acme", testWindow.Start, &r0)
	tests := []struct {
		name   string
		input  string
		start  time.Time
		change func(r *serapi.Record)
	}{
		{"input", "other", testWindow.Start, func(*serapi.Record) {}},
		{"window", "acme", testWindow.End, func(*serapi.Record) {}},
		{"app", "acme", testWindow.Start, func(r *serapi.Record) { r.ApplicationName += "x" }},
		{"user", "acme", testWindow.Start, func(r *serapi.Record) { r.ApplicationUserName = "" }},
		{"list order", "acme", testWindow.Start, func(r *serapi.Record) { r.FromEnvelope[0], r.FromEnvelope[1] = r.FromEnvelope[1], r.FromEnvelope[0] }},
		{"list moved to header", "acme", testWindow.Start, func(r *serapi.Record) { r.FromHeader = append(r.FromHeader, r.FromEnvelope...); r.FromEnvelope = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base()
			tt.change(&r)
			if got := RecordID(tt.input, tt.start, &r); got == id {
				t.Fatalf("same eventId %s", got)
			}
		})
	}
}

func TestAppendTimeMatchesFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	zones := []*time.Location{time.UTC, time.FixedZone("east", 14*3600), time.FixedZone("west", -11*3600-1800)}
	times := []time.Time{
		{}, time.Unix(0, 0), time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	for range iterations(10000) {
		times = append(times, time.Unix(rng.Int64N(1<<36)-1<<35, rng.Int64N(1e9)).In(zones[rng.IntN(len(zones))]))
	}
	for _, tm := range times {
		want := tm.UTC().Format(TimeLayout)
		if got := string(appendTime(nil, tm)); got != want {
			t.Fatalf("%v: got %s, want %s", tm, got, want)
		}
		if got := FormatTime(tm); got != want {
			t.Fatalf("FormatTime(%v) = %s, want %s", tm, got, want)
		}
	}
}

// TestDuplicateIdentitiesByHand checks SPEC §4's ordinal suffix: the second
// and third record with one identity hash the same text followed by ␟2, ␟3.
func TestDuplicateIdentitiesByHand(t *testing.T) {
	text := "acme\x1f2026-11-01T10:00:00.000Z\x1fSalesforce\x1fsf-prod-notifications\x1fbounces@example.com\x1fexample.com"
	a := referenceRecord()
	b := referenceRecord()
	b.Status.Success = 7 // same identity, other counts
	other := referenceRecord()
	other.ApplicationUserName = "other"
	rep := &serapi.Report{Users: serapi.RecordsOf(a, other, b, a), Entitlement: testEntitlement}
	evs := FromReport("acme", testWindow, rep)
	want := []string{sha256Hex(text), RecordID("acme", testWindow.Start, &other), sha256Hex(text + "\x1f2"), sha256Hex(text + "\x1f3")}
	if len(evs) != 5 {
		t.Fatalf("%d events, want 4 records and the window event", len(evs))
	}
	for i, id := range want {
		if evs[i].ID() != id || evs[i].Revision() != 0 {
			t.Errorf("event %d: eventId %s revision %d, want %s revision 0", i, evs[i].ID(), evs[i].Revision(), id)
		}
	}
	if got := evs[2].IntValue("success"); got != 7 {
		t.Errorf("the second record of the identity carries success %d, want its own 7", got)
	}
	if got := RecordIDOrdinal("acme", testWindow.Start, &a, 3); got != want[3] {
		t.Errorf("RecordIDOrdinal(3) = %s, want %s", got, want[3])
	}
	var ords Ordinals
	for i, wantN := range []int{1, 1, 2, 3} {
		r := rep.Users.At(i)
		if n := ords.Number("acme", testWindow.Start, &r); n != wantN {
			t.Errorf("record %d numbered %d, want %d", i, n, wantN)
		}
	}
	if ords.Len() != 2 {
		t.Errorf("%d identities, want 2", ords.Len())
	}
}
