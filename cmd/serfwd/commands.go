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
		statusCommand(),
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
			"Polls every input on its interval, queues each window's events durably in the state file and delivers them to the sinks, until SIGINT or SIGTERM. Then it stops polling, lets the sinks drain for at most shutdown_timeout (what is left stays queued for the next start), closes the state file and exits 0. SIGHUP reopens the files of file sinks (after logrotate moved them); serfwd's own log goes to stderr, which needs no reopening; it does not reread the config.",
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
			"An API that fails (refusing connections, never answering, answering 5xx or 429) makes once give up within about a minute, with one line saying what happened: each request is tried at most 5 times with waits of at most 10 s, no attempt is made that could not end within 60 s of the input's first failure (so with the default 30 s timeout an attempt without an answer is the last), nor after a Retry-After over 10 s, and an input that found no good answer for 60 s gives up. The daemon retries every failure until it succeeds.",
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
			"Tests what the daemon will need, all at once under one timeout, and prints a table: for each input a token and one small report request; for each sink its own check (" + sinkChecks() + "); and the state path (its directory writable, the state file lockable). A state file held by a running serfwd is reported as such, not as a failure; check never takes the lock from it.",
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
