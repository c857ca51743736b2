// Package syslog is serfwd's syslog sink (SPEC §3 type "syslog", §5): it
// renders each event as one RFC 5424 or RFC 3164 message whose payload is
// LEEF 2.0 (for QRadar), CEF or JSON, keeps every message within
// max_message_bytes without cutting silently, and delivers batches over UDP,
// TCP or TLS with octet-counting or LF framing. Its Config (defaults, the
// facility table, the message size limits, Validate) lives in config.go.
//
// Delivery over TCP/TLS syslog is at least once only as far as the protocol
// allows: syslog has no application-level acknowledgment, so bytes the kernel
// accepted for a peer that then dies before reading them are lost without the
// sender learning of it. The sink narrows that window: before each batch it
// probes the idle connection with a non-blocking read (EOF or a reset means the
// peer went away, so the batch goes to a fresh connection), and when a dial or
// write fails it closes the connection and returns the error: the delivery
// loop retries with backoff, and the retry resends the whole batch on a new
// connection (duplicates carry the same eventId). UDP gives no guarantee at
// all.
package syslog
