// Package poller owns the windows of each input: it plans them aligned to the
// input's window length from its cursor, fetches up to `concurrency` of them
// at once under the input's rate limiter, flattens each answer into events and
// commits the windows strictly in order, each window's events and the cursor
// in one state transaction. A window that keeps failing blocks the cursor; it
// is never skipped.
package poller
