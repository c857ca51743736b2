// Package serapi is the client of the Proofpoint Secure Email Relay (SER)
// reporting API: it owns the OAuth client-credentials token source, the
// per-input rate limiter (a sliding log that counts a request from its start
// until its answer arrived, shared by token requests, report requests and
// every retry), the retrying HTTP transport (go-retryablehttp with capped
// exponential backoff, jitter and Retry-After), the report/summary request
// and the tolerant streaming decoder: DecodeStream (and Client.Stream) hand
// each record to a Handler as it is read, in place from a small buffer and
// within SPEC §1's limits (limits.go); Decode (and Client.Report) collect
// them into a Report.
//
// The types Window, Report, Record, Records and Entitlement are the
// package's data model: a Report keeps its records packed in Records (read
// them with Len, All or At); the simulator lives in the sub-package sersim.
package serapi
