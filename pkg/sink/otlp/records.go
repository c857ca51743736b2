// The mapping of SPEC §5: serfwd's resource and scope, and one LogRecord
// per event with its times, name, severity, body and uid.

package otlp

import (
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"

	"github.com/serfwd/serfwd/pkg/event"
)

// Names of the resource, scope and record attributes the sink sets
// (OpenTelemetry semantic conventions).
const (
	attrServiceName    = "service.name"
	attrServiceVersion = "service.version"
	attrHostName       = "host.name"
	attrRecordUID      = "log.record.uid"
	serviceName        = "serfwd"
	scopeName          = "serfwd"
)

// origin is who sends: the resource and scope every request carries.
type origin struct {
	version, host string
}

// newLogs starts a request body: one resource with serfwd's attributes and
// one scope, whose record slice is returned to be filled.
func (o origin) newLogs(capacity int) (plog.Logs, plog.LogRecordSlice) {
	logs := plog.NewLogs()
	rl := logs.ResourceLogs().AppendEmpty()
	attrs := rl.Resource().Attributes()
	attrs.PutStr(attrServiceName, serviceName)
	attrs.PutStr(attrServiceVersion, o.version)
	attrs.PutStr(attrHostName, o.host)
	sl := rl.ScopeLogs().AppendEmpty()
	sl.Scope().SetName(scopeName)
	sl.Scope().SetVersion(o.version)
	records := sl.LogRecords()
	records.EnsureCapacity(capacity)
	return logs, records
}

// fillRecord maps one event: timeUnixNano = windowStart,
// observedTimeUnixNano = when it was queued, eventName = eventType, INFO or
// WARN when failure > 0 (the data model's short names as the text), the event as the body, eventId as log.record.uid.
func fillRecord(r plog.LogRecord, ev *event.Event, queued time.Time) {
	if ws := ev.WindowStart(); !ws.IsZero() {
		r.SetTimestamp(pcommon.NewTimestampFromTime(ws))
	}
	if !queued.IsZero() {
		r.SetObservedTimestamp(pcommon.NewTimestampFromTime(queued))
	}
	r.SetEventName(ev.Type())
	if ev.IntValue(event.KeyFailure) > 0 {
		r.SetSeverityNumber(plog.SeverityNumberWarn)
		r.SetSeverityText("WARN")
	} else {
		r.SetSeverityNumber(plog.SeverityNumberInfo)
		r.SetSeverityText("INFO")
	}
	putBody(r.Body().SetEmptyMap(), ev)
	if id := ev.ID(); id != "" {
		r.Attributes().PutStr(attrRecordUID, id)
	}
}

// putBody puts every field of ev into m, in event order: strings, ints,
// lists as arrays of strings, other JSON literals as what they are.
func putBody(m pcommon.Map, ev *event.Event) {
	m.EnsureCapacity(len(ev.Fields))
	for i := range ev.Fields {
		f := &ev.Fields[i]
		switch f.Kind {
		case event.String:
			m.PutStr(f.Key, f.Str)
		case event.Int:
			m.PutInt(f.Key, f.Int)
		case event.List:
			s := m.PutEmptySlice(f.Key)
			s.EnsureCapacity(len(f.List))
			for _, item := range f.List {
				s.AppendEmpty().SetStr(item)
			}
		case event.Raw:
			setLiteral(m.PutEmpty(f.Key), f.Str)
		}
	}
}
