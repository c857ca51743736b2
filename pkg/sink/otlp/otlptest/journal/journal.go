// Package journal is the flat form in which the otlptest receiver writes
// what it consumed (otlprecv's JSON lines): types only, read with plain
// encoding/json, so that a test reading them does not link the Collector.
package journal

import "time"

// Request is one consumed request.
type Request struct {
	Headers map[string][]string `json:"headers"`
	Records []Record            `json:"records"`
}

// Record is one log record with its resource and scope.
type Record struct {
	Resource     map[string]any    `json:"resource"`
	Scope        string            `json:"scope"`
	ScopeVersion string            `json:"scopeVersion"`
	Time         time.Time         `json:"time"`
	Observed     time.Time         `json:"observed"`
	EventName    string            `json:"eventName"`
	Severity     int32             `json:"severityNumber"`
	SeverityText string            `json:"severityText"`
	Attributes   map[string]any    `json:"attributes"`
	Body         map[string]any    `json:"body"`      // nil unless the body is a map
	BodyTypes    map[string]string `json:"bodyTypes"` // the OTLP type of each body value: Str, Int, Double, Bool, Slice, Map, Empty
}
