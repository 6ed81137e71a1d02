#!/usr/bin/env python3
"""Cross-check of `lockcore -m` against drgn: drgn loads MODULE.ko as debug
info for a full dump (placing it by the module's sections as the kernel
recorded them) and names each FUNC/OBJECT symbol; lockcore's address of the
symbol is its section's address (info --json module_files) plus the
symbol's offset. Every symbol with a unique name in a placed section must
agree. A static function of the module that vmlinux also has
(do_raw_spin_lock) is found by name in vmlinux by drgn: then drgn's name at
lockcore's address is compared instead.

usage: tests/drgn_module_syms.py LOCKCORE DUMP VMLINUX MODULE.ko [ENV=VALUE...]
       (ENV: e.g. LOCKCORE_MODULE_LAYOUT=1 to check the path without sect_attrs;
        run with /usr/bin/python3, drgn 0.0.22, or the factory's drgn 0.0.31)

Recorded on the factory's full dumps (2026-11-22), both with sect_attrs and
with LOCKCORE_MODULE_LAYOUT=1:
  arm64 6.1 a64-locks vmcore.kdump and a64-abba kdump/vmcore, their lcscen.ko:
    55 symbols at drgn's address, 0 differ (11 skipped: duplicate names, init)
  x86_64 6.1 ipi-spinner-qemu-la57 vmcore.kdump, its lcscen.ko:
    53 symbols at drgn's address, 0 differ (12 skipped)
  x86_64 5.10 crash-holding-lock-qemu vmcore.kdump, its lcscen.ko:
    54 symbols at drgn's address, 0 differ (11 skipped)
  ppc64le 6.1: drgn 0.0.22 and 0.0.31 cannot read the modules of these dumps
    (module memory untranslatable / no NT_AUXV in the QEMU ELF): no check.
"""
import collections
import json
import os
import re
import subprocess
import sys

import drgn


def ko_symbols(ko):
    """(name, section name, offset) of every FUNC/OBJECT symbol, by readelf."""
    secnames = {}
    out = subprocess.run(["readelf", "-SW", ko], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        m = re.match(r"\s*\[\s*(\d+)\]\s+(\S+)", line)
        if m:
            secnames[int(m.group(1))] = m.group(2)
    syms = []
    out = subprocess.run(["readelf", "-sW", ko], capture_output=True, text=True, check=True)
    for line in out.stdout.splitlines():
        f = line.split()
        if len(f) == 8 and f[3] in ("FUNC", "OBJECT") and f[6].isdigit() and \
                not f[7].startswith("$"):
            syms.append((f[7], secnames[int(f[6])], int(f[1], 16)))
    return syms


def main():
    lockcore, dump, vmlinux, ko = sys.argv[1:5]
    env = dict(os.environ, **dict(a.split("=", 1) for a in sys.argv[5:]))
    syms = ko_symbols(ko)
    count = collections.Counter(n for n, _, _ in syms)
    out = subprocess.run([lockcore, "-q", "-j", "-m", ko, "info", dump], capture_output=True,
                         text=True, env=env, check=True)
    f = json.loads(out.stdout)["module_files"][0]
    secaddr = {s["name"]: int(s["address"], 16) for s in f["sections"]}
    prog = drgn.Program()
    prog.set_core_dump(dump)
    prog.load_debug_info([vmlinux, ko])
    same = differ = skipped = 0
    for name, sec, off in syms:
        if count[name] > 1 or sec not in secaddr:
            skipped += 1
            continue
        ours = secaddr[sec] + off
        try:
            theirs = prog.symbol(name).address
            if theirs != ours and prog.symbol(ours).name == name:
                theirs = ours
        except LookupError:
            skipped += 1
            continue
        if theirs == ours:
            same += 1
        else:
            differ += 1
            print("DIFFER %s (%s+%#x): drgn %#x, lockcore %#x" % (name, sec, off, theirs, ours))
    print("%s: %d symbols at drgn's address, %d differ, %d skipped (duplicate names, init "
          "sections, unknown to drgn); lockcore: %s; verified by %s" % (
              os.path.basename(ko), same, differ, skipped, f["note"] or "sections from sect_attrs",
              f["verified_by"]))
    return 1 if differ or not same else 0


if __name__ == "__main__":
    sys.exit(main())
