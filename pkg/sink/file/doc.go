// Package file is the file sink (SPEC §3 `type: file`, §5): it appends each
// event as one line of JSON to a file, fsyncs once per batch and only then
// reports the batch delivered, rotates the file at max_size keeping
// max_backups numbered copies, and reopens the path on SIGHUP so that an
// external logrotate can move the file away.
//
// Decisions worth knowing:
//
//   - The file is opened on the first Write, not in New, with
//     O_APPEND|O_CREATE; a missing parent directory is created with mode
//     0750 (narrowed by the umask, never widened).
//   - The configured mode applies to files the sink creates (the first
//     one, and each fresh file after a rotation), set with fchmod after
//     creating, so the umask neither narrows nor widens it. An existing
//     file keeps its own mode: serfwd never loosens (or tightens) a file it
//     did not create. Non-regular paths such as /dev/stdout are never
//     chmodded, rotated or fsynced.
//   - A batch is encoded into one reused buffer and written with one write
//     call, then fsynced; when a file was created or renamed, the directory
//     is fsynced too before Write returns.
//   - The sink changes no byte it did not write. Before each write it
//     records, in <state dir>/filesink-<name>.tail, the file's identity
//     (device and inode) and the byte range [start, end) the write will
//     cover (one pwrite of 128 bytes over the previous record, not fsynced).
//     When the file is opened again (after a failed write, a restart, a
//     SIGHUP) and it is that file and ends inside that range, the write was
//     interrupted: its batch was not confirmed and comes again whole, so the
//     part after the write's last complete line is cut (in a file this
//     process may not read, the whole write). Complete lines of it stay and
//     come again with the retry (at least once; same eventIds). In every
//     other case the end of the file is someone else's: left as it is, and
//     when it lacks a final newline the next write starts with one. Bytes
//     another writer appends while the file is open are noticed (by size,
//     before each write) the same way. Limits: bytes someone appends after
//     an interrupted write, before serfwd opens the file again, that do not
//     reach past that write's range are taken for its own; and after a power
//     loss the unsynced record may be older than the file, so a torn line is
//     then left in place (followed by a newline) rather than cut.
//   - A failed write or fsync is returned (naming the path) for the delivery
//     loop to retry, and the file is closed so the retry reopens it.
//   - Rotation happens before a batch that would push a non-empty file past
//     max_size: path.N-1 → path.N … path → path.1, then a fresh path. With
//     max_backups 0 the old file is removed. A batch is never split: a batch
//     larger than max_size goes whole into a fresh file. Backups numbered
//     above max_backups (left over from a larger setting) are not touched.
//   - Check tests the destination without creating or writing anything.
package file
