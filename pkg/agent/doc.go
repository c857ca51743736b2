// Package agent assembles serfwd from a config: it opens the state file,
// builds every sink through the table of sink kinds (SinkKinds) with its
// delivery loop and dead-letter file, builds a poller per input, and runs
// them as the daemon (Run), a one-shot pass (Once, with each sink's tally)
// or a backfill (Backfill; Limiter tells of rate-limit waits), starting
// downstream first and stopping upstream first. It also answers `serfwd
// check` (Check) by building sinks exactly as a run would, and probes the
// state path. Failures the operator must fix are SetupErrors
// (ClassifySetup). Commands in cmd/serfwd parse flags, load the config
// through LoadConfig and call it; none of them knows a sink kind.
package agent
