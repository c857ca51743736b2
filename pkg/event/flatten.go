// flatten.go flattens the records of one fetch of a window into
// ser.applicationUser events (SPEC §4), straight from the decoder's
// RawRecords into a Packer, numbering records that share an identity and
// summing the counters for the window's ser.window event as it goes.

package event

import (
	"crypto/sha256"
	"slices"

	"github.com/serfwd/serfwd/pkg/internal/arena"
	"github.com/serfwd/serfwd/pkg/serapi"
)

// The fixed keys of a ser.applicationUser event, as bytes.
var (
	kEventType, kEventID, kRevision         = []byte(KeyEventType), []byte(KeyEventID), []byte(KeyRevision)
	kInput, kWindowStart, kWindowEnd        = []byte(KeyInput), []byte(KeyWindowStart), []byte(KeyWindowEnd)
	kAppName, kUserName                     = []byte("applicationName"), []byte("applicationUserName")
	kFromEnvelope, kFromHeader              = []byte("fromEnvelope"), []byte("fromHeader")
	kLicenseStart, kLicenseEnd, kThroughput = []byte(KeyLicenseStart), []byte(KeyLicenseEnd), []byte(KeyAnnualThroughput)
	kCounters                               = func() (k [counterCount][]byte) {
		for i, s := range counterKeys {
			k[i] = []byte(s)
		}
		return k
	}()
	vAppUser = []byte(TypeApplicationUser)
)

// The window constants (Consts) in slot order.
const (
	slotLicenseStart = iota
	slotLicenseEnd
	slotThroughput
)

// ID is an eventId in binary: the 32 bytes of its SHA-256.
type ID [sha256.Size]byte

// Flattener flattens the records of one fetch of one window, in answer
// order. It keeps its storage from record to record; Reset readies it for
// another window.
type Flattener struct {
	input      []byte // clean
	start, end []byte // the window's times as text
	ords       Ordinals
	numberer   Numberer // ords unless the caller keeps identities itself
	sums       [counterCount]int64
	records    int
	scratch    []byte
	ev         rawEvent
	arena      arena.Arena
	x          extraAdder
	w          serapi.Window
	inputName  string
	conv       serapi.RawRecord // FromRecord's view of a Record
	templated  bool             // ev holds the fixed fields build makes for Pack
}

// NewFlattener returns a Flattener for window w of input.
func NewFlattener(input string, w serapi.Window) *Flattener {
	f := &Flattener{}
	f.Reset(input, w)
	return f
}

// Number makes f number records with n instead of its own Ordinals, until
// the next Reset.
func (f *Flattener) Number(n Numberer) { f.numberer = n }

// Reset readies f for window w of input.
func (f *Flattener) Reset(input string, w serapi.Window) {
	f.w = w
	if f.inputName != input || f.input == nil {
		f.input = []byte(Clean(input))
	}
	f.start = appendTime(f.start[:0], w.Start)
	f.end = appendTime(f.end[:0], w.End)
	f.ords.reset()
	f.numberer = &f.ords
	f.sums, f.records = [counterCount]int64{}, 0
	f.inputName = input
	f.x = extraAdder{e: &f.ev, a: &f.arena, seen: f.x.seen, next: f.x.next}
}

// Next numbers the next record of the answer and counts it into the
// window's sums. It returns the record's eventId (SPEC §4: the record of
// ordinal n of an identity hashes the identity text followed by ␟n for
// n > 1; see number for which ordinal it takes). Every record must pass
// through Next once, in answer order.
func (f *Flattener) Next(r *serapi.RawRecord) ID {
	f.records++
	c := rawCounters(r)
	for j := range f.sums {
		f.sums[j] = addSat(f.sums[j], c[j])
	}
	// room for ␟ and an ordinal, so that numbering never allocates
	f.scratch = slices.Grow(appendRawIdentity(f.scratch[:0], f.input, f.start, r), 1+20)
	id, _ := number(f.numberer, f.scratch)
	return id
}

// Pack adds the event of record r, whose eventId Next returned, to p at
// the given revision. Its entitlement keys take their values from the
// window's constants, which the batch carries (Consts).
func (f *Flattener) Pack(p *Packer, r *serapi.RawRecord, id *ID, revision int64) {
	f.build(r, id, revision, nil)
	p.addRaw(&f.ev)
}

// Records is how many records Next counted.
func (f *Flattener) Records() int { return f.records }

// WindowEvent is the window's ser.window event: the records counted by
// Next, their sums and the entitlement (ent may be nil).
func (f *Flattener) WindowEvent(ent *serapi.Entitlement, revision int64) Event {
	return windowEvent(f.inputName, f.w, f.records, &f.sums, ent, revision)
}

// The positions of the fixed fields that change from record to record in
// an event build makes, and how many fixed fields it has with the window
// constants' slots.
const (
	fieldID, fieldRevision, fieldInput, fieldStart, fieldEnd = 1, 2, 3, 4, 5
	fieldApp, fieldUser, fieldFromEnvelope, fieldFromHeader  = 6, 7, 8, 9
	fieldCounters                                            = 10
	fixedFields                                              = fieldCounters + counterCount + 3
)

// build fills f.ev with record r's event; the entitlement keys get the
// values of ent, or (ent nil) the window constants' slots. With the slots,
// the fixed fields of the last event are kept and only their values set.
func (f *Flattener) build(r *serapi.RawRecord, id *ID, revision int64, ent *serapi.Entitlement) {
	e := &f.ev
	if ent == nil && f.templated && len(e.fields) >= fixedFields {
		f.update(r, id, revision)
		return
	}
	f.templated = ent == nil
	e.reset()
	f.arena.Reset()
	e.str(kEventType, vAppUser)
	e.fields = append(e.fields, rawField{key: kEventID, kind: String, text: f.arena.Copy(id[:]), id: true})
	e.integer(kRevision, revision)
	e.str(kInput, f.input)
	e.str(kWindowStart, f.start)
	e.str(kWindowEnd, f.end)
	e.str(kAppName, r.ApplicationName)
	e.str(kUserName, r.ApplicationUserName)
	from := len(e.items)
	e.items = append(e.items, r.FromEnvelope...)
	e.list(kFromEnvelope, from)
	from = len(e.items)
	e.items = append(e.items, r.FromHeader...)
	e.list(kFromHeader, from)
	c := rawCounters(r)
	for i := range c {
		e.integer(kCounters[i], c[i])
	}
	if ent == nil {
		e.constant(kLicenseStart, slotLicenseStart)
		e.constant(kLicenseEnd, slotLicenseEnd)
		e.constant(kThroughput, slotThroughput)
	} else {
		e.str(kLicenseStart, []byte(Clean(ent.LicenseStart)))
		e.str(kLicenseEnd, []byte(Clean(ent.LicenseEnd)))
		e.integer(kThroughput, ent.AnnualThroughput)
	}
	e.static = len(e.fields)
	if ent == nil {
		e.layout = layoutPack
	}
	f.x.addAll(r.Extra)
}

// update sets the values of the fixed fields of the event build made last
// to record r's, and adds r's extras.
func (f *Flattener) update(r *serapi.RawRecord, id *ID, revision int64) {
	e := &f.ev
	clear(e.fields[fixedFields:]) // let go of the last record's bytes
	clear(e.items)
	e.fields, e.items = e.fields[:fixedFields], e.items[:0]
	f.arena.Reset()
	fs := e.fields
	fs[fieldID].text, fs[fieldRevision].num = f.arena.Copy(id[:]), revision
	fs[fieldInput].text, fs[fieldStart].text, fs[fieldEnd].text = f.input, f.start, f.end
	fs[fieldApp].text, fs[fieldUser].text = r.ApplicationName, r.ApplicationUserName
	e.items = append(append(e.items, r.FromEnvelope...), r.FromHeader...)
	n := len(r.FromEnvelope)
	fs[fieldFromEnvelope].items, fs[fieldFromHeader].items = nilIfEmpty(e.items[:n:n]), nilIfEmpty(e.items[n:len(e.items):len(e.items)])
	c := rawCounters(r)
	for i := range c {
		fs[fieldCounters+i].num = c[i]
	}
	f.x.addAll(r.Extra)
}

func nilIfEmpty(items [][]byte) [][]byte {
	if len(items) == 0 {
		return nil
	}
	return items
}

// rawCounters returns r's counters in counterKeys order.
func rawCounters(r *serapi.RawRecord) [counterCount]int64 {
	return counterValues(&r.Status, &r.Size, &r.Details)
}

// appendRawIdentity appends the text a record's first eventId hashes:
// input␟windowStart␟applicationName␟applicationUserName␟fromEnvelope␟fromHeader.
func appendRawIdentity(b, input, start []byte, r *serapi.RawRecord) []byte {
	b = append(b, input...)
	b = append(b, idSep)
	b = append(b, start...)
	b = append(b, idSep)
	b = append(b, r.ApplicationName...)
	b = append(b, idSep)
	b = append(b, r.ApplicationUserName...)
	b = append(b, idSep)
	b = appendItems(b, r.FromEnvelope)
	b = append(b, idSep)
	return appendItems(b, r.FromHeader)
}

func appendItems(dst []byte, list [][]byte) []byte {
	for i, s := range list {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, s...)
	}
	return dst
}

// Consts is the window constants of a batch: the entitlement values that
// the events packed by a Flattener leave out, in the packed form (one event)
// that UnpackWith expects.
func Consts(ent *serapi.Entitlement) []byte {
	var e Event
	addEntitlement(&e, ent)
	var p Packer
	p.Add(&e)
	return p.AppendPacked(nil)
}
