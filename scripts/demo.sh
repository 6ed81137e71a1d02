#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install, build, and analyze a
# bundled real dump: Debian's 6.1 amd64 kernel, captured by kdump after the
# soft-lockup detector fired on a CPU that holds a spinlock and waits for an
# IPI that the spinning target (IRQs off) can never take.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
dump=${1:-fixtures/x86_64/6.1/ipi-spinner-kdump/vmcore.kdump}
run() {
	echo "\$ lockcore $*"
	build/src/cli/lockcore "$@"
	echo
}
run info "$dump"
run log "$dump" --events
run bt "$dump" -a
run locks "$dump"
run ipi "$dump"
