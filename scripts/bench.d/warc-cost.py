#!/usr/bin/env python3
"""What recording the web archive costs: `ogonblick capture` of each page with
and without `--no-warc`, alternating, REPS times each; the wall-clock time of
each run and the size of the page.warc.gz written. One JSON line per run to
OUT.jsonl, then a Markdown table (medians) on stdout.

usage: warc-cost.py OGONBLICK WORKDIR OUT.jsonl REPS NAME=URL[@MAXHEIGHT]...
"""

import json
import os
import statistics
import subprocess
import sys
import time


def main():
    ogonblick, work, out, reps = sys.argv[1:5]
    pages = []
    for arg in sys.argv[5:]:
        name, rest = arg.split("=", 1)
        url, _, limit = rest.partition("@")
        pages.append((name, url, limit or "50000"))
    os.makedirs(work, exist_ok=True)
    rows = []
    with open(out, "a") as log:
        for name, url, limit in pages:
            for i in range(int(reps)):
                for warc in (False, True):
                    dest = os.path.join(work, f"{name}-{i}-{'warc' if warc else 'nowarc'}")
                    cmd = [ogonblick, "capture", url, "--out", dest, "--max-height", limit]
                    if not warc:
                        cmd.append("--no-warc")
                    t0 = time.monotonic()
                    done = subprocess.run(cmd, capture_output=True)
                    secs = time.monotonic() - t0
                    size = 0
                    records = 0
                    for root, _, files in os.walk(dest):
                        for f in files:
                            if f == "page.warc.gz":
                                size += os.path.getsize(os.path.join(root, f))
                    row = {
                        "page": name,
                        "warc": warc,
                        "run": i,
                        "exit": done.returncode,
                        "seconds": round(secs, 3),
                        "warc_bytes": size,
                    }
                    rows.append(row)
                    log.write(json.dumps(row) + "\n")
    print("| page | capture without WARC (s) | with WARC (s) | cost | page.warc.gz |")
    print("|---|---|---|---|---|")
    for name, _, _ in pages:
        off = [r["seconds"] for r in rows if r["page"] == name and not r["warc"]]
        on = [r["seconds"] for r in rows if r["page"] == name and r["warc"]]
        size = [r["warc_bytes"] for r in rows if r["page"] == name and r["warc"]]
        m_off, m_on = statistics.median(off), statistics.median(on)
        print(
            f"| {name} | {m_off:.2f} ({min(off):.2f}–{max(off):.2f}) | "
            f"{m_on:.2f} ({min(on):.2f}–{max(on):.2f}) | "
            f"{(m_on - m_off) / m_off * 100:+.1f} % | {statistics.median(size) / 1024:.0f} KiB |"
        )


if __name__ == "__main__":
    main()
