#!/usr/bin/env bash
# The issue's figures: for one 6.1 dump per architecture, wall time and peak RSS of
# `lockcore info` next to drgn loading the same dump with its vmlinux (bench/compare.sh,
# same run, same machine). An architecture whose -dbg vmlinux is not in the factory
# cache is skipped with the command that fetches it.
#
# usage: bench/all-arches.sh [LOCKCORE]     (RUNS=3 by default: best of three)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
lockcore=${1:-$top/build/src/cli/lockcore}
cache=${LOCKCORE_FACTORY_CACHE:-/var/tmp/lockcore-factory}
# lockcore runs on the dump alone: Debian's arm64/ppc64el kernels need the committed
# symbol/type caches of their builds for that (it only reads them without -k).
export LOCKCORE_CACHE_DIR=${LOCKCORE_CACHE_DIR:-$top/fixtures/cache}
# Full (makedumpfile-filtered) dumps: drgn cannot read lockcore's minimal extracts, and
# every committed arm64 dump is one, so arm64 takes a kdump from the factory's runs.
# DUMP_<arch> / VMLINUX_<arch> override the choice.
arm64_run=$(ls "$cache"/arm64/runs/*/kdump/vmcore 2>/dev/null | head -1)
cases=(
	"x86_64 ${DUMP_x86_64:-$top/fixtures/x86_64/6.1/healthy-qemu/vmcore.kdump} ${VMLINUX_x86_64:-$cache/amd64/6.1.0-56-amd64/dbg/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64} fixtures/factory/fetch.sh --dbg"
	"arm64 ${DUMP_arm64:-${arm64_run:-none}} ${VMLINUX_arm64:-$cache/arm64/kernel/usr/lib/debug/boot/vmlinux-6.1.0-56-arm64} fixtures/factory-foreign/fetch-packages.sh arm64 --dbg"
	"ppc64le ${DUMP_ppc64le:-$top/fixtures/ppc64le/6.1/sysrq-crash-kdump/vmcore.kdump} ${VMLINUX_ppc64le:-$cache/ppc64el/kernel/usr/lib/debug/boot/vmlinux-6.1.0-50-powerpc64le} fixtures/factory-foreign/fetch-packages.sh ppc64el --dbg"
)
for c in "${cases[@]}"; do
	read -r arch dump vmlinux fetch <<<"$c"
	if [ ! -e "$dump" ]; then
		echo "== $arch: skipped: no full dump (set DUMP_$arch)"
		continue
	fi
	echo "== $arch: $dump ($(($(stat -c %s "$dump") / 1048576)) MiB)"
	if [ ! -e "$vmlinux" ]; then
		echo "skipped: no $vmlinux (fetch it with: $fetch)"
		continue
	fi
	RUNS=${RUNS:-3} "$here/compare.sh" "$dump" "$vmlinux" "$lockcore"
done
