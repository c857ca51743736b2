// Package sink owns delivery: the Sink interface every destination
// implements, the error classes sinks use to tell the delivery loop how to
// retry, and the delivery loop itself, one per sink, which reads batches from
// that sink's durable queue, writes them, retries with capped backoff and
// removes them only once the sink confirmed them.
package sink
