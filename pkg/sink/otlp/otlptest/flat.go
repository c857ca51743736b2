// A consumed request in the flat form of package journal.

package otlptest

import (
	"go.opentelemetry.io/collector/pdata/pcommon"

	"github.com/serfwd/serfwd/pkg/sink/otlp/otlptest/journal"
)

// Flatten renders a request in the journal's flat form.
func Flatten(r Request) journal.Request {
	f := journal.Request{Headers: r.Headers}
	for _, rl := range r.Logs.ResourceLogs().All() {
		res := rl.Resource().Attributes().AsRaw()
		for _, sl := range rl.ScopeLogs().All() {
			for _, lr := range sl.LogRecords().All() {
				fr := journal.Record{Resource: res, Scope: sl.Scope().Name(), ScopeVersion: sl.Scope().Version(),
					Time: lr.Timestamp().AsTime().UTC(), Observed: lr.ObservedTimestamp().AsTime().UTC(),
					EventName: lr.EventName(), Severity: int32(lr.SeverityNumber()), SeverityText: lr.SeverityText(),
					Attributes: lr.Attributes().AsRaw()}
				if lr.Body().Type() == pcommon.ValueTypeMap {
					fr.Body, fr.BodyTypes = lr.Body().Map().AsRaw(), map[string]string{}
					for k, v := range lr.Body().Map().All() {
						fr.BodyTypes[k] = v.Type().String()
					}
				}
				f.Records = append(f.Records, fr)
			}
		}
	}
	return f
}
