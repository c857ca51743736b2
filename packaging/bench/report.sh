# report.sh holds packaging/bench.sh's reporting: the table rows, the
# description of the run (date, commit, machine, and how busy other
# processes kept the machine), the rows taken from `go test -bench` output,
# and --write, which replaces the generated blocks of README.md and
# packaging/BENCH.md. It is sourced, not run.
# shellcheck shell=bash

ROWS=()

# row FIGURE MEASURED TARGET MET adds one line to the table.
row() { ROWS+=("$1|$2|$3|$4"); }

# load_mark prints the machine's busy clock ticks, this script's own CPU
# ticks (itself and every child it has reaped), the time and the load average.
load_mark() {
	local busy own
	busy=$(awk '/^cpu / {print $2 + $3 + $4 + $7 + $8}' /proc/stat)
	own=$(awk '{sub(/^.*\) /, ""); print $12 + $13 + $14 + $15}' "/proc/$$/stat")
	echo "$busy $own $(now) $(cut -d' ' -f1 /proc/loadavg)"
}

# run_info prints the lines that say which run and load the table comes from.
run_info() {
	local b0 o0 t0 l0 b1 o1 t1 l1 others commit state load
	read -r b0 o0 t0 l0 <<<"$LOAD0"
	read -r b1 o1 t1 l1 <<<"$(load_mark)"
	others=$(awk -v hz="$(getconf CLK_TCK)" "BEGIN { x = (($b1 - $b0) - ($o1 - $o0)) / hz / ($t1 - $t0); printf \"%.2f\", (x < 0 ? 0 : x) }")
	commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "unknown")
	state=clean
	[ -z "$(git -C "$ROOT" status --porcelain --untracked-files=no 2>/dev/null)" ] || state="with uncommitted changes"
	if awk "BEGIN { exit !($others < 0.1) }"; then
		load="the machine was otherwise idle (other processes used $others CPUs on average)"
	else
		load="other processes kept $others of the $(nproc) CPUs busy on average"
	fi
	echo "- Run: $(date -u '+%Y-%m-%d %H:%M') UTC, \`packaging/bench.sh\` ($MODE mode, $(calc %.1f "($t1 - $t0) / 60") min), commit $commit on $(git -C "$ROOT" rev-parse --abbrev-ref HEAD 2>/dev/null || echo "?") ($state)."
	echo "- Machine: $(machine)."
	echo "- Load: $load during the run (load average $l0 at the start, $l1 at the end). Wall-clock figures are noisy when the machine is shared; events per CPU-second and their ratio are the steadier ones."
}

# machine describes the hardware and the software measured against.
machine() {
	local virt="" sng="syslog-ng missing"
	virt=$(systemd-detect-virt 2>/dev/null || true)
	[ -z "$virt" ] || [ "$virt" = none ] || virt=", virtualization: $virt"
	command -v syslog-ng >/dev/null 2>&1 && sng=$(syslog-ng --version 2>/dev/null | awk 'NR == 1 {gsub(/[()]/, "", $3); print "syslog-ng " $3}')
	[ "$(have_sng_http && echo y)" = y ] || sng="$sng (without http())"
	printf '%s CPUs (%s%s), %s GiB RAM, Linux %s, %s, %s' "$(nproc)" \
		"$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)" "$virt" \
		"$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)" "$(uname -r)" \
		"$(go version | awk '{print $3}')" "$sng"
}

# table prints the rows as a Markdown table.
table() {
	local r a b c d
	echo "| figure | measured | target | met? |"
	echo "| --- | --- | --- | --- |"
	for r in "${ROWS[@]}"; do
		IFS='|' read -r a b c d <<<"$r"
		echo "| $a | $b | $c | $d |"
	done
}

# ---- go test -bench ----------------------------------------------------------

# bench_tsv LOG prints "package, benchmark, unit, value" (tab-separated) for
# every figure of every benchmark line of `go test -bench` output.
bench_tsv() {
	awk '/^pkg: / { pkg = $2; sub(/^.*\/pkg\//, "pkg/", pkg) }
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name)
		for (i = 3; i < NF; i += 2) printf "%s\t%s\t%s\t%s\n", pkg, name, $(i + 1), $i
	}' "$1"
}

# metric TSV PKG NAME UNIT prints one figure, or nothing.
metric() { awk -F'\t' -v p="$2" -v n="$3" -v u="$4" '$1 == p && $2 == n && $3 == u {print $4; exit}' "$1"; }

# benches TSV TOP lists "package benchmark" for each sub-benchmark of TOP
# (e.g. BenchmarkDecode), in any package.
benches() { awk -F'\t' -v t="$2/" 'index($2, t) == 1 && !seen[$1 " " $2]++ {print $1 " " $2}' "$1"; }

# decode_rows TSV adds a row per sub-benchmark of BenchmarkDecode (pkg/serapi).
decode_rows() {
	local pkg name rps unit apr apo n found=""
	while read -r pkg name; do
		found=1
		unit=records/cpu-s # per CPU-second when the benchmark reports it, else per second
		rps=$(metric "$1" "$pkg" "$name" $unit)
		[ -n "$rps" ] || { unit=records/s; rps=$(metric "$1" "$pkg" "$name" $unit); }
		apr=$(metric "$1" "$pkg" "$name" allocs/record)
		if [ -z "$apr" ]; then
			apo=$(metric "$1" "$pkg" "$name" allocs/op)
			n=$(grep -o '[0-9]*records' <<<"$name" | tr -dc 0-9 || true)
			[ -n "$n" ] && [ -n "$apo" ] && apr=$(calc %.2f "$apo / $n")
		fi
		row "Decode, one core: \`$pkg\` \`${name#Benchmark}\`" "$(num "${rps:-0}") ${unit/cpu-s/CPU s}, ${apr:-?} allocs/record" \
			"≥ 300,000 records/s, ≤ 2 allocs/record" "$([ "$(ge "${rps:-0}" 300000)$(le "${apr:-99}" 2)" = yesyes ] && echo yes || echo NO)"
	done < <(benches "$1" BenchmarkDecode)
	[ -n "$found" ] || row "Decode, one core (BenchmarkDecode)" "not measured: no result (see the go test output)" "≥ 300,000 records/s" "NO"
}

# pipeline_rows TSV adds a row per sub-benchmark of BenchmarkPipeline
# (pkg/sink/hec, pkg/sink/syslog): decoded records to queued and encoded.
pipeline_rows() {
	local pkg name eps cps ape found=""
	while read -r pkg name; do
		found=1
		eps=$(metric "$1" "$pkg" "$name" events/s)
		cps=$(metric "$1" "$pkg" "$name" events/cpu-s)
		ape=$(metric "$1" "$pkg" "$name" allocs/event)
		row "Records → queued + encoded, one core: \`$pkg\` \`${name#Benchmark}\`" \
			"$(num "${cps:-0}") events/CPU s ($(num "${eps:-0}") events/s, ${ape:-?} allocs/event)" \
			"≥ 100,000" "$(ge "${cps:-0}" 100000)"
	done < <(benches "$1" BenchmarkPipeline)
	[ -n "$found" ] || row "Records → queued + encoded, one core (BenchmarkPipeline)" "not measured: no result (see the go test output)" "≥ 100,000" "NO"
}

# stages_table LOG prints every benchmark of the log as a Markdown table.
stages_table() {
	echo "| package | benchmark | ns/op | allocs/op | other figures |"
	echo "| --- | --- | --- | --- | --- |"
	awk '/^pkg: / { pkg = $2; sub(/^.*\/pkg\//, "pkg/", pkg) }
	/^Benchmark/ {
		name = $1; sub(/-[0-9]+$/, "", name); ns = ""; al = ""; other = ""
		for (i = 3; i < NF; i += 2) {
			if ($(i + 1) == "ns/op") ns = $i
			else if ($(i + 1) == "allocs/op") al = $i
			else if ($(i + 1) != "B/op") other = other (other == "" ? "" : ", ") $i " " $(i + 1)
		}
		printf "| %s | `%s` | %s | %s | %s |\n", pkg, name, ns, al, other
	}' "$1"
}

# ---- --write -----------------------------------------------------------------

# replace_block FILE NAME CONTENT replaces the lines between
# "<!-- bench.sh:NAME -->" and "<!-- /bench.sh:NAME -->" of FILE with the
# file CONTENT.
replace_block() {
	local begin="<!-- bench.sh:$2 -->" end="<!-- /bench.sh:$2 -->"
	grep -qxF "$begin" "$1" && grep -qxF "$end" "$1" ||
		die "$1 has no generated block $begin … $end: add both marker lines where the block belongs"
	awk -v b="$begin" -v e="$end" -v f="$3" '
		$0 == b { print; while ((getline l < f) > 0) print l; skip = 1; next }
		$0 == e { skip = 0 }
		!skip { print }' "$1" >"$WORK/replace.tmp"
	cat "$WORK/replace.tmp" >"$1"
}

# write_docs puts the run's description and table into README.md and
# packaging/BENCH.md, and the per-stage benchmarks into BENCH.md.
write_docs() {
	replace_block "$ROOT/README.md" table "$WORK/report.md"
	replace_block "$ROOT/packaging/BENCH.md" table "$WORK/report.md"
	if [ -s "$WORK/stages.md" ]; then
		replace_block "$ROOT/packaging/BENCH.md" stages "$WORK/stages.md"
	fi
	say "wrote the table into README.md and packaging/BENCH.md"
}
