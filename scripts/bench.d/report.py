#!/usr/bin/env python3
"""report.py RAW_DIR OUT.json OUT.md: turns scripts/bench's raw measurements into
medians with min and max, ratios from the same run, and goal verdicts."""
import json, os, statistics, sys

raw, out_json, out_md = sys.argv[1:4]


def load_lines(name):
    p = os.path.join(raw, name)
    if not os.path.exists(p):
        return []
    return [json.loads(l) for l in open(p, encoding="utf-8") if l.strip()]


def load(name, default=None):
    p = os.path.join(raw, name)
    return json.load(open(p, encoding="utf-8")) if os.path.exists(p) else default


def stats(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt(s, unit="s", digits=2):
    if not s:
        return "–"
    if s["n"] == 1:
        return f"{s['median']:.{digits}f} {unit} (1 run)"
    return f"{s['median']:.{digits}f} {unit} ({s['min']:.{digits}f}–{s['max']:.{digits}f})"


def mib(kib):
    return None if kib is None else kib / 1024


def ratio(a, b):
    return None if not a or not b else a["median"] / b["median"]


def cpu(d):
    a, b = d.get("self_cpu_s"), d.get("children_cpu_s")
    return f"{a['median']:.1f} s / {b['median']:.1f} s" if a and b else "–"


def yes(v):
    return "–" if v is None else ("yes" if v else "**no**")


import glob
machines = {os.path.basename(f)[8:-5]: json.load(open(f, encoding="utf-8")) for f in sorted(glob.glob(os.path.join(raw, "machine-*.json")))}
machine = machines.get("12345") or (list(machines.values())[-1] if machines else {})
result = {"machine": machine}
md = []
md.append("# ogonblick benchmark results\n")
md.append(f"Command: `{machine.get('command')}` at commit `{machine.get('commit')}`, {machine.get('date')}.  ")
md.append(
    f"Machine: {machine.get('nproc')} cores ({machine.get('cpu')}), {machine.get('mem_gib')} GiB RAM, "
    f"{machine.get('os')}, kernel {machine.get('kernel')}.  "
)
md.append(
    f"Tools: {machine.get('chromium')}; Ghostscript {machine.get('ghostscript')}; {machine.get('java')}; "
    f"bagit.py {machine.get('bagit')}; {machine.get('sha256sum')}; {machine.get('rustc')}.\n"
)
end_load = open(os.path.join(raw, "loadavg-end.txt")).read().strip() if os.path.exists(os.path.join(raw, "loadavg-end.txt")) else "?"
machine["loadavg_at_end"] = end_load
md.append(f"Load average (1, 5, 15 min) at start: {machine.get('loadavg_at_start')}, at end: {end_load}.\n")
for parts, m in machines.items():
    if parts != "12345":
        md.append(f"Part{'s' if len(parts) > 1 else ''} {', '.join(parts)} {'are' if len(parts) > 1 else 'is'} from a later `{m.get('command')}` at {m.get('date')} (load at start {m.get('loadavg_at_start')}).\n")
md.append("Times are medians with (min–max) over the runs shown; ratios are of medians from this same run.\n")

# ---------------------------------------------------------------- 1
cap = load_lines("capture.jsonl")
checks = {(c["page"], c["route"]): c["check"] for c in load_lines("capture-check.jsonl")}
r1 = {}
md.append("## 1. Capture to sealed PDF/A, per page\n")
md.append("ogonblick: `ogonblick capture URL --out DIR` (browser start, consent, lazy loading, full-page tiles, text layer, PDF/A, seal).  ")
md.append("Do-it-yourself: `chromium --headless --print-to-pdf` then `gs -dPDFA=1 -dPDFACompatibilityPolicy=1 -sColorConversionStrategy=RGB` with `PDFA_def.ps` → sRGB.\n")
md.append("| page | route | wall time | ogonblick ÷ DIY | CPU: own / children | own peak memory | children peak (PSS) | Preflight PDF/A-1b | text all there | images all there | consent dialog gone | PDF size, pages |")
md.append("|---|---|---|---|---|---|---|---|---|---|---|---|")
for page in ["tall", "lazy", "consent"]:
    r1[page] = {}
    for route in ["ogonblick", "diy"]:
        runs = [c["m"] for c in cap if c["page"] == page and c["route"] == route]
        r1[page][route] = {
            "wall_s": stats([m["wall_s"] for m in runs]),
            "self_peak_mib": stats([mib(m["self_hwm_kib"]) for m in runs]),
            "children_peak_pss_mib": stats([mib(m["children_peak_pss_kib"]) for m in runs]),
            "self_cpu_s": stats([m.get("self_cpu_s") for m in runs]),
            "children_cpu_s": stats([m.get("children_cpu_s") for m in runs]),
            "exit_codes": sorted({m["exit"] for m in runs}, key=str),
            "check": checks.get((page, route)),
        }
    rat = ratio(r1[page]["ogonblick"]["wall_s"], r1[page]["diy"]["wall_s"])
    r1[page]["ratio_ogonblick_over_diy"] = rat
    for route in ["ogonblick", "diy"]:
        d = r1[page][route]
        c = d["check"] or {}
        text_ok = all(c.get("text", {}).values()) if c else None
        img_ok = all(c.get("colours", {}).values()) if c and c.get("colours") else (None if not c else "n/a")
        consent = (not any(c.get("absent_colours", {}).values()) and not any(c.get("absent_text", {}).values())) if c and (c.get("absent_colours") or c.get("absent_text")) else "n/a"
        missing = [k for k, v in c.get("text", {}).items() if not v] + [f"#{k}" for k, v in c.get("colours", {}).items() if not v]
        text_cell = yes(text_ok) + (f" (missing: {', '.join(missing)})" if missing else "")
        md.append(
            f"| {page} | {'ogonblick' if route == 'ogonblick' else 'DIY'} | {fmt(d['wall_s'])} | "
            f"{f'{rat:.2f}×' if rat and route == 'ogonblick' else ''} | "
            f"{cpu(d)} | "
            f"{fmt(d['self_peak_mib'], 'MiB', 0) if route == 'ogonblick' else '(a shell script)'} | {fmt(d['children_peak_pss_mib'], 'MiB', 0)} | "
            f"{yes(c.get('preflight')) if c else '–'} | {text_cell} | {img_ok if isinstance(img_ok, str) else yes(img_ok)} | "
            f"{consent if isinstance(consent, str) else yes(consent)} | {c.get('bytes', 0) / 1048576:.1f} MiB, {c.get('pages', '?')} p. |"
        )
for page in ["tall", "lazy", "consent"]:
    for route in ["ogonblick", "diy"]:
        c = r1[page][route]["check"]
        if c and not c.get("preflight"):
            md.append(f"\n{page}/{route} Preflight: {'; '.join(c.get('preflight_errors', [])[:3])}")
gt = load("gnutime.json")
if gt:
    result["gnu_time_maxrss_kib_tall"] = gt["gnu_time_maxrss_kib"]
    md.append(
        f"\nGNU `time -f %M` on the same tall capture reports {gt['gnu_time_maxrss_kib'] / 1024:.0f} MiB: the largest single "
        "process among ogonblick and the children it reaped (Chromium's browser process), not ogonblick alone and not the sum. "
        "The table's own peak is ogonblick's VmHWM, the children column the peak sum of PSS over all processes below it (`bench-mem`); "
        "CPU is user + system time from /proc (own: every ogonblick thread; children: a lower bound)."
    )
shot = load("shot.json")
if shot:
    d, f = stats(shot["default_s"]), stats(shot["optimize_for_speed_s"])
    r1["chromium_screenshots_tall"] = {"default_s": d, "optimize_for_speed_s": f}
    md.append(
        f"\nChromium's own `Page.captureScreenshot` calls for the tall page's 8 tiles (`bench-shot`, one browser, page loaded): "
        f"{fmt(d)} with the default PNG encoder, {fmt(f)} with `optimizeForSpeed` "
        f"({shot['png_bytes_default'] / 1048576:.1f} vs {shot['png_bytes_fast'] / 1048576:.1f} MiB of PNG)."
    )
r1["goal"] = "ogonblick within 1.5× of the DIY route's wall time"
result["capture"] = r1

# ---------------------------------------------------------------- 2
hp = load("pdfa.json")
pchecks = {c["name"]: c["check"] for c in load_lines("pdfa-check.jsonl")}
md.append("\n## 2. PDF/A build for a 1280 × 60 000 px capture\n")
synth = open(os.path.join(raw, "synth.txt")).read().strip() if os.path.exists(os.path.join(raw, "synth.txt")) else ""
md.append(f"Input: {synth} (synthetic, `bench-pdfa synth`).  ")
md.append("ogonblick: read tiles + `pdfa::build` + write (`bench-pdfa build`). Ghostscript: the PDF/A conversion of a plain PDF holding the same PNG data (making that PDF is not counted). Copy: `cat tile-*.png > file`.\n")
r2 = {}
if hp:
    t = {r["command"]: stats(r["times"]) for r in hp["results"]}
    r2["times"] = t
    og = t.get("ogonblick")
    md.append("| route | time | ÷ ogonblick | output | Preflight | lossless |")
    md.append("|---|---|---|---|---|---|")
    names = {"ogonblick": "o", "ghostscript": "gs", "ghostscript-lossless": "gs-lossless"}
    for name, s in t.items():
        c = pchecks.get(names.get(name, ""), None)
        lossless = {"ogonblick": "yes (PNG data passes through)", "ghostscript": "**no** (JPEG)", "ghostscript-lossless": "yes (Flate)", "copy": "yes"}[name]
        size = f"{c['bytes'] / 1048576:.1f} MiB" if c else "–"
        md.append(f"| {name} | {fmt(s, 's', 3)} | {ratio(s, og):.2f}× | {size} | {yes(c.get('preflight')) if c else '–'} | {lossless} |")
    r2["gs_over_ogonblick"] = ratio(t.get("ghostscript"), og)
    r2["gs_lossless_over_ogonblick"] = ratio(t.get("ghostscript-lossless"), og)
    r2["ogonblick_over_copy"] = ratio(og, t.get("copy"))
    md.append(
        f"\nGoal ≥ 10× Ghostscript: {r2['gs_over_ogonblick']:.1f}× (lossy default), {r2['gs_lossless_over_ogonblick']:.1f}× (lossless). "
        f"Goal ≤ 3× copy: {r2['ogonblick_over_copy']:.2f}×."
    )
result["pdfa"] = r2

# ---------------------------------------------------------------- 3
hv = load("verify.json")
bag = open(os.path.join(raw, "bag.txt")).read().strip() if os.path.exists(os.path.join(raw, "bag.txt")) else ""
md.append("\n## 3. Verify a bag\n")
md.append(f"Bag: {bag} (`make-bag`, pseudo-random files, one SHA-256 manifest). Warm page cache (one warm-up run).\n")
r3 = {}
if hv:
    t = {r["command"]: stats(r["times"]) for r in hv["results"]}
    r3["times"] = t
    size = None
    try:
        size = int(bag.split(" files, ")[1].split(" bytes")[0])
    except (IndexError, ValueError):
        pass
    one = t.get("ogonblick --jobs 1")
    md.append("| tool | time | throughput | ÷ ogonblick --jobs 1 |")
    md.append("|---|---|---|---|")
    for name, s in t.items():
        thr = f"{size / 1048576 / s['median']:.0f} MiB/s" if size else "–"
        md.append(f"| {name} | {fmt(s, 's', 2)} | {thr} | {ratio(s, one):.2f}× |")
    r3["ogonblick1_over_sha256sum"] = ratio(one, t.get("sha256sum -c"))
    r3["bagit_over_ogonblick_all"] = ratio(t.get("bagit.py --validate"), t.get("ogonblick (all threads)"))
    r3["bagit_over_ogonblick_1"] = ratio(t.get("bagit.py --validate"), one)
    md.append(
        f"\nGoal ≤ 1.0× sha256sum on one thread: {r3['ogonblick1_over_sha256sum']:.2f}×. "
        f"Goal ≥ 5× faster than bagit.py: {r3['bagit_over_ogonblick_all']:.2f}× (all threads), {r3['bagit_over_ogonblick_1']:.2f}× (one thread)."
    )
result["verify"] = r3

# ---------------------------------------------------------------- 4 and 5
runs = load_lines("run.jsonl") + load_lines("run-scale.jsonl")
sealed = load("run-sealed.json", {})


def run_rows(n, jobs):
    ms = [r["m"] for r in runs if r["accounts"] == n and r["jobs"] == jobs]
    if not ms:
        return None
    wall = stats([m["wall_s"] for m in ms])
    return {
        "wall_s": wall,
        "accounts_per_min": n * 60 / wall["median"],
        "accounts_per_min_range": [n * 60 / wall["max"], n * 60 / wall["min"]],
        "self_peak_mib": stats([mib(m["self_hwm_kib"]) for m in ms]),
        "children_peak_pss_mib": stats([mib(m["children_peak_pss_kib"]) for m in ms]),
        "children_max_processes": max(m["children_max_processes"] for m in ms),
        "self_cpu_s": stats([m.get("self_cpu_s") for m in ms]),
        "children_cpu_s": stats([m.get("children_cpu_s") for m in ms]),
        "exit_codes": sorted({m["exit"] for m in ms}, key=str),
    }


md.append("\n## 4. Half-year run over 20 fixture accounts\n")
md.append("`ogonblick run --register accounts-20.toml --archive DIR --period 2026-H1 --jobs N` into a fresh archive; the register cycles the fixture's Facebook page (+ its Om page), X, Instagram, YouTube and blog: 24 pages.\n")
md.append("| --jobs | wall time | accounts per minute | CPU: own / Chromium | ogonblick peak (VmHWM) | Chromium peak (PSS sum) | exit |")
md.append("|---|---|---|---|---|---|---|")
r4 = {}
for jobs in [1, 2]:
    r = run_rows(20, jobs)
    r4[f"jobs{jobs}"] = r
    if r:
        md.append(
            f"| {jobs} | {fmt(r['wall_s'])} | {r['accounts_per_min']:.1f} ({r['accounts_per_min_range'][0]:.1f}–{r['accounts_per_min_range'][1]:.1f}) | {cpu(r)} | "
            f"{fmt(r['self_peak_mib'], 'MiB', 0)} | {fmt(r['children_peak_pss_mib'], 'MiB', 0)} | {r['exit_codes']} |"
        )
if sealed:
    md.append(f"\nRecords sealed: {sealed.get('sealed_in_first_run')} of 20 (--jobs 1, first run), {sealed.get('sealed_jobs2')} of 20 (--jobs 2).")
result["run"] = r4
result["run_sealed"] = sealed

md.append("\n## 5. Scaling\n")
md.append("### With page height (`ogonblick capture` of generated 500 px-band pages)\n")
md.append("| height | wall time | CPU: own / Chromium | ogonblick peak (VmHWM) | Chromium peak (PSS sum) |")
md.append("|---|---|---|---|---|")
hs = load_lines("height.jsonl")
r5 = {"height": {}, "accounts": {}}
for h in sorted({x["height"] for x in hs}):
    ms = [x["m"] for x in hs if x["height"] == h]
    d = {
        "wall_s": stats([m["wall_s"] for m in ms]),
        "self_peak_mib": stats([mib(m["self_hwm_kib"]) for m in ms]),
        "children_peak_pss_mib": stats([mib(m["children_peak_pss_kib"]) for m in ms]),
        "self_cpu_s": stats([m.get("self_cpu_s") for m in ms]),
        "children_cpu_s": stats([m.get("children_cpu_s") for m in ms]),
    }
    r5["height"][h] = d
    md.append(f"| {h} px | {fmt(d['wall_s'])} | {cpu(d)} | {fmt(d['self_peak_mib'], 'MiB', 0)} | {fmt(d['children_peak_pss_mib'], 'MiB', 0)} |")
md.append("\n### With the number of accounts (`ogonblick run --jobs 2`)\n")
md.append("| accounts | wall time | accounts per minute | CPU: own / Chromium | ogonblick peak (VmHWM) | Chromium peak (PSS sum) |")
md.append("|---|---|---|---|---|---|")
for n in sorted({x["accounts"] for x in runs}):
    r = run_rows(n, 2)
    if r:
        r5["accounts"][n] = r
        md.append(f"| {n} | {fmt(r['wall_s'])} | {r['accounts_per_min']:.1f} | {cpu(r)} | {fmt(r['self_peak_mib'], 'MiB', 0)} | {fmt(r['children_peak_pss_mib'], 'MiB', 0)} |")
mm = load_lines("run-scale-mmap.jsonl")
if mm:
    md.append("\nThe same runs with `MALLOC_MMAP_THRESHOLD_=262144`, as the systemd unit and the cron line set it (glibc then returns large freed buffers to the system instead of keeping them in per-thread pools):\n")
    md.append("| accounts | wall time | accounts per minute | ogonblick peak (VmHWM) | Chromium peak (PSS sum) |")
    md.append("|---|---|---|---|---|")
    r5["accounts_mmap_threshold"] = {}
    for n in sorted({x["accounts"] for x in mm}):
        ms = [x["m"] for x in mm if x["accounts"] == n]
        wall = stats([m["wall_s"] for m in ms])
        d = {
            "wall_s": wall,
            "accounts_per_min": n * 60 / wall["median"],
            "self_peak_mib": stats([mib(m["self_hwm_kib"]) for m in ms]),
            "children_peak_pss_mib": stats([mib(m["children_peak_pss_kib"]) for m in ms]),
        }
        r5["accounts_mmap_threshold"][n] = d
        md.append(f"| {n} | {fmt(d['wall_s'])} | {d['accounts_per_min']:.1f} | {fmt(d['self_peak_mib'], 'MiB', 0)} | {fmt(d['children_peak_pss_mib'], 'MiB', 0)} |")
result["scaling"] = r5

json.dump(result, open(out_json, "w", encoding="utf-8"), indent=2, ensure_ascii=False, default=str)
open(out_md, "w", encoding="utf-8").write("\n".join(md) + "\n")
