// Package otlp is the otlp sink: it delivers events as OpenTelemetry logs to
// an OTLP/HTTP receiver (SPEC §5), such as an OpenTelemetry Collector.
//
// Each Write maps its events to log records with the Collector's pdata
// (records.go: one resource with service.name=serfwd, service.version and
// host.name; scope serfwd; per event timeUnixNano = windowStart,
// observedTimeUnixNano = when it was queued, eventName = eventType, severity
// INFO or WARN when failure > 0, the event as a map body, eventId as
// log.record.uid), cuts them into requests of at most batch_max_events
// records and batch_max_bytes encoded (uncompressed) bytes, and posts each
// as protobuf or JSON, gzipped unless compression is none, to
// {endpoint}/v1/logs with the configured headers, whose values are secret.
// Requests are marshalled as LogsData, the same message on the wire as
// ExportLogsServiceRequest, and answers decoded with protowire (wire.go), so
// that the binary links no gRPC. The HTTP client is pkg/httpx's.
//
// Answers follow OTLP/HTTP. 2xx is delivered; a partial success
// (rejectedLogRecords > 0) is logged with its message, counted as that many
// dead letters, and the request's events are written to the dead-letter file
// with code "partial" for replay (the answer does not say which were
// rejected); a negative count is a malformed answer, retried. 429, 502, 503, 504, 408 and network errors are retried by the
// delivery loop, after Retry-After when given. 413 splits the request in
// halves; one record still too large is dead-lettered. 401, 403, 404, 405,
// 407, 415, 501, redirects (never followed) and certificates that do not
// verify are configuration problems: sink.Permanent, the events stay queued.
// Any other 4xx or 5xx refuses the data for good (OTLP: not to be retried;
// the Collector answers 500 when its pipeline refused data permanently):
// its events go to the dead-letter file with the status as code.
//
// The kind's Config lives in config.go.
package otlp
