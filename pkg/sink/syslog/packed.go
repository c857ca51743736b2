// packed.go renders messages straight from the queue's packed batches
// (event.Packed), byte for byte as formatter does from events: per batch
// every text is escaped once for the payload, per key order the payload
// names of the keys and the fields the message looks up are found once,
// and the header is rendered again only when the time, the eventType or
// the severity change. A message longer than max_message_bytes is copied
// out as an event and shortened by the formatter's own rules.

package syslog

import (
	"strconv"
	"time"
	"unsafe"

	"github.com/serfwd/serfwd/pkg/event"
)

// packedFormatter renders messages from the Views of opened batches. It
// keeps its renderings from batch to batch; it is not safe for concurrent
// use.
type packedFormatter struct {
	f       *formatter
	texts   event.Renderings // every text escaped as a LEEF or CEF value
	json    event.JSON
	id      uint64 // the batch shapes describes
	shapes  []packedShape
	view    event.View
	times   []fieldTime // CEF: per field of the current key order, its last time rendered
	head    headCache
	scratch []byte
}

// packedShape is what one key order of a batch needs for its messages.
type packedShape struct {
	start, eventType, failure, total, user int // field indexes, -1 when absent or of another kind
	prefix                                 []byte
	ends                                   []int32 // per field: the end of what precedes its value in prefix
	millis                                 []bool  // CEF: per field, its text is sent as epoch ms when it is a time
}

// fieldTime is a CEF field's last text and its rendering as epoch ms.
type fieldTime struct {
	id   uint64
	ref  int32
	text []byte
}

func newPackedFormatter(f *formatter) *packedFormatter { return &packedFormatter{f: f} }

// prepare readies pf for the key orders and texts of p.
func (pf *packedFormatter) prepare(p *event.Packed) {
	switch pf.f.format {
	case "cef":
		pf.texts.Prepare(p, func(dst, s []byte, _ bool) []byte { return appendCEFValueText(dst, unsafeString(s)) })
	case "json":
		pf.json.Prepare(p)
	default:
		pf.texts.Prepare(p, func(dst, s []byte, _ bool) []byte { return appendLEEFText(dst, unsafeString(s)) })
	}
	if pf.id == p.ID() {
		return
	}
	pf.id, pf.shapes = p.ID(), pf.shapes[:0]
	for i := range p.Shapes() {
		pf.shapes = append(pf.shapes, pf.shape(&p.Shapes()[i]))
	}
}

// shape finds what a key order needs.
func (pf *packedFormatter) shape(sh *event.Shape) packedShape {
	of := func(key string, kind event.Kind) int {
		if j := sh.Index(key); j >= 0 && (kind == 0 || sh.Kinds[j] == kind) {
			return j
		}
		return -1
	}
	ps := packedShape{start: of(event.KeyWindowStart, event.String), eventType: of(event.KeyEventType, event.String),
		failure: of(event.KeyFailure, event.Int), total: of(keyTotal, event.Int), user: of(keyApplicationUserName, 0)}
	n := pf.f.namer
	if n == nil { // json
		return ps
	}
	n.nameKeys(sh.Keys)
	for i := range sh.Keys {
		if pf.f.format == "cef" {
			ps.prefix = appendCEFKey(ps.prefix, n.names[i], n.spec[i])
			t := cefTargetOf(n.spec[i])
			ps.millis = append(ps.millis, t != nil && t.millis && sh.Kinds[i] == event.String)
		} else {
			ps.prefix = append(append(append(ps.prefix, leefDelimiter), n.names[i]...), '=')
		}
		ps.ends = append(ps.ends, int32(len(ps.prefix)))
	}
	return ps
}

// text is the text of field i of v, "" when i is -1.
func text(p *event.Packed, v *event.View, i int) string {
	if i < 0 {
		return ""
	}
	return p.Text(v.Values[i].Text)
}

// integer is the integer of field i of v, 0 when i is -1.
func integer(v *event.View, i int) int64 {
	if i < 0 {
		return 0
	}
	return v.Values[i].Int
}

// appendMessage appends the message of the event v of p, as
// formatter.appendMessage does; a message longer than the limit is made by
// that very function from the event copied out, which it returns.
func (pf *packedFormatter) appendMessage(dst []byte, p *event.Packed, v *event.View) ([]byte, shortening, bool, *event.Event) {
	pf.prepare(p)
	start := len(dst)
	dst = pf.render(dst, p, v)
	if len(dst)-start <= pf.f.maxBytes {
		return dst, shortening{}, false, nil
	}
	e := p.Event(v)
	dst, sh, short := pf.f.appendMessage(dst[:start], &e)
	return dst, sh, short, &e
}

// render is formatter.render of a View, without a size limit.
func (pf *packedFormatter) render(dst []byte, p *event.Packed, v *event.View) []byte {
	f, ps := pf.f, &pf.shapes[v.ShapeIndex]
	ts, stamped := pf.timeOf(p, v, ps)
	sev := severityOf(integer(v, ps.failure), integer(v, ps.total))
	warn := 0
	if integer(v, ps.failure) > 0 {
		warn = 1
	}
	dst = pf.appendHead(dst, p, v, ps, ts, stamped, warn, sev)
	switch f.format {
	case "json":
		return pf.json.Append(dst, p, v)
	case "cef":
		return pf.appendFields(dst, p, v, ps)
	}
	if text(p, v, ps.eventType) == event.TypeApplicationUser && ps.user >= 0 {
		dst = append(dst, "^usrName="...)
		dst = pf.appendValue(dst, p, v, &v.Values[ps.user])
	}
	return pf.appendFields(dst, p, v, ps)
}

// appendFields appends every field, name and value, as appendLEEF and
// appendCEF do.
func (pf *packedFormatter) appendFields(dst []byte, p *event.Packed, v *event.View, ps *packedShape) []byte {
	from := int32(0)
	for i := range v.Values {
		dst = append(dst, ps.prefix[from:ps.ends[i]]...)
		from = ps.ends[i]
		if ps.millis != nil && ps.millis[i] {
			dst = append(dst, pf.cefTime(p, i, v.Values[i].Text)...)
			continue
		}
		dst = pf.appendValue(dst, p, v, &v.Values[i])
	}
	return dst
}

// appendValue appends a value as appendFieldValue does, texts escaped.
func (pf *packedFormatter) appendValue(dst []byte, p *event.Packed, v *event.View, val *event.Value) []byte {
	switch val.Kind {
	case event.Int:
		return strconv.AppendInt(dst, val.Int, 10)
	case event.List:
		for n, t := range v.List(val) {
			if n > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, pf.texts.Get(t)...)
		}
		return dst
	default:
		return append(dst, pf.texts.Get(val.Text)...)
	}
}

// cefTime is the value of CEF field i with text ref: epoch ms when it is a
// time, else the escaped text; the last one of each field is kept.
func (pf *packedFormatter) cefTime(p *event.Packed, i int, ref int32) []byte {
	for len(pf.times) <= i {
		pf.times = append(pf.times, fieldTime{})
	}
	ft := &pf.times[i]
	if ft.id == p.ID() && ft.ref == ref {
		return ft.text
	}
	ft.id, ft.ref, ft.text = p.ID(), ref, ft.text[:0]
	if ts, err := time.Parse(event.TimeLayout, p.Text(ref)); err == nil {
		ft.text = strconv.AppendInt(ft.text, ts.UnixMilli(), 10)
	} else {
		ft.text = append(ft.text, pf.texts.Get(ref)...)
	}
	return ft.text
}

// unsafeString views b as a string; b must not change while it is used.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
