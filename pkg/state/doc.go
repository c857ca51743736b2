// Package state owns serfwd's state file, a bbolt database and the only code
// that imports bbolt. It holds each input's cursor (the end of the last
// committed window), one durable FIFO queue of encoded event batches per sink
// with its event and byte counts, and each input's revisit list. A window's
// events and its cursor move in one transaction, and a sink's events leave its
// queue only when the delivery loop acknowledges them, so a crash at any
// moment leaves a consistent file: at-least-once delivery with no gaps.
package state
