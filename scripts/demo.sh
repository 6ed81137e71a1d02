#!/usr/bin/env bash
# One command from a fresh Debian 12 machine: install, build, and analyze a
# bundled real dump (Debian 6.1 amd64 kernel, captured by QEMU).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
[ -d build ] || meson setup build >/dev/null
meson compile -C build >/dev/null
dump=${1:-fixtures/x86_64/6.1/healthy-qemu/vmcore.kdump}
for cmd in info ps; do
	echo "\$ lockcore $cmd $dump"
	build/src/cli/lockcore "$cmd" "$dump"
	echo
done
