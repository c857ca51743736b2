// The help of the commands that work on the state file or with the daemon
// that holds it: checkpoint show, set and reset, status and backfill (see
// commands.go).

package main

import "flag"

func checkpointCommand() command {
	return command{name: "checkpoint", run: cmdCheckpoint,
		summary: "show, set or reset the cursors kept in the state file",
		usage: []string{
			"checkpoint show [--json] [--config FILE]",
			"checkpoint set --input NAME --time TS [--config FILE]",
			"checkpoint reset (--input NAME | --all) [--config FILE]",
		},
		about: []string{
			"An input's cursor is where its next window starts. show prints every cursor with its lag, every sink's queue and each input's revisit list; set moves a cursor; reset forgets it. Beside a running daemon, show asks it over its control socket (the same view); set and reset write the state file, so they need the daemon stopped: while one runs they exit 2 and say so. Run serfwd checkpoint SUBCOMMAND --help for each one's flags.",
			"TS is a time YYYY-MM-DDTHH:mm:ss.SSSZ in UTC, or a date YYYY-MM-DD meaning its 00:00 UTC.",
		},
		exits: []exitCode{
			{exitOK, "done"},
			{exitFailure, "the state file could not be read or written"},
			exitConfigState,
		},
		examples: []example{{"serfwd checkpoint show", "cursors, queues and revisit lists"}},
	}
}

func checkpointShowCommand() command {
	return command{name: "checkpoint show", flags: func(fs *flag.FlagSet) { checkpointShowFlags(fs) },
		summary: "print every input's cursor and lag, every sink's queue and the revisit lists",
		usage:   []string{"checkpoint show [--json] [--config FILE]"},
		about: []string{
			"Prints a table for people, or with --json one object for scripts: {\"state_path\", \"now\", \"inputs\": [{\"name\", \"cursor\", \"lag_seconds\", \"configured\", \"next_start\", \"revisits\"}], \"sinks\": [{\"name\", \"events\", \"bytes\", \"oldest\", \"oldest_age_seconds\", \"configured\"}]}. Fields may be added, never renamed. An input's next_start is where its next window starts (the cursor, else its start or now - lookback) and lag_seconds counts from there, as status and serfwd_lag_seconds do, also before the first commit. While serfwd run holds the state file, the daemon answers over its control socket (state_path + .sock) with the same view; otherwise the file is read. It never creates a state file.",
		},
		exits:    []exitCode{{exitOK, "printed"}, {exitFailure, "the state file could not be read, or the daemon not asked"}, exitConfigState},
		examples: []example{{"serfwd checkpoint show --json | jq '.sinks[] | {name, events}'", "queue depths for a script"}},
	}
}

func checkpointSetCommand() command {
	return command{name: "checkpoint set", flags: func(fs *flag.FlagSet) { checkpointSetFlags(fs) },
		summary: "move an input's cursor",
		usage:   []string{"checkpoint set --input NAME --time TS [--config FILE]"},
		about: []string{
			"Moves the input's cursor to TS, aligned down to the input's window; the next run fetches from there. Moving it back sends those windows' events again, with the same eventId. TS is a time YYYY-MM-DDTHH:mm:ss.SSSZ in UTC or a date YYYY-MM-DD (00:00 UTC), and not in the future.",
		},
		exits:    []exitCode{{exitOK, "moved"}, {exitFailure, "the state file could not be written"}, {exitUsage, "a usage, configuration or setup error, or a daemon runs on the state file (stop it first)"}},
		examples: []example{{"serfwd checkpoint set --input acme --time 2026-11-28", "fetch again from 28 November, 00:00 UTC"}},
	}
}

func checkpointResetCommand() command {
	return command{name: "checkpoint reset", flags: func(fs *flag.FlagSet) { checkpointResetFlags(fs) },
		summary: "forget an input's cursor, or every cursor",
		usage:   []string{"checkpoint reset (--input NAME | --all) [--config FILE]"},
		about: []string{
			"Forgets the cursor; the next run starts at the input's start, else at now - lookback. --all forgets every cursor in the state file, also of inputs no longer configured.",
		},
		exits:    []exitCode{{exitOK, "forgotten (or there was nothing to forget)"}, {exitFailure, "the state file could not be written"}, {exitUsage, "a usage, configuration or setup error, or a daemon runs on the state file (stop it first)"}},
		examples: []example{{"serfwd checkpoint reset --input acme", "start acme over at its start or lookback"}},
	}
}

func backfillCommand() command {
	return command{name: "backfill", run: cmdBackfill, flags: func(fs *flag.FlagSet) { backfillFlags(fs) },
		summary: "re-fetch a past range and deliver it without moving the live cursor",
		usage:   []string{"backfill --input NAME --from TS --to TS [--config FILE]"},
		about: []string{
			"Fetches the input's windows from --from (aligned down to the window) to --to (exclusive, aligned up), queues their events for the input's sinks and delivers them; the cursor and the revisit list stay as they are. A range that reaches past now - delay is clipped there. TS is a time YYYY-MM-DDTHH:mm:ss.SSSZ in UTC or a date YYYY-MM-DD, meaning its 00:00 UTC.",
			"Progress goes to stderr: a bar on a terminal, plain lines otherwise, and a line when it waits for the input's rate limit. It ends with a summary: windows fetched, events queued, whether everything was delivered.",
			"Beside a running daemon the job is handed to it over its control socket: it fetches with the daemon's client (one rate limit for live polling and the backfill) into the daemon's queues, and the command follows its progress, the same way. Ctrl-C stops following, not the job: the daemon goes on with it, and serfwd status lists it; stopping the daemon ends it.",
		},
		exits: []exitCode{
			{exitOK, "the range was fetched and delivered"},
			{exitFailure, "a window could not be fetched, or a sink still holds events shutdown_timeout after the last window (they stay queued)"},
			{exitUsage, "a usage, configuration or setup error: a bad flag, an invalid config, an unknown input, a range with nothing closed yet, the state file held by a running serfwd or unreadable, its directory not writable"},
		},
		examples: []example{{"serfwd backfill --input acme --from 2026-11-28 --to 2026-11-29", "send 28 November (UTC) again"}},
	}
}

func statusCommand() command {
	return command{name: "status", run: cmdStatus, flags: func(fs *flag.FlagSet) { statusFlags(fs) },
		summary: "the running daemon's live view: inputs, sinks, backfill jobs",
		usage:   []string{"status [--json] [--config FILE]"},
		about: []string{
			"Asks the daemon running on the configured state file (serfwd run) over its control socket, state_path + .sock, mode 0600: for each input its cursor, lag (from the next window's start, also before the first success), last success, last error and revisit list size; for each sink its queue depth and bytes, oldest queued event, last delivery, last error and configuration problem; and the backfill jobs handed to it. Errors are printed in full below the tables, secrets removed.",
			"With --json: {\"protocol\", \"version\", \"pid\", \"started\", \"now\", \"state_path\", \"metrics_address\" (null without metrics), \"inputs\": [{\"name\", \"cursor\", \"next_start\", \"lag_seconds\", \"last_success\", \"last_error\": {\"error\", \"at\"}, \"revisits\"}], \"sinks\": [{\"name\", \"type\", \"events\", \"bytes\", \"oldest\", \"last_delivery\", \"last_error\", \"config_problem\"}], \"jobs\": [{\"id\", \"input\", \"from\", \"to\", \"started\", \"state\", \"done\", \"total\", \"events\", \"error\"}]}; a time not known yet is null. Fields may be added, never renamed.",
		},
		exits: []exitCode{
			{exitOK, "the daemon answered"},
			{exitFailure, "no daemon answers on the state file's control socket (serfwd run is not running), or it could not be asked"},
			exitConfig,
		},
		examples: []example{
			{"serfwd status --config ./serfwd.yaml", "the live view of the daemon running with this config"},
			{"serfwd status --json | jq '.sinks[] | {name, events, config_problem}'", "queue depths and problems for a script"},
		},
	}
}
