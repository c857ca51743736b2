// Package sink owns delivery: the Sink interface every destination
// implements, the error classes sinks use to tell the delivery loop how to
// retry (Permanent, RetryAfter), the Kind a sink package offers to the table
// of kinds (its type, Config with defaults, Validate, description and
// limits, and constructor) with the Registry that serves that table, the
// dead-letter file every sink and its loop share, and the delivery loop
// itself, one per sink, which reads batches from that sink's durable queue,
// writes them (a PackedWriter gets them opened in their packed form, any
// other sink as events), alone retries them with pkg/backoff's capped backoff, and
// removes them only once the sink confirmed them.
package sink
