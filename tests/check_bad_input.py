#!/usr/bin/env python3
"""Bad input must give a clear, specific error and exit status 1: never a crash
(signal), a hang, or a silent success.

usage: check_bad_input.py LOCKCORE
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
        case(lockcore, "truncated ELF", write("trunc.elf", bytes(elf)), "")
        case(lockcore, "bad kdump header",
             write("bad.kdump", b"KDUMP   " + b"\xff" * 4088), "")
    if failures:
        print("%d bad-input case(s) failed" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
