// Package sersim is a simulator of the Proofpoint Secure Email Relay (SER)
// reporting API, as SPEC §1 describes it: the OAuth token endpoint
// (POST /v1/token) and the report endpoint
// (GET /v1/sercustomer/report/summary), on one base URL that serves as both
// token_url base and api_url.
//
// The data are realistic and deterministic: the same window (and seed) always
// answers the same body, drawn from a fixed catalogue of applications, with
// counters scaled to the window's length and consistent with each other.
// Around that the simulator imitates the API's edges — token expiry, the
// per-account sliding-minute rate limit (429), strict timestamps (400),
// tempFailure counts that are reclassified after a while — and injects
// faults on request: latency, 5xx answers, non-JSON bodies and reset
// connections. Stats and Expected let tests see what it did and compute what
// it serves. It is used by tests, `serfwd simulate` and `serfwd demo`.
package sersim
