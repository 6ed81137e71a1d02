#!/usr/bin/env bash
# Make bullseye (5.10), bookworm-backports and trixie (6.12) packages of the
# same Debian archive available for fixtures and kernel sources, pinned to
# priority 100 so that `apt-get install` never upgrades this bookworm machine.
# Idempotent; run as root.
set -euo pipefail
archive=$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
[ -n "$archive" ] || archive=$(awk '$1 == "deb" && $3 == "bookworm" {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
[ -n "$archive" ] || { echo "apt-extra-suites: cannot find the Debian archive URI" >&2; exit 1; }
security=${archive%/debian}/debian-security
cat >/etc/apt/sources.list.d/lockcore-extra.sources <<SRC
Types: deb
URIs: $archive
Suites: bullseye bookworm-backports trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bullseye-security trixie-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
cat >/etc/apt/preferences.d/lockcore-extra <<'PIN'
Package: *
Pin: release n=bullseye
Pin-Priority: 100

Package: *
Pin: release n=bullseye-security
Pin-Priority: 100

Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100

Package: *
Pin: release n=trixie
Pin-Priority: 100

Package: *
Pin: release n=trixie-security
Pin-Priority: 100
PIN
apt-get update -qq || echo "apt-extra-suites: some indexes failed to update (mirror sync?); continuing" >&2
