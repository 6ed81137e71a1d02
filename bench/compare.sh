#!/usr/bin/env bash
# Compare lockcore with drgn (and crash on x86_64) on the same dump, same run.
# Prints wall time and peak RSS of each tool and the ratios.
#
# usage: bench/compare.sh DUMP VMLINUX [LOCKCORE]
#   DUMP     a vmcore (any format lockcore reads)
#   VMLINUX  the matching debug vmlinux (drgn and crash need it; lockcore does not)
# Needs python3-drgn, /usr/bin/time (package "time") and, for x86_64, crash.
set -euo pipefail
dump=$1
vmlinux=$2
lockcore=${3:-build/src/cli/lockcore}
runs=${RUNS:-3}

measure() { # label command... -> "label seconds maxrss_kb" (best of $runs)
	local label=$1
	shift
	local best_t="" best_m=""
	for _ in $(seq "$runs"); do
		local out tf
		tf=$(mktemp)
		if ! /usr/bin/time -o "$tf" -f "%e %M" "$@" >/dev/null 2>"$tf.err"; then
			echo "bench: $label failed: $(tail -1 "$tf.err")" >&2
			label="$label(FAILED)"
		fi
		rm -f "$tf.err"
		out=$(tail -1 "$tf")
		rm -f "$tf"
		local t=${out% *} m=${out#* }
		if [ -z "$best_t" ] || awk "BEGIN{exit !($t < $best_t)}"; then
			best_t=$t
			best_m=$m
		fi
	done
	echo "$label $best_t $best_m"
}

# drgn 0.0.22 (Debian 12) has no -e: every drgn job is a script file.
scripts=$(mktemp -d)
trap 'rm -rf "$scripts"' EXIT
drgn_job() { # name python-code -> path of a script
	printf '%s\n' "$2" >"$scripts/$1.py"
	echo "$scripts/$1.py"
}

results=()
results+=("$(measure "lockcore-info" "$lockcore" -q info "$dump")")
results+=("$(measure "lockcore-ps" "$lockcore" -q ps "$dump")")
results+=("$(measure "drgn-load" drgn -q -c "$dump" -s "$vmlinux" "$(drgn_job job$RANDOM 'prog["init_task"]')")")
results+=("$(measure "drgn-ps" drgn -q -c "$dump" -s "$vmlinux" "$(drgn_job job$RANDOM '
from drgn.helpers.linux.pid import for_each_task
for t in for_each_task(prog): (int(t.pid), t.comm.string_())')")")
results+=("$(measure "lockcore-bt" "$lockcore" -q bt "$dump" -a)")
results+=("$(measure "drgn-bt" drgn -q -c "$dump" -s "$vmlinux" "$(drgn_job job$RANDOM '
from drgn.helpers.linux.cpumask import for_each_online_cpu
for c in for_each_online_cpu(prog):
    try: str(prog.stack_trace(c))
    except Exception: pass')")")
# With the vmlinux: CFI, source lines and inlined calls of every frame, as drgn gives them.
results+=("$(measure "lockcore-bt-k" "$lockcore" -q -k "$vmlinux" bt "$dump" -a)")
results+=("$(measure "drgn-bt-lines" drgn -q -c "$dump" -s "$vmlinux" "$(drgn_job job$RANDOM '
from drgn.helpers.linux.cpumask import for_each_online_cpu
from drgn.helpers.linux.percpu import per_cpu
for c in for_each_online_cpu(prog):
    try:
        for f in prog.stack_trace(per_cpu(prog["runqueues"], c).curr):
            try: f.source()
            except LookupError: pass
    except Exception: pass')")")
results+=("$(measure "lockcore-log" "$lockcore" -q log "$dump")")
results+=("$(measure "drgn-log" drgn -q -c "$dump" -s "$vmlinux" "$(drgn_job job$RANDOM '
from drgn.helpers.linux.printk import get_printk_records
for r in get_printk_records(prog): r.text')")")
if command -v crash >/dev/null && file -L "$vmlinux" | grep -q x86-64; then
	results+=("$(measure "crash-ps" sh -c "echo -e 'ps\nquit' | crash -s '$vmlinux' '$dump'")")
fi

printf "%-14s %9s %10s\n" tool seconds "peak RSS"
for r in "${results[@]}"; do
	set -- $r
	printf "%-14s %9s %7s MiB\n" "$1" "$2" "$(($3 / 1024))"
done
lc_info=$(printf '%s\n' "${results[@]}" | awk '$1=="lockcore-info"{print $2}')
lc_ps=$(printf '%s\n' "${results[@]}" | awk '$1=="lockcore-ps"{print $2}')
drgn_load=$(printf '%s\n' "${results[@]}" | awk '$1=="drgn-load"{print $2}')
drgn_ps=$(printf '%s\n' "${results[@]}" | awk '$1=="drgn-ps"{print $2}')
crash_ps=$(printf '%s\n' "${results[@]}" | awk '$1=="crash-ps"{print $2}')
awk -v a="$drgn_load" -v b="$lc_info" 'BEGIN{ if (b > 0) printf "drgn load / lockcore info: %.1fx\n", a / b }'
awk -v a="$drgn_ps" -v b="$lc_ps" 'BEGIN{ if (b > 0) printf "drgn ps / lockcore ps:     %.1fx\n", a / b }'
ratio() { # label numerator-tool denominator-tool
	local a b
	a=$(printf '%s\n' "${results[@]}" | awk -v k="$2" '$1==k{print $2}')
	b=$(printf '%s\n' "${results[@]}" | awk -v k="$3" '$1==k{print $2}')
	awk -v a="$a" -v b="$b" -v l="$1" 'BEGIN{ if (b > 0) printf "%-27s %.1fx\n", l ":", a / b }'
}
ratio "drgn bt / lockcore bt" drgn-bt lockcore-bt
ratio "drgn bt+lines / lockcore -k" drgn-bt-lines lockcore-bt-k
ratio "drgn log / lockcore log" drgn-log lockcore-log
[ -n "$crash_ps" ] && awk -v a="$crash_ps" -v b="$lc_ps" 'BEGIN{ if (b > 0) printf "crash ps / lockcore ps:    %.1fx\n", a / b }'
exit 0
