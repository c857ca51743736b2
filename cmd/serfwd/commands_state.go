// The help of the commands that work on the state file: checkpoint show,
// set and reset, and backfill (see commands.go).

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
			"An input's cursor is where its next window starts. show prints every cursor with its lag, every sink's queue and each input's revisit list; set moves a cursor; reset forgets it. They open the state file, so they need the daemon stopped: while a serfwd holds the state file they exit 2 and say so. Run serfwd checkpoint SUBCOMMAND --help for each one's flags.",
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
			"Prints a table for people, or with --json one object for scripts: {\"state_path\", \"now\", \"inputs\": [{\"name\", \"cursor\", \"lag_seconds\", \"configured\", \"next_start\", \"revisits\"}], \"sinks\": [{\"name\", \"events\", \"bytes\", \"oldest\", \"oldest_age_seconds\", \"configured\"}]}. Fields may be added, never renamed. It never creates a state file.",
		},
		exits:    []exitCode{{exitOK, "printed"}, {exitFailure, "the state file could not be read"}, exitConfigState},
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
		exits:    []exitCode{{exitOK, "moved"}, {exitFailure, "the state file could not be written"}, exitConfigState},
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
		exits:    []exitCode{{exitOK, "forgotten (or there was nothing to forget)"}, {exitFailure, "the state file could not be written"}, exitConfigState},
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
		},
		exits: []exitCode{
			{exitOK, "the range was fetched and delivered"},
			{exitFailure, "a window could not be fetched, or a sink still holds events shutdown_timeout after the last window (they stay queued)"},
			{exitUsage, "a usage, configuration or setup error: a bad flag, an invalid config, an unknown input, a range with nothing closed yet, the state file held by a running serfwd or unreadable, its directory not writable"},
		},
		examples: []example{{"serfwd backfill --input acme --from 2026-11-28 --to 2026-11-29", "send 28 November (UTC) again"}},
	}
}
