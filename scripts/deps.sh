#!/usr/bin/env bash
# Install what lockcore needs to build and test on Debian 12 (run as root).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
pkgs=(gcc meson ninja-build pkg-config python3
      libkdumpfile-dev libdw-dev libelf-dev libreadline-dev libzstd-dev zlib1g-dev liblzma-dev
      zstd makedumpfile)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
