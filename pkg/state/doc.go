// Package state owns serfwd's state file, a bbolt database and the only code
// that imports bbolt. It holds each input's cursor (the end of the last
// committed window), a store of encoded event batches (each stored once),
// one durable FIFO queue per sink that refers to them, with its event and
// byte counts, and each input's revisit list. A window's batches are staged
// while it is fetched (Stage) and published to the queues in the
// transaction that moves its cursor, and a sink's events leave its queue
// only when the delivery loop acknowledges them, so a crash at any moment
// leaves a consistent file: at-least-once delivery with no gaps, and staged
// batches of unpublished windows are removed at Open.
//
// Nothing here holds a window's records in memory. The fingerprints of a
// window's records (eventId, a hash of the counters, the revision sent),
// which revisits compare against, are staged beside its batches, in a
// fingerprint set of their own, a chunk at a time in answer order; the
// publishing transaction makes the set its revisit list entry's (the entry
// is a small head that names its set) or drops it when the window needs no
// revisit, and a revisit lists it back chunk by chunk (RevisitRecords).
// Sets that no entry names are crash leftovers, removed at Open with the
// staged batches. Scratch files (Scratch) hold what a fetch needs only
// while it runs, such as the tables that number a huge window's records:
// unlinked as soon as they are made, they end with the process.
//
// bbolt reads through a shared mapping of the file, and pages read (also
// those a transaction reads back while appending) stay in the process's
// resident set until given back; the store gives them back every MiB that
// delivery, staging or revisits went through, so that resident memory does
// not grow with the windows either.
package state
