#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install, build with -Werror, and
# run the whole test suite twice: plainly and under ASan+UBSan.
# The last line is "N passed, N failed" over both runs.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }

passed=0
failed=0
run_suite() { # build-dir meson-setup-args...
	local dir=$1
	shift
	rm -rf "$dir"
	if ! meson setup "$dir" -Dwerror=true "$@" >"$dir.setup.log" 2>&1 ||
		! meson compile -C "$dir" >"$dir.compile.log" 2>&1; then
		cat "$dir.setup.log" "$dir.compile.log" 2>/dev/null | tail -40
		failed=$((failed + 1))
		return
	fi
	meson test -C "$dir" --print-errorlogs --num-processes 2
	local log="$dir/meson-logs/testlog.json"
	if [ -f "$log" ]; then
		local p f
		p=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["result"] in ("OK","EXPECTEDFAIL") for x in r))' "$log")
		f=$(python3 -c 'import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]; print(sum(x["result"] not in ("OK","EXPECTEDFAIL","SKIP") for x in r))' "$log")
		passed=$((passed + p))
		failed=$((failed + f))
	else
		failed=$((failed + 1))
	fi
}

run_suite build-test
ASAN_OPTIONS=detect_leaks=1 LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
