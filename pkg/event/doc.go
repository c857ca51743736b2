// Package event owns serfwd's event model (SPEC §4): the flat, ordered Event
// that every applicationUsers record (FromRecord, ser.applicationUser) and
// every window (FromWindow, ser.window) becomes, its stable eventId
// (RecordID, WindowID), the fingerprint of a record's counters that revisits
// compare (CountersHash), its JSON form for sinks (AppendJSON), the packed
// batch form that the state file's queues hold (Packer, Unpack), that form
// opened for rendering without building events (Packed, View, and JSON for
// its JSON form), and the Flattener that turns decoded records straight
// into that packed form,
// numbering records that share an identity (SPEC §4) and leaving the
// entitlement values to per-window constants (Consts, UnpackWith).
//
// Events built here hold only valid UTF-8 (see Clean), have unique keys, and
// never hold null lists. How unknown record fields are named and typed is
// described in extra.go.
package event
