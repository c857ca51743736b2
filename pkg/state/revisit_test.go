package state

import (
	"crypto/sha256"
	"strconv"
	"testing"
	"time"
)

func testID(i int) EventID { return sha256.Sum256([]byte(strconv.Itoa(i))) }

func testRevisit(start time.Time, n int) *Revisit {
	r := &Revisit{Start: start, End: start.Add(time.Hour), First: start.Add(2 * time.Hour), Due: start.Add(3 * time.Hour),
		Attempts: 2, Window: Record{Hash: 7, Revision: 1}}
	for i := range n {
		r.Records = append(r.Records, Record{ID: testID(i), Hash: uint64(i) << 40, Revision: int64(i % 3)})
	}
	SortRecords(r.Records)
	return r
}

func TestRevisitRoundTrip(t *testing.T) {
	s, _ := openTemp(t)
	start := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	r := testRevisit(start, 50)
	if err := s.Commit(Commit{Input: "i", Revisit: r}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Revisits("i")
	if err != nil || len(got) != 1 {
		t.Fatalf("revisits: %v %v", got, err)
	}
	g := got[0]
	if !g.Start.Equal(r.Start) || !g.End.Equal(r.End) || !g.First.Equal(r.First) || !g.Due.Equal(r.Due) ||
		g.Attempts != 2 || g.Window != r.Window || len(g.Records) != 50 {
		t.Fatalf("revisit round trip: got %+v", g)
	}
	for i := range r.Records {
		if g.Records[i] != r.Records[i] {
			t.Fatalf("record %d: got %+v, want %+v", i, g.Records[i], r.Records[i])
		}
	}
	k, ok := g.Find(testID(7))
	if !ok || g.Records[k].Hash != 7<<40 {
		t.Fatalf("Find(7) = %d, %v", k, ok)
	}
	if _, ok := g.Find(testID(99)); ok {
		t.Fatal("Find found an id that is not there")
	}
	one, ok, err := s.Revisit("i", start)
	if err != nil || !ok || len(one.Records) != 50 || !one.Start.Equal(start) {
		t.Fatalf("Revisit(start): %+v %v %v", one, ok, err)
	}
	if _, ok, _ := s.Revisit("i", start.Add(time.Hour)); ok {
		t.Fatal("Revisit found a window that is not listed")
	}
	infos, err := s.RevisitInfos("i")
	if err != nil || len(infos) != 1 || infos[0].Records != 50 || infos[0].Attempts != 2 || !infos[0].Due.Equal(r.Due) {
		t.Fatalf("infos: %+v %v", infos, err)
	}
	if in, _ := s.RevisitInputs(); len(in) != 1 || in[0] != "i" {
		t.Fatalf("inputs with revisits: %v", in)
	}
	if err := s.Commit(Commit{Input: "i", Settled: start}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Revisits("i"); len(got) != 0 {
		t.Fatalf("settled window still listed: %+v", got)
	}
	if in, _ := s.RevisitInputs(); len(in) != 0 {
		t.Fatalf("inputs with an empty revisit list still named: %v", in)
	}
}

func TestDropRevisitsKeepsOthers(t *testing.T) {
	s, _ := openTemp(t)
	start := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	for h := range 4 {
		if err := s.Commit(Commit{Input: "i", Revisit: testRevisit(start.Add(time.Duration(h)*time.Hour), 2)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DropRevisits("i", []time.Time{start, start.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	infos, _ := s.RevisitInfos("i")
	if len(infos) != 2 || !infos[0].Start.Equal(start.Add(time.Hour)) || !infos[1].Start.Equal(start.Add(3*time.Hour)) {
		t.Fatalf("after dropping two: %+v", infos)
	}
}

func TestDecodeRevisitRejectsDamage(t *testing.T) {
	good := encodeRevisit(testRevisit(time.Unix(0, 0), 3))
	if _, err := decodeRevisit(good); err != nil {
		t.Fatal(err)
	}
	unsorted := testRevisit(time.Unix(0, 0), 3)
	unsorted.Records[0], unsorted.Records[1] = unsorted.Records[1], unsorted.Records[0]
	tests := map[string][]byte{
		"empty":         nil,
		"wrong format":  append([]byte{9}, good[1:]...),
		"trailing byte": append(append([]byte(nil), good...), 0),
		"unsorted":      encodeRevisit(unsorted),
	}
	for i := 1; i < len(good); i++ {
		tests["cut at "+strconv.Itoa(i)] = good[:i]
	}
	for name, v := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := decodeRevisit(v); err == nil {
				t.Fatal("damaged entry decoded without error")
			}
		})
	}
}
