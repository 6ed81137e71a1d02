#!/usr/bin/env bash
# Build the libFuzzer targets with clang (ASan+UBSan) and run each for a while.
# usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
dir=build-fuzz
[ -d "$dir" ] || CC=clang meson setup "$dir" -Dfuzzing=true -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug >/dev/null
meson compile -C "$dir" >/dev/null
status=0
for exe in "$dir"/tests/fuzz_*; do
	[ -f "$exe" ] && [ -x "$exe" ] || continue
	name=$(basename "$exe")
	corpus="$dir/corpus-$name"
	mkdir -p "$corpus"
	echo "== $name ($seconds s)"
	LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp \
		"$exe" -max_total_time="$seconds" -max_len=65536 "$corpus" 2>&1 | tail -2 || status=1
done
exit $status
