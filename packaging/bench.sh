#!/usr/bin/env bash
# bench.sh measures serfwd against SPEC §8 and prints one table: each figure
# beside its target. It builds the binary and two helpers (packaging/bench/),
# runs the built-in SER simulator, a local HEC receiver with syslog listeners
# and syslog-ng, all on 127.0.0.1, and cleans up after itself.
#
#   packaging/bench.sh            # from a checkout; a few minutes
#   KEEP=1 packaging/bench.sh     # keep the work directory (configs, logs)
#   BENCH_ONLY="catchup ship" packaging/bench.sh   # run some scenarios only
#
# Scenarios: (1) catch-up efficiency and 429s; (2) peak RSS of the daemon
# idling with one input and three sinks, (5) freshness and (6) idle CPU from
# the same run; (3) peak RSS of `once` on a 50,000-record window; (4)
# end-to-end events/s into the HEC receiver; (7) shipping the same events to
# the receiver with syslog-ng's http() and with serfwd's HEC sink; and the
# one-core pipeline benchmarks (go test -bench). As root it installs what is
# missing (GNU time, syslog-ng with its http module) with apt-get.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
WINDOWS=${BENCH_WINDOWS:-600}            # catch-up: one-minute windows
SHIP_EVENTS=${BENCH_SHIP_RECORDS:-200000} # shipping comparison: records queued
E2E_WINDOWS=${BENCH_E2E_WINDOWS:-10}      # end-to-end: one-hour windows of 20,000 records
IDLE_SECS=${BENCH_IDLE_SECS:-20}
SNG_PREFIX=/opt/serfwd-peers/syslog-ng

WORK=$(mktemp -d /tmp/serfwd-bench.XXXXXX)
BIN=$WORK/bin
PIDS=()
ROWS=()
export BENCH_SECRET=bench # any value: the simulator accepts every client

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	if [ -n "${KEEP:-}" ]; then echo "bench.sh: work directory kept: $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { echo "bench.sh: $*" >&2; }
row() { ROWS+=("$1|$2|$3|$4"); } # figure, value, target, met

# ---- prerequisites ----------------------------------------------------------

install_prereqs() {
	local need=()
	[ -x /usr/bin/time ] || need+=(time)
	if ! command -v syslog-ng >/dev/null 2>&1; then
		if [ "$(id -u)" = 0 ] && [ -f "$ROOT/.ci/peers.sh" ]; then sh "$ROOT/.ci/peers.sh" >&2; fi
	fi
	if [ "${#need[@]}" -gt 0 ] && [ "$(id -u)" = 0 ]; then
		say "installing ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
			{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need[@]}" >&2; }
	fi
	[ -x /usr/bin/time ] || { say "GNU time (/usr/bin/time) is missing; run as root or install the time package"; exit 1; }
	install_sng_http || say "syslog-ng's http() module is not available: the shipping comparison skips syslog-ng"
}

have_sng_http() {
	command -v syslog-ng >/dev/null 2>&1 || return 1
	ls "$SNG_PREFIX"/usr/lib/syslog-ng/*/libhttp.so >/dev/null 2>&1 || ls /usr/lib/syslog-ng/*/libhttp.so >/dev/null 2>&1
}

# install_sng_http makes syslog-ng's http module available: into the unpacked
# copy of .ci/peers.sh when syslog-ng lives there, else as a package.
install_sng_http() {
	command -v syslog-ng >/dev/null 2>&1 || return 1
	have_sng_http && return 0
	if [ -d "$SNG_PREFIX/usr/lib/syslog-ng" ]; then
		[ "$(id -u)" = 0 ] || return 1
		say "unpacking syslog-ng-mod-http into $SNG_PREFIX"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 >&2 ||
			{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libcurl4 >&2; }
		local tmp
		tmp=$(mktemp -d)
		chmod 0755 "$tmp"
		chown _apt "$tmp" 2>/dev/null || true
		(cd "$tmp" && apt-get download syslog-ng-mod-http >&2)
		dpkg-deb -x "$tmp"/syslog-ng-mod-http_*.deb "$SNG_PREFIX"
		rm -rf "$tmp"
		return 0
	fi
	[ "$(id -u)" = 0 ] || return 1
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends syslog-ng-mod-http >&2
}

build() {
	say "building serfwd and the helpers"
	mkdir -p "$BIN"
	(cd "$ROOT" && go build -o "$BIN/serfwd" ./cmd/serfwd &&
		go build -o "$BIN/hecrecv" ./packaging/bench/hecrecv &&
		go build -o "$BIN/queuefill" ./packaging/bench/queuefill)
}

# ---- helpers ----------------------------------------------------------------

# bg NAME CMD... starts CMD in the background with its output in NAME.log.
bg() {
	local name=$1
	shift
	"$@" >"$WORK/$name.log" 2>&1 &
	PIDS+=($!)
	LAST_PID=$!
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# sim NAME ARGS... starts `serfwd simulate` and sets SIM to its URL.
sim() {
	local name=$1
	shift
	bg "$name" "$BIN/serfwd" simulate --listen 127.0.0.1:0 "$@"
	SIM_PID=$LAST_PID
	local i
	for i in $(seq 100); do
		SIM=$(grep -o '"url": "[^"]*' "$WORK/$name.log" 2>/dev/null | head -1 | sed 's/.*"//') || true
		[ -n "$SIM" ] && return 0
		sleep 0.1
	done
	say "the simulator did not start"; cat "$WORK/$name.log" >&2; exit 1
}

# recv NAME ARGS... starts the receiver; sets HEC, SYSLOG_TCP, SYSLOG_UDP.
recv() {
	local name=$1
	shift
	rm -f "$WORK/$name.addr"
	bg "$name" "$BIN/hecrecv" -addr-file "$WORK/$name.addr" "$@"
	RECV_PID=$LAST_PID
	local i
	for i in $(seq 100); do
		[ -s "$WORK/$name.addr" ] && break
		sleep 0.1
	done
	HEC=$(sed -n 1p "$WORK/$name.addr")
	SYSLOG_TCP=$(sed -n 2p "$WORK/$name.addr")
	SYSLOG_UDP=$(sed -n 3p "$WORK/$name.addr")
}

# stat KEY reads one figure of the receiver at $HEC.
stat() { "$BIN/hecrecv" -stats "$HEC" | sed -n "s/^$1=//p"; }

# wait_events N SECS waits until the receiver counted N events.
wait_events() {
	local deadline=$((SECONDS + $2))
	while [ "$(stat events)" -lt "$1" ]; do
		[ $SECONDS -lt $deadline ] || return 1
		sleep 0.2
	done
}

# cpu_secs PID: user + system CPU seconds of a running process.
cpu_secs() {
	awk -v hz="$(getconf CLK_TCK)" '{sub(/^.*\) /, ""); print ($12 + $13) / hz}' "/proc/$1/stat"
}

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }
ge() { awk "BEGIN { exit !($1 >= $2) }" && echo yes || echo NO; }
le() { awk "BEGIN { exit !($1 <= $2) }" && echo yes || echo NO; }
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S.000Z; }

# timed NAME CMD...: runs CMD under GNU time; sets ELAPSED, CPU, RSS_KB.
timed() {
	local name=$1
	shift
	/usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.log" 2>&1 || {
		say "$name failed:"; tail -5 "$WORK/$name.log" >&2; return 1
	}
	read -r ELAPSED u s RSS_KB <"$WORK/$name.time"
	CPU=$(calc %.2f "$u + $s")
}

# config FILE INPUT_YAML SINKS_YAML writes a serfwd config.
config() {
	cat >"$1" <<EOF
state_path: $WORK/${1##*/}.db
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
}

hec_sink() {
	printf '  - name: splunk\n    type: splunk_hec\n    url: http://%s\n    token: ${BENCH_SECRET}\n    host: loghost\n    compression: %s\n' "$HEC" "${1:-gzip}"
}

# ---- scenarios --------------------------------------------------------------

catchup() {
	say "(1) catch-up: $WINDOWS one-minute windows at 60/2s, 150 ms latency"
	sim sim1 --latency 150ms --rate-limit 60/2s --verbose
	local start
	start=$(iso $(($(date +%s) / 60 * 60 - WINDOWS * 60)))
	config "$WORK/catchup.yaml" "    start: $start
    window: 1m
    delay: 0s
    rate_limit: 60/2s
    concurrency: 16" "  - name: archive
    type: file
    path: $WORK/catchup.ndjson"
	timed catchup "$BIN/serfwd" once --config "$WORK/catchup.yaml"
	stop "$SIM_PID"
	local windows r429 eff
	windows=$(grep -c '/report/summary.*"status": 200' "$WORK/sim1.log" || true)
	r429=$(grep -c '"status": 429' "$WORK/sim1.log" || true)
	eff=$(calc %.3f "($windows / 30) / $ELAPSED")
	row "Catch-up: $windows windows in ${ELAPSED} s (bound $(calc %.1f "$windows / 30") s)" "$eff of the bound" "≥ 0.95" "$(ge "$eff" 0.95)"
	row "Catch-up: 429 answers" "$r429" "0" "$([ "$r429" = 0 ] && echo yes || echo NO)"
}

daemon() {
	say "(2,5,6) daemon: 1 input, 3 sinks (file, HEC, syslog TCP); 1m windows, delay 5s, interval 10s"
	sim sim2
	recv recv2 -fresh -syslog-tcp 127.0.0.1:0
	config "$WORK/daemon.yaml" "    lookback: 5m
    window: 1m
    interval: 10s
    delay: 5s" "  - name: archive
    type: file
    path: $WORK/daemon.ndjson
$(hec_sink)
  - name: qradar
    type: syslog
    address: $SYSLOG_TCP
    network: tcp
    format: leef"
	/usr/bin/time -v -o "$WORK/daemon.time" "$BIN/serfwd" run --config "$WORK/daemon.yaml" >"$WORK/daemon.log" 2>&1 &
	local tpid=$! pid="" i
	PIDS+=("$tpid")
	for i in $(seq 50); do
		pid=$(cat "/proc/$tpid/task/$tpid/children" 2>/dev/null | awk '{print $1}')
		[ -n "$pid" ] && break
		sleep 0.1
	done
	wait_events 1 30 || { say "the daemon delivered nothing"; tail "$WORK/daemon.log" >&2; exit 1; }
	sleep 2
	"$BIN/hecrecv" -reset "$HEC" # freshness counts only windows that close from now on
	local c0 t0 c1 t1 idle
	c0=$(cpu_secs "$pid"); t0=$(now)
	sleep "$IDLE_SECS"
	c1=$(cpu_secs "$pid"); t1=$(now)
	idle=$(calc %.2f "100 * ($c1 - $c0) / ($t1 - $t0)")
	local deadline=$((SECONDS + 90))
	while [ "$(stat lags)" = 0 ] && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
	sleep 2
	local lag lags
	lag=$(calc %.1f "$(stat maxLagSeconds)")
	lags=$(stat lags)
	kill -TERM "$pid"
	wait "$tpid" || true
	local rss
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/daemon.time")
	stop "$RECV_PID"; stop "$SIM_PID"
	row "Peak RSS, daemon idling (1 input, 3 sinks)" "$(calc %.1f "$rss / 1024") MiB" "≤ 30 MiB" "$(le "$rss" 30720)"
	row "Idle CPU between polls (${IDLE_SECS} s)" "$idle %" "< 1 %" "$(awk "BEGIN{exit !($idle < 1)}" && echo yes || echo NO)"
	row "Freshness: window end → HEC ($lags events)" "$lag s" "≤ 5+10+2 = 17 s" "$([ "$lags" != 0 ] && le "$lag" 17 || echo NO)"
}

once50k() {
	say "(3) once: one window of 50,000 records"
	sim sim3 --records 50000
	recv recv3
	config "$WORK/once50k.yaml" "    start: $(iso $(($(date +%s) / 3600 * 3600 - 3600)))
    window: 1h
    delay: 0s" "$(hec_sink)"
	timed once50k "$BIN/serfwd" once --config "$WORK/once50k.yaml"
	local got
	got=$(stat events)
	stop "$RECV_PID"; stop "$SIM_PID"
	row "Peak RSS, once on 50,000 records ($got events in $ELAPSED s)" "$(calc %.1f "$RSS_KB / 1024") MiB" "≤ 64 MiB" "$(le "$RSS_KB" 65536)"
}

endtoend() {
	say "(4) end-to-end: $E2E_WINDOWS windows of 20,000 records into HEC"
	sim sim4 --records 20000 --rate-limit off
	recv recv4
	config "$WORK/e2e.yaml" "    start: $(iso $(($(date +%s) / 3600 * 3600 - E2E_WINDOWS * 3600)))
    window: 1h
    delay: 0s" "$(hec_sink)"
	timed e2e "$BIN/serfwd" once --config "$WORK/e2e.yaml"
	local got
	got=$(stat events)
	stop "$RECV_PID"; stop "$SIM_PID"
	row "End-to-end into HEC: $got events (simulator → HEC receiver)" "$(calc %.0f "$got / $ELAPSED") events/s, $CPU CPU s" "—" "—"
}

ship() {
	say "(7) shipping $SHIP_EVENTS queued events to HEC: serfwd vs syslog-ng http()"
	SIM=http://127.0.0.1:9 # never asked: the cursor is a day ahead
	recv recv7
	local n
	n=$("$BIN/queuefill" -state "$WORK/ship-gzip.yaml.db" -records "$SHIP_EVENTS" -ndjson "$WORK/ship.ndjson")
	cp "$WORK/ship-gzip.yaml.db" "$WORK/ship-none.yaml.db"
	local mode
	for mode in gzip none; do
		"$BIN/hecrecv" -reset "$HEC"
		config "$WORK/ship-$mode.yaml" "    window: 1h" "$(hec_sink "$mode")"
		timed "ship-$mode" "$BIN/serfwd" once --config "$WORK/ship-$mode.yaml"
		[ "$(stat events)" = "$n" ] || say "serfwd ($mode) delivered $(stat events) of $n events"
		row "Ship $n events: serfwd HEC sink ($mode), from its durable queue" \
			"$(calc %.0f "$n / $ELAPSED") events/s, $CPU CPU s ($(calc %.0f "$n / $CPU") events/CPU s)" "—" "—"
		eval "SERFWD_EPC_$mode=$(calc %.0f "$n / $CPU")"
	done
	ship_syslog_ng "$n"
	stop "$RECV_PID"
}

ship_syslog_ng() {
	local n=$1
	if ! have_sng_http; then
		row "Ship $n events: syslog-ng http()" "not run (no http module)" "serfwd ≥ per CPU s" "—"
		return
	fi
	"$BIN/hecrecv" -reset "$HEC"
	cat >"$WORK/syslog-ng.conf" <<EOF
@version: 3.38
options { stats-freq(0); log-msg-size(65536); create-dirs(no); };
source s_events { file("$WORK/ship.ndjson" flags(no-parse) follow-freq(1) log-fetch-limit(1000) log-iw-size(100000)); };
destination d_hec {
  http(url("http://$HEC/services/collector/event") method("POST")
       headers("Authorization: Splunk bench", "Content-Type: application/json")
       body("{\"sourcetype\":\"proofpoint:ser:summary\",\"event\":\${MSG}}")
       delimiter("\n") batch-lines(500) batch-bytes(1048576) batch-timeout(1000) workers(1));
};
log { source(s_events); destination(d_hec); flags(flow-control); };
EOF
	local t0 pid
	t0=$(now)
	bg syslog-ng syslog-ng -F -f "$WORK/syslog-ng.conf" -R "$WORK/syslog-ng.persist" \
		-p "$WORK/syslog-ng.pid" -c "$WORK/syslog-ng.ctl" --no-caps
	pid=$LAST_PID
	if ! wait_events "$n" 300; then
		say "syslog-ng delivered $(stat events) of $n events"; tail -5 "$WORK/syslog-ng.log" >&2
	fi
	local t1 cpu got
	t1=$(stat last)
	# the wrapper execs syslog-ng, so pid is the daemon (its supervisor forks
	# nothing with -F)
	cpu=$(cpu_secs "$pid")
	got=$(stat events)
	stop "$pid"
	local el epc
	el=$(calc %.2f "$t1 - $t0")
	epc=$(calc %.0f "$got / $cpu")
	row "Ship $got events: syslog-ng http() (batch 500, no compression)" \
		"$(calc %.0f "$got / $el") events/s, $cpu CPU s ($epc events/CPU s)" "—" "—"
	row "serfwd events per CPU s ÷ syslog-ng's (gzip / none)" \
		"$(calc %.2f "$SERFWD_EPC_gzip / $epc") / $(calc %.2f "$SERFWD_EPC_none / $epc")" "≥ 1" "$(ge "$SERFWD_EPC_gzip" "$epc") / $(ge "$SERFWD_EPC_none" "$epc")"
}

gobench() {
	say "pipeline benchmarks (go test -bench Pipeline -cpu 1)"
	(cd "$ROOT" && go test -run '^$' -bench Pipeline -cpu 1 -benchtime 3s ./pkg/sink/hec/ ./pkg/sink/syslog/) >"$WORK/gobench.log" 2>&1 || {
		say "go test -bench failed"; tail "$WORK/gobench.log" >&2; return
	}
	local line name eps cps
	while read -r line; do
		name=$(awk '{print $1}' <<<"$line")
		eps=$(grep -o '[0-9.]* events/s' <<<"$line" | awk '{printf "%.0f", $1}')
		cps=$(grep -o '[0-9.]* events/cpu-s' <<<"$line" | awk '{printf "%.0f", $1}')
		name=${name#BenchmarkPipeline/}
		case $name in
		leef_*) name="LEEF, ${name#leef_window}-record windows" ;;
		*) name="HEC encode + gzip, ${name#window}-record windows" ;;
		esac
		row "One core: records → flatten → durable queue → $name" "$eps events/s (${cps:-?} events/CPU s)" "≥ 100,000" "$(ge "$eps" 100000)"
	done < <(grep '^BenchmarkPipeline' "$WORK/gobench.log")
}

print_table() {
	echo
	echo "| figure | measured | target | met? |"
	echo "| --- | --- | --- | --- |"
	local r
	for r in "${ROWS[@]}"; do
		IFS='|' read -r a b c d <<<"$r"
		echo "| $a | $b | $c | $d |"
	done
	echo
	echo "Machine: $(nproc) CPUs, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(go version | awk '{print $3}'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

install_prereqs
build
for scenario in ${BENCH_ONLY:-catchup daemon once50k endtoend ship gobench}; do
	"$scenario"
done
print_table
