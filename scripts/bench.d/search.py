#!/usr/bin/env python3
"""search.py SEARCH_JSON: part 6 of scripts/bench (bench-search's output) as Markdown."""
import json
import sys

r = json.load(open(sys.argv[1]))
print(f"\n## 6. Search over {r['records']} generated records\n")
print(f"{r['entries']} index entries, {r['index_bytes'] / 1048576:.1f} MiB of index.\n")
print("| what | median | p95 | max |")
print("|---|---:|---:|---:|")
def row(name, s):
    print(f"| {name} | {s['median_ms']:.1f} ms | {s['p95_ms']:.1f} ms | {s['max_ms']:.1f} ms |")
print(f"| build the index from nothing | {r['build_all_s']:.2f} s ({r['build_per_record_ms']:.1f} ms a record) | | |")
row("add one newly sealed record", r["add_one_record"])
row("open the index, checked (checksums, ledger, records)", r["open_checked"])
row("a query in an open index (all queries)", r["query_all"])
for q in r["queries"]:
    row(f"`{q['query']}` ({q['hits']} hits)", q["latency"])
if r.get("cli_search"):
    row("`ogonblick search simhall --json` (whole process)", r["cli_search"])
