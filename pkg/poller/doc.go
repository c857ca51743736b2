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
//
// A fetch keeps nothing per record in memory, so that what it costs does
// not depend on what the API sends (SPEC §8). The three things that are
// per record go elsewhere (fingerprint.go):
//
//   - Numbering records that share an identity (SPEC §4: the first keeps
//     the plain eventId, the second hashes ␟2, …, in answer order, each
//     moving on to a free ordinal when a field holding ␟ made its eventId
//     another's) needs every eventId handed out so far in the answer, and
//     each identity's last ordinal (event.Numberer). They live
//     in an id table (pkg/internal/idtable): a map while it fits its share
//     of a process-wide budget (16 MiB, four windows of about 50,000
//     records), then 4 KiB pages in a scratch file beside the state file,
//     behind a small cache, however many records come.
//   - The fingerprint of each record sent (eventId, a hash of its counters,
//     its revision) is staged in the state file with the batches, in
//     answer order, and becomes the revisit list entry's when the window is
//     published (pkg/state).
//   - A revisit compares each record with what was last sent: the entry's
//     fingerprints are read back, chunk by chunk, into a second id table
//     keyed by eventId (identity and ordinal), which also marks the records
//     the new answer had; those it lacked keep what was sent for them in
//     the new fingerprints. A restarted answer (Restart) starts a new
//     attempt, so that what the unusable one saw counts for nothing.
//
// Memory per fetch is then a few batches plus a bounded table, whatever
// the window; a huge one costs disk (its staged events, its fingerprints,
// and scratch files of some 100 bytes per distinct identity and, on a
// revisit, some 150 per record) and time (a read and a write of a scratch
// page per record past the budget).
package poller
