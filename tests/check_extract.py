#!/usr/bin/env python3
"""extract --minimal on a real fixture: the small dump must be much smaller,
lockcore must verify the same answer on it (exit 0), and the fixture's truth
must still hold when checked against the small dump.

usage: check_extract.py LOCKCORE FIXTURES_DIR CHECK_FIXTURE_PY [FIXTURE [-- OPTIONS...]]

FIXTURE (relative to FIXTURES_DIR) picks the dump instead of the smallest one;
OPTIONS go to check_fixture.py (e.g. -k VMLINUX: the small dump, extracted
without a vmlinux, must hold every page DWARF unwinding and parameter
locations read, and still agree with drgn's reading of the full dump).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    args = sys.argv[1:sys.argv.index("--")] if "--" in sys.argv else sys.argv[1:]
    extra = sys.argv[sys.argv.index("--"):] if "--" in sys.argv else []
    lockcore, fixtures, check_fixture = args[:3]
    best = None
    if len(args) > 3:
        with open(os.path.join(fixtures, args[3], "truth.json")) as f:
            best = (os.path.join(fixtures, args[3]),
                    os.path.join(fixtures, args[3], json.load(f)["file"]))
    if best is None:
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
        if os.path.exists(os.path.join(fixture, "drgn.txt")):
            shutil.copy(os.path.join(fixture, "drgn.txt"), copy)
        # The small dump keeps the stacks the analyses read: every CPU's and the
        # lock waiters', not every sleeping task's.
        path = os.path.join(fixture, "drgn-bt-dwarf.json")
        if os.path.exists(path):
            with open(path) as f:
                drgn = json.load(f)
            waiters = {str(w["pid"]) for l in truth.get("locks") or [] if isinstance(l, dict)
                       for w in l.get("waiters", [])}
            drgn["tasks"] = {p: t for p, t in drgn["tasks"].items() if p in waiters}
            with open(os.path.join(copy, "drgn-bt-dwarf.json"), "w") as f:
                json.dump(drgn, f)
        return subprocess.run([sys.executable, check_fixture, lockcore, copy] + extra).returncode


if __name__ == "__main__":
    sys.exit(main())
