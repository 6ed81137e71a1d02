#!/usr/bin/env python3
"""-m FILE.ko on the committed fixtures: the right file is used (plain,
compressed, found in a directory), and every wrong one is refused with a
message that says what differs, or ignored with a warning when its module is
not loaded. Never a crash or a silent success.

usage: check_module_file.py LOCKCORE FIXTURES_DIR

With --factory DIR (the fixture factory's cache) it also compares, on every
full dump there whose modules are at hand, the section addresses read from
sect_attrs with those the anchors and layout give (LOCKCORE_MODULE_LAYOUT=1):
the fallback that the minimal fixtures, which lack sect_attrs, depend on.
"""
import gzip
import json
import lzma
import os
import shutil
import struct
import subprocess
import sys
import tempfile

failures = []


def run(lockcore, *args, env=None):
    cmd = [lockcore, "--quiet", *args]
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=240,
                              env=dict(os.environ, **(env or {})))
    except subprocess.TimeoutExpired:
        return None


def refused(lockcore, name, dump, ko, fragment):
    p = run(lockcore, "-m", ko, "info", dump)
    if p is None:
        failures.append(name)
        print("FAIL %s: hung" % name)
    elif p.returncode == 1 and p.stderr.startswith("lockcore: ") and fragment in p.stderr:
        print("ok   %s: %s" % (name, p.stderr.strip()))
    else:
        failures.append(name)
        print("FAIL %s: exit %d, stderr %r (want %r)" % (name, p.returncode, p.stderr, fragment))


def module_files(lockcore, name, dump, *mods, env=None):
    """info --json with -m for each of mods: its module_files, or None."""
    args = []
    for m in mods:
        args += ["-m", m]
    p = run(lockcore, "--json", *args, "info", dump, env=env)
    if p is None or p.returncode != 0:
        failures.append(name)
        print("FAIL %s: %s" % (name, "hung" if p is None else p.stderr.strip()))
        return None
    return json.loads(p.stdout)["module_files"]


def used(lockcore, name, dump, ko, symbols=None):
    files = module_files(lockcore, name, dump, ko)
    if files is None:
        return None
    f = files[0] if len(files) == 1 else {}
    if f.get("status") != "used" or (symbols is not None and f.get("symbols") != symbols):
        failures.append(name)
        print("FAIL %s: %r (want used, %s symbols)" % (name, f or files, symbols))
        return None
    print("ok   %s: %d symbols, verified by %s" % (name, f["symbols"], f["verified_by"]))
    return f["symbols"]


def elf_sections(data):
    """(name, offset, size) of each section of a little-endian ELF64 file."""
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3a)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    stroff = hdrs[shstrndx][4]
    out = []
    for h in hdrs:
        end = data.index(b"\0", stroff + h[0])
        out.append((data[stroff + h[0]:end].decode(), h[4], h[5]))
    return out


def patched(tmp, ko, section, edit, name):
    """A copy of ko with one section's bytes changed in place by edit(bytes)."""
    data = bytearray(open(ko, "rb").read())
    for sname, off, size in elf_sections(data):
        if sname == section:
            data[off:off + size] = edit(bytes(data[off:off + size]))
            break
    else:
        raise SystemExit("%s has no %s" % (ko, section))
    path = os.path.join(tmp, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def committed(lockcore, fixtures):
    a64 = os.path.join(fixtures, "arm64/6.1/locks-qemu")
    a64_dump = os.path.join(a64, "vmcore.min.elf.zst")
    a64_ko = os.path.join(a64, "lcscen.ko")
    x61 = os.path.join(fixtures, "x86_64/6.1/locks-qemu")
    x61_dump = os.path.join(x61, "vmcore.kdump")
    x61_ko = os.path.join(x61, "lcscen.ko")
    n = used(lockcore, "arm64 lcscen.ko of the dump", a64_dump, a64_ko)
    used(lockcore, "x86_64 6.1 lcscen.ko of the dump (build-id note in the dump)", x61_dump,
         x61_ko)

    # Another build of the same module for the same kernel: lcscen.c of
    # another day. No srcversion (no MODULE_VERSION), the symbols differ.
    refused(lockcore, "arm64 lcscen.ko of another build", a64_dump,
            os.path.join(fixtures, "arm64/6.1/ipi-spinner-qemu/lcscen.ko"),
            "does not match the loaded module lcscen: coord_fn is 0x3f0 bytes in the file")
    refused(lockcore, "x86_64 6.1 lcscen.ko of another build", x61_dump,
            os.path.join(fixtures, "x86_64/6.1/ipi-spinner-qemu-la57/lcscen.ko"),
            "does not match the loaded module lcscen: coord_fn is 0x3d9 bytes")
    refused(lockcore, "ppc64le module on an arm64 dump", a64_dump,
            os.path.join(fixtures, "ppc64le/6.1/abba-kdump/lcscen.ko"),
            "is a module for ppc64 (ELF machine 21, 64-bit little-endian), the dump is aarch64")
    refused(lockcore, "5.10 module on a 6.1 dump", x61_dump,
            os.path.join(fixtures, "x86_64/5.10/healthy-kdump/lcscen.ko"),
            "it was built for Linux 5.10.0-46-amd64, the dump runs 6.1.0-56-amd64")

    with tempfile.TemporaryDirectory() as tmp:
        # Same symbols, another build-id: only the note in memory tells.
        bad_id = patched(tmp, x61_ko, ".note.gnu.build-id",
                         lambda b: b[:-1] + bytes([b[-1] ^ 0xff]), "lcscen.ko")
        refused(lockcore, "x86_64 lcscen.ko with another build-id", x61_dump, bad_id,
                "its build-id is f497c46ff784cab5d9e592b86926e069b22a8255, the file's "
                "f497c46ff784cab5d9e592b86926e069b22a82aa")
        # A srcversion the loaded module does not have (it was built without).
        os.unlink(bad_id)
        add_src = patched(tmp, x61_ko, ".modinfo",
                          lambda b: b"srcversion=0123456789ABCDEF0123456\0".ljust(len(b), b"\0")
                          if len(b) > 40 else b, "lcscen.ko")
        refused(lockcore, "x86_64 lcscen.ko with a srcversion", x61_dump, add_src,
                "its srcversion is none, the file's 0123456789ABCDEF0123456")
        os.unlink(add_src)

        refused(lockcore, "not an ELF file", a64_dump, os.path.join(fixtures, "README.md"),
                "is not an ELF file")
        trunc = os.path.join(tmp, "trunc.ko")
        with open(trunc, "wb") as f:
            f.write(open(a64_ko, "rb").read()[:4096])
        refused(lockcore, "truncated module", a64_dump, trunc, "(truncated?)")
        refused(lockcore, "missing file", a64_dump, os.path.join(tmp, "none.ko"),
                "cannot open")
        p = run(lockcore, "-m", a64_ko, "-m", a64_ko, "info", a64_dump)
        if p and p.returncode == 1 and "module lcscen is given twice" in p.stderr:
            print("ok   a module given twice: %s" % p.stderr.strip())
        else:
            failures.append("twice")
            print("FAIL a module given twice: %r" % (p and p.stderr))

        # Not loaded: a warning on every command, and ignored.
        nmi = os.path.join(fixtures, "arm64/6.1/missed-crash-ipi-kdump/lcnmi.ko")
        p = run(lockcore, "-m", nmi, "locks", a64_dump)
        if p and p.returncode == 0 and "warning" in p.stderr and "lcnmi is not loaded" in p.stderr:
            print("ok   module not loaded: %s" % p.stderr.strip())
        else:
            failures.append("not loaded")
            print("FAIL module not loaded: %r" % (p and (p.returncode, p.stderr)))
        files = module_files(lockcore, "module not loaded (info)", a64_dump, nmi)
        if files and files[0]["status"] != "not loaded":
            failures.append("not loaded status")
            print("FAIL module not loaded: status %r" % files[0]["status"])

        # Compressed as distributions install them, and found in a directory.
        raw = open(a64_ko, "rb").read()
        for ext, pack in ((".xz", lzma.compress), (".gz", gzip.compress)):
            path = os.path.join(tmp, "lcscen.ko" + ext)
            with open(path, "wb") as f:
                f.write(pack(raw))
            used(lockcore, "lcscen.ko%s" % ext, a64_dump, path, n)
            os.unlink(path)
        if shutil.which("zstd"):
            path = os.path.join(tmp, "lcscen.ko.zst")
            subprocess.run(["zstd", "-q", "-o", path, a64_ko], check=True)
            used(lockcore, "lcscen.ko.zst", a64_dump, path, n)
            os.unlink(path)
        sub = os.path.join(tmp, "lib/modules/6.1.0-56-arm64/extra")
        os.makedirs(sub)
        shutil.copy(a64_ko, sub)
        shutil.copy(nmi, sub)
        used(lockcore, "directory holding lcscen.ko", a64_dump, os.path.join(tmp, "lib"), n)


def factory(lockcore, fixtures, cache):
    """sect_attrs against anchors and layout on the full dumps of the factory."""
    runs = [
        ("amd64/5.10.0-46-amd64/runs/crash-holding-lock-qemu/vmcore.kdump",
         "amd64/5.10.0-46-amd64/root/lib/modules", "x86_64/5.10/crash-holding-lock-qemu"),
        ("amd64/6.1.0-56-amd64/runs/ipi-spinner-qemu-la57/vmcore.kdump",
         "amd64/6.1.0-56-amd64/root/lib/modules", "x86_64/6.1/ipi-spinner-qemu-la57"),
        ("amd64/6.12.117+deb12-amd64/runs/crash-holding-lock-qemu/vmcore.kdump",
         "amd64/6.12.117+deb12-amd64/root/lib/modules", "x86_64/6.12/crash-holding-lock-qemu"),
        ("arm64/runs/a64-locks/vmcore.kdump", "arm64/kernel/lib/modules", "arm64/6.1/locks-qemu"),
        ("arm64/runs/a64-abba/kdump/vmcore", "arm64/kernel/lib/modules", "arm64/6.1/abba-kdump"),
        ("ppc64el/runs/p64-abba/kdump/vmcore", "ppc64el/kernel/lib/modules",
         "ppc64le/6.1/abba-kdump"),
        ("ppc64el/runs/p64-locks2/vmcore.kdump", "ppc64el/kernel/lib/modules",
         "ppc64le/6.1/abba-kdump"),
    ]
    for dump, mods, fixture in runs:
        dump, mods = os.path.join(cache, dump), os.path.join(cache, mods)
        ko = os.path.join(fixtures, fixture, "lcscen.ko")
        if not (os.path.exists(dump) and os.path.isdir(mods)):
            print("skip %s: not in the factory cache" % dump)
            continue
        a = module_files(lockcore, "sect_attrs " + dump, dump, ko, mods)
        b = module_files(lockcore, "layout " + dump, dump, ko, mods,
                         env={"LOCKCORE_MODULE_LAYOUT": "1"})
        if not a or not b:
            continue
        compared = 0
        for fa, fb in zip(a, b):
            sa = {s["name"]: s for s in fa["sections"]}
            for s in fb["sections"]:
                if s["name"] in sa and sa[s["name"]]["address"] != s["address"]:
                    failures.append(dump)
                    print("FAIL %s %s %s: sect_attrs %s, %s %s" % (
                        dump, fa["module"], s["name"], sa[s["name"]]["address"], s["from"],
                        s["address"]))
                compared += s["name"] in sa
            if fa["status"] != "used" or fb["status"] != "used" or \
                    fa["symbols"] != fb["symbols"] or fb["unplaced_symbols"]:
                failures.append(dump)
                print("FAIL %s %s: sect_attrs %s %d symbols, layout %s %d (+%d unplaced: %s)" % (
                    dump, fa["module"], fa["status"], fa["symbols"], fb["status"],
                    fb["symbols"], fb["unplaced_symbols"], fb["note"]))
        print("ok   %s: %d modules, %d sections placed without sect_attrs as sect_attrs says"
              % (dump, len(a), compared))


def main():
    lockcore, fixtures = sys.argv[1], sys.argv[2]
    if "--factory" in sys.argv:
        factory(lockcore, fixtures, sys.argv[sys.argv.index("--factory") + 1])
    else:
        committed(lockcore, fixtures)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
