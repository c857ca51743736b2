// envelope.go renders one event as one HEC envelope (SPEC §5): the event
// form {"time":…,"host":…,"source":…,"sourcetype":…,"index":…,"event":{…}},
// or with format: metric one multi-metric data point
// {"time":…,"event":"metric","host":…,"source":…,"sourcetype":…,"index":…,"fields":{…}}.

package hec

import (
	"strconv"
	"strings"
	"time"

	"github.com/serfwd/serfwd/pkg/event"
)

// layout holds what every envelope of a sink shares, rendered once from its
// settings.
type layout struct {
	metric   bool
	head     []byte // "event":"metric", in the metric form, then "host":…,"source":
	tail     []byte // ,"sourcetype":…[,"index":…], then "event": or "fields":{
	template string // the configured source, inputName to be replaced
	fixed    []byte // the rendered source when it names no input
}

// newLayout renders the shared parts of the envelopes o describes; index is
// left out when empty, so that the token's default index applies.
func newLayout(o options) *layout {
	l := &layout{metric: o.metric, template: o.source}
	if o.metric {
		l.head = append(l.head, `"event":"metric",`...)
	}
	l.head = append(l.head, `"host":`...)
	l.head = event.AppendJSONString(l.head, o.host)
	l.head = append(l.head, `,"source":`...)
	l.tail = append(l.tail, `,"sourcetype":`...)
	l.tail = event.AppendJSONString(l.tail, o.sourcetype)
	if o.index != "" {
		l.tail = append(l.tail, `,"index":`...)
		l.tail = event.AppendJSONString(l.tail, o.index)
	}
	if o.metric {
		l.tail = append(l.tail, `,"fields":{`...)
	} else {
		l.tail = append(l.tail, `,"event":`...)
	}
	if !strings.Contains(o.source, inputName) {
		l.fixed = event.AppendJSONString(nil, o.source)
	}
	return l
}

// renderer renders envelopes one event at a time. Consecutive events mostly
// share their window and input, so it keeps the last time stamp and source
// it rendered. It is not safe for concurrent use.
type renderer struct {
	*layout
	start, input  string
	stamp, source []byte // renderings of start and input
	stamped       bool   // stamp holds start's rendering
}

// appendEnvelope appends ev's envelope to dst. An event without a valid
// windowStart gets no time, so that Splunk stamps it with its arrival.
func (r *renderer) appendEnvelope(dst []byte, ev *event.Event) []byte {
	if start := ev.Str(event.KeyWindowStart); !r.stamped || start != r.start {
		r.start, r.stamp, r.stamped = start, appendTimeKey(r.stamp[:0], start), true
	}
	dst = append(dst, '{')
	dst = append(dst, r.stamp...)
	dst = append(dst, r.head...)
	dst = append(dst, r.sourceOf(ev)...)
	dst = append(dst, r.tail...)
	if r.metric {
		dst = appendMetricFields(dst, ev)
		return append(dst, '}', '}')
	}
	dst = ev.AppendJSON(dst)
	return append(dst, '}')
}

// sourceOf is the rendered source of ev: the configured one, its inputName
// replaced by ev's input.
func (r *renderer) sourceOf(ev *event.Event) []byte {
	if r.fixed != nil {
		return r.fixed
	}
	if in := ev.Str(event.KeyInput); r.source == nil || in != r.input {
		r.input = in
		r.source = appendSource(r.source[:0], r.template, in)
	}
	return r.source
}

// appendSource appends the source template with its inputName replaced by
// input, as a JSON string.
func appendSource(dst []byte, template, input string) []byte {
	return event.AppendJSONString(dst, strings.ReplaceAll(template, inputName, input))
}

// appendTimeKey appends `"time":EPOCH,` for an event's windowStart, or
// nothing when it is not a valid time (Event.WindowStart).
func appendTimeKey(dst []byte, windowStart string) []byte {
	t, err := time.Parse(event.TimeLayout, windowStart)
	if err != nil || t.IsZero() {
		return dst
	}
	dst = append(dst, `"time":`...)
	dst = appendEpoch(dst, t)
	return append(dst, ',')
}

// appendEpoch appends t as epoch seconds with three decimals (1764158400.000).
func appendEpoch(dst []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	sec, frac := ms/1000, ms%1000
	if frac < 0 {
		sec, frac = sec-1, frac+1000
	}
	dst = strconv.AppendInt(dst, sec, 10)
	return append(dst, '.', byte('0'+frac/100), byte('0'+frac/10%10), byte('0'+frac%10))
}

// dimensionKeys are the keys a metric data point carries as dimensions, in
// this order, each when the event has it (SPEC §5).
var dimensionKeys = [...]string{
	event.KeyEventType, event.KeyEventID, event.KeyRevision, event.KeyInput,
	"applicationName", "applicationUserName",
}

// appendMetricFields appends the members of a metric data point's "fields":
// the dimensions as strings, then metric_name:ser.<key> for every counter
// of ev (and records of a ser.window event) in event order. Only integer
// counters are measures; annualThroughput is not one: it is the licence's
// yearly allowance, not a count of the window (README, format: metric).
func appendMetricFields(dst []byte, ev *event.Event) []byte {
	sep := false
	for _, k := range dimensionKeys {
		f, ok := ev.Get(k)
		if !ok {
			continue
		}
		dst = appendMember(dst, &sep, k)
		if f.Kind == event.Int {
			dst = append(strconv.AppendInt(append(dst, '"'), f.Int, 10), '"')
		} else {
			dst = event.AppendJSONString(dst, f.Value())
		}
	}
	window := ev.Type() == event.TypeWindow
	for i := range ev.Fields {
		f := &ev.Fields[i]
		if f.Kind != event.Int || !(event.IsCounter(f.Key) || window && f.Key == event.KeyRecords) {
			continue
		}
		if sep {
			dst = append(dst, ',')
		}
		sep = true
		// Counter keys are plain ASCII: they need no escaping.
		dst = append(append(append(dst, `"metric_name:ser.`...), f.Key...), `":`...)
		dst = strconv.AppendInt(dst, f.Int, 10)
	}
	return dst
}

// appendMember appends a member's key and colon, after a comma unless it is
// the first.
func appendMember(dst []byte, sep *bool, key string) []byte {
	if *sep {
		dst = append(dst, ',')
	}
	*sep = true
	dst = event.AppendJSONString(dst, key)
	return append(dst, ':')
}
