#!/usr/bin/env python3
"""Record drgn's stack traces of a dump as the expectations check_bt() compares
lockcore's `bt` with: every CPU that has registers, and every task.

usage: drgn -c DUMP -s VMLINUX [-s MODULE.ko] tests/drgn_bt.py OUT.json [DUMP [--qemu]] [--source]

Each frame keeps drgn's function name and whether DWARF says it is inlined:
lockcore without a vmlinux reads no DWARF, so that check compares only the
frames that exist on the stack (not inlined).

6.4+ kernels need drgn 0.0.31 (0.0.22: "unknown ORC entry type 3"): the
factory's host-trixie.sh provides it ($CACHE/host-trixie/python3 -m drgn ...).

--source (drgn-bt-dwarf.json, for lockcore -k): each frame also gets drgn's
frame.source() (file, line, column) and, in frames that have a parameter
named lock or sem (the lock and rwsem slow paths), the value drgn computes
for it from its DWARF location ("unavailable" when DWARF has none at that
pc, e.g. only an entry value).

drgn 0.0.22 finds a running task's registers by matching PRSTATUS pr_pid with
the task's pid; hypervisor (QEMU) dumps number their notes by vCPU instead, so
for those the registers are taken from the notes in CPU order (QEMU writes one
per vCPU, in order) and handed to drgn as a struct pt_regs.
"""
import json
import struct
import sys

from drgn import Object, TypeKind

from drgn import FaultError
from drgn.helpers.linux.cpumask import for_each_online_cpu, for_each_present_cpu
from drgn.helpers.linux.pid import for_each_task
from drgn.helpers.linux.percpu import per_cpu

prog = prog  # noqa: F821 (provided by the drgn CLI)


def cpu_curr(prog, cpu):
    # drgn 0.0.22 has no cpu_curr helper.
    return per_cpu(prog["runqueues"], cpu).curr


def read_notes(path):
    """Raw ELF notes of an ELF core or kdump-compressed file."""
    with open(path, "rb") as f:
        head = f.read(4096)
        if head[:4] == b"\x7fELF":
            be = head[5] == 2
            e = ">" if be else "<"
            phoff, = struct.unpack_from(e + "Q", head, 32)
            phentsize, phnum = struct.unpack_from(e + "HH", head, 54)
            notes = b""
            for i in range(phnum):
                f.seek(phoff + i * phentsize)
                ph = f.read(56)
                if struct.unpack_from(e + "I", ph, 0)[0] == 4:
                    off, = struct.unpack_from(e + "Q", ph, 8)
                    size, = struct.unpack_from(e + "Q", ph, 32)
                    f.seek(off)
                    notes += f.read(size)
            return notes, e
        if head[:8] == b"KDUMP   ":
            be = struct.unpack_from("<I", head, 8)[0] > 0xFFFF
            e = ">" if be else "<"
            block, = struct.unpack_from(e + "I", head, 428)
            f.seek(block)
            sub = f.read(64)
            off, size = struct.unpack_from(e + "QQ", sub, 48)
            f.seek(off)
            return f.read(size), e
    return b"", "<"


def prstatus_regs(path):
    notes, e = read_notes(path)
    out = []
    pos = 0
    while pos + 12 <= len(notes):
        namesz, descsz, typ = struct.unpack_from(e + "III", notes, pos)
        name = notes[pos + 12:pos + 12 + namesz]
        desc_off = pos + 12 + ((namesz + 3) & ~3)
        desc = notes[desc_off:desc_off + descsz]
        pos = desc_off + ((descsz + 3) & ~3)
        if typ == 1 and name.startswith(b"CORE"):
            out.append(desc)
    return out, e


def regs_object(desc, e):
    """struct pt_regs from a PRSTATUS (pr_reg at 112 on 64-bit Linux)."""
    size = prog.type("struct pt_regs").size
    # arm64's pt_regs is longer than the note's user_pt_regs (orig_x0, syscallno, ...
    # follow): those fields are not registers the unwinder reads, zero them.
    regs = desc[112:112 + size]
    return Object.from_bytes_(prog, "struct pt_regs", regs + bytes(size - len(regs)))


SOURCE = "--source" in sys.argv
PARAMS = ("lock", "sem")


def frame_params(f):
    out = {}
    for name in PARAMS:
        try:
            obj = f[name]
        except (KeyError, LookupError):
            continue
        # Only pointers: a local lock object named lock is not a waiter's argument.
        if obj.type_.unqualified().kind != TypeKind.POINTER:
            continue
        try:
            out[name] = "unavailable" if obj.absent_ else hex(obj.value_())
        except (FaultError, ValueError, LookupError) as e:
            out[name] = "error: %s" % e
    return out


def frames(trace):
    out = []
    for f in trace:
        name = f.name
        if name is None:
            # Assembly has no DWARF function: name it from the ELF symbol table.
            try:
                name = f.symbol().name
            except LookupError:
                name = None
        fr = {"function": name, "inline": bool(f.is_inline), "pc": hex(f.pc)}
        if SOURCE:
            try:
                file, line, column = f.source()
                fr.update(file=file, line=line, column=column)
            except LookupError:
                fr.update(file=None, line=None, column=None)
            params = frame_params(f)
            if params:
                fr["params"] = params
        out.append(fr)
    return out


def main():
    out = {"drgn": "drgn stack_trace(); inline frames flagged", "cpus": {}, "tasks": {}}
    try:
        cpus = list(for_each_present_cpu(prog))
    except Exception:
        cpus = list(for_each_online_cpu(prog))
    on_cpu = {}
    notes, endian = prstatus_regs(sys.argv[2]) if len(sys.argv) > 2 else ([], "<")
    by_order = len(notes) == len(cpus) and "--qemu" in sys.argv
    if by_order:
        out["cpu_registers"] = "PRSTATUS notes in vCPU order (QEMU dump)"
    for i, cpu in enumerate(cpus):
        try:
            task = cpu_curr(prog, cpu)
            on_cpu[task.value_()] = cpu
            trace = prog.stack_trace(regs_object(notes[i], endian) if by_order else task)
            out["cpus"][str(cpu)] = {
                "pid": task.pid.value_(),
                "comm": task.comm.string_().decode(),
                "frames": frames(trace),
            }
        except (FaultError, ValueError, LookupError) as e:
            out["cpus"][str(cpu)] = {"error": str(e)}
    # QEMU numbers its notes' pr_pid 1..N: drgn would take those notes for
    # the tasks with these pids, so their traces say nothing.
    note_pids = set()
    if by_order:
        for desc in notes:
            note_pids.add(struct.unpack_from(endian + "i", desc, 32)[0])
    for task in for_each_task(prog):
        if task.value_() in on_cpu:
            continue
        pid = task.pid.value_()
        if pid in note_pids:
            out["tasks"][str(pid)] = {"comm": task.comm.string_().decode(),
                                      "error": "drgn would use the QEMU note with this pr_pid"}
            continue
        try:
            out["tasks"][str(pid)] = {
                "comm": task.comm.string_().decode(),
                "frames": frames(prog.stack_trace(task)),
            }
        except (FaultError, ValueError, LookupError) as e:
            out["tasks"][str(pid)] = {"comm": task.comm.string_().decode(), "error": str(e)}
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


main()
