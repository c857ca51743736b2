// Package kafka is the kafka sink (SPEC §3 `type: kafka`, §5): it produces
// each event as one record to a Kafka topic with franz-go.
//
// A record's value is the event's JSON exactly as the file sink writes it
// (without the newline); its key is the eventId (default), the
// applicationUserName (events without one, ser.window, are keyed by their
// eventId) or none; its headers are eventId, eventType, revision (decimal)
// and input; its timestamp is windowStart (CreateTime: a topic with
// message.timestamp.type=LogAppendTime overwrites it). Keyed records are
// partitioned by murmur2 of the key, as the Java client does.
//
// The producer is idempotent with acks: all by default (the brokers drop the
// duplicates of its own retries); acks: leader turns idempotence off.
// Write produces the batch and returns nil only when every record is
// acknowledged. It waits at most 30 s: then records not yet acknowledged fail
// (a request in flight is waited for until the broker answers or the
// request times out), so that brokers that are down or partitions without a
// leader become a retryable error and the delivery loop, which owns backoff,
// tries again; the producer never holds records between Writes, and holds
// at most batch_max_events records and max(batch_max_bytes,
// max_message_bytes) bytes at once. Records a failed Write still delivered
// are remembered (eventId and revision) and skipped by the retry.
//
// Unknown topic, failed authentication, missing authorization (Write and
// Describe on the topic, IdempotentWrite on the cluster), a refused TLS
// certificate, and a topic whose max.message.bytes is below
// max_message_bytes are configuration problems: Write returns
// sink.Permanent with advice and reports Metrics.ConfigProblem; the data
// stays queued. A record that cannot fit in a record batch of
// max_message_bytes on its own goes to the dead-letter file with code
// MESSAGE_TOO_LARGE; the rest of the batch is delivered.
//
// The kind's Config (keys, defaults, Validate, description, limits) lives in
// config.go; Check (for `serfwd check`) in check.go.
package kafka
