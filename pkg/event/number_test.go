// number_test.go checks that the records of one answer never share an
// eventId, even when a field holding U+001F makes one record's hashed text
// another's with an ordinal suffix: ids spelled out by hand for such
// answers, and a fuzz target (run over random answers too) that compares
// every numbering path with a model of the rule written here.

package event

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// idsOf numbers the records of one answer in order along every path that
// hands out eventIds: FromReport, a Flattener (as the poller streams) and
// Ordinals.Number with RecordIDOrdinal. It fails the test unless they
// agree, and returns the ids.
func idsOf(t *testing.T, recs []serapi.Record) []string {
	t.Helper()
	evs := FromReport("acme", testWindow, &serapi.Report{Users: serapi.RecordsOf(recs...)})
	f := NewFlattener("acme", testWindow)
	var ords Ordinals
	out := make([]string, len(recs))
	for i := range recs {
		raw := RawRecord(&recs[i])
		id := f.Next(&raw)
		out[i] = hex.EncodeToString(id[:])
		byNumber := RecordIDOrdinal("acme", testWindow.Start, &recs[i], ords.Number("acme", testWindow.Start, &recs[i]))
		if evs[i].ID() != out[i] || byNumber != out[i] {
			t.Fatalf("record %d: FromReport %s, Flattener %s, Ordinals %s: the paths disagree", i, evs[i].ID(), out[i], byNumber)
		}
		if got, want := evs[i].IntValue("success"), recs[i].Status.Success; got != want {
			t.Fatalf("record %d carries success %d, want its own %d", i, got, want)
		}
	}
	return out
}

// TestCollidingIdentitiesGetDistinctIDsByHand: R1 and R2 share identity
// text T; R3's last fromHeader item ends in ␟2, so that its text is T␟2,
// the text of R2's plain ordinal. Whatever the order, the three get
// distinct eventIds: the later claimant of a taken id moves on to the next
// free ordinal of its own identity.
func TestCollidingIdentitiesGetDistinctIDsByHand(t *testing.T) {
	const T = "acme\x1f2026-11-01T10:00:00.000Z\x1fSalesforce\x1fsf-prod-notifications\x1fbounces@example.com\x1fexample.com"
	r1, r2 := referenceRecord(), referenceRecord()
	r2.Status.Success = 2
	withHeader := func(h string, success int64) serapi.Record {
		r := referenceRecord()
		r.FromHeader, r.Status.Success = []string{h}, success
		return r
	}
	r3 := withHeader("example.com\x1f2", 3)      // text T␟2
	r4 := withHeader("example.com\x1f2\x1f2", 4) // text T␟2␟2
	x3 := withHeader("example.com\x1f3", 5)      // text T␟3
	r5 := referenceRecord()                      // a third record of T
	r5.Status.Success = 6
	tests := []struct {
		name  string
		recs  []serapi.Record
		texts []string // what each record's eventId hashes
	}{
		{"R1 R2 R3", []serapi.Record{r1, r2, r3}, []string{T, T + "\x1f2", T + "\x1f2\x1f2"}},
		{"R3 R1 R2", []serapi.Record{r3, r1, r2}, []string{T + "\x1f2", T, T + "\x1f3"}},
		{"R1 R3 R2", []serapi.Record{r1, r3, r2}, []string{T, T + "\x1f2", T + "\x1f3"}},
		{"a chain: R1 R2 R3 R4 R5", []serapi.Record{r1, r2, r3, r4, r5},
			[]string{T, T + "\x1f2", T + "\x1f2\x1f2", T + "\x1f2\x1f2\x1f2", T + "\x1f3"}},
		{"two ordinals taken: R1 R3 X3 R2 R5", []serapi.Record{r1, r3, x3, r2, r5},
			[]string{T, T + "\x1f2", T + "\x1f3", T + "\x1f4", T + "\x1f5"}},
		{"no collision: R1 R2 R5 X3", []serapi.Record{r1, r2, r5, withHeader("example.com\x1f4", 7)},
			[]string{T, T + "\x1f2", T + "\x1f3", T + "\x1f4"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := idsOf(t, tt.recs)
			for i, text := range tt.texts {
				if want := sha256Hex(text); got[i] != want {
					t.Errorf("record %d: eventId %s, want SHA-256 of %q = %s", i, got[i], text, want)
				}
			}
		})
	}
}

// answerFrom builds an answer from fuzz data: records whose fields are
// made of a few tokens, "\x1f" and digits among them, so that one record's
// text is often another's with an ordinal suffix, or two records' fields
// split one text differently.
func answerFrom(data []byte) []serapi.Record {
	tokens := []string{"\x1f", "2", "3", "1", "0", "h", "\x1f2", "\x1f3"}
	var recs []serapi.Record
	for len(data) > 0 && len(recs) < 64 {
		b := data[0]
		data = data[1:]
		field := func(n int) string {
			var s strings.Builder
			for ; n > 0 && len(data) > 0; n-- {
				s.WriteString(tokens[data[0]%byte(len(tokens))])
				data = data[1:]
			}
			return s.String()
		}
		r := serapi.Record{ApplicationName: "app", Status: serapi.Status{Success: int64(len(recs))}}
		r.ApplicationUserName = field(int(b & 1))
		r.FromHeader = []string{"h" + field(int(b>>1&3))}
		if b&8 != 0 {
			r.FromHeader = append(r.FromHeader, field(int(b>>4&3)))
		}
		recs = append(recs, r)
	}
	return recs
}

// modelIDs numbers texts (the records' identity texts in answer order) by
// the rule as SPEC words it, with strings: the k-th record of a text takes
// the smallest ordinal n ≥ k whose hashed text (the text, then ␟n for
// n > 1) no earlier record took. It also returns the plain ordinal ids
// (n = k always), which the rule must keep whenever they are unique.
func modelIDs(texts []string) (ids, plain []string) {
	taken := map[string]bool{}
	count := map[string]int{}
	suffixed := func(text string, n int) string {
		if n == 1 {
			return text
		}
		return text + "\x1f" + strconv.Itoa(n)
	}
	for _, text := range texts {
		count[text]++
		n := count[text]
		plain = append(plain, sha256Hex(suffixed(text, n)))
		for taken[suffixed(text, n)] {
			n++
		}
		taken[suffixed(text, n)] = true
		ids = append(ids, sha256Hex(suffixed(text, n)))
	}
	return ids, plain
}

// checkUniqueIDs is the property the fuzz target checks for one answer.
func checkUniqueIDs(t *testing.T, recs []serapi.Record) {
	t.Helper()
	texts := identityTexts(recs)
	want, plain := modelIDs(texts)
	got := idsOf(t, recs)
	if again := idsOf(t, recs); fmt.Sprint(again) != fmt.Sprint(got) {
		t.Fatal("numbering the same answer twice gave other eventIds")
	}
	seen := map[string]int{}
	for i, id := range got {
		if j, dup := seen[id]; dup {
			t.Fatalf("records %d (%q) and %d (%q) share eventId %s", j, texts[j], i, texts[i], id)
		}
		seen[id] = i
		if id != want[i] {
			t.Fatalf("record %d (%q): eventId %s, the rule gives %s", i, texts[i], id, want[i])
		}
	}
	if unique(plain) && fmt.Sprint(plain) != fmt.Sprint(got) {
		t.Fatalf("without a collision the eventIds changed: %v, want the plain ordinal ones %v", got, plain)
	}
}

// identityTexts spells out what the records' first eventIds hash (SPEC §4).
func identityTexts(recs []serapi.Record) []string {
	texts := make([]string, len(recs))
	for i, r := range recs {
		texts[i] = strings.Join([]string{"acme", "2026-11-01T10:00:00.000Z", r.ApplicationName, r.ApplicationUserName,
			strings.Join(r.FromEnvelope, ","), strings.Join(r.FromHeader, ",")}, "\x1f")
	}
	return texts
}

func unique(ids []string) bool {
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			return false
		}
		seen[id] = true
	}
	return true
}

func FuzzRecordIDsUnique(f *testing.F) {
	f.Add([]byte{0, 0, 2, 1, 6}) // h, h, h␟2
	f.Add([]byte{2, 1, 6, 0, 0})
	f.Add([]byte{10, 5, 6, 0, 0, 0, 2, 1, 6, 2, 1, 7})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkUniqueIDs(t, answerFrom(data))
	})
}

// TestRecordIDsUniqueOnRandomAnswers runs the fuzz target's property over
// random answers, so that every test run covers more than the seeds.
func TestRecordIDsUniqueOnRandomAnswers(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 19))
	collided := 0
	for range iterations(500) {
		data := make([]byte, 8+rng.IntN(120))
		for i := range data {
			data[i] = byte(rng.Uint32())
		}
		recs := answerFrom(data)
		checkUniqueIDs(t, recs)
		if _, plain := modelIDs(identityTexts(recs)); !unique(plain) {
			collided++
		}
	}
	if collided == 0 {
		t.Fatal("no random answer had colliding plain ordinals: the test proves nothing")
	}
}
