// view_test.go checks opened packed batches (view.go) and their JSON
// (viewjson.go) against Unpack and Event.AppendJSON: the same batches
// accepted, the same events, the same bytes.

package event

import (
	"bytes"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// viewSame opens b with consts and checks it against UnpackWith: both
// accept it or both refuse it; when accepted, the walk, Events and the JSON
// renderer give exactly Unpack's events and their AppendJSON. It returns
// whether b was accepted.
func viewSame(t *testing.T, p *Packed, j *JSON, b []byte, consts []Field) bool {
	t.Helper()
	want, uerr := UnpackWith(b, consts)
	err := p.Open(b, consts)
	if (err == nil) != (uerr == nil) {
		t.Fatalf("Open: %v, Unpack: %v", err, uerr)
	}
	if err != nil {
		if p.Len() != 0 || p.Next(new(View)) {
			t.Fatal("a batch that failed to open has events")
		}
		return false
	}
	if p.Len() != len(want) {
		t.Fatalf("Len %d, Unpack %d events", p.Len(), len(want))
	}
	all := p.Events()
	var v View
	n := 0
	for p.Next(&v) {
		sameEvent(t, p.Event(&v), want[n])
		sameEvent(t, all[n], want[n])
		got, exp := j.Append([]byte("x"), p, &v), want[n].AppendJSON([]byte("x"))
		if !bytes.Equal(got, exp) {
			t.Fatalf("event %d as JSON:\n got %s\nwant %s", n, got, exp)
		}
		n++
	}
	if n != len(want) {
		t.Fatalf("walked %d events, want %d", n, len(want))
	}
	return true
}

func TestViewMatchesUnpack(t *testing.T) {
	rng := newRand(t, 31)
	var p Packed // reused across batches, as a sink does
	var j JSON
	pk := new(Packer)
	for range iterations(300) {
		events := make([]Event, rng.IntN(40))
		for i := range events {
			events[i] = randEvent(rng)
			if i > 0 && rng.IntN(3) == 0 {
				events[i] = events[rng.IntN(i)]
			}
		}
		viewSame(t, &p, &j, pack(pk, events), nil)
	}
	viewSame(t, &p, &j, pack(pk, flattenedEvents(500)), nil)
	viewSame(t, &p, &j, pack(pk, nil), nil)
	viewSame(t, &p, &j, pack(pk, []Event{{}, {Fields: []Field{{Key: "l", Kind: List}}}, {}}), nil)
}

// TestViewWindowConstants: flattened records leave the entitlement to the
// window constants; a walk resolves them as UnpackWith does, and a batch
// that needs them cannot be opened without them.
func TestViewWindowConstants(t *testing.T) {
	h := &packing{f: NewFlattener("acme", testWindow), p: new(Packer)}
	if err := serapi.DecodeStream(bytes.NewReader(variedBody(300)), h); err != nil {
		t.Fatal(err)
	}
	b := h.p.AppendPacked(nil)
	cs, err := Unpack(Consts(&h.ent))
	if err != nil {
		t.Fatal(err)
	}
	var p Packed
	var j JSON
	if !viewSame(t, &p, &j, b, cs[0].Fields) {
		t.Fatal("the batch did not open")
	}
	if viewSame(t, &p, &j, b, nil) || viewSame(t, &p, &j, b, cs[0].Fields[:2]) {
		t.Fatal("a batch opened without the window constants it needs")
	}
	odd := []Field{{Key: "a", Kind: List, List: []string{"x", "y\n"}}, {Key: "b", Kind: Raw}, {Key: "c", Kind: Int, Int: -5}}
	if !viewSame(t, &p, &j, b, odd) {
		t.Fatal("the batch did not open with constants of other kinds")
	}
}

// TestViewWalkIsRepeatable: Rewind starts over, Events does not disturb a
// walk, and texts stay valid until the next Open.
func TestViewWalkIsRepeatable(t *testing.T) {
	flat := flattenedEvents(20)
	var p Packed
	if err := p.Open(pack(nil, flat), nil); err != nil {
		t.Fatal(err)
	}
	var j JSON
	var v View
	var first []byte
	for p.Next(&v) {
		first = j.Append(first, &p, &v)
		_ = p.Events()
	}
	p.Rewind()
	var again []byte
	for p.Next(&v) {
		again = j.Append(again, &p, &v)
	}
	if !bytes.Equal(first, again) || len(first) == 0 {
		t.Fatal("a second walk rendered other bytes")
	}
}

// TestViewUnusedShapeOfAMissingConstant: a batch whose shape that no event
// uses names a window constant the batch lacks is read as Unpack reads it
// (accepted), and rendering its events does not look the constant up. The
// bytes: 1 event, 1 text, 2 shapes, 1 field; text "v"; shape 0: a string
// field "a"; shape 1: a field "b" held by window constant 5 (kind 0x45);
// the event: shape 0, text 0.
func TestViewUnusedShapeOfAMissingConstant(t *testing.T) {
	b := []byte{1, 1, 2, 1, 0, 2, 'v', 1, 0x01, 2, 'a', 1, 0x45, 2, 'b', 0, 0}
	var p Packed
	var j JSON
	if !viewSame(t, &p, &j, b, nil) {
		t.Fatal("the batch was refused; Unpack accepts it")
	}
	evs, err := UnpackWith(b, nil)
	if err != nil || len(evs) != 1 || string(evs[0].AppendJSON(nil)) != `{"a":"v"}` {
		t.Fatalf("Unpack: %v, %d events", err, len(evs))
	}
}
