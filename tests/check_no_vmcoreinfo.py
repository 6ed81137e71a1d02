#!/usr/bin/python3
"""Dumps without VMCOREINFO: the kernel is found from the dump itself.

For real fixture dumps, a copy whose VMCOREINFO note is renamed (so no
reader sees it: what QEMU without the vmcoreinfo device, or a /proc/vmcore
that lost its note, gives) is opened with the kernel's System.map or
vmlinux. lockcore must find the same KASLR offset as the original note's
KERNELOFFSET (read here from the note itself, not through lockcore), and
give the same info, ps and bt as the original dump in zero-debuginfo mode.
Symbols of another kernel must be refused with a clear message.

usage: check_no_vmcoreinfo.py LOCKCORE FIXTURES [--vmlinux]
"""
import json
import os
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import syms_to_system_map  # noqa: E402

FACTORY = os.environ.get('LOCKCORE_FACTORY_CACHE', '/var/tmp/lockcore-factory')
DBG = {
    '6.1': f'{FACTORY}/amd64/6.1.0-56-amd64/dbg/usr/lib/debug/boot',
    '5.10': f'{FACTORY}/amd64/5.10.0-46-amd64/dbg/usr/lib/debug/boot',
    'arm64': f'{FACTORY}/arm64/kernel/usr/lib/debug/boot',
}
ARM64_SYMS = 'cache/0ed29847cba3cbd9114b826b3a1ad39dd624ffa0.syms'
PPC_SYMS = 'cache/e04703597006cc36ab4eb3e421c377f39b50aecc.syms'
PPC_BTF = 'cache/e04703597006cc36ab4eb3e421c377f39b50aecc.btf'

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL:', msg)


def elf_notes(data):
    """(name, type, desc offset, desc size, name offset) of every note of an ELF64 core."""
    le = data[5] == 1
    e = '<' if le else '>'
    phoff, = struct.unpack_from(e + 'Q', data, 32)
    phentsize, phnum = struct.unpack_from(e + 'HH', data, 54)
    for i in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = struct.unpack_from(
            e + 'IIQQQQ', data, phoff + i * phentsize)
        if p_type != 4:  # PT_NOTE
            continue
        off, end = p_offset, p_offset + p_filesz
        while off + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from(e + 'III', data, off)
            name_off = off + 12
            desc_off = name_off + ((namesz + 3) & ~3)
            name = data[name_off:name_off + namesz].rstrip(b'\0')
            yield name, ntype, desc_off, descsz, name_off
            off = desc_off + ((descsz + 3) & ~3)


def strip_vmcoreinfo(src, dst):
    """Copy an ELF dump with its VMCOREINFO note renamed; return the note's KERNELOFFSET."""
    data = bytearray(open(src, 'rb').read())
    offset = None
    for name, _, desc_off, descsz, name_off in list(elf_notes(data)):
        if name != b'VMCOREINFO':
            continue
        text = data[desc_off:desc_off + descsz].decode(errors='replace')
        for line in text.splitlines():
            if line.startswith('KERNELOFFSET='):
                offset = int(line.split('=', 1)[1], 16)
        offset = offset or 0
        data[name_off:name_off + 10] = b'LCSTRIPPED'
    if offset is None:
        sys.exit(f'{src}: no VMCOREINFO note to strip')
    with open(dst, 'wb') as f:
        f.write(data)
    return offset


def run(lockcore, args, check=True):
    r = subprocess.run([lockcore] + args, capture_output=True, text=True)
    if r.returncode < 0:
        fail(f'lockcore {" ".join(args)} crashed (signal {-r.returncode})')
    if check and r.returncode != 0:
        fail(f'lockcore {" ".join(args)} failed: {r.stderr.strip()}')
    return r


def same_answers(lockcore, name, orig, novi, sym_args, orig_args, expect_offset):
    r = run(lockcore, ['info', '--json'] + sym_args + [novi])
    if r.returncode:
        return
    got = json.loads(r.stdout)
    ref = json.loads(run(lockcore, ['info', '--json'] + orig_args + [orig]).stdout)
    if got['vmcoreinfo'] is not False:
        fail(f'{name}: the stripped copy still has VMCOREINFO')
    found = int(got['kaslr_offset'], 16)
    if found != expect_offset:
        fail(f'{name}: KASLR offset 0x{found:x}, the VMCOREINFO note says 0x{expect_offset:x}')
    if int(ref['kaslr_offset'], 16) != expect_offset:
        fail(f'{name}: lockcore reads KERNELOFFSET 0x{expect_offset:x} as {ref["kaslr_offset"]}')
    if not (got.get('kaslr_source') or '').startswith('found in the dump'):
        fail(f'{name}: kaslr_source is {got.get("kaslr_source")!r}')
    for key in ('arch', 'release', 'version', 'cpus', 'cpus_online', 'crashed_cpu',
                'panic_message', 'uptime_seconds'):
        if got.get(key) != ref.get(key):
            fail(f'{name}: info {key} {got.get(key)!r}, with VMCOREINFO {ref.get(key)!r}')
    # The build-id from the kernel's .notes, when that page is in the dump.
    if got.get('build_id') and got['build_id'] != ref.get('build_id'):
        fail(f'{name}: build-id {got["build_id"]} from memory, VMCOREINFO says '
             f'{ref.get("build_id")}')
    for cmd in (['ps', '--json'], ['bt']):
        a = run(lockcore, cmd + sym_args + [novi])
        b = run(lockcore, cmd + orig_args + [orig])
        if a.returncode == 0 and a.stdout != b.stdout:
            fail(f'{name}: {" ".join(cmd)} differs from the dump with VMCOREINFO')
    print(f'ok: {name}: KASLR offset 0x{found:x} = KERNELOFFSET; {got["kaslr_source"]}')


def refused(lockcore, name, novi, sym_args, want):
    r = run(lockcore, ['info'] + sym_args + [novi], check=False)
    if r.returncode == 0:
        fail(f'{name}: accepted ({" ".join(sym_args)})')
    elif want not in r.stderr:
        fail(f'{name}: message {r.stderr.strip()!r} lacks {want!r}')
    else:
        print(f'ok: {name}: refused: {r.stderr.strip()[:160]}...')


def main():
    lockcore, fixtures = sys.argv[1], sys.argv[2]
    with_vmlinux = '--vmlinux' in sys.argv[3:]
    tmp = tempfile.mkdtemp(prefix='lc-novi-')

    def fixture(rel):
        src = os.path.join(fixtures, rel, 'vmcore.min.elf.zst')
        base = os.path.join(tmp, rel.replace('/', '_'))
        subprocess.run(['zstd', '-dqf', src, '-o', base + '.elf'], check=True)
        off = strip_vmcoreinfo(base + '.elf', base + '-novi.elf')
        return base + '.elf', base + '-novi.elf', off

    x86_61_map = os.path.join(fixtures, 'x86_64/6.1/System.map-6.1.0-56-amd64.zst')
    arm64_map = os.path.join(tmp, 'System.map-arm64')
    syms_to_system_map.main_args(os.path.join(fixtures, ARM64_SYMS), arm64_map)
    ppc_map = os.path.join(tmp, 'System.map-ppc64le')
    syms_to_system_map.main_args(os.path.join(fixtures, PPC_SYMS), ppc_map)
    ppc_btf = os.path.join(tmp, 'ppc64le.btf')
    subprocess.run(['zstd', '-dqf', os.path.join(fixtures, PPC_BTF), '-o', ppc_btf], check=True)
    map510 = os.path.join(DBG['5.10'], 'System.map-5.10.0-46-amd64')

    x61 = fixture('x86_64/6.1/abba-kdump')
    x61q = fixture('x86_64/6.1/crash-holding-lock-qemu')
    arm = fixture('arm64/6.1/rcu-stall-kdump')
    ppc = [fixture('ppc64le/6.1/rcu-stall-kdump'), fixture('ppc64le/6.1/ipi-spinner-qemu')]

    if with_vmlinux:
        vm61 = os.path.join(DBG['6.1'], 'vmlinux-6.1.0-56-amd64')
        vm510 = os.path.join(DBG['5.10'], 'vmlinux-5.10.0-46-amd64')
        if not os.path.exists(vm61):
            print(f'SKIP: no {vm61}')
            return 77
        for name, (orig, novi, off) in (('x86_64 6.1 kdump', x61), ('x86_64 6.1 qemu', x61q)):
            # Like with like: with -k, bt shows DWARF's source lines and inlined calls.
            same_answers(lockcore, name + ' -k', orig, novi, ['-k', vm61], ['-k', vm61], off)
        if os.path.exists(vm510):
            refused(lockcore, 'x86_64 6.1 dump, 5.10 vmlinux', x61[1], ['-k', vm510],
                    'cannot find the kernel')
        vma = os.path.join(DBG['arm64'], 'vmlinux-6.1.0-56-arm64')
        if os.path.exists(vma):
            # Like with like: with -k, bt shows DWARF's source lines and inlined calls.
            same_answers(lockcore, 'arm64 6.1 -k', arm[0], arm[1], ['-k', vma], ['-k', vma],
                         arm[2])
            refused(lockcore, 'x86_64 6.1 dump, arm64 vmlinux', x61[1], ['-k', vma],
                    'does not match the dump')
    else:
        # The kernel found from the dump equals KERNELOFFSET: 3 architectures, 4 kernels.
        for name, (orig, novi, off) in (('x86_64 6.1 kdump', x61), ('x86_64 6.1 qemu', x61q)):
            same_answers(lockcore, name, orig, novi, ['--system-map', x86_61_map], [], off)
        if os.path.exists(map510):
            for rel in ('x86_64/5.10/healthy-kdump', 'x86_64/5.10/ipi-spinner-nmi-qemu'):
                orig, novi, off = fixture(rel)
                same_answers(lockcore, rel, orig, novi, ['--system-map', map510], [], off)
        else:
            print(f'skip: 5.10 (no {map510})')
        same_answers(lockcore, 'arm64 6.1', arm[0], arm[1], ['--system-map', arm64_map], [],
                     arm[2])
        # Debian's own System.map of that kernel, when the factory has fetched it.
        real = os.path.join(DBG['arm64'], 'System.map-6.1.0-56-arm64')
        if os.path.exists(real):
            same_answers(lockcore, 'arm64 6.1 (Debian System.map)', arm[0], arm[1],
                         ['--system-map', real], [], arm[2])
        for i, (orig, novi, off) in enumerate(ppc):
            same_answers(lockcore, f'ppc64le 6.1 #{i}', orig, novi,
                         ['--system-map', ppc_map, '--btf', ppc_btf], [], off)

        # extract --minimal of a dump without VMCOREINFO keeps what finding the kernel needs.
        small = os.path.join(tmp, 'small.elf')
        r = run(lockcore, ['extract', '--system-map', x86_61_map, x61[1], '--minimal', small])
        if r.returncode == 0:
            same_answers(lockcore, 'x86_64 6.1 kdump, minimal extract', x61[0], small,
                         ['--system-map', x86_61_map], [], x61[2])

        # Bad input: no symbols at all, and symbols of another kernel.
        refused(lockcore, 'no symbols', x61[1], [], 'has no VMCOREINFO: give a System.map')
        refused(lockcore, 'x86_64 6.1 dump, ppc64le System.map', x61[1],
                ['--system-map', ppc_map], 'cannot find the kernel')
        refused(lockcore, 'arm64 dump, x86_64 System.map', arm[1],
                ['--system-map', x86_61_map], 'cannot find the kernel')
        if os.path.exists(map510):
            refused(lockcore, 'x86_64 6.1 dump, 5.10 System.map', x61[1],
                    ['--system-map', map510], 'cannot find the kernel')
        # With VMCOREINFO, a System.map of another build is refused too.
        refused(lockcore, 'x86_64 6.1 dump with VMCOREINFO, arm64 System.map', x61[0],
                ['--system-map', arm64_map], 'does not match the dump')

    subprocess.run(['rm', '-rf', tmp])
    if failures:
        print(f'{len(failures)} failure(s)')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
