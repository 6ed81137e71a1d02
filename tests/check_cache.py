#!/usr/bin/env python3
"""`lockcore cache VMLINUX` writes the same symbol cache as the committed one for
that build-id, and a dump of that kernel then opens with nothing but the dump
and the new cache directory.

usage: check_cache.py LOCKCORE VMLINUX COMMITTED_SYMS FIXTURE_DIR
"""
import filecmp
import json
import os
import subprocess
import sys
import tempfile


def main():
    lockcore, vmlinux, committed, fixture = sys.argv[1:5]
    with tempfile.TemporaryDirectory() as d:
        env = dict(os.environ, LOCKCORE_CACHE_DIR=d)
        p = subprocess.run([lockcore, "cache", vmlinux], env=env, capture_output=True,
                           text=True, timeout=600)
        print(p.stdout.strip(), p.stderr.strip())
        if p.returncode != 0:
            print("FAIL: lockcore cache exited %d" % p.returncode)
            return 1
        written = os.path.join(d, os.path.basename(committed))
        if not filecmp.cmp(written, committed, shallow=False):
            print("FAIL: %s differs from the committed %s" % (written, committed))
            return 1
        with open(os.path.join(fixture, "truth.json")) as f:
            truth = json.load(f)
        dump = os.path.join(fixture, truth["file"])
        p = subprocess.run([lockcore, "--quiet", "--json", "info", dump], env=env,
                           capture_output=True, text=True, timeout=300)
        if p.returncode != 0:
            print("FAIL: info with the new cache: %s" % p.stderr.strip())
            return 1
        info = json.loads(p.stdout)
        if info.get("release") != truth["release"] or info.get("cpus") != truth["cpus"]:
            print("FAIL: info with the new cache: %r" % info)
            return 1
        print("ok: %s" % info.get("symbols"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
