// binary_test.go checks the binary codec: round trips, streams of events,
// and malformed input that must fail without panicking.
package event

import (
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

func TestBinaryRoundTrip(t *testing.T) {
	rng := newRand(t, 2)
	for range iterations(20000) {
		e := randEvent(rng)
		b := e.AppendBinary([]byte("prefix"))
		got, rest, err := DecodeBinary(b[len("prefix"):])
		if err != nil || len(rest) != 0 {
			t.Fatalf("decode: %v, %d bytes left", err, len(rest))
		}
		sameEvent(t, got, e)
	}
}

func TestBinaryRoundTripFlattened(t *testing.T) {
	r := referenceRecord()
	r.Extra = append(r.Extra, extra("limits", `{"perHour": 5, "tags": ["a", "b"]}`), extra("ratio", `0.25`))
	for _, e := range []Event{
		FromRecord("acme", testWindow, &r, &testEntitlement, 3),
		FromWindow("acme", testWindow, []serapi.Record{r, r}, nil, 1),
	} {
		got, rest, err := DecodeBinary(e.AppendBinary(nil))
		if err != nil || len(rest) != 0 {
			t.Fatalf("decode: %v, %d bytes left", err, len(rest))
		}
		sameEvent(t, got, e)
	}
}

func TestBinaryStream(t *testing.T) {
	rng := newRand(t, 3)
	var events []Event
	var b []byte
	for range 200 {
		e := randEvent(rng)
		events = append(events, e)
		b = e.AppendBinary(b)
	}
	for i := range events {
		var got Event
		var err error
		if got, b, err = DecodeBinary(b); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		sameEvent(t, got, events[i])
	}
	if len(b) != 0 {
		t.Fatalf("%d bytes left", len(b))
	}
}

// TestBinaryEveryPrefixFails cuts encoded events at every length: each proper
// prefix must be an error, never a shorter event or a panic.
func TestBinaryEveryPrefixFails(t *testing.T) {
	rng := newRand(t, 4)
	r := referenceRecord()
	events := []Event{FromRecord("acme", testWindow, &r, &testEntitlement, 0)}
	for range iterations(300) {
		events = append(events, randEvent(rng))
	}
	for _, e := range events {
		b := e.AppendBinary(nil)
		for n := range len(b) {
			cut := append([]byte(nil), b[:n]...)
			if got, rest, err := DecodeBinary(cut); err == nil {
				t.Fatalf("prefix %d of %d decoded: %s, rest %q", n, len(b), got.AppendJSON(nil), rest)
			}
		}
	}
}

func TestBinaryGarbage(t *testing.T) {
	rng := newRand(t, 5)
	for range iterations(50000) {
		b := make([]byte, rng.IntN(64))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		if rng.IntN(2) == 0 && len(b) > 0 {
			b[0] = byte(rng.IntN(4)) // a plausible field count
		}
		decodeGarbage(t, b)
	}
	// Flip single bytes of a real event.
	r := referenceRecord()
	e := FromRecord("acme", testWindow, &r, &testEntitlement, 0)
	good := e.AppendBinary(nil)
	for i := range good {
		for _, v := range []byte{0, 1, 4, 5, 0x7f, 0x80, 0xff} {
			b := append([]byte(nil), good...)
			b[i] = v
			decodeGarbage(t, b)
		}
	}
}

// decodeGarbage decodes b; when that succeeds the result must survive a
// second round trip unchanged.
func decodeGarbage(t *testing.T, b []byte) {
	t.Helper()
	e, rest, err := DecodeBinary(b)
	if err != nil {
		if rest != nil || e.Fields != nil {
			t.Fatalf("error %v with a result", err)
		}
		return
	}
	if len(rest) > len(b) {
		t.Fatalf("rest longer than input")
	}
	again, rest2, err := DecodeBinary(e.AppendBinary(nil))
	if err != nil || len(rest2) != 0 {
		t.Fatalf("re-decode of %q: %v", b, err)
	}
	sameEvent(t, again, e)
}

func TestBinaryKinds(t *testing.T) {
	tests := []struct {
		name string
		in   Field
		want Field
	}{
		{"unknown kind becomes raw null", Field{Key: "u", Kind: 9, Str: "x"}, Field{Key: "u", Kind: Raw}},
		{"zero kind becomes raw null", Field{Key: "z"}, Field{Key: "z", Kind: Raw}},
		{"empty list", Field{Key: "l", Kind: List, List: []string{}}, Field{Key: "l", Kind: List, List: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := Event{Fields: []Field{tt.in}}
			got, _, err := DecodeBinary(e.AppendBinary(nil))
			if err != nil {
				t.Fatal(err)
			}
			sameEvent(t, got, Event{Fields: []Field{tt.want}})
			if got.Fields[0].Kind == List && got.Fields[0].List == nil {
				t.Fatal("decoded list is nil, want empty")
			}
		})
	}
	if _, _, err := DecodeBinary([]byte{1, 1, 'k', 7, 0}); err == nil {
		t.Fatal("kind 7 decoded")
	}
}
