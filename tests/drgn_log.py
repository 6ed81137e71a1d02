#!/usr/bin/env python3
"""Write the kernel log as drgn reads it, the expectation tests/check_fixture.py
compares `lockcore --json log` with (drgn-log.json next to a fixture's dump):

    drgn -q -c DUMP -s VMLINUX tests/drgn_log.py > FIXTURE/drgn-log.json
"""
import json
import sys

from drgn.helpers.linux.printk import get_printk_records

records = []
for r in get_printk_records(prog):  # noqa: F821 (drgn provides prog)
    caller = None
    if r.caller_tid is not None:
        caller = {"pid": r.caller_tid}
    elif r.caller_cpu is not None:
        caller = {"cpu": r.caller_cpu}
    records.append({"seq": r.seq, "timestamp_ns": r.timestamp, "level": r.level,
                    "facility": r.facility, "caller": caller,
                    "text": r.text.decode("utf-8", "surrogateescape"),
                    "continuation": r.continuation})
json.dump({"source": "drgn get_printk_records", "records": records}, sys.stdout, indent=1)
sys.stdout.write("\n")
