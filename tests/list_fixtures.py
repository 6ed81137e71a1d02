#!/usr/bin/env python3
"""Print, one per line, each fixture directory (relative to fixtures/) that has a
truth.json and whose dump file is present in the checkout."""
import json
import os
import sys

root = sys.argv[1]
found = []
for dirpath, dirnames, filenames in os.walk(root):
    dirnames.sort()
    if "truth.json" not in filenames:
        continue
    try:
        with open(os.path.join(dirpath, "truth.json")) as f:
            truth = json.load(f)
    except (OSError, ValueError):
        continue
    dump = truth.get("file")
    if dump and os.path.exists(os.path.join(dirpath, dump)):
        found.append(os.path.relpath(dirpath, root))
if len(sys.argv) > 2 and sys.argv[2] == "--vmlinux":
    # Pair each fixture with the -dbg vmlinux of its kernel where the fixture
    # factory's cache holds one (never in git: it is hundreds of MiB).
    cache = os.environ.get("LOCKCORE_FACTORY_CACHE", "/var/tmp/lockcore-factory")
    vmlinux = {}
    for dirpath, dirnames, filenames in os.walk(cache):
        if dirpath.endswith(os.path.join("usr", "lib", "debug", "boot")):
            for name in filenames:
                if name.startswith("vmlinux-"):
                    vmlinux.setdefault(name[len("vmlinux-"):], os.path.join(dirpath, name))
    pairs = []
    for fixture in found:
        with open(os.path.join(root, fixture, "truth.json")) as f:
            release = json.load(f).get("release")
        if release in vmlinux:
            pairs.append("%s\t%s\t%s" % (fixture, vmlinux[release], release))
    print("\n".join(pairs))
else:
    print("\n".join(found))
