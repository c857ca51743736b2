// The table of serfwd's commands with their help: what each does, its flags
// (declared by the same function the command parses with), exit statuses
// and examples. `serfwd help`, `CMD --help` and the man page serfwd(1) are
// all rendered from it, so they cannot drift apart.

package main

import (
	"context"
	"flag"
)

// command is one command of serfwd, or a subcommand ("checkpoint show").
type command struct {
	name     string
	summary  string
	usage    []string               // synopsis lines, after "serfwd "
	about    []string               // paragraphs
	flags    func(fs *flag.FlagSet) // declares the flags; nil: none
	notFlags map[string]string      // flags people may try that it does not take, and why
	exits    []exitCode
	examples []example
	// run is nil for a subcommand, which its parent dispatches.
	run func(ctx context.Context, io stdio, args []string) int
}

type exitCode struct {
	code int
	when string
}

type example struct{ line, what string }

// Exit statuses most commands share.
var (
	exitConfig      = exitCode{exitUsage, "a usage or configuration error: a bad flag, an invalid config (each problem printed as path: problem)"}
	exitConfigState = exitCode{exitUsage, "a usage, configuration or setup error: a bad flag, an invalid config, the state file held by a running serfwd or unreadable, its directory not writable"}
)

// commands lists every command in the order help shows them.
func commands() []command {
	return []command{
		runCommand(), onceCommand(), validateCommand(), checkCommand(),
		checkpointCommand(), checkpointShowCommand(), checkpointSetCommand(), checkpointResetCommand(),
		// `status` (a running daemon's live view over its control socket) goes here.
		backfillCommand(), simulateCommand(), demoCommand(), versionCommand(), helpCommand(),
	}
}

// findCommand returns the command called name; an unknown name gives the
// zero command.
func findCommand(name string) command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return command{}
}

func configOnly(fs *flag.FlagSet) { newConfigFlags(fs) }

func runCommand() command {
	return command{name: "run", run: cmdRun, flags: configOnly,
		summary: "the daemon: poll every input on its interval and deliver to the sinks until stopped",
		usage:   []string{"run [--config FILE]"},
		about: []string{
			"Polls every input on its interval, queues each window's events durably in the state file and delivers them to the sinks, until SIGINT or SIGTERM. Then it stops polling, lets the sinks drain for at most shutdown_timeout (what is left stays queued for the next start), closes the state file and exits 0. SIGHUP reopens file sinks and log files; it does not reread the config.",
			"Under systemd (Type=notify) it reports READY=1 once the state file is open, pings the watchdog and reports STOPPING=1 on shutdown. Exit 2 marks problems a restart cannot fix, so that the unit's RestartPreventExitStatus=2 stops a restart loop.",
		},
		exits: []exitCode{
			{exitOK, "stopped by SIGINT or SIGTERM"},
			{exitFailure, "a runtime failure, e.g. a failing write to the state file (disk full)"},
			{exitUsage, "a usage, configuration or setup error: a bad flag, an invalid config, the state file held by another serfwd or unreadable, its directory not writable, the metrics address in use or not available"},
		},
		examples: []example{{"serfwd run --config /etc/serfwd/serfwd.yaml", "what the systemd unit runs"}},
	}
}

func onceCommand() command {
	return command{name: "once", run: cmdOnce, flags: configOnly,
		summary: "catch every input up, deliver everything queued, exit",
		usage:   []string{"once [--config FILE]"},
		about: []string{
			"Fetches every window of every input up to now - delay (and the revisits that are due), delivers everything queued, and gives the sinks shutdown_timeout after the last window was committed to empty their queues. It ends with one line per sink on stderr: events delivered, still queued (they stay in the state file for the next run) and dead-lettered. For cron jobs, systemd timers and tests.",
		},
		exits: []exitCode{
			{exitOK, "every input caught up and every sink delivered everything"},
			{exitFailure, "a window could not be fetched, a sink still holds events shutdown_timeout after the last commit (named with its count), or interrupted"},
			exitConfigState,
		},
		examples: []example{{"serfwd once --config /etc/serfwd/serfwd.yaml", "one pass, e.g. from a timer"}},
	}
}

func validateCommand() command {
	return command{name: "validate", run: cmdValidate, flags: configOnly,
		summary: "load and check the configuration",
		usage:   []string{"validate [--config FILE] [--credentials DIR] [--env-file FILE]"},
		about: []string{
			"Loads the configuration, expands ${VAR}, reads *_file secrets and checks every value, without contacting anything. Each problem is printed on stderr as path: problem (e.g. sinks[1].url: required). Secret values are never printed.",
			"The packaged config reads secrets from ${CREDENTIALS_DIRECTORY}, which only the service has; --credentials and --env-file give a command the same view outside systemd.",
		},
		exits: []exitCode{
			{exitOK, "the configuration is valid"},
			{exitUsage, "it is not (every problem printed), or a usage error"},
		},
		examples: []example{
			{"serfwd validate --config ./serfwd.yaml", "check a config while editing it"},
			{"sudo serfwd validate --env-file /etc/serfwd/serfwd.env --credentials /etc/serfwd/credentials", "check the packaged config as the service will see it"},
		},
	}
}

func checkCommand() command {
	return command{name: "check", run: cmdCheck, flags: func(fs *flag.FlagSet) { checkFlags(fs) },
		summary: "check credentials, the API, every sink and the state path, live",
		usage:   []string{"check [--config FILE] [--timeout DURATION]"},
		about: []string{
			"Tests what the daemon will need, all at once under one timeout, and prints a table: for each input a token and one small report request; for each sink its own check (HEC health endpoint and token, syslog connect and TLS handshake, file writable); and the state path (its directory writable, the state file lockable). A state file held by a running serfwd is reported as such, not as a failure; check never takes the lock from it.",
			"When a TLS handshake gets a plain-text answer (an HTTP or syslog port without TLS), the row says so: is the URL's https or network: tls right for this port?",
		},
		exits: []exitCode{
			{exitOK, "every check passed"},
			{exitFailure, "at least one check failed (see the table)"},
			exitConfig,
		},
		examples: []example{
			{"serfwd check --config ./serfwd.yaml --timeout 10s", ""},
			{"sudo serfwd check --env-file /etc/serfwd/serfwd.env --credentials /etc/serfwd/credentials", "the packaged config, before starting the service"},
		},
	}
}

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

func simulateCommand() command {
	return command{name: "simulate", run: cmdSimulate, flags: func(fs *flag.FlagSet) { newSimulateFlags(fs) },
		summary:  "serve the built-in SER API simulator",
		usage:    []string{"simulate [--listen ADDR] [--client-id ID --client-secret S] [fault flags]"},
		notFlags: map[string]string{"config": "the simulator needs no configuration; point an input's token_url and api_url at the URLs it logs"},
		about: []string{
			"Serves the SER token and report endpoints on ADDR with realistic, deterministic data (the same window always gives the same records), the 1,000 requests a minute limit (429) and token expiry, until SIGINT or SIGTERM. Any credentials are accepted unless --client-id and --client-secret are given. Fault flags add latency, 5xx answers, non-JSON bodies and dropped connections. It logs a curl line to try it.",
		},
		exits: []exitCode{
			{exitOK, "stopped by SIGINT or SIGTERM"},
			{exitFailure, "it could not start"},
			{exitUsage, "a usage error, or the address is in use or not available"},
		},
		examples: []example{{"serfwd simulate --listen 127.0.0.1:8089 --fail-every 10", "a simulator whose every 10th report fails"}},
	}
}

func demoCommand() command {
	return command{name: "demo", run: cmdDemo, flags: func(fs *flag.FlagSet) { demoFlags(fs) },
		summary:  "the zero-setup tour on the built-in simulator",
		usage:    []string{"demo [--out FILE]"},
		notFlags: map[string]string{"config": "the demo needs no configuration; it runs on the built-in simulator with a temporary state file (serfwd once --config FILE runs a real one)"},
		about: []string{
			"Starts the simulator in-process, uses a temporary state file, fetches the last 24 whole hours in 1 h windows, prints every event as one JSON line on stdout and a summary on stderr.",
		},
		exits:    []exitCode{{exitOK, "done"}, {exitFailure, "the simulator or the pipeline failed"}, {exitUsage, "a usage error"}},
		examples: []example{{"serfwd demo --out /tmp/ser.ndjson | jq -c 'select(.eventType == \"ser.window\")'", "the window summaries, and every event in a file"}},
	}
}

func versionCommand() command {
	return command{name: "version", run: cmdVersion,
		summary:  "print version, commit and Go version",
		usage:    []string{"version", "--version"},
		about:    []string{"Prints the version and commit serfwd was built from, the Go version and the platform."},
		exits:    []exitCode{{exitOK, "printed"}, {exitUsage, "a usage error"}},
		examples: []example{{"serfwd --version", ""}},
	}
}

func helpCommand() command {
	return command{name: "help", run: cmdHelp, flags: helpFlags,
		summary: "show help for serfwd or for one command",
		usage:   []string{"help [COMMAND [SUBCOMMAND]]", "COMMAND --help"},
		about: []string{
			"Prints the overview, or one command's help: what it does, its flags, exit statuses and an example. Help goes to stdout. --man prints the whole help as the man page serfwd(1), from which the packages' man page is built.",
		},
		exits:    []exitCode{{exitOK, "printed"}, {exitUsage, "no such command"}},
		examples: []example{{"serfwd help backfill", "the same as serfwd backfill --help"}},
	}
}
