#!/usr/bin/python3
"""Write a System.map from a lockcore symbol cache (.syms, src/symbol_cache.h).

The cache holds a -dbg vmlinux's symbol table at link-time addresses: the
same facts as the System.map Debian ships in that -dbg package, for kernels
whose image package has only a stub. Tests use it as the System.map of the
arm64 and ppc64el fixture kernels.

usage: syms_to_system_map.py FILE.syms OUT
"""
import struct
import subprocess
import sys


def decode(path):
    raw = open(path, 'rb').read()
    if raw[:4] == b'\x28\xb5\x2f\xfd':  # zstd frame
        raw = subprocess.run(['zstd', '-dc', path], check=True,
                             capture_output=True).stdout
    if raw[:8] != b'lcsyms\n\0':
        sys.exit(f'{path}: not a lockcore symbol cache')
    version, count, names_size, id_len, _ = struct.unpack_from('<IIIHH', raw, 8)
    if version != 1:
        sys.exit(f'{path}: version {version}')
    pos = 24 + id_len
    addrs, a = [], 0
    for i in range(count):
        a = (a + struct.unpack_from('<Q', raw, pos + 8 * i)[0]) & (2**64 - 1)
        addrs.append(a)
    pos += 8 * count
    types = raw[pos:pos + count].decode()
    pos += 2 * count  # types, then flags
    names = raw[pos:pos + names_size].split(b'\0')[:count]
    return [(addrs[i], types[i], names[i].decode()) for i in range(count)]


def main_args(src, out):
    with open(out, 'w') as f:
        for addr, t, name in decode(src):
            f.write(f'{addr:016x} {t} {name}\n')


if __name__ == '__main__':
    main_args(sys.argv[1], sys.argv[2])
