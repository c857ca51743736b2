// Package hec is the splunk_hec sink: it delivers events to a Splunk HTTP
// Event Collector (SPEC §5).
//
// Write encodes each event once into a HEC envelope
// ({"time":…,"host":…,"source":…,"sourcetype":…,"index":…,"event":{…}}, or
// with format: metric one multi-metric data point
// {"time":…,"event":"metric","host":…,"source":…,"sourcetype":…,"index":…,"fields":{…}}
// whose fields are the event's dimensions and its counters as
// metric_name:ser.<key>; envelope.go renders either from one event),
// cuts the batch into requests bounded by batch_max_events and
// batch_max_bytes (uncompressed body bytes; one event larger than the limit
// goes alone), gzips them unless compression is none, and posts them one after
// another to {url}/services/collector/event. batch_timeout is not used here:
// it tells the delivery loop in pkg/sink how long to wait to fill a batch.
//
// Answers are handled as Splunk documents them. 200 with code 0 is delivered.
// 429, 503 (code 9, server busy), other 5xx and network errors are retryable
// errors, carrying sink.RetryAfter when the answer had a Retry-After header.
// 413 splits the request in halves, recursively; a single event that is still
// too large is dead-lettered. 400 code 6 (invalid data format, also 12 and 13)
// with invalid-event-number N dead-letters event N and resends every other
// event of that request (events before N may thus be indexed twice; they
// carry the same eventId); without the number the request is split in halves
// until the bad event is alone. 401, 403, 404 and other 400 codes (7
// incorrect index, 10 data channel missing, …) are configuration problems:
// Write returns sink.Permanent, reports Metrics.ConfigProblem and logs at
// error level at most once a minute; the loop keeps the data queued.
//
// Progress within a batch: events confirmed (or dead-lettered) by a Write
// that then failed are remembered by eventId and revision, and skipped when
// the loop retries, so a retry resends only the unconfirmed remainder. The
// memory is cleared when a Write succeeds, and lives only in this process: after
// a restart the whole batch may be sent again (at least once).
//
// With ack: true every request carries the sink's channel GUID in
// X-Splunk-Request-Channel; a request counts as delivered only once
// /services/collector/ack reports its ackId, polled in bulk every 500ms growing
// to 4s. A request not acknowledged within ack_timeout is sent again (with a
// new ackId) inside the same Write; Write returns when every request of the
// batch is acknowledged or ctx ends. When a later request of the batch fails,
// Write returns at once: requests still waiting for their ack are not
// remembered as delivered and are sent again by the retry.
//
// Dead letters go to the sink's dead-letter file (sink.DeadLetters, shared
// with its delivery loop: <state dir>/deadletter-<sink>.ndjson, mode 0600,
// appended and fsynced), one JSON line per event
// ({"time":…,"sink":…,"code":…,"reason":…,"event":{…}}; code is the HEC
// code of the refusal, or the HTTP status when the reply had none, e.g. 413),
// counted and logged (one warning per Write) by the file itself.
// Nothing is dropped silently: if the file cannot be written, Write fails.
//
// The kind's Config (keys, defaults, Validate, description, limits) lives in
// config.go.
package hec
