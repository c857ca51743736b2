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
//   - The configured mode is applied with fchmod after opening, so the umask
//     neither narrows nor widens it. It is applied to existing files too
//     (the config says what the file should look like); when the file was
//     not created by serfwd and fchmod is refused (another owner), that is
//     logged as a warning and writing goes on. Non-regular paths such as
//     /dev/stdout are never chmodded, rotated or fsynced.
//   - A batch is encoded into one reused buffer and written with one write
//     call, then fsynced; when a file was created or renamed, the directory
//     is fsynced too before Write returns.
//   - A failed write or fsync is returned (naming the path) for the delivery
//     loop to retry, and the file is closed so the retry reopens it. On
//     open, a last line without its newline (a short write, or a crash) is
//     cut off: its batch was not confirmed and is written again whole, so
//     readers never meet half an event. (An existing file whose mode denies
//     this process reading it is opened write-only; then the next write
//     starts with a newline instead.) Complete lines of a partially written
//     batch stay and are written again by the retry: at least once allows
//     that duplicate, and the events carry the same eventId.
//   - Rotation happens before a batch that would push a non-empty file past
//     max_size: path.N-1 → path.N … path → path.1, then a fresh path. With
//     max_backups 0 the old file is removed. A batch is never split: a batch
//     larger than max_size goes whole into a fresh file. Backups numbered
//     above max_backups (left over from a larger setting) are not touched.
//   - Check tests the destination without creating or writing anything.
package file
