// Package poller owns the windows of each input: it plans them aligned to the
// input's window length from its cursor, fetches up to `concurrency` of them
// at once under the input's rate limiter, flattens each answer into events as
// it is decoded, staging full batches in the state file, and commits the
// windows strictly in order, each window's batches and the cursor in one
// state transaction (fanout.go is the one ordered fan-out, window.go one
// streamed fetch). A window that keeps failing blocks the cursor; it is never
// skipped.
//
// It also keeps each input's revisit list (SPEC §3 revisit): a committed
// window with tempFailure or inProgress counts goes on it in the same
// transaction, with a hash per record of what was sent; after each catch-up
// the due windows are fetched again, and records whose counts changed are
// re-sent with the same eventId and a higher revision, until the window
// settles or grows older than revisit. The README's "Revisits" section
// tells the whole story.
package poller
