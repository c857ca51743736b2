// Package control is the local control socket of a running daemon: how
// `serfwd status`, `serfwd checkpoint show` and `serfwd backfill` reach
// `serfwd run` beside it, so that no second process ever opens the state
// file while the daemon holds it.
//
// The daemon listens on a Unix socket beside its state file,
// SocketPath(state_path) (state.db → state.db.sock), created with mode 0600
// in a private directory and renamed into place, so that it is never
// reachable by another user, not even for an instant; connections from
// another uid than the daemon's (root excepted) are closed unanswered. The
// daemon removes the socket when it stops. A socket left by a daemon that was
// killed is replaced at the next start: the daemon holds the state file's
// lock, so no other daemon can be serving it. A client that finds no socket,
// or one that refuses connections, knows that no daemon runs (ErrNoDaemon).
//
// The protocol is HTTP/1.1 over that socket, JSON bodies, versioned by
// the path prefix (/v1/); a daemon answers paths of versions it does not
// speak with 404, which the client reports as a version mismatch
// (ErrProtocol). Version 1:
//
//	GET  /v1/status      → Status: the daemon, each input (cursor, lag, last
//	                       success, last error, revisit list size), each sink
//	                       (queue depth and bytes, last delivery, last error,
//	                       configuration problem) and the backfill jobs.
//	GET  /v1/checkpoint  → CheckpointView: what `checkpoint show --json`
//	                       prints, read by the daemon from its state file.
//	POST /v1/backfill    ← BackfillRequest; → a stream of JobEvent JSON lines
//	                       ("accepted", "progress", "wait", "fetched", "done")
//	                       that ends with the job. The job belongs to the
//	                       daemon: a client that goes away stops following
//	                       it, the job goes on (status lists it).
//
// Errors are answered with a 4xx/5xx status and {"error": "..."}. Fields
// may be added to any object, never renamed or removed within a version.
package control
