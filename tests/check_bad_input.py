#!/usr/bin/env python3
"""Bad input must give a clear, specific error and exit status 1: never a crash
(signal), a hang, or a silent success.

usage: check_bad_input.py LOCKCORE [REAL_DUMP]
"""
import os
import subprocess
import sys
import tempfile

failures = []


def case(lockcore, name, path, fragment, args=("info",)):
    cmd = [lockcore, "--quiet", args[0], path, *args[1:]]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        failures.append(name)
        print("FAIL %s: hung" % name)
        return
    ok = p.returncode == 1 and fragment in p.stderr and p.stderr.startswith("lockcore: ")
    if not ok:
        failures.append(name)
        print("FAIL %s: exit %d, stderr %r (want %r)" % (name, p.returncode, p.stderr, fragment))
    else:
        print("ok   %s: %s" % (name, p.stderr.strip()))


def tolerant(lockcore, name, path, args=("info",)):
    """A damaged real dump may give partial results (exit 0) or a clear error
    (exit 1, 'lockcore: ...'), never a signal or a hang."""
    cmd = [lockcore, "--quiet", args[0], path, *args[1:]]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        failures.append(name)
        print("FAIL %s: hung" % name)
        return
    if p.returncode == 0 or (p.returncode == 1 and p.stderr.startswith("lockcore: ")):
        print("ok   %s: exit %d %s" % (name, p.returncode, p.stderr.strip()[:160]))
    else:
        failures.append(name)
        print("FAIL %s: exit %d, stderr %r" % (name, p.returncode, p.stderr[-500:]))


def find_real_dump(path):
    """A dump file, or the smallest fixture dump under a fixtures directory."""
    if os.path.isfile(path):
        return path
    best = None
    for dirpath, _, filenames in os.walk(path):
        if "truth.json" in filenames:
            import json
            with open(os.path.join(dirpath, "truth.json")) as f:
                dump = os.path.join(dirpath, json.load(f).get("file", ""))
            if os.path.isfile(dump) and (best is None or os.path.getsize(dump) < os.path.getsize(best)):
                best = dump
    return best


def real_dump_cases(lockcore, dump, d, write):
    with open(dump, "rb") as f:
        data = f.read()
    for frac in (0.001, 0.25, 0.5, 0.9):
        cut = write("cut%d" % int(frac * 1000), data[: int(len(data) * frac)])
        for cmd in ("info", "ps"):
            tolerant(lockcore, "%s on a dump cut at %d%%" % (cmd, frac * 100), cut, (cmd,))
    # Corrupt bytes spread over the file (headers excepted): readers must cope.
    bad = bytearray(data)
    for off in range(8192, len(bad), max(len(bad) // 997, 1)):
        bad[off] ^= 0xA5
    corrupt = write("corrupt", bytes(bad))
    for cmd in ("info", "ps"):
        tolerant(lockcore, "%s on a corrupted dump" % cmd, corrupt, (cmd,))


def main():
    lockcore = sys.argv[1]
    with tempfile.TemporaryDirectory() as d:
        def write(name, data):
            p = os.path.join(d, name)
            with open(p, "wb") as f:
                f.write(data)
            return p

        case(lockcore, "missing file", os.path.join(d, "nope"), "No such file")
        case(lockcore, "directory", d, "directory")
        case(lockcore, "empty file", write("empty", b""), "empty")
        case(lockcore, "not a dump", write("text", b"hello world\n" * 100), "not a crash dump")
        # An ELF header that promises program headers past the end of the file.
        elf = bytearray(64)
        elf[0:4] = b"\x7fELF"
        elf[4] = 2  # 64-bit
        elf[5] = 1  # little-endian
        elf[6] = 1
        elf[16] = 4  # ET_CORE
        elf[18] = 62  # x86_64
        elf[32:40] = (1 << 40).to_bytes(8, "little")  # e_phoff far away
        elf[54] = 56  # e_phentsize
        elf[56] = 3  # e_phnum
        case(lockcore, "truncated ELF", write("trunc.elf", bytes(elf)), "past the end of the file")
        case(lockcore, "bad kdump header",
             write("bad.kdump", b"KDUMP   " + b"\xff" * 4088), "kdump header version")
        kd = bytearray(4096)
        kd[0:8] = b"KDUMP   "
        kd[8:12] = (6).to_bytes(4, "little")
        kd[428:432] = (4096).to_bytes(4, "little")  # block size
        kd[432:436] = (1).to_bytes(4, "little")  # sub-header blocks
        kd[436:440] = (1000).to_bytes(4, "little")  # bitmap blocks past the end
        kd[440:444] = (1 << 20).to_bytes(4, "little")
        case(lockcore, "kdump bitmaps past the end", write("short.kdump", bytes(kd)),
             "truncated or corrupt dump")
        flat = bytearray(4096)
        flat[0:12] = b"makedumpfile"
        flat[16:24] = (1).to_bytes(8, "big")
        flat[24:32] = (1).to_bytes(8, "big")
        case(lockcore, "flattened without end marker", write("trunc.flat", bytes(flat)),
             "end marker")
        if len(sys.argv) > 2:
            real = find_real_dump(sys.argv[2])
            if real:
                real_dump_cases(lockcore, real, d, write)
    if failures:
        print("%d bad-input case(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
