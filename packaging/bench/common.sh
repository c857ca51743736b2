# common.sh holds packaging/bench.sh's helpers: starting and stopping the
# processes it measures, reading their CPU time, number formatting, and the
# serfwd and syslog-ng configurations it writes. It is sourced, not run.
# shellcheck shell=bash

say() { echo "bench.sh: $*" >&2; }
die() { say "$*"; exit 1; }

# ---- processes ---------------------------------------------------------------

# bg NAME CMD... starts CMD in the background with its output in NAME.log.
bg() {
	local name=$1
	shift
	"$@" >"$WORK/$name.log" 2>&1 &
	LAST_PID=$!
	PIDS+=("$LAST_PID")
}

# stop PID ends a process this script started and reaps it.
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# stop_all ends every process still running that this script started, by
# process id. A process with children (/usr/bin/time, which passes no signal
# on) is left to exit by itself once they are ended, so that it reaps them.
stop_all() {
	local p c kids=() own=() k
	for p in "${PIDS[@]}"; do
		[ "$(ps -o ppid= -p "$p" 2>/dev/null | tr -d ' ')" = "$$" ] || continue
		k=$(cat "/proc/$p/task/$p/children" 2>/dev/null || true)
		if [ -n "$k" ]; then
			for c in $k; do kids+=("$c"); done
		else
			own+=("$p")
		fi
	done
	end_procs "${kids[@]}"
	end_procs "${own[@]}"
	wait 2>/dev/null || true
}

# end_procs PID... sends SIGTERM, and SIGKILL to those still running after
# two seconds.
end_procs() {
	[ $# -gt 0 ] || return 0
	local p i alive
	kill "$@" 2>/dev/null || true
	for i in $(seq 20); do
		alive=""
		for p; do
			[ "$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null || echo Z)" = Z ] || alive=1
		done
		[ -n "$alive" ] || return 0
		sleep 0.1
	done
	kill -KILL "$@" 2>/dev/null || true
}

# wait_file FILE SECS waits until FILE is not empty.
wait_file() {
	local deadline=$((SECONDS + $2))
	until [ -s "$1" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.1
	done
}

# sim NAME ARGS... starts `serfwd simulate` and sets SIM to its URL.
sim() {
	local name=$1 i
	shift
	bg "$name" "$BIN/serfwd" simulate --listen 127.0.0.1:0 "$@"
	SIM_PID=$LAST_PID
	for i in $(seq 100); do
		SIM=$(grep -o '"url": "[^"]*' "$WORK/$name.log" 2>/dev/null | head -1 | sed 's/.*"//') || true
		[ -n "$SIM" ] && return 0
		sleep 0.1
	done
	cat "$WORK/$name.log" >&2
	die "the simulator did not start"
}

# recv NAME ARGS... starts the HEC receiver; sets HEC, SYSLOG_TCP, RECV_PID.
recv() {
	local name=$1
	shift
	bg "$name" "$BIN/hecrecv" -addr-file "$WORK/$name.addr" "$@"
	RECV_PID=$LAST_PID
	wait_file "$WORK/$name.addr" 10 || die "the HEC receiver did not start: $(tail -3 "$WORK/$name.log")"
	HEC=$(sed -n 1p "$WORK/$name.addr")
	SYSLOG_TCP=$(sed -n 2p "$WORK/$name.addr")
}

# rstat KEY reads one figure of the receiver at $HEC.
rstat() { "$BIN/hecrecv" -stats "$HEC" | sed -n "s/^$1=//p"; }

# wait_events N SECS waits until the receiver counted N events.
wait_events() {
	local deadline=$((SECONDS + $2))
	while [ "$(rstat events)" -lt "$1" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# cpu_secs PID: user + system CPU seconds of a running process (all threads).
cpu_secs() {
	awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); printf "%.2f\n", ($12 + $13) / hz}' "/proc/$1/stat"
}

# timed NAME CMD... runs CMD under GNU time; sets ELAPSED, CPU, RSS_KB. It
# waits in the background, so that an interrupt stops CMD at once.
timed() {
	local name=$1 u s
	shift
	bg "$name" /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@"
	wait "$LAST_PID" || {
		tail -5 "$WORK/$name.log" >&2
		die "$name failed (its log: $WORK/$name.log with --keep)"
	}
	read -r ELAPSED u s RSS_KB <"$WORK/$name.time"
	CPU=$(calc %.2f "$u + $s")
}

# ---- numbers -----------------------------------------------------------------

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
ge() { awk "BEGIN { exit !($1 >= $2) }" && echo yes || echo NO; }
le() { awk "BEGIN { exit !($1 <= $2) }" && echo yes || echo NO; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000Z; }
mib() { calc %.1f "$1 / 1024"; } # KiB to MiB

# num X prints X rounded, with thousands separators.
num() {
	awk -v x="$1" 'BEGIN {
		s = sprintf("%.0f", x); out = ""
		while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
		print s out
	}'
}

# ---- configurations ----------------------------------------------------------

# config FILE INPUT_YAML SINKS_YAML writes a serfwd config whose input reads
# the SER API at $SIM; its state file is FILE.db.
config() {
	cat >"$1" <<EOF
state_path: $1.db
shutdown_timeout: 120s
log: {level: info, format: json}
inputs:
  - name: sim
    token_url: $SIM/v1/token
    api_url: $SIM
    client_id: bench
    client_secret: \${BENCH_SECRET}
$2
sinks:
$3
EOF
	chmod 0600 "$1"
}

# hec_sink [COMPRESSION] is the YAML of a HEC sink into the receiver at $HEC.
hec_sink() {
	printf '  - name: splunk\n    type: splunk_hec\n    url: http://%s\n    token: ${BENCH_SECRET}\n    host: loghost\n    compression: %s\n' "$HEC" "${1:-gzip}"
}

# sng_config FILE HEC_ADDR ENVELOPES BUFFER_DIR writes a syslog-ng config
# that reads HEC envelopes, one a line, and POSTs them unchanged to the
# receiver through http() with a reliable disk buffer, batched like serfwd's
# HEC sink (500 events or 1 MiB a request). syslog-ng 3.38's http() cannot
# compress.
sng_config() {
	cat >"$1" <<EOF
@version: 3.38
options { stats-freq(0); log-msg-size(65536); create-dirs(no); };
source s_envelopes {
  file("$3" flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(100000));
};
destination d_hec {
  http(url("http://$2/services/collector/event") method("POST")
       headers("Authorization: Splunk bench", "Content-Type: application/json")
       body("\${MSG}") delimiter("\n")
       batch-lines(500) batch-bytes(1048576) batch-timeout(1000) workers(1)
       disk-buffer(reliable(yes) dir("$4") mem-buf-size(10485760) disk-buf-size(1073741824)));
};
log { source(s_envelopes); destination(d_hec); flags(flow-control); };
EOF
}

# have_sng_http tells whether syslog-ng and its http() module are installed.
have_sng_http() {
	command -v syslog-ng >/dev/null 2>&1 || return 1
	local d
	for d in /opt/serfwd-peers/syslog-ng/usr/lib/syslog-ng/* /usr/lib/syslog-ng/* /usr/lib/*/syslog-ng/*; do
		[ -f "$d/libhttp.so" ] && return 0
	done
	return 1
}
