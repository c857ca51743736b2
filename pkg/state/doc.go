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
package state
