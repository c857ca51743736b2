// envelope_packed.go renders HEC envelopes straight from the queue's packed
// batches (event.Packed), byte for byte as renderer does from events: every
// text of a batch is quoted once, and the fields an envelope looks up are
// found once per key order instead of once per event.

package hec

import (
	"strconv"
	"strings"

	"github.com/serfwd/serfwd/pkg/event"
)

// packedRenderer renders envelopes from the Views of opened batches. It
// keeps its renderings from batch to batch; it is not safe for concurrent
// use.
type packedRenderer struct {
	*layout
	json    event.JSON
	id      uint64      // the batch whose key orders shapes describes
	shapes  []shapeKeys // per key order of that batch
	view    event.View
	start   string // the last windowStart rendered (a copy)
	input   string // the last input rendered (a copy)
	stamp   []byte // rendering of start
	source  []byte // rendering of input
	stamped bool
	prefix  []byte // the envelope up to the event: '{', stamp, head, source, tail
	scratch []byte
	spare   *batch // the batch of the last Write, for the next
}

// shapeKeys says where the fields an envelope looks up sit in one key
// order: the index of the first field of that key, -1 when the key order
// has none or (for the texts and revision) when it is not of the kind that
// Event.Str and Event.IntValue read.
type shapeKeys struct {
	start, input, id, revision, eventType int
	dims                                  []dimension // metric: dimensionKeys the key order has, in that order
	counters                              []counter   // metric: its integer counters, in event order
}

type dimension struct {
	key   string
	field int
}

type counter struct {
	field      int
	key        string
	windowOnly bool // records: a measure only of ser.window events
}

func newPackedRenderer(l *layout) *packedRenderer { return &packedRenderer{layout: l} }

// prepare finds the looked-up fields of every key order of p.
func (r *packedRenderer) prepare(p *event.Packed) {
	if r.id == p.ID() {
		return
	}
	r.id, r.shapes = p.ID(), r.shapes[:0]
	for i := range p.Shapes() {
		sh := &p.Shapes()[i]
		of := func(key string, kind event.Kind) int {
			if j := sh.Index(key); j >= 0 && sh.Kinds[j] == kind {
				return j
			}
			return -1
		}
		k := shapeKeys{start: of(event.KeyWindowStart, event.String), input: of(event.KeyInput, event.String),
			id: of(event.KeyEventID, event.String), revision: of(event.KeyRevision, event.Int),
			eventType: of(event.KeyEventType, event.String)}
		if r.metric {
			k.dims, k.counters = metricFields(sh)
		}
		r.shapes = append(r.shapes, k)
	}
}

// metricFields lists the dimensions and counters of a key order.
func metricFields(sh *event.Shape) ([]dimension, []counter) {
	var dims []dimension
	var counters []counter
	for _, key := range dimensionKeys {
		if j := sh.Index(key); j >= 0 {
			dims = append(dims, dimension{key: key, field: j})
		}
	}
	for j, key := range sh.Keys {
		if sh.Kinds[j] != event.Int {
			continue
		}
		if c := event.IsCounter(key); c || key == event.KeyRecords {
			counters = append(counters, counter{field: j, key: key, windowOnly: !c})
		}
	}
	return dims, counters
}

// text is the text of field f of v, "" when f is -1.
func text(p *event.Packed, v *event.View, f int) string {
	if f < 0 {
		return ""
	}
	return p.Text(v.Values[f].Text)
}

// appendEnvelope appends the envelope of the event v of p to dst.
func (r *packedRenderer) appendEnvelope(dst []byte, p *event.Packed, v *event.View) []byte {
	r.prepare(p)
	k := &r.shapes[v.ShapeIndex]
	start, input := text(p, v, k.start), text(p, v, k.input)
	if !r.stamped || start != r.start || r.fixed == nil && input != r.input {
		if !r.stamped || start != r.start {
			r.start, r.stamp, r.stamped = strings.Clone(start), appendTimeKey(r.stamp[:0], start), true
		}
		r.prefix = append(append(r.prefix[:0], '{'), r.stamp...)
		r.prefix = append(append(append(r.prefix, r.head...), r.sourceOf(input)...), r.tail...)
	}
	dst = append(dst, r.prefix...)
	if r.metric {
		dst = r.appendMetricFields(dst, p, v, k)
		return append(dst, '}', '}')
	}
	dst = r.json.Append(dst, p, v)
	return append(dst, '}')
}

// sourceOf is the rendered source for an event of input in.
func (r *packedRenderer) sourceOf(in string) []byte {
	if r.fixed != nil {
		return r.fixed
	}
	if r.source == nil || in != r.input {
		r.input = strings.Clone(in)
		r.source = appendSource(r.source[:0], r.template, in)
	}
	return r.source
}

// appendMetricFields is appendMetricFields for a View.
func (r *packedRenderer) appendMetricFields(dst []byte, p *event.Packed, v *event.View, k *shapeKeys) []byte {
	r.json.Prepare(p)
	sep := false
	for _, d := range k.dims {
		dst = appendMember(dst, &sep, d.key)
		val := &v.Values[d.field]
		switch val.Kind {
		case event.Int:
			dst = append(strconv.AppendInt(append(dst, '"'), val.Int, 10), '"')
		case event.List:
			r.scratch = r.scratch[:0]
			for n, t := range v.List(val) {
				if n > 0 {
					r.scratch = append(r.scratch, ',')
				}
				r.scratch = append(r.scratch, p.TextBytes(t)...)
			}
			dst = event.AppendJSONString(dst, string(r.scratch))
		default: // String, Raw: the text, quoted
			dst = append(dst, r.json.Quoted(val.Text)...)
		}
	}
	window := text(p, v, k.eventType) == event.TypeWindow
	for _, c := range k.counters {
		if c.windowOnly && !window {
			continue
		}
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		dst = append(append(append(dst, `"metric_name:ser.`...), c.key...), `":`...)
		dst = strconv.AppendInt(dst, v.Values[c.field].Int, 10)
	}
	return dst
}
