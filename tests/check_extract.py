#!/usr/bin/env python3
"""extract --minimal on a real fixture: the small dump must be much smaller,
lockcore must verify the same answer on it (exit 0), and the fixture's truth
must still hold when checked against the small dump.

usage: check_extract.py LOCKCORE FIXTURES_DIR CHECK_FIXTURE_PY
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    lockcore, fixtures, check_fixture = sys.argv[1:4]
    best = None
    for dirpath, _, filenames in os.walk(fixtures):
        if "truth.json" in filenames:
            with open(os.path.join(dirpath, "truth.json")) as f:
                dump = os.path.join(dirpath, json.load(f).get("file", ""))
            if os.path.isfile(dump) and (best is None or os.path.getsize(dump) < os.path.getsize(best[1])):
                best = (dirpath, dump)
    if best is None:
        print("no fixture dump to extract from")
        return 1
    fixture, dump = best
    with tempfile.TemporaryDirectory() as d:
        small = os.path.join(d, "small.elf")
        p = subprocess.run([lockcore, "--quiet", "extract", dump, "--minimal", small],
                           capture_output=True, text=True, timeout=600)
        print(p.stderr.strip())
        if p.returncode != 0:
            print("FAIL: extract exited %d" % p.returncode)
            return 1
        # A 512 MiB-class guest must come down to a few MiB of pages.
        size = os.path.getsize(small)
        if size > 32 << 20:
            print("FAIL: minimal dump is %d bytes" % size)
            return 1
        copy = os.path.join(d, "fixture")
        os.mkdir(copy)
        with open(os.path.join(fixture, "truth.json")) as f:
            truth = json.load(f)
        truth["file"] = "../small.elf"
        with open(os.path.join(copy, "truth.json"), "w") as f:
            json.dump(truth, f)
        for extra in ("drgn.txt",):
            if os.path.exists(os.path.join(fixture, extra)):
                shutil.copy(os.path.join(fixture, extra), copy)
        return subprocess.run([sys.executable, check_fixture, lockcore, copy]).returncode


if __name__ == "__main__":
    sys.exit(main())
