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
print("\n".join(found))
