// Package idtable is a hash table from 32-byte keys (SHA-256 sums: eventIds,
// record identities) to small fixed-size values whose memory does not grow
// with the number of keys. A table starts as a Go map; once it holds
// MaxMemoryKeys keys, or the Budget it shares with the other tables of the
// process is spent, it moves to a scratch file of 4 KiB pages, read and
// written through a small cache, and goes on there however many keys come.
// The file is scratch: it is unlinked as soon as it is created, so that
// nothing outlives the table, not even a crash.
//
// Pages are chosen by a keyed hash (hash/maphash, a random seed per
// table), so that keys chosen by a hostile peer cannot crowd one page.
package idtable
