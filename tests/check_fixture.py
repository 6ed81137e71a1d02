#!/usr/bin/env python3
"""End-to-end check of one real fixture: run lockcore's commands on the dump
with nothing but the dump (zero-debuginfo mode) and compare the JSON with the
fixture's truth.json (ground truth confirmed with drgn/crash when it was made).

Symbols and types that a dump alone cannot give (kernels without
CONFIG_KALLSYMS_ALL or BTF) come from the committed caches in fixtures/cache:
meson points LOCKCORE_CACHE_DIR at a copy in the build directory; run by hand
without it, a temporary copy is used (never the user's cache, never the
source tree).

usage: check_fixture.py LOCKCORE FIXTURE_DIR [-- LOCKCORE_OPTIONS...]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


# Extra lockcore options after "--" on our command line (e.g. -k VMLINUX).
EXTRA_ARGS = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else []


# info's symbol source, for checks that depend on what kallsyms can name.
SYMBOLS_SOURCE = ""


def run_json(lockcore, *args):
    cmd = [lockcore, "--quiet", "--json", *EXTRA_ARGS, *args]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=240)
    if p.returncode != 0:
        fail("%s exited %d: %s" % (" ".join(cmd), p.returncode, p.stderr.strip()))
        return None
    try:
        return json.loads(p.stdout)
    except ValueError as e:
        fail("%s printed invalid JSON: %s" % (" ".join(cmd), e))
        return None


def expect(what, got, want):
    if got != want:
        fail("%s: lockcore says %r, truth says %r" % (what, got, want))


def check_cache_unused(lockcore, dump, info):
    """A dump whose kallsyms and BTF are complete must not consult the caches:
    with unreadable cache files for its build-id it gives the same answer."""
    if "cache" in (info.get("symbols") or "") + (info.get("types") or ""):
        return
    build_id = info.get("build_id")
    if not build_id or EXTRA_ARGS:
        return
    with tempfile.TemporaryDirectory() as d:
        for ext in (".syms", ".btf"):
            with open(os.path.join(d, build_id.lower() + ext), "wb") as f:
                f.write(b"not a cache file")
        p = subprocess.run([lockcore, "--quiet", "--json", "info", dump], capture_output=True,
                           text=True, timeout=240, env=dict(os.environ, LOCKCORE_CACHE_DIR=d))
        if p.returncode != 0:
            fail("info with corrupt cache files exited %d: %s" % (p.returncode, p.stderr.strip()))
            return
        other = json.loads(p.stdout)
        for key in ("symbols", "types"):
            expect("%s source with corrupt cache files" % key, other.get(key), info.get(key))


def check_info(lockcore, dump, truth):
    info = run_json(lockcore, "info", dump)
    if info is None:
        return
    print("symbols: %s; types: %s" % (info.get("symbols"), info.get("types")))
    global SYMBOLS_SOURCE
    SYMBOLS_SOURCE = info.get("symbols") or ""
    check_cache_unused(lockcore, dump, info)
    expect("arch", info.get("arch"), truth["arch"])
    expect("release", info.get("release"), truth["release"])
    expect("cpus", info.get("cpus"), truth["cpus"])
    if "online_cpus" in truth:
        want = truth["online_cpus"]
        # fixtures/factory-foreign lists the online CPUs; info counts them.
        if isinstance(want, list):
            want = len(want)
        expect("cpus_online", info.get("cpus_online"), want)
    if "crashed_cpu" in truth:
        expect("crashed_cpu", info.get("crashed_cpu"), truth["crashed_cpu"])
    if "panic_message" in truth:
        expect("panic_message", info.get("panic_message"), truth["panic_message"])
    if "cpu_notes" in truth:
        expect("cpu_notes (PRSTATUS notes in the dump)", info.get("cpu_notes"), truth["cpu_notes"])


def check_ps(lockcore, dump, truth):
    ps = run_json(lockcore, "ps", dump)
    if ps is None:
        return
    tasks = ps.get("tasks", [])
    if ps.get("incomplete"):
        fail("task list incomplete: %s" % ps["incomplete"])
    # drgn's for_each_task() walks init_task.tasks, which holds every thread
    # but no idle task (not even init_task itself); compare like with like.
    listed = [t for t in tasks if not t["idle"]]
    if "task_count" in truth:
        expect("task count (drgn's for_each_task)", len(listed), truth["task_count"])
    by_pid = {}
    for t in tasks:
        by_pid.setdefault(t["pid"], []).append(t)
    for want in truth.get("tasks_sample", []):
        cands = by_pid.get(want["pid"], [])
        match = [t for t in cands if t["comm"] == want["comm"]]
        if not match:
            fail("task pid %d comm %r not listed (have %r)" %
                 (want["pid"], want["comm"], [t["comm"] for t in cands]))
            continue
        if "state" in want and want["state"] is not None:
            expect("state of pid %d" % want["pid"], match[0]["state"], want["state"][0])
    if "tasks" in truth:
        got = sorted((t["pid"], t["comm"]) for t in listed)
        want = sorted((t["pid"], t["comm"]) for t in truth["tasks"])
        expect("every (pid, comm)", got, want)
    drgn_tasks = read_drgn_tasks(os.path.dirname(dump))
    if drgn_tasks is not None:
        got = sorted((t["pid"], t["comm"], t["state"], t["cpu"]) for t in listed)
        expect("every (pid, comm, state, cpu) as drgn lists them", got, sorted(drgn_tasks))


def read_drgn_tasks(fixture):
    """The task table drgn printed when the fixture was made (drgn.txt):
    lines '  PID COMM STATE cpu=N on_cpu=N' after '== tasks'."""
    path = os.path.join(fixture, "drgn.txt")
    if not os.path.exists(path):
        return None
    rows, inside = [], False
    with open(path) as f:
        for line in f:
            if line.startswith("== tasks"):
                inside = True
                continue
            if inside and line.startswith("=="):
                break
            parts = line.split()
            if inside and len(parts) >= 4 and parts[0].isdigit() and parts[-2].startswith("cpu="):
                # comm may hold spaces: everything between pid and state
                rows.append((int(parts[0]), " ".join(parts[1:-3]), parts[-3],
                             int(parts[-2][4:])))
    return rows if rows else None


# A console line: an optional shell prompt the kernel's output ran into, then
# printk's "[seconds.micros] " prefix.
CONSOLE_LINE = re.compile(r"^(?:[^\[]*# )?\[\s*(\d+)\.(\d{6})\] (.*)$")


def key_log_lines(truth):
    """truth's key log lines as (record text, timestamp in us or None).
    fixtures/factory-foreign copies them from the console: the printk prefix
    is stripped (and checked against the record's timestamp), and lines
    without one there are the capture scripts' own output, not records."""
    lines = truth.get("key_log_lines", [])
    console = any(CONSOLE_LINE.match(l) for l in lines)
    out = []
    for line in lines:
        m = CONSOLE_LINE.match(line)
        if m:
            out.append((m.group(3), int(m.group(1)) * 1000000 + int(m.group(2))))
        elif not console:
            out.append((line, None))
    return out


def check_log_events(log, truth):
    """The events lockcore finds agree with what the scenario made the kernel say."""
    events = log.get("events", [])
    texts = {r["text"] for r in log.get("records", [])}
    if truth.get("panic_message") is not None:
        panics = [e for e in events if e["kind"] == "panic"]
        if not panics:
            fail("no panic event (truth: %r)" % truth["panic_message"])
        else:
            expect("panic event message", panics[0]["message"], truth["panic_message"])
            if truth.get("crashed_cpu") is not None:
                expect("panic event CPUs", panics[0]["cpus"], [truth["crashed_cpu"]])
    for line, usec in key_log_lines(truth):
        if line not in texts:
            fail("key log line %r is not a record" % line)
            continue
        if usec is not None and not any(r["text"] == line and r.get("timestamp_ns") is not None
                                        and r["timestamp_ns"] // 1000 == usec
                                        for r in log.get("records", [])):
            fail("key log line %r: no record at %d.%06d s" % (line, usec // 1000000,
                                                               usec % 1000000))
        at = [e for e in events if e["message"] == line]
        if line.startswith("INFO: task ") and " blocked for more than " in line:
            pid = int(line.split(" blocked")[0].rsplit(":", 1)[1])
            if not any(e["kind"] == "hung-task" and e["pids"] == [pid] for e in at):
                fail("no hung-task event naming pid %d for %r" % (pid, line))
        elif "soft lockup - CPU#" in line:
            cpu = int(line.split("CPU#")[1].split()[0])
            if not any(e["kind"] == "soft-lockup" and e["cpus"] == [cpu] for e in at):
                fail("no soft-lockup event naming CPU %d for %r" % (cpu, line))
        elif line.startswith("rcu: INFO: "):
            kind = "rcu-expedited-stall" if "expedited" in line else "rcu-stall"
            if not any(e["kind"] == kind and e["cpus"] for e in at):
                fail("no %s event naming a CPU for %r" % (kind, line))


def check_unflushed(log, truth):
    """Text left in the per-CPU NMI/safe buffers (kernels up to 5.14), as drgn
    read the raw buffers: every line must be a record of that CPU marked
    unflushed, and no other CPU may have unflushed records."""
    buffers = truth.get("printk_safe_buffers")
    if buffers is None:
        return
    want = {}
    for seq in buffers.values():
        for cpu, buf in seq.items():
            for line in buf["text"].split("\n"):
                # Each message starts with KERN_SOH and a level digit.
                if line.startswith("\x01") and len(line) > 2:
                    line = line[2:]
                if line:
                    want.setdefault(int(cpu), []).append(line)
    got = {}
    for r in log.get("records", []):
        if r.get("unflushed"):
            got.setdefault(r.get("cpu"), []).append(r["text"])
    expect("unflushed per-CPU printk text", got, want)


def check_log(lockcore, dump, fixture, truth):
    """Every kernel log record as drgn's get_printk_records() read it when the
    fixture was made (drgn-log.json, written by tests/drgn_log.py), and the
    events found in them."""
    log = run_json(lockcore, "log", dump)
    if log is None:
        return
    check_log_events(log, truth)
    check_unflushed(log, truth)
    path = os.path.join(fixture, "drgn-log.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        want = json.load(f)["records"]
    # The per-CPU NMI/safe buffers are lockcore's addition; drgn reads the ring only.
    got = {r["seq"]: r for r in log.get("records", []) if r["ring"] in ("prb", "log_buf")}
    expect("kernel log record count", len(got), len(want))
    bad = 0
    for w in want:
        r = got.get(w["seq"])
        if r is None:
            fail("log record seq %d (%r) missing" % (w["seq"], w["text"][:60]))
            bad += 1
        else:
            for key in ("timestamp_ns", "level", "facility", "caller", "text"):
                if r.get(key) != w[key]:
                    fail("log record seq %d: %s is %r, drgn read %r"
                         % (w["seq"], key, r.get(key), w[key]))
                    bad += 1
        if bad >= 20:
            fail("too many log mismatches, stopped")
            break


def same_function(ours, theirs):
    """lockcore names the nearest kallsyms label inside assembly functions
    (entry_SYSCALL_64_after_hwframe, secondary_startup_64_no_verify) where
    drgn and crash name the enclosing ELF symbol (entry_SYSCALL_64), and
    GCC's split-off parts by their own symbol (__handle_sysrq.cold) where
    DWARF names the function they belong to."""
    if ours is not None and "." in ours:
        ours = ours.split(".")[0]
    # Inner labels whose name does not start with their function's: 6.12's
    # head_64.S has SYM_INNER_LABEL(common_startup_64) inside secondary_startup_64.
    if INNER_LABELS.get(ours) == theirs:
        return True
    return ours == theirs or (ours is not None and theirs is not None
                              and ours.startswith(theirs + "_"))


# 5.10's entry_64.S: asm_call_on_stack has two aliases at the same address
# (SYM_INNER_LABEL asm_call_sysvec_on_stack, asm_call_irq_on_stack); drgn
# names the function, the symbol table order decides lockcore's name.
INNER_LABELS = {"common_startup_64": "secondary_startup_64",
                "asm_call_irq_on_stack": "asm_call_on_stack",
                "asm_call_sysvec_on_stack": "asm_call_on_stack"}


def same_sequence(ours, theirs):
    return len(ours) == len(theirs) and all(map(same_function, ours, theirs))


def truth_irqs_disabled(truth):
    """{cpu: IRQs disabled}: fixtures/factory-foreign describes arm64's PSTATE.I
    in words ("PSTATE.I set ...")."""
    if truth.get("cpu_irqs_disabled"):
        return truth["cpu_irqs_disabled"]
    return {c: text.startswith("PSTATE.I set")
            for c, text in (truth.get("irqs_masked_by_cpu") or {}).items()}


# Where panic() -> __crash_kexec() saves the crashing CPU's registers.
KEXEC_PATH = {"crash_kexec", "__crash_kexec", "crash_setup_regs", "ppc_save_regs",
              "crash_save_cpu"}


def check_bt(lockcore, dump, truth, fixture):
    """Every CPU's and every recorded task's function sequence against drgn's
    (drgn-bt.json, written by tests/drgn_bt.py with the -dbg vmlinux): only
    frames that exist on the stack count, since drgn adds DWARF inline frames
    and lockcore reads no DWARF. User-space frames after the syscall entry are
    dropped. Without drgn-bt.json, truth.json's cpu_stacks are the reference."""
    path = os.path.join(fixture, "drgn-bt.json")
    want_cpus = {}
    want_tasks = {}
    if os.path.exists(path):
        with open(path) as f:
            drgn = json.load(f)

        def names(entry):
            seq = [fr["function"] for fr in entry.get("frames", []) if not fr["inline"]]
            while seq and seq[-1] is None:
                seq.pop()
            return seq
        want_cpus = {int(c): names(v) for c, v in drgn["cpus"].items() if "frames" in v}
        want_tasks = {int(p): (v["comm"], names(v)) for p, v in drgn["tasks"].items()
                      if "frames" in v}
    if not want_cpus and "cpu_stacks" not in truth:
        return
    bt = run_json(lockcore, "bt", dump, "-a")
    if bt is None:
        return
    # With -k, inlined calls are frames of their own: compare the physical ones here.
    got = {st["cpu"]: [fr["function"] for fr in st["frames"] if not fr.get("inlined")]
           for st in bt["stacks"]}
    # IRQ state of every CPU against drgn's reading of the saved flags: the
    # spinning CPUs of the ipi-spinner and rcu-stall scenarios hinge on it.
    irqs = {st["cpu"]: st.get("irqs_disabled") for st in bt["stacks"] if st["cpu"] is not None}
    for cpu, off in sorted(truth_irqs_disabled(truth).items()):
        expect("IRQs disabled on CPU %s" % cpu, irqs.get(int(cpu)), off)
    for cpu, seq in sorted(want_cpus.items()):
        if not same_sequence(got.get(cpu, []), seq):
            fail("bt of CPU %d: lockcore %r, drgn %r" % (cpu, got.get(cpu), seq))
    # CPUs drgn-bt.json has no frames for (drgn could not unwind them, e.g.
    # "program counter is not known" at an arm64 exception vector), or all
    # of them without it: truth.json's cpu_stacks may list inline frames (no
    # flag says which) and omit the unnamed assembly at the bottom:
    # lockcore's frames must appear in it in order, down to its last entry.
    for cpu, seq in sorted(truth.get("cpu_stacks", {}).items()):
        if int(cpu) in want_cpus:
            continue
        ours = got.get(int(cpu), [])
        # A trace that starts at panic is the one panic() printed: the
        # kexec path it called afterwards, where the crashing CPU saved
        # its registers, cannot be in it.
        if seq and seq[0] == "panic" and "panic" in ours:
            top = ours[:ours.index("panic")]
            if all(f in KEXEC_PATH for f in top):
                ours = ours[len(top):]
        i = 0
        for o in ours:
            while i < len(seq) and not same_function(o, seq[i]):
                i += 1
            if i == len(seq):
                break
            i += 1
        matched_last = bool(seq) and any(same_function(o, seq[-1]) for o in ours)
        if not ours or not matched_last or (i == len(seq) and ours and
                                            not any(same_function(ours[0], t)
                                                    for t in seq)):
            fail("bt of CPU %s: lockcore %r, truth %r" % (cpu, ours, seq))
    if not want_tasks:
        return
    args = []
    for pid in sorted(want_tasks):
        args += ["-p", str(pid)]
    bt = run_json(lockcore, "bt", dump, *args)
    if bt is None:
        return
    got = {}
    for st in bt["stacks"]:
        got.setdefault(st["pid"], []).append([fr["function"] for fr in st["frames"]
                                              if not fr.get("inlined")])
    for pid, (comm, seq) in sorted(want_tasks.items()):
        if not any(same_sequence(g, seq) for g in got.get(pid, [])):
            fail("bt of pid %d (%s): lockcore %r, drgn %r" % (pid, comm, got.get(pid), seq))


def group_frames(frames, inline_key):
    """[(physical frame, [inlined frames at its pc, innermost first])]: drgn and
    lockcore both list a frame's inlined calls right before it."""
    groups, pending = [], []
    for fr in frames:
        if fr.get(inline_key):
            pending.append(fr)
        else:
            groups.append((fr, pending))
            pending = []
    return groups


def same_file(ours, theirs):
    """Paths as the line tables spell them: relative to the kernel tree for C
    (the build maps its prefix away), absolute for assembly."""
    if ours is None or theirs is None:
        return ours == theirs
    norm = [p[2:] if p.startswith("./") else p for p in (ours, theirs)]
    return norm[0] == norm[1] or norm[0].endswith("/" + norm[1]) or \
        norm[1].endswith("/" + norm[0])


SKIPPED_STACKS = []


def compare_dwarf_stack(what, ours, theirs, stopped=""):
    """One stack of lockcore -k against drgn's: the same physical frames, and
    for each frame in vmlinux the same inlined calls and the same file, line
    and column for every one of them. drgn also reads the module's DWARF
    (lcscen.ko); lockcore -k only the vmlinux's: module frames are skipped."""
    og, tg = group_frames(ours, "inlined"), group_frames(theirs, "inline")
    # drgn goes on into user space after the syscall entry (frames without a
    # name; drgn 0.0.31 names them by address)
    while tg and (tg[-1][0]["function"] is None or tg[-1][0]["function"].startswith("0x")):
        tg.pop()
    # A minimal dump keeps the stacks its analyses read, not every task's: the
    # saved context is missing, or (pages between two kept ones) reads as zeros.
    if (not og and "cannot read" in (stopped or "")) or \
            (len(og) == 1 and int(og[0][0]["address"], 16) == 0):
        SKIPPED_STACKS.append(what)
        return 0
    if len(og) < len(tg):
        fail("bt -k of %s: lockcore stops after %d frames (%s), drgn has %d"
             % (what, len(og), stopped, len(tg)))
        return 0
    # drgn stops where its unwinder does (no CFI for the entry code, program
    # counter unknown after an exception): compare what both have.
    n = min(len(og), len(tg))
    if not same_sequence([g[0]["function"] for g in og[:n]],
                         [g[0]["function"] for g in tg[:n]]):
        fail("bt -k of %s: physical frames %r, drgn %r"
             % (what, [g[0]["function"] for g in og], [g[0]["function"] for g in tg]))
        return 0
    checked = 0
    for (ophys, oinl), (tphys, tinl) in zip(og[:n], tg[:n]):
        if ophys.get("module"):
            continue
        onames = [f["function"] for f in oinl]
        tnames = [f["function"] for f in tinl]
        if onames != tnames:
            fail("bt -k of %s at %s: inlined calls %r, drgn %r"
                 % (what, tphys["function"], onames, tnames))
            continue
        for o, t in zip(oinl + [ophys], tinl + [tphys]):
            name = t["function"]
            if "file" not in t:
                # drgn-bt.json: drgn's inlined calls, without source lines
                checked += 1
                continue
            if not same_file(o.get("file"), t.get("file")) or o.get("line") != t.get("line"):
                fail("bt -k of %s, %s: %s:%s, drgn %s:%s"
                     % (what, name, o.get("file"), o.get("line"), t.get("file"), t.get("line")))
            elif t.get("column") and o.get("column") != t.get("column"):
                fail("bt -k of %s, %s: column %s, drgn %s"
                     % (what, name, o.get("column"), t.get("column")))
            checked += 1
    return checked


def check_bt_dwarf(lockcore, dump, fixture):
    """With -k: inlined frames and file:line of every CPU's and task's stack
    against drgn's reading of the full dump (drgn-bt-dwarf.json, written by
    tests/drgn_bt.py --source); lockcore may read the minimal dump made from
    it, which keeps the stack pages. Without it, drgn-bt.json still names
    drgn's inlined calls (no source lines)."""
    if "-k" not in EXTRA_ARGS:
        return
    path = os.path.join(fixture, "drgn-bt-dwarf.json")
    if not os.path.exists(path):
        path = os.path.join(fixture, "drgn-bt.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        drgn = json.load(f)
    bt = run_json(lockcore, "bt", dump, "-a")
    if bt is None:
        return
    checked = 0
    by_cpu = {st["cpu"]: st for st in bt["stacks"]}
    for cpu, entry in sorted(drgn["cpus"].items(), key=lambda kv: int(kv[0])):
        if "frames" not in entry:
            continue
        st = by_cpu.get(int(cpu))
        if st is None:
            fail("bt -k: no stack for CPU %s" % cpu)
            continue
        checked += compare_dwarf_stack("CPU %s" % cpu, st["frames"], entry["frames"],
                                       st.get("stopped"))
    tasks = {int(p): v for p, v in drgn["tasks"].items() if "frames" in v}
    args = []
    for pid in sorted(tasks):
        args += ["-p", str(pid)]
    bt = run_json(lockcore, "bt", dump, *args) if args else None
    by_pid = {}
    for st in (bt or {}).get("stacks", []):
        by_pid.setdefault(st["pid"], st)
    for pid, entry in sorted(tasks.items()):
        st = by_pid.get(pid)
        if st is None:
            fail("bt -k: no stack for pid %d" % pid)
            continue
        checked += compare_dwarf_stack("pid %d (%s)" % (pid, entry["comm"]), st["frames"],
                                       entry["frames"], st.get("stopped"))
    print("bt -k: %d frames' %sinlined calls agree with drgn (%s)%s"
          % (checked, "source lines and " if path.endswith("-dwarf.json") else "",
             os.path.basename(path),
             "; %d stacks not in this dump" % len(SKIPPED_STACKS) if SKIPPED_STACKS else ""))


def check_locks_dwarf(lockcore, dump, fixture):
    """With -k: every waiter whose stack drgn read has a lock/sem parameter
    value for (drgn-bt-dwarf.json) must have its lock from DWARF, and that
    lock must be the one drgn computes."""
    if "-k" not in EXTRA_ARGS:
        return
    path = os.path.join(fixture, "drgn-bt-dwarf.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        drgn = json.load(f)
    values = {}
    # drgn's "cpus" carry the pid inside, its "tasks" are keyed by it.
    by_pid = [(e.get("pid"), e) for e in drgn["cpus"].values()]
    by_pid += [(int(p), e) for p, e in drgn["tasks"].items()]
    for pid, entry in by_pid:
        for fr in entry.get("frames", []):
            for v in (fr.get("params") or {}).values():
                if v.startswith("0x"):
                    values.setdefault(pid, set()).add(int(v, 16))
    out = run_json(lockcore, "locks", dump)
    if out is None:
        return
    checked = 0
    for l in out.get("locks", []):
        for w in l["waiters"]:
            want = values.get(w["pid"])
            if not want:
                continue
            if int(l["address"], 16) not in want:
                fail("locks -k: pid %d waits on %s, drgn's DWARF says %s"
                     % (w["pid"], l["address"], sorted(hex(v) for v in want)))
            elif "DWARF location" not in (w.get("evidence") or ""):
                fail("locks -k: pid %d: lock not from DWARF: %r" % (w["pid"], w.get("evidence")))
            else:
                checked += 1
    print("locks -k: %d waiters' locks from DWARF agree with drgn" % checked)


def check_missing_cpus(lockcore, dump, truth):
    """truth's missed_crash_ipi_cpus (CPUs that never answered the crash NMI/IPI, so
    the dump has no registers for them; [] for a kdump where every CPU answered):
    bt must list exactly these in missing_cpus, each with a reason that says the
    CPU did not answer, give none of them a stack, and still give a stack to
    every other online CPU."""
    if "missed_crash_ipi_cpus" not in truth:
        return
    bt = run_json(lockcore, "bt", dump, "-a")
    if bt is None:
        return
    want = sorted(truth["missed_crash_ipi_cpus"])
    missing = bt.get("missing_cpus")
    reasons = bt.get("missing_reasons") or []
    expect("missing_cpus (CPUs that missed the crash NMI/IPI)", sorted(missing or []), want)
    if missing is None or len(reasons) != len(missing):
        fail("missing_reasons %r do not pair with missing_cpus %r" % (reasons, missing))
    else:
        for cpu, why in zip(missing, reasons):
            if cpu in want and "did not answer the crash" not in (why or ""):
                fail("missing CPU %d: reason %r does not say it missed the crash NMI/IPI"
                     % (cpu, why))
    # A CPU without registers may still show the frames found by scanning its
    # running task's stack: those must say so, frame by frame.
    for st in bt.get("stacks", []):
        if st.get("scanned"):
            if st.get("cpu") not in want:
                fail("CPU %r has a scanned stack but did not miss the crash IPI" % st.get("cpu"))
            if not all(fr.get("guessed") and fr.get("method") == "scan"
                       for fr in st.get("frames", []) if not fr.get("inlined")):
                fail("scanned stack of CPU %r has frames not marked as guesses" % st.get("cpu"))
    with_stack = sorted(st["cpu"] for st in bt.get("stacks", [])
                        if st.get("cpu") is not None and not st.get("scanned"))
    for cpu in want:
        if cpu in with_stack:
            fail("missing CPU %d has a stack in bt -a (a note given to the wrong CPU?)" % cpu)
    online = truth.get("online_cpus")
    if "cpus_with_note" in truth:
        # the CPUs whose PRSTATUS note the dump has (6.12 arm64 takes the CPUs it
        # stops for the crash out of cpu_online_mask, so online says less)
        expect("CPUs with a stack", with_stack, sorted(truth["cpus_with_note"]))
    elif isinstance(online, list):
        expect("CPUs with a stack", with_stack, sorted(c for c in online if c not in want))


# spinlock_t and raw_spinlock_t are the same bytes unless PREEMPT_RT: one family.
LOCK_FAMILY = {"raw_spinlock": "spinlock"}


def truth_locks(truth):
    """truth's locks as a list. fixtures/factory-foreign writes {symbol: lock},
    the address only when the scenario logged it, no kind, and the waiters'
    IRQ state as "irqs": "off"/"on"."""
    locks = truth.get("locks") or []
    if not isinstance(locks, dict):
        return locks
    out = []
    for sym, l in locks.items():
        e = dict(l, symbol=sym)
        e["waiters"] = [dict(w, irqs_disabled=w["irqs"] == "off") if "irqs" in w else w
                        for w in l.get("waiters", [])]
        out.append(e)
    return out


def match_lock(t, ours):
    """The lock of lockcore's report that is truth's t: by address, else by
    symbol, else by the same (non-empty) set of waiters."""
    if t.get("address"):
        return ours.get(int(t["address"], 16))
    for l in ours.values():
        if l["symbol"] == t["symbol"]:
            return l
    want = sorted(w["pid"] for w in t.get("waiters", []))
    for l in ours.values():
        if want and sorted(w["pid"] for w in l["waiters"]) == want:
            return l
    return None


def fixture_module(fixture):
    """The scenario module's own .ko kept with the fixture (lcscen.ko, lcnmi.ko,
    lcrtas.ko), or None."""
    kos = sorted(f for f in os.listdir(fixture) if f.endswith(".ko"))
    return os.path.join(fixture, kos[0]) if kos else None


def check_module_file(lockcore, dump, truth, fixture):
    """With the scenario module's .ko (-m): info says its symbols come from the
    file, and every truth lock is found and named exactly, module variables
    too (the dump alone cannot name them without KALLSYMS_ALL)."""
    ko = fixture_module(fixture)
    if ko is None:
        return
    info = run_json(lockcore, "-m", ko, "info", dump)
    if info is None:
        return
    files = info.get("module_files") or []
    if len(files) != 1:
        fail("info -m: module_files %r" % files)
        return
    f = files[0]
    if f["status"] != "used":
        fail("info -m %s: status %r (%s)" % (ko, f["status"], f.get("note")))
        return
    if not f["symbols"] or f["unplaced_symbols"]:
        fail("info -m: %d symbols, %d unplaced (%s)" % (f["symbols"], f["unplaced_symbols"],
                                                       f.get("note")))
    print("module file %s: %d symbols, verified by %s; sections: %s" % (
        os.path.basename(ko), f["symbols"], f["verified_by"],
        ", ".join("%s from %s" % (s["name"], s["from"]) for s in f["sections"])))
    check_locks(lockcore, dump, truth, module=ko)


def check_locks(lockcore, dump, truth, module=None):
    """Every truth lock with its holder and waiters, and no other lock. With
    module (-m FILE.ko) every lock must also be found and named exactly."""
    if "locks" not in truth:
        return
    out = run_json(lockcore, "-m", module, "locks", dump) if module else run_json(
        lockcore, "locks", dump)
    if out is None:
        return
    tag = "locks -m" if module else "locks"
    ours = {int(l["address"], 16): l for l in out.get("locks", [])}
    # Some truths keep held locks nobody waits for apart (arm64 factory):
    # found only by their data symbols, so expected with -m only.
    expected = truth_locks(truth) + (truth.get("held_without_waiters") or [] if module else [])
    matched = {}
    for t in expected:
        l = match_lock(t, ours)
        matched[t["symbol"]] = l
    named = {int(l["address"], 16) for l in matched.values() if l is not None}
    # Held locks nobody waits for (fixtures/factory-foreign's held_without_waiters):
    # lockcore lists those it can name (module locks with KALLSYMS_ALL), not others.
    held = {int(h["address"], 16): h for h in truth.get("held_without_waiters") or []}
    for addr in sorted(set(ours) - named):
        l = ours[addr]
        h = held.get(addr)
        if h is not None and not l["waiters"]:
            expect("held lock %s symbol" % h["symbol"], l["symbol"], h["symbol"])
            if l["owner"].get("pid") is not None:
                expect("held lock %s owner pid" % h["symbol"], l["owner"]["pid"],
                       h["owner_pid"])
            continue
        fail("%s: lockcore reports %s %s at %#x that truth does not name (waiters %r)"
             % (tag, l["kind"], l["symbol"], addr, [w["pid"] for w in l["waiters"]]))
    no_kallsyms_all = not module and ("symbol cache" in SYMBOLS_SOURCE or (
        "-k" in EXTRA_ARGS and truth["arch"] in ("aarch64", "arm64", "ppc64le")))
    for t in expected:
        name = t["symbol"]
        l = matched[name]
        if l is None and no_kallsyms_all and t.get("module") and not t.get("waiters"):
            # A held lock nobody waits for is found only by its data symbol
            # (nothing links to it); without KALLSYMS_ALL a module's variables
            # are not in its kallsyms, so the dump cannot name or find it.
            print("note: locks %s: held, no waiter, a module variable without KALLSYMS_ALL: "
                  "not findable" % name)
            continue
        if l is None:
            fail("%s: %s at %s (%s) not found" % (tag, name, t.get("address", "unknown address"),
                                                  t.get("kind", t.get("type"))))
            continue
        if l["symbol"] is None and no_kallsyms_all and l.get("module"):
            # Without CONFIG_KALLSYMS_ALL a module keeps only its functions in
            # kallsyms (kernel/module/kallsyms.c, is_core_symbol): nothing in
            # the dump names a module's variable (a truth address was matched).
            print("note: locks %s: unnamed (a module variable, no KALLSYMS_ALL)" % name)
        else:
            expect("%s %s symbol" % (tag, name), l["symbol"], name)
        if "kind" in t:
            expect("%s %s kind" % (tag, name), LOCK_FAMILY.get(l["kind"], l["kind"]),
                   LOCK_FAMILY.get(t["kind"], t["kind"]))
        o = l["owner"]
        if t.get("kind") == "semaphore":
            # A semaphore records no owner (the truth's comes from the scenario's printk
            # line): lockcore must say so, not guess one.
            if o.get("pid") not in (None, -1) or o.get("confidence") not in (None, "none"):
                fail("%s %s: a semaphore owner reported (pid %r, %r): semaphores record none"
                     % (tag, name, o.get("pid"), o.get("confidence")))
            if "record no owner" not in (o.get("evidence") or ""):
                fail("%s %s: owner evidence %r does not say semaphores record no owner"
                     % (tag, name, o.get("evidence")))
            check_waiter_order(tag, t, l)
        elif t.get("owner_pid") is not None:
            expect("%s %s owner pid" % (tag, name), o.get("pid"), t["owner_pid"])
            expect("%s %s owner cpu" % (tag, name), o.get("cpu"), t["owner_cpu"])
            if o.get("confidence") not in ("exact", "high", "medium", "low"):
                fail("%s %s: owner confidence %r" % (tag, name, o.get("confidence")))
            if t.get("owner_mode"):
                expect("%s %s owner mode" % (tag, name), o.get("mode"), t["owner_mode"])
        got_w = {w["pid"]: w for w in l["waiters"]}
        want_w = {w["pid"]: w for w in t.get("waiters", [])}
        expect("%s %s waiter pids" % (tag, name), sorted(got_w), sorted(want_w))
        for pid, tw in sorted(want_w.items()):
            w = got_w.get(pid)
            if w is None:
                continue
            for key in ("cpu", "spinning", "irqs_disabled", "mode"):
                if key in tw:
                    expect("%s %s waiter %d %s" % (tag, name, pid, key), w.get(key), tw[key])
        if t.get("osq") or (t.get("kind") in ("mutex", "rwsem") and "wait_list_pids" in t):
            check_waiter_order(tag, t, l)


def check_waiter_order(tag, t, l):
    """A sleeping lock's waiters in order: the CPUs of its optimistic-spin queue
    (osq) head first, as drgn walked it, then its wait_list as drgn read it.
    Each osq waiter's evidence names its position and the spin function its CPU's
    stack shows in the truth (mutex_spin_on_owner for the head, osq_lock behind)."""
    name = t["symbol"]
    osq = t.get("osq") or {}
    chain = osq.get("chain_cpus", [])
    ws = l["waiters"]
    expect("%s %s osq waiter cpus" % (tag, name), [w["cpu"] for w in ws[:len(chain)]], chain)
    for k, w in enumerate(ws[:len(chain)]):
        ev = w.get("evidence") or ""
        want = "#%d of %d in the lock's osq (tail cpu %d)" % (k + 1, len(chain), osq["tail_cpu"])
        if want not in ev or not w.get("spinning"):
            fail("%s %s: osq waiter cpu %d: evidence %r lacks %r (spinning %r)"
                 % (tag, name, w["cpu"], ev, want, w.get("spinning")))
        fn = (osq.get("spinning_in") or {}).get(str(w["cpu"]))
        if fn and "in %s" % fn not in ev:
            fail("%s %s: osq waiter cpu %d: evidence %r does not name %s"
                 % (tag, name, w["cpu"], ev, fn))
    if chain and "%d optimistic spinner" % len(chain) not in l.get("state", ""):
        fail("%s %s: state %r does not count %d optimistic spinners"
             % (tag, name, l.get("state"), len(chain)))
    if "wait_list_pids" in t:
        expect("%s %s wait_list order" % (tag, name), [w["pid"] for w in ws[len(chain):]],
               t["wait_list_pids"])
    # a wait_list waiter on its CPU spins on the owner outside the osq (first waiter)
    want_spin = {w["pid"] for w in t.get("waiters", []) if w.get("spinning")}
    for w in ws[len(chain):]:
        if w["pid"] in want_spin and "spins on the owner in " not in (w.get("evidence") or ""):
            fail("%s %s: wait_list waiter %d spins, evidence %r does not say on what"
                 % (tag, name, w["pid"], w.get("evidence")))


def func_of(sym):
    """'mtx_hold+0x2a' -> 'mtx_hold' (None stays None)"""
    return sym.split("+")[0] if sym else sym


def check_lockdep(lockcore, dump, truth):
    """lockdep's record (CONFIG_LOCKDEP kernels): debug_locks, every task's
    held_locks[] entry by entry as drgn read them (lock instance, class name,
    where it was taken, read, trylock), exact holders only while lockdep
    still records, and CONFIG_DEBUG_SPINLOCK's owner fields of each lock."""
    ld_truth = truth.get("lockdep")
    debug_locks = [l for l in truth_locks(truth) if l.get("debug_spinlock")]
    if not ld_truth and not debug_locks:
        return
    out = run_json(lockcore, "locks", dump)
    if out is None:
        return
    ours = {int(l["address"], 16): l for l in out.get("locks", [])}
    for t in debug_locks:
        l = match_lock(t, ours)
        if l is None:
            continue  # check_locks reports it
        want = t["debug_spinlock"]
        got = l.get("debug_owner")
        if got is None:
            fail("locks %s: no CONFIG_DEBUG_SPINLOCK owner record (drgn: owner_cpu %r, pid %r)"
                 % (t["symbol"], want["owner_cpu"], want["owner_pid"]))
            continue
        expect("locks %s debug owner_cpu" % t["symbol"], got["cpu"], want["owner_cpu"])
        expect("locks %s debug owner pid" % t["symbol"], got["pid"], want["owner_pid"])
        expect("locks %s debug owner task" % t["symbol"], got["task"],
               None if want["owner_pid"] is None else want["owner"])
    if not ld_truth:
        return
    ld = out.get("lockdep")
    if ld is None:
        fail("locks: no lockdep section on a CONFIG_LOCKDEP kernel")
        return
    recording = bool(ld_truth["debug_locks"])
    expect("lockdep recording (debug_locks)", ld["recording"], recording)
    if not recording and "debug_locks is 0" not in "\n".join(out.get("problems") or []):
        fail("locks: debug_locks is 0 but no problem says lockdep's record is incomplete")
    got = {t["pid"]: t for t in ld["tasks"]}
    want = {int(p): t for p, t in ld_truth["held_locks"].items()}
    expect("pids with lockdep held locks", sorted(got), sorted(want))
    entries = 0
    for pid, w in sorted(want.items()):
        g = got.get(pid)
        if g is None:
            continue
        expect("pid %d comm" % pid, g["comm"], w["comm"])
        expect("pid %d lockdep_depth" % pid, g["depth"], w["lockdep_depth"])
        if len(g["held_locks"]) != len(w["held_locks"]):
            fail("pid %d: %d held locks, drgn %d" % (pid, len(g["held_locks"]),
                                                      len(w["held_locks"])))
            continue
        for i, (ge, we) in enumerate(zip(g["held_locks"], w["held_locks"])):
            what = "pid %d held_locks[%d]" % (pid, i)
            expect(what + " instance", ge["instance"], we["instance"])
            expect(what + " name", ge["name"], we["name"])
            expect(what + " acquire_ip", ge["acquire_ip"], we["acquire_ip"])
            expect(what + " taken in", func_of(ge["acquired_at"]),
                   func_of(we["acquire_ip_symbol"]))
            expect(what + " read", ge["read"], we["read"])
            expect(what + " trylock", ge["trylock"], bool(we["trylock"]))
            if "irq_context" in we:
                expect(what + " context", ge["context"],
                       "hardirq" if we["irq_context"] & 2 else
                       "softirq" if we["irq_context"] else "task")
                # a stopped lockdep keeps entries whose release it missed: one taken
                # in hardirq by a task now off CPU is certainly released
                expect(what + " stale", ge["stale"], not recording and
                       bool(we["irq_context"] & 2) and not w.get("on_cpu"))
            entries += 1
    # Holders: a truth lock whose owner's held_locks name it (and that the owner
    # does not wait for) is held exactly while lockdep records, never "exact" after.
    for t in truth_locks(truth):
        l = match_lock(t, ours)
        if l is None or t.get("owner_pid") is None:
            continue
        w = want.get(t["owner_pid"])
        named = w and any(func_of(e["instance_symbol"]) == t["symbol"] for e in w["held_locks"])
        conf = l["owner"].get("confidence")
        if recording and named:
            expect("locks %s owner confidence (lockdep held_locks)" % t["symbol"], conf, "exact")
            if "lockdep" not in (l["owner"].get("evidence") or ""):
                fail("locks %s: owner evidence does not cite lockdep: %r"
                     % (t["symbol"], l["owner"].get("evidence")))
        elif not recording and conf == "exact":
            fail("locks %s: exact owner from a stopped lockdep" % t["symbol"])
    print("lockdep: recording=%s, %d tasks, %d held_locks entries agree with drgn"
          % (recording, len(want), entries))


# The RTAS call path (src/linux/rtas.c): a CPU with one of these frames is calling RTAS.
RTAS_PATH = {"rtas_os_term", "rtas_call_reentrant", "rtas_call", "rtas_call_unlocked",
             "va_rtas_call_unlocked", "va_rtas_call", "lock_rtas", "do_enter_rtas",
             "__do_enter_rtas", "__do_enter_rtas_trace", "enter_rtas"}
RTAS_FIRMWARE = {"do_enter_rtas", "__do_enter_rtas", "__do_enter_rtas_trace", "enter_rtas"}


def truth_cpu_functions(truth, fixture):
    """{cpu: [function names]} of every CPU the truth has a stack for."""
    cpus = {}
    path = os.path.join(fixture, "drgn-bt.json")
    if os.path.exists(path):
        with open(path) as f:
            for c, v in json.load(f)["cpus"].items():
                if "frames" in v:
                    cpus[int(c)] = [fr["function"] for fr in v["frames"] if fr["function"]]
    for c, seq in truth.get("cpu_stacks", {}).items():
        cpus.setdefault(int(c), [fr if isinstance(fr, str) else (fr or {}).get("function")
                                 for fr in seq or []])
    return cpus


def check_rtas(lockcore, dump, truth, fixture):
    """lockcore rtas: no RTAS off ppc64; on ppc64 the lock word and argument buffer as
    drgn read them (drgn-rtas.json, fixtures/factory-foreign/rtas-truth.py) and the
    CPUs in the RTAS call path as the truth's stacks show them."""
    out = run_json(lockcore, "rtas", dump)
    if out is None:
        return
    if truth["arch"] != "ppc64le":
        expect("rtas present", out.get("present"), False)
        return
    expect("rtas present", out.get("present"), True)
    path = os.path.join(fixture, "drgn-rtas.json")
    if os.path.exists(path):
        with open(path) as f:
            want = json.load(f)
        got_lock, got_args = out.get("lock") or {}, out.get("args") or {}
        for key in ("symbol", "address", "word"):
            expect("rtas lock %s" % key, got_lock.get(key), want["lock"][key])
        for key in ("symbol", "address", "token", "function", "nargs", "nret", "inputs",
                    "outputs"):
            expect("rtas args %s" % key, got_args.get(key), want["args"][key])
    got = {c["cpu"] for c in out.get("cpus", [])}
    in_flight = False
    for cpu, funcs in sorted(truth_cpu_functions(truth, fixture).items()):
        expect("CPU %d in the RTAS call path" % cpu, cpu in got,
               any(f in RTAS_PATH for f in funcs))
        # RTAS runs on it through rtas_call, which uses the shared buffer
        in_flight |= bool(set(funcs) & RTAS_FIRMWARE and set(funcs) & {"rtas_call", "lock_rtas"})
    if "in_flight" in (out.get("args") or {}):
        expect("rtas args in_flight", out["args"]["in_flight"], in_flight)


def check_csd_debug(lockcore, dump, truth):
    """CONFIG_CSD_LOCK_WAIT_DEBUG as drgn read it: the recording state, the timeout, the
    stall reports, the call each CPU runs now and each locked csd's sender and target.
    Kernels without the option must report none."""
    out = run_json(lockcore, "ipi", dump)
    if out is None:
        return
    want = truth.get("csd_debug")
    got = out.get("csd_debug")
    if not want:
        expect("csd_debug (kernel without CSD_LOCK_WAIT_DEBUG)", got, None)
        return
    if got is None:
        fail("ipi: no csd_debug, truth has CONFIG_CSD_LOCK_WAIT_DEBUG")
        return
    for key in ("enabled", "timeout_ms", "stall_reports"):
        expect("csd_debug %s" % key, got.get(key), want[key])
    expect("csd_debug running (cpu: function)",
           {str(r["cpu"]): func_of(r["function"]) for r in got.get("running", [])},
           {c: func_of(r["func"]) for c, r in want["running"].items()})
    queued = {q["address"]: q for q in out.get("queued_csds", [])}
    for c in want["csds"]:
        q = queued.get(c["csd"])
        if q is None:
            continue  # taken from the queue already: only the queue lists src/dst
        expect("csd %s src" % c["csd"], q.get("src"), c["src"])
        expect("csd %s dst" % c["csd"], q.get("dst"), c["dst"])


def expected_ipi_waits(truth):
    """The truth's IPI waits as {waiter_cpu, targets, targets_irqs_disabled,
    callback}. The factory writes one entry per (waiter, target) with the
    target's csd function; which targets have IRQs off comes from the
    spinning waiters of the truth's locks (the scenario's design)."""
    irqs_off = {w["cpu"] for l in truth_locks(truth) for w in l.get("waiters", [])
                if w.get("irqs_disabled")}
    # Per-CPU IRQ state (drgn's reading of the saved flags) and the per-wait flag win.
    irqs_off |= {int(c) for c, off in truth_irqs_disabled(truth).items() if off}
    irqs_off |= {w["target_cpu"] for w in truth.get("ipi_waits") or []
                 if w.get("target_irqs_disabled") and "target_cpu" in w}
    by_waiter = {}
    # fixtures/factory-foreign: one wait, naming the target that does not respond.
    one = truth.get("ipi_wait")
    if one:
        by_waiter[one["cpu"]] = {"waiter_cpu": one["cpu"], "callback": one.get("callback"),
                                 "targets": {one["target_cpu_not_responding"]}}
    for w in truth.get("ipi_waits") or []:
        e = by_waiter.setdefault(w["waiter_cpu"], {"waiter_cpu": w["waiter_cpu"], "targets": set(),
                                                  "callback": w.get("func", w.get("callback"))})
        e["targets"].update(w.get("targets", [w["target_cpu"]] if "target_cpu" in w else []))
    waits = []
    for e in by_waiter.values():
        e["targets"] = sorted(e["targets"])
        e["targets_irqs_disabled"] = sorted(c for c in e["targets"] if c in irqs_off)
        waits.append(e)
    return waits


def check_ipi(lockcore, dump, truth):
    out = run_json(lockcore, "ipi", dump)
    if out is None:
        return
    got = sorted((w["waiter_cpu"], sorted(w["targets"]), sorted(w["targets_irqs_disabled"]),
                  w.get("callback")) for w in out.get("ipi_waits", []))
    want = sorted((w["waiter_cpu"], w["targets"], w["targets_irqs_disabled"], w["callback"])
                  for w in expected_ipi_waits(truth))
    expect("ipi waits (waiter cpu, targets, targets with IRQs off, callback)", got, want)


def main():
    lockcore, fixture = sys.argv[1], sys.argv[2]
    if not os.environ.get("LOCKCORE_CACHE_DIR"):
        committed = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures",
                                 "cache")
        tmp = tempfile.mkdtemp(prefix="lockcore-cache-")
        cache = os.path.join(tmp, "cache")
        if os.path.isdir(committed):
            shutil.copytree(committed, cache)
        else:
            os.mkdir(cache)
        os.environ["LOCKCORE_CACHE_DIR"] = cache
        try:
            return run_checks(lockcore, fixture)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return run_checks(lockcore, fixture)


def run_checks(lockcore, fixture):
    with open(os.path.join(fixture, "truth.json")) as f:
        truth = json.load(f)
    dump = os.path.join(fixture, truth["file"])
    for key in ("arch", "release", "cpus"):
        if key not in truth:
            fail("truth.json lacks %r" % key)
    if failures:
        return 1
    check_info(lockcore, dump, truth)
    check_ps(lockcore, dump, truth)
    check_log(lockcore, dump, fixture, truth)
    check_bt(lockcore, dump, truth, fixture)
    check_bt_dwarf(lockcore, dump, fixture)
    check_missing_cpus(lockcore, dump, truth)
    check_locks(lockcore, dump, truth)
    check_module_file(lockcore, dump, truth, fixture)
    check_locks_dwarf(lockcore, dump, fixture)
    check_lockdep(lockcore, dump, truth)
    check_ipi(lockcore, dump, truth)
    check_rtas(lockcore, dump, truth, fixture)
    check_csd_debug(lockcore, dump, truth)
    apply_known_gaps(fixture)
    print("%s: %s" % (fixture, "ok" if not failures else "%d failure(s)" % len(failures)))
    return 1 if failures else 0


def apply_known_gaps(fixture):
    """tests/known-gaps.json names, per fixture, failures that are understood and
    tracked (each with its reason): they are reported as XFAIL and do not fail
    the test. A listed gap that no longer fails is an error, so the list can
    only shrink as lockcore or the truth improves."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known-gaps.json")
    with open(path) as f:
        gaps = json.load(f)
    key = os.path.relpath(os.path.abspath(fixture),
                          os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                       "fixtures"))
    for gap in gaps.get(key, []):
        hits = [m for m in failures if m.startswith(gap["failure"])]
        if not hits:
            fail("known gap no longer fails (remove it from tests/known-gaps.json): %r"
                 % gap["failure"])
            continue
        for m in hits:
            failures.remove(m)
            print("XFAIL (%s): %s" % (gap["reason"], m))


if __name__ == "__main__":
    sys.exit(main())
