#!/usr/bin/env bash
# bench.sh measures serfwd against SPEC §8 and prints one table, each figure
# beside its target, headed by the run it comes from (date, commit, machine,
# load). It builds serfwd and its helpers (packaging/bench/), starts the SER
# simulator, a SER API that serves pre-fetched bodies, a local HEC receiver
# and syslog-ng, all on 127.0.0.1, and stops every process it started.
#
#   packaging/bench.sh               # full run, about 3 minutes
#   packaging/bench.sh --quick       # fewer windows and rounds, about 1 minute
#   packaging/bench.sh --write       # full run, then rewrite the generated
#                                    # blocks of README.md and packaging/BENCH.md
#   packaging/bench.sh --only "e2e gobench" --keep   # some scenarios; keep the work dir
#   packaging/bench.sh --check       # build the helpers, check the syslog-ng config
#
# Scenarios: catchup (catch-up against SPEC §8's bound, 429s); daemon (idle
# RSS with one input and three sinks, idle CPU, freshness); e2e (`serfwd
# once` from a SER API in another process into the HEC receiver with gzip,
# beside syslog-ng's http() with a reliable disk buffer shipping the same
# envelopes to the same receiver, in events per CPU-second, and the peak RSS
# of that run); gobench (decode and records → queue → encoded on one core
# from the packages' Go benchmarks; in a full run every benchmark of the data
# path, for BENCH.md). As root it installs what is missing (GNU time, and
# syslog-ng with its http module through .ci/peers.sh).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=packaging/bench/common.sh
. "$ROOT/packaging/bench/common.sh"
# shellcheck source=packaging/bench/report.sh
. "$ROOT/packaging/bench/report.sh"

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; }

MODE=full WRITE="" CHECK="" KEEP=${KEEP:-} ONLY=${BENCH_ONLY:-}
while [ $# -gt 0 ]; do
	case $1 in
	--quick) MODE=quick ;;
	--write) WRITE=1 ;;
	--check) CHECK=1 ;;
	--keep) KEEP=1 ;;
	--only) ONLY=${2:?--only needs a list of scenarios}; shift ;;
	-h | --help) usage; exit 0 ;;
	*) usage >&2; die "unknown argument: $1" ;;
	esac
	shift
done
if [ -n "$WRITE" ] && { [ "$MODE" = quick ] || [ -n "$ONLY" ]; }; then
	die "--write needs a full run of every scenario (no --quick, no --only): the docs' tables come from full runs"
fi

if [ "$MODE" = quick ]; then
	CATCHUP_WINDOWS=120 IDLE_SECS=5 ROUNDS=1 BENCHTIME=1s
else
	CATCHUP_WINDOWS=600 IDLE_SECS=20 ROUNDS=3 BENCHTIME=2s
fi
CATCHUP_WINDOWS=${BENCH_CATCHUP_WINDOWS:-$CATCHUP_WINDOWS}
E2E_RECORDS=${BENCH_E2E_RECORDS:-50000} # per window; four windows, concurrency 4
ROUNDS=${BENCH_ROUNDS:-$ROUNDS}

WORK=$(mktemp -d /tmp/serfwd-bench.XXXXXX)
BIN=$WORK/bin
PIDS=()
export BENCH_SECRET=bench # any value: the simulators accept every client

cleanup() {
	stop_all
	if [ -n "$KEEP" ]; then say "work directory kept: $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- prerequisites -----------------------------------------------------------

prereqs() {
	command -v go >/dev/null 2>&1 || die "go is not on PATH: install Go (see go.mod) to build serfwd"
	if [ ! -x /usr/bin/time ]; then
		[ "$(id -u)" = 0 ] || die "GNU time (/usr/bin/time) is missing: install the time package, or run as root"
		say "installing GNU time"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >&2 ||
			{ apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends time >&2; }
	fi
	if ! have_sng_http && [ "$(id -u)" = 0 ] && [ -f "$ROOT/.ci/peers.sh" ]; then
		say "syslog-ng or its http() module is missing: running .ci/peers.sh"
		sh "$ROOT/.ci/peers.sh" >&2 || true
	fi
	have_sng_http || say "syslog-ng with its http() module is missing (run .ci/peers.sh as root): the end-to-end comparison will say 'not run'"
}

build() {
	say "building serfwd and the helpers"
	mkdir -p "$BIN"
	(cd "$ROOT" && go build -o "$BIN/serfwd" ./cmd/serfwd && go build -o "$BIN/" ./packaging/bench/...) ||
		die "go build failed"
}

# check builds the helpers and has syslog-ng check the config the e2e
# scenario writes; exit status 3 when syslog-ng or its http() is missing.
check() {
	mkdir -p "$BIN"
	(cd "$ROOT" && go build -o "$BIN/" ./packaging/bench/...) || die "building the helpers failed"
	sng_config "$WORK/check.conf" 127.0.0.1:8088 "$WORK/envelopes.ndjson" "$WORK/buffer"
	cat "$WORK/check.conf"
	have_sng_http || { say "syslog-ng with its http() module is missing (run .ci/peers.sh as root)"; exit 3; }
	syslog-ng --syntax-only -f "$WORK/check.conf" || die "syslog-ng rejects the config above"
	say "check: the helpers build and syslog-ng accepts the http() config"
}

# ---- scenarios ---------------------------------------------------------------

catchup() {
	local n=60 p=2 l=0.15
	say "catch-up: $CATCHUP_WINDOWS one-minute windows at $n/${p}s, $(calc %.0f "$l * 1000") ms latency"
	sim sim1 --latency "${l}s" --rate-limit "$n/${p}s" --verbose
	config "$WORK/catchup.yaml" "    start: $(iso $(($(date +%s) / 60 * 60 - CATCHUP_WINDOWS * 60)))
    window: 1m
    delay: 0s
    rate_limit: $n/${p}s
    concurrency: 16" "  - name: archive
    type: file
    path: $WORK/catchup.ndjson"
	timed catchup "$BIN/serfwd" once --config "$WORK/catchup.yaml"
	stop "$SIM_PID"
	local windows r429 bound eff
	windows=$(grep -c '/report/summary.*"status": 200' "$WORK/sim1.log" || true)
	r429=$(grep -c '"status": 429' "$WORK/sim1.log" || true)
	bound=$(calc %.2f "$windows * ($p + $l) / $n")
	eff=$(calc %.3f "$bound / $ELAPSED")
	row "Catch-up: $windows windows in $ELAPSED s; bound N per (P + L) = $windows × ($p + $l) s ÷ $n = $bound s" \
		"$eff of the bound" "≥ 0.95" "$(ge "$eff" 0.95)"
	row "Catch-up: 429 answers" "$r429" "0" "$([ "$r429" = 0 ] && echo yes || echo NO)"
}

daemon() {
	say "daemon: 1 input, 3 sinks (file, HEC, syslog TCP); 1m windows, delay 5s, interval 10s"
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
		pid=$(awk '{print $1}' "/proc/$tpid/task/$tpid/children" 2>/dev/null || true)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	wait_events 1 60 || { tail "$WORK/daemon.log" >&2; die "the daemon delivered nothing"; }
	sleep 2
	"$BIN/hecrecv" -reset "$HEC" # freshness counts only windows that close from now on
	daemon_figures "$pid" "$tpid"
	stop "$RECV_PID"
	stop "$SIM_PID"
}

# daemon_figures PID TIME_PID measures idle CPU and freshness, stops the
# daemon and adds the rows.
daemon_figures() {
	local c0 t0 c1 t1 idle lag lags rss deadline
	c0=$(cpu_secs "$1")
	t0=$(now)
	sleep "$IDLE_SECS"
	c1=$(cpu_secs "$1")
	t1=$(now)
	idle=$(calc %.2f "100 * ($c1 - $c0) / ($t1 - $t0)")
	deadline=$((SECONDS + 90))
	while [ "$(rstat lags)" = 0 ] && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
	sleep 2
	lag=$(calc %.1f "$(rstat maxLagSeconds)")
	lags=$(rstat lags)
	kill -TERM "$1"
	wait "$2" || true
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/daemon.time")
	row "Peak RSS, daemon idling (1 input, 3 sinks)" "$(mib "$rss") MiB" "≤ 30 MiB" "$(le "$rss" 30720)"
	row "Idle CPU between polls ($IDLE_SECS s)" "$idle %" "< 1 %" "$(awk "BEGIN { exit !($idle < 1) }" && echo yes || echo NO)"
	row "Freshness: window end → HEC ($lags events)" "$lag s" "≤ 5 + 10 + 2 = 17 s" "$([ "$lags" != 0 ] && le "$lag" 17 || echo NO)"
}

e2e() {
	local windows=4 start
	say "end to end: once, $windows windows of $E2E_RECORDS records (concurrency 4) into HEC with gzip, beside syslog-ng http(); $ROUNDS rounds"
	sim sim3 --records "$E2E_RECORDS" --rate-limit off
	start=$(iso $(($(date +%s) / 3600 * 3600 - windows * 3600)))
	bg serserve "$BIN/serserve" -upstream "$SIM" -start "$start" -windows "$windows" -addr-file "$WORK/serserve.addr"
	local serve_pid=$LAST_PID
	wait_file "$WORK/serserve.addr" 600 || die "serserve did not start: $(tail -3 "$WORK/serserve.log")"
	stop "$SIM_PID"
	SIM=$(cat "$WORK/serserve.addr")
	recv recv3 -dump "$WORK/envelopes.ndjson"
	config "$WORK/e2e.yaml" "    start: $start
    window: 1h
    delay: 0s
    concurrency: 4" "$(hec_sink gzip)"
	E2E_EPC=0 E2E_CPUS="" E2E_RSS=0 SNG_EPC=0 SNG_CPUS="" SNG_NOTE=""
	local r
	for r in $(seq "$ROUNDS"); do
		e2e_serfwd "$r"
		e2e_syslog_ng "$r"
	done
	e2e_rows
	[ "$MODE" = quick ] || e2e_nolimit
	stop "$RECV_PID"
	stop "$serve_pid"
}

# e2e_serfwd ROUND runs `serfwd once` from an empty state file and keeps the
# best events per CPU-second and the highest peak RSS. The receiver's dump of
# the first round is what syslog-ng ships; its reset ends the dump.
e2e_serfwd() {
	rm -f "$WORK/e2e.yaml.db"
	timed "e2e$1" "$BIN/serfwd" once --config "$WORK/e2e.yaml"
	local got epc
	got=$(rstat events)
	E2E_MB=$(calc %.0f "$(rstat bytes) / 1000000")
	"$BIN/hecrecv" -reset "$HEC"
	[ "$1" = 1 ] && E2E_EVENTS=$got
	epc=$(calc %.0f "$got / $CPU")
	say "  round $1: serfwd once delivered $got events, $CPU CPU s ($epc events/CPU s), $ELAPSED s, peak RSS $(mib "$RSS_KB") MiB"
	E2E_CPUS="$E2E_CPUS${E2E_CPUS:+ / }$CPU"
	awk "BEGIN { exit !($epc > $E2E_EPC) }" && E2E_EPC=$epc
	[ "$RSS_KB" -gt "$E2E_RSS" ] && E2E_RSS=$RSS_KB
	return 0
}

# e2e_syslog_ng ROUND ships the envelopes serfwd delivered in round 1 with
# syslog-ng and keeps the best events per CPU-second.
e2e_syslog_ng() {
	if ! have_sng_http; then
		SNG_NOTE="not run: syslog-ng or its http() module is missing (run .ci/peers.sh as root)"
		return
	fi
	local d="$WORK/sng$1" pid t0 cpu got epc hwm
	mkdir -p "$d/buffer"
	sng_config "$d/syslog-ng.conf" "$HEC" "$WORK/envelopes.ndjson" "$d/buffer"
	t0=$(now)
	bg "sng$1" syslog-ng -F -f "$d/syslog-ng.conf" -R "$d/persist" -p "$d/pid" -c "$d/ctl" --no-caps
	pid=$LAST_PID # the wrapper execs syslog-ng, which does not fork with -F
	if ! wait_events "$E2E_EVENTS" 600; then
		tail -5 "$WORK/sng$1.log" >&2
		SNG_NOTE="syslog-ng delivered $(rstat events) of $E2E_EVENTS events in 600 s"
	fi
	cpu=$(cpu_secs "$pid")
	hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
	got=$(rstat events)
	SNG_MB=$(calc %.0f "$(rstat bytes) / 1000000")
	local el
	el=$(calc %.2f "$(rstat last) - $t0")
	stop "$pid"
	"$BIN/hecrecv" -reset "$HEC"
	epc=$(calc %.0f "$got / $cpu")
	say "  round $1: syslog-ng delivered $got events, $cpu CPU s ($epc events/CPU s), $el s, peak RSS $(mib "$hwm") MiB"
	SNG_CPUS="$SNG_CPUS${SNG_CPUS:+ / }$cpu"
	awk "BEGIN { exit !($epc > $SNG_EPC) }" && SNG_EPC=$epc
	return 0
}

e2e_rows() {
	local what="$E2E_EVENTS events: 4 windows of $(num "$E2E_RECORDS") records"
	row "End to end, \`serfwd once\` (HTTP fetch from another process, decode, queue, HEC with gzip), $what" \
		"$(num "$E2E_EPC") events/CPU s (best of $ROUNDS; CPU s: $E2E_CPUS; $E2E_MB MB sent)" "—" "—"
	if [ -n "$SNG_NOTE" ] || [ "$SNG_EPC" = 0 ]; then
		row "End to end, syslog-ng http() with a reliable disk buffer, the same envelopes" "${SNG_NOTE:-not run}" "—" "—"
		row "serfwd ÷ syslog-ng, events per CPU s" "not measured" "≥ 1.0" "NO"
	else
		row "End to end, syslog-ng http() with a reliable disk buffer (no compression), the same $E2E_EVENTS envelopes from a file" \
			"$(num "$SNG_EPC") events/CPU s (best of $ROUNDS; CPU s: $SNG_CPUS; $SNG_MB MB sent)" "—" "—"
		local ratio
		ratio=$(calc %.2f "$E2E_EPC / $SNG_EPC")
		row "serfwd ÷ syslog-ng, events per CPU s (same run)" "$ratio" "≥ 1.0" "$(ge "$ratio" 1.0)"
	fi
	row "Peak RSS, \`once\`, 4 windows of $(num "$E2E_RECORDS") records, concurrency 4 (defaults; highest of $ROUNDS)" \
		"$(mib "$E2E_RSS") MiB" "≤ 64 MiB" "$(le "$E2E_RSS" 65536)"
}

# e2e_nolimit repeats the run with no soft memory limit, for the RSS row.
e2e_nolimit() {
	rm -f "$WORK/e2e.yaml.db"
	timed e2e-nolimit env GOMEMLIMIT=off "$BIN/serfwd" once --config "$WORK/e2e.yaml"
	"$BIN/hecrecv" -reset "$HEC"
	row "Peak RSS, the same with \`GOMEMLIMIT=off\` (no soft memory limit)" "$(mib "$RSS_KB") MiB ($CPU CPU s)" "≤ 64 MiB" "$(le "$RSS_KB" 65536)"
}

gobench() {
	local pat=. pkgs=(./pkg/serapi/ ./pkg/event/ ./pkg/state/ ./pkg/sink/...)
	[ "$MODE" = full ] || pat='^Benchmark(Decode|Pipeline)$'
	say "Go benchmarks on one core (-bench '$pat' -cpu 1 -benchtime $BENCHTIME): ${pkgs[*]}"
	(cd "$ROOT" && go test -run '^$' -bench "$pat" -benchmem -cpu 1 -benchtime "$BENCHTIME" "${pkgs[@]}") \
		>"$WORK/gobench.log" 2>&1 || { grep -v '^Benchmark' "$WORK/gobench.log" | tail -20 >&2; say "go test -bench failed (rows it could not measure say so)"; }
	bench_tsv "$WORK/gobench.log" >"$WORK/gobench.tsv"
	decode_rows "$WORK/gobench.tsv"
	pipeline_rows "$WORK/gobench.tsv"
	[ "$MODE" = full ] && stages_table "$WORK/gobench.log" >"$WORK/stages.md"
	return 0
}

# ---- main --------------------------------------------------------------------

if [ -n "$CHECK" ]; then
	check
	exit 0
fi
prereqs
LOAD0=$(load_mark)
build
for scenario in ${ONLY:-catchup daemon e2e gobench}; do
	case $scenario in
	catchup | daemon | e2e | gobench) "$scenario" ;;
	*) die "unknown scenario '$scenario' (catchup, daemon, e2e, gobench)" ;;
	esac
done
{
	run_info
	echo
	table
} >"$WORK/report.md"
echo
cat "$WORK/report.md"
[ -z "$WRITE" ] || write_docs
