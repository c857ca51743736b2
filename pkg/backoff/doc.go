// Package backoff owns serfwd's one retry timing: capped exponential backoff
// with equal jitter (Policy), the parser of HTTP Retry-After headers with its
// cap (ParseRetryAfter), and a context-aware sleep. The delivery loop, the
// SER API client and the poller all wait through it, so that every retry in
// serfwd grows, jitters and honours a server's request the same way.
package backoff
