#!/usr/bin/python3
"""A kdump-compressed dump written by QEMU (dump-guest-memory -z/-l/-s).

QEMU fills only utsname.machine in the disk_dump_header; libkdumpfile then
knows no architecture, and lockcore refused such dumps ("cannot tell the
architecture"). A committed makedumpfile dump with its header's other
utsname fields cleared is, to every reader, what QEMU writes: lockcore must
answer info, ps, bt, log and locks on it exactly as on the original.

usage: check_qemu_kdump.py LOCKCORE FIXTURES
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

UTS_OFFSET, UTS_FIELD = 12, 65  # disk_dump_header: signature[8], header_version, utsname
MACHINE = 4                     # sysname, nodename, release, version, machine, domainname

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def run(lockcore, args):
    r = subprocess.run([lockcore, '--quiet'] + args, capture_output=True, text=True)
    if r.returncode < 0:
        fail(f'lockcore {" ".join(args)} crashed (signal {-r.returncode})')
    return r


def main():
    lockcore, fixtures = sys.argv[1], sys.argv[2]
    orig = os.path.join(fixtures, 'x86_64/6.1/healthy-qemu/vmcore.kdump')
    tmp = tempfile.mkdtemp(prefix='lc-qemu-kdump-')
    qemu = os.path.join(tmp, 'vmcore.qemu-kdump')
    data = bytearray(open(orig, 'rb').read())
    if data[:8] != b'KDUMP   ':
        sys.exit(f'{orig} is not kdump-compressed')
    for field in range(6):
        if field != MACHINE:
            start = UTS_OFFSET + field * UTS_FIELD
            data[start:start + UTS_FIELD] = bytes(UTS_FIELD)
    open(qemu, 'wb').write(data)

    ref = json.loads(run(lockcore, ['--json', 'info', orig]).stdout)
    r = run(lockcore, ['--json', 'info', qemu])
    if r.returncode:
        fail(f'info on the QEMU-style header: {r.stderr.strip()}')
    else:
        got = json.loads(r.stdout)
        for k in ref:
            if got.get(k) != ref[k]:
                fail(f'info {k}: {got.get(k)!r} with the QEMU-style header, {ref[k]!r} before')
        print(f'ok: info: arch {got.get("arch")!r}, release {got.get("release")!r}')
    for cmd in (['--json', 'ps'], ['bt', '-a'], ['log'], ['--json', 'locks']):
        a = run(lockcore, cmd + [qemu])
        b = run(lockcore, cmd + [orig])
        if a.returncode or a.stdout != b.stdout:
            fail(f'{" ".join(cmd)} differs with the QEMU-style header ({a.stderr.strip()})')
        else:
            print(f'ok: {" ".join(cmd)}: same ({len(a.stdout)} bytes)')
    shutil.rmtree(tmp)
    if failures:
        print(f'{len(failures)} failure(s)')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
