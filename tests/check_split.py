#!/usr/bin/python3
"""Split dump sets (makedumpfile --split) against the dump they were split from.

A committed kdump-compressed fixture is split into three files by the real
makedumpfile (re-filtering a kdump-compressed input at the same level keeps
every page; --splitblock-size makes all three parts hold pages). lockcore
given the three files, in any order, must answer info, ps, bt, log and locks
exactly as on the original; an incomplete set, a file given twice and a part
of another dump are refused with a clear message.

usage: check_split.py LOCKCORE FIXTURES
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def run(lockcore, args):
    r = subprocess.run([lockcore] + args, capture_output=True, text=True)
    if r.returncode < 0:
        fail(f'lockcore {" ".join(args)} crashed (signal {-r.returncode})')
    return r


def split(src, outs):
    r = subprocess.run(['makedumpfile', '--split', '-d', '31', '-c', '--splitblock-size', '4',
                        src] + outs, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f'makedumpfile --split failed: {r.stdout}{r.stderr}')


def main():
    lockcore, fixtures = sys.argv[1], sys.argv[2]
    if not shutil.which('makedumpfile'):
        print('SKIP: makedumpfile is not installed')
        return 77
    tmp = tempfile.mkdtemp(prefix='lc-split-')
    orig = os.path.join(fixtures, 'x86_64/6.1/healthy-qemu/vmcore.kdump')
    parts = [os.path.join(tmp, f'vmcore.{i}') for i in range(1, 4)]
    split(orig, parts)
    sizes = [os.path.getsize(p) for p in parts]
    print(f'split {orig} into {sizes} bytes')

    for order in (parts, [parts[2], parts[0], parts[1]]):
        r = run(lockcore, ['info', '--json'] + order)
        if r.returncode:
            fail(f'info on the set: {r.stderr.strip()}')
            continue
        got = json.loads(r.stdout)
        ref = json.loads(run(lockcore, ['info', '--json', orig]).stdout)
        if got.get('files') != 3:
            fail(f'info says {got.get("files")} files')
        for k in ref:
            if k != 'files' and got.get(k) != ref[k]:
                fail(f'info {k}: {got.get(k)!r} on the set, {ref[k]!r} unsplit')
    for cmd in (['ps', '--json'], ['bt'], ['log'], ['locks', '--json']):
        a = run(lockcore, cmd + parts)
        b = run(lockcore, cmd + [orig])
        if a.returncode or a.stdout != b.stdout:
            fail(f'{" ".join(cmd)} differs on the set ({a.stderr.strip()})')
        else:
            print(f'ok: {" ".join(cmd)}: same on the set ({len(a.stdout)} bytes)')
    # Command arguments after the parts are still the command's.
    a = run(lockcore, ['bt'] + parts + ['1'])
    b = run(lockcore, ['bt', orig, '1'])
    if a.returncode or a.stdout != b.stdout or 'CPU: 1' not in a.stdout:
        fail(f'bt CPU 1 after the parts differs ({a.stderr.strip()})')

    def refused(what, args, want):
        r = run(lockcore, ['info'] + args)
        if r.returncode == 0 or want not in r.stderr:
            fail(f'{what}: exit {r.returncode}, {r.stderr.strip()!r} (want {want!r})')
        else:
            print(f'ok: {what}: {r.stderr.strip()}')

    refused('a part missing', [parts[0], parts[2]], 'give all the files')
    refused('only the first part', [parts[0]], 'give all the files')
    refused('a part twice', [parts[0], parts[1], parts[1], parts[2]], 'given twice')
    other = [os.path.join(tmp, f'other.{i}') for i in range(1, 4)]
    split(os.path.join(fixtures, 'x86_64/6.1/ipi-spinner-kdump/vmcore.kdump'), other)
    refused('a part of another dump', [parts[0], other[1], parts[2]], 'part of another dump')

    # A corrupt range in a part's sub-header (start_pfn_64 after end_pfn_64).
    bad = os.path.join(tmp, 'bad.2')
    data = bytearray(open(parts[1], 'rb').read())
    block = int.from_bytes(data[428:432], 'little')
    data[block + 80:block + 88] = (0xfffff).to_bytes(8, 'little')
    open(bad, 'wb').write(data)
    refused('a corrupt part', [parts[0], bad, parts[2]], 'claims page frames')

    shutil.rmtree(tmp)
    if failures:
        print(f'{len(failures)} failure(s)')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
