// The help of the commands that need no configuration: simulate, demo,
// version and help (see commands.go).

package main

import "flag"

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
