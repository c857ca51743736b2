// flatten_test.go checks that records flattened straight from the decoder
// into packed batches give exactly the events FromReport makes of the same
// answer, window constants and ordinals included.

package event

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/serfwd/serfwd/pkg/serapi"
)

// variedBody is an answer whose records use every shape the flattener
// handles (and every fifth none of the unknown fields): repeated identities, addresses as strings and lists, escapes and
// non-ASCII text, unknown fields of each JSON type, clashing names, blocks
// with unknown keys; the entitlement block comes last.
func variedBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"applicationUsers":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		user := fmt.Sprintf("user-%d", i%(n/2+1)) // the second half repeats the first
		if i%5 == 3 {                             // now and then a record without unknown fields
			fmt.Fprintf(&b, `{"applicationName":"Plain","applicationUserName":%q,"fromHeader":["a.example","b.example"],"status":{"total":%d}}`, user, i)
			continue
		}
		fmt.Fprintf(&b, `{"applicationName":"App \u00e9 %d","applicationUserName":%q,"fromEnvelope":%s,"fromHeader":"example.com",`+
			`"status":{"success":"%d","failure":3,"tempFailure":%d,"queued":%d},"messageSizeTotal":%d,`+
			`"details":{"2.x.x":1,"9.X.X":2},"region":"eu\n%d","limits":{"perHour":500,"burst":true,"deep":{"a":[1,2]}},`+
			`"tags":["a",1,null,"\"q\""],"nested":[{"x":1}],"ratio":0.5,"big":123456789012345678901,"success":"clash","":"empty","extra_success":7,"nil":null}`,
			i%7, user, []string{`["a@example.com","b@example.com"]`, `"solo@example.com"`, `[]`, `null`}[i%4], i%40, i%3, i, i%5, i)
	}
	b.WriteString(`],"entitlement":{"annual_throughput":"1099511627776","license_start":"2026-01-01T00:00:00.000Z","license_end":"2027-01-01T00:00:00.000Z"}}`)
	return b.Bytes()
}

// packing is a Handler that flattens every record into a Packer.
type packing struct {
	f   *Flattener
	p   *Packer
	ids []ID
	ent serapi.Entitlement
}

func (h *packing) Record(r *serapi.RawRecord) error {
	id := h.f.Next(r)
	h.ids = append(h.ids, id)
	h.f.Pack(h.p, r, &id, 0)
	return nil
}

func (h *packing) Entitlement(e serapi.Entitlement) error { h.ent = e; return nil }

func TestFlattenerMatchesFromReport(t *testing.T) {
	for _, n := range []int{0, 1, 40, 700} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			body := variedBody(n)
			rep, err := serapi.Decode(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			want := FromReport("acme", testWindow, rep)

			h := &packing{f: NewFlattener("acme", testWindow), p: new(Packer)}
			if err := serapi.DecodeStream(bytes.NewReader(body), h); err != nil {
				t.Fatal(err)
			}
			consts, err := Unpack(Consts(&h.ent))
			if err != nil || len(consts) != 1 {
				t.Fatalf("window constants: %v", err)
			}
			got, err := UnpackWith(h.p.AppendPacked(nil), consts[0].Fields)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, h.f.WindowEvent(&h.ent, 0))
			if len(got) != len(want) {
				t.Fatalf("%d events, want %d", len(got), len(want))
			}
			for i := range want {
				g, w := string(got[i].AppendJSON(nil)), string(want[i].AppendJSON(nil))
				if g != w {
					t.Fatalf("event %d:\n got %s\nwant %s", i, g, w)
				}
				if i < len(h.ids) && fmt.Sprintf("%x", h.ids[i]) != want[i].ID() {
					t.Fatalf("Next gave eventId %x for record %d, want %s", h.ids[i], i, want[i].ID())
				}
			}
			if n > 2 && !strings.Contains(string(body), `"user-0"`) {
				t.Fatal("the body lacks repeated identities")
			}
		})
	}
}

// TestUnpackNeedsItsConstants: a batch that leaves values to the window
// constants cannot be read without them.
func TestUnpackNeedsItsConstants(t *testing.T) {
	h := &packing{f: NewFlattener("acme", testWindow), p: new(Packer)}
	if err := serapi.DecodeStream(bytes.NewReader(variedBody(3)), h); err != nil {
		t.Fatal(err)
	}
	if _, err := Unpack(h.p.AppendPacked(nil)); err == nil {
		t.Fatal("Unpack read a batch without its window constants")
	}
}

// TestRawCountersHashMatchesRecord: revisits compare hashes stored from
// earlier fetches, so a decoded record hashes as its Record form does.
func TestRawCountersHashMatchesRecord(t *testing.T) {
	body := variedBody(50)
	rep, err := serapi.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var got []uint64
	h := hashing{fn: func(r *serapi.RawRecord) { got = append(got, RawCountersHash(r)) }}
	if err := serapi.DecodeStream(bytes.NewReader(body), h); err != nil {
		t.Fatal(err)
	}
	for i, r := range rep.Users.All() {
		if want := CountersHash(r); got[i] != want {
			t.Fatalf("record %d: RawCountersHash %x, CountersHash %x", i, got[i], want)
		}
	}
}

type hashing struct{ fn func(*serapi.RawRecord) }

func (h hashing) Record(r *serapi.RawRecord) error     { h.fn(r); return nil }
func (h hashing) Entitlement(serapi.Entitlement) error { return nil }
