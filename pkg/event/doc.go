// Package event owns serfwd's event model: the flat, ordered Event that every
// applicationUsers record and every window becomes (SPEC §4), its stable
// eventId, its JSON form for sinks, and the compact binary form that the state
// file's queues hold.
package event
