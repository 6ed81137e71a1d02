#!/usr/bin/env python3
"""The same real dump in every page compression the installed makedumpfile can
write (zlib -c, lzo -l, snappy -p, zstd -z; Debian 12's 1.7.2 has zlib and lzo):
re-compressing a kdump-compressed fixture at its own filter level keeps every
page, so lockcore must give the same info, ps, bt, log and locks on each copy.

usage: check_recompress.py LOCKCORE FIXTURES_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

METHODS = {'zlib': '-c', 'lzo': '-l', 'snappy': '-p', 'zstd': '-z'}


def enabled_methods():
    out = subprocess.run(['makedumpfile', '-v'], capture_output=True, text=True).stdout
    on = {'zlib'}
    for line in out.splitlines():
        words = line.split()
        if len(words) == 2 and words[0] in METHODS and words[1] == 'enabled':
            on.add(words[0])
    return sorted(on)


def main():
    lockcore, fixtures = sys.argv[1], sys.argv[2]
    if not shutil.which('makedumpfile'):
        print('SKIP: makedumpfile is not installed')
        return 77
    orig = os.path.join(fixtures, 'x86_64/6.1/healthy-qemu/vmcore.kdump')
    failures = 0
    with tempfile.TemporaryDirectory(prefix='lc-recompress-') as tmp:
        for method in enabled_methods():
            out = os.path.join(tmp, 'vmcore.' + method)
            r = subprocess.run(['makedumpfile', METHODS[method], '-d', '31', orig, out],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f'FAIL: makedumpfile {METHODS[method]}: {r.stdout}{r.stderr}')
                failures += 1
                continue
            info = json.loads(subprocess.run([lockcore, '-q', '--json', 'info', out],
                                             capture_output=True, text=True).stdout or '{}')
            ref = json.loads(subprocess.run([lockcore, '-q', '--json', 'info', orig],
                                            capture_output=True, text=True).stdout)
            for k in ref:
                if info.get(k) != ref[k]:
                    print(f'FAIL: {method}: info {k} {info.get(k)!r}, original {ref[k]!r}')
                    failures += 1
            for cmd in (['--json', 'ps'], ['bt', '-a'], ['log'], ['--json', 'locks']):
                a = subprocess.run([lockcore, '-q'] + cmd + [out], capture_output=True, text=True)
                b = subprocess.run([lockcore, '-q'] + cmd + [orig], capture_output=True, text=True)
                if a.returncode or a.stdout != b.stdout or not a.stdout:
                    print(f'FAIL: {method}: {" ".join(cmd)} differs ({a.stderr.strip()})')
                    failures += 1
            print(f'ok: {method} ({os.path.getsize(out)} bytes): same info, ps, bt, log, locks')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
