// packed_test.go checks the packed batch form: round trips of random and
// flattened events, texts written once, hex packing, independence of the
// decoded events, and malformed batches that must fail without panicking.

package event

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// pack packs events with p (a fresh Packer when nil).
func pack(p *Packer, events []Event) []byte {
	if p == nil {
		p = new(Packer)
	}
	for i := range events {
		p.Add(&events[i])
	}
	return p.AppendPacked(nil)
}

func unpackSame(t *testing.T, b []byte, want []Event) []Event {
	t.Helper()
	got, err := Unpack(b)
	if err != nil {
		t.Fatalf("unpack: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("unpacked %d events, want %d", len(got), len(want))
	}
	for i := range want {
		sameEvent(t, got[i], want[i])
	}
	return got
}

func flattenedEvents(n int) []Event {
	r := referenceRecord()
	r.Extra = append(r.Extra, extra("limits", `{"perHour": 5, "tags": ["a", "b"]}`), extra("ratio", `0.25`))
	out := make([]Event, 0, n+1)
	recs := make([]serapi.Record, n)
	for i := range recs {
		recs[i] = r
		recs[i].ApplicationUserName = fmt.Sprintf("user-%d", i)
		recs[i].FromHeader = []string{"a.example", "b.example", "c.example"}[:i%4]
		recs[i].Status.Success = int64(i * 7919)
		out = append(out, FromRecord("acme", testWindow, &recs[i], &testEntitlement, int64(i%3)))
	}
	return append(out, FromWindow("acme", testWindow, recs, &testEntitlement, 0))
}

func TestPackedRoundTrip(t *testing.T) {
	rng := newRand(t, 21)
	p := new(Packer) // reused across batches, as the state package does
	for range iterations(300) {
		events := make([]Event, rng.IntN(40))
		for i := range events {
			events[i] = randEvent(rng)
			if i > 0 && rng.IntN(3) == 0 {
				events[i] = events[rng.IntN(i)] // repeated shapes and texts
			}
		}
		unpackSame(t, pack(p, events), events)
	}
	flat := flattenedEvents(500)
	unpackSame(t, pack(p, flat), flat)
	unpackSame(t, pack(p, nil), nil)
}

// TestPackedTextsOnce checks that a text repeated by every event is stored
// once, and that the 64-digit eventId takes 32 bytes.
func TestPackedTextsOnce(t *testing.T) {
	flat := flattenedEvents(200)
	b := pack(nil, flat)
	if n := bytes.Count(b, []byte(FormatTime(testWindow.Start))); n != 1 {
		t.Errorf("windowStart stored %d times, want once", n)
	}
	if n := bytes.Count(b, []byte("applicationUserName")); n != 1 {
		t.Errorf("key stored %d times, want once", n)
	}
	id := flat[0].ID()
	if len(id) != 64 || bytes.Contains(b, []byte(id)) {
		t.Errorf("eventId %q stored as text", id)
	}
	var asJSON []byte
	for i := range flat {
		asJSON = flat[i].AppendJSON(asJSON)
	}
	if len(b)*4 > len(asJSON) {
		t.Errorf("packed %d bytes, as JSON %d: want under a quarter", len(b), len(asJSON))
	}
}

func TestPackedHex(t *testing.T) {
	texts := []string{"0123456789abcdef", "0123456789abcdeF", "0123456789abcde", "0123456789abcdef0", "",
		strings.Repeat("ff", 100), "0123456789abcdeg", "g123456789abcdef", "0123456789abcdef01",
		"0123456789abcdef0123", "0123456789abcdef012345", strings.Repeat("a0", 33)}
	var events []Event
	for _, s := range texts {
		var e Event
		e.AddString("id", s)
		e.AddList("ids", []string{s, s})
		events = append(events, e)
	}
	unpackSame(t, pack(nil, events), events)
	viewSame(t, new(Packed), new(JSON), pack(nil, events), nil)
}

func TestPackedKinds(t *testing.T) {
	in := []Event{
		{Fields: []Field{{Key: "u", Kind: 9, Str: "x"}, {Key: "z"}, {Key: "l", Kind: List, List: []string{}}}},
		{Fields: []Field{{Key: "u", Kind: Raw}, {Key: "z", Kind: Raw}, {Key: "l", Kind: List}}},
	}
	want := Event{Fields: []Field{{Key: "u", Kind: Raw}, {Key: "z", Kind: Raw}, {Key: "l", Kind: List, List: []string{}}}}
	got := unpackSame(t, pack(nil, in), []Event{want, want})
	for _, e := range got {
		if e.Fields[2].List == nil {
			t.Fatal("decoded list is nil, want empty")
		}
	}
}

// TestPackedIndependent checks that decoded events share no writable
// memory: with each other (appends) or with the input bytes.
func TestPackedIndependent(t *testing.T) {
	flat := flattenedEvents(3)
	b := pack(nil, flat)
	got, err := Unpack(b)
	if err != nil {
		t.Fatal(err)
	}
	want1 := string(got[1].AppendJSON(nil))
	got[0].AddString("added", "x")
	got[0].Fields[0].List = append(got[0].Fields[0].List, "y")
	for i := range got[0].Fields {
		if f := &got[0].Fields[i]; f.Kind == List {
			f.List = append(f.List, "more")
		}
	}
	clear(b)
	if s := string(got[1].AppendJSON(nil)); s != want1 {
		t.Fatalf("event 1 changed:\n got %s\nwant %s", s, want1)
	}
}

// TestPackedEveryPrefixFails cuts a packed batch at every length: each proper
// prefix must be an error, never fewer events or a panic.
func TestPackedEveryPrefixFails(t *testing.T) {
	rng := newRand(t, 22)
	events := flattenedEvents(3)
	for range 20 {
		events = append(events, randEvent(rng))
	}
	b := pack(nil, events)
	for n := range len(b) {
		if got, err := Unpack(append([]byte(nil), b[:n]...)); err == nil {
			t.Fatalf("prefix %d of %d unpacked into %d events", n, len(b), len(got))
		}
	}
	if _, err := Unpack(append(b, 0)); err == nil {
		t.Fatal("a batch with a trailing byte unpacked")
	}
}

func TestPackedGarbage(t *testing.T) {
	good := pack(nil, flattenedEvents(2))
	for i := range good {
		for _, v := range []byte{0, 1, 2, 3, 4, 5, 9, 0x7f, 0x80, 0xff} {
			b := append([]byte(nil), good...)
			b[i] = v
			unpackGarbage(t, b)
		}
	}
	rng := newRand(t, 23)
	for range iterations(20000) {
		b := make([]byte, rng.IntN(48))
		for i := range b {
			b[i] = byte(rng.IntN(8))
		}
		unpackGarbage(t, b)
	}
}

// unpackGarbage unpacks b; when that succeeds the events must survive a
// second round trip unchanged. An opened view of b must agree (viewSame).
func unpackGarbage(t *testing.T, b []byte) {
	t.Helper()
	viewSame(t, new(Packed), new(JSON), b, nil)
	events, err := Unpack(b)
	if err != nil {
		if events != nil {
			t.Fatalf("error %v with events", err)
		}
		return
	}
	unpackSame(t, pack(nil, events), events)
}

func FuzzUnpack(f *testing.F) {
	f.Add(pack(nil, flattenedEvents(2)))
	f.Add(pack(nil, []Event{{Fields: []Field{{Key: "l", Kind: List, List: []string{"0123456789abcdef"}}}}}))
	f.Add([]byte{1, 0, 1, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) { unpackGarbage(t, b) })
}

// TestVarintsAsBinary: the reader's varints read and refuse exactly what
// encoding/binary does, at every length and at the end of the input.
func TestVarintsAsBinary(t *testing.T) {
	rng := newRand(t, 24)
	var cases [][]byte
	for _, v := range []uint64{0, 1, 127, 128, 300, 1 << 35, 1<<63 - 1, 1 << 63, ^uint64(0)} {
		cases = append(cases, binary.AppendUvarint(nil, v))
	}
	cases = append(cases, []byte{0x80}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02},
		[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, nil)
	for range 5000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		cases = append(cases, b)
	}
	for _, b := range cases {
		wantU, nu := binary.Uvarint(b)
		r := binReader{b: b}
		if got := r.uvarint(); (r.err == nil) != (nu > 0) || nu > 0 && (got != wantU || r.off != nu) {
			t.Fatalf("uvarint(%x) = %d at %d, err %v; binary: %d, %d", b, got, r.off, r.err, wantU, nu)
		}
		wantS, ns := binary.Varint(b)
		r = binReader{b: b}
		if got := r.varint(); (r.err == nil) != (ns > 0) || ns > 0 && (got != wantS || r.off != ns) {
			t.Fatalf("varint(%x) = %d at %d, err %v; binary: %d, %d", b, got, r.off, r.err, wantS, ns)
		}
	}
}
