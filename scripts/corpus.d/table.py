#!/usr/bin/env python3
"""The corpus table (scripts/corpus): one row a page from what the capture
and bench-words left in target/corpus/pages/<name>/, as results.tsv and
results.md, and the distribution of words in the text layer over words seen
and over words Chromium shows."""
import json
import os
import subprocess
import sys


def words(text):
    """Words as the capture counts them: runs of non-space with a letter or a digit."""
    return sum(1 for w in text.split() if any(c.isalnum() for c in w))


def text_layer_words(pdf):
    """Words pdftotext finds on the snapshot's pages after the cover (a cover
    page carries its running foot, "Följeblad för …")."""
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = next((int(l.split()[1]) for l in info.splitlines() if l.startswith("Pages:")), 0)
    n = 0
    for p in range(1, pages + 1):
        t = subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), pdf, "-"],
                           capture_output=True, text=True).stdout
        if "Följeblad för" in t:
            continue
        n += words(t)
    return n


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def main():
    listing, out = sys.argv[1], sys.argv[2]
    rows = []
    with open(listing, encoding="utf-8") as f:
        names = [l.split("\t")[0] for l in f if l.strip()]
    for name in names:
        d = os.path.join(out, "pages", name.replace("/", "+"))
        chromium = load(os.path.join(d, "chromium.json")) or {}
        record = load(os.path.join(d, "record", "record.json"))
        rc = open(os.path.join(d, "capture.rc")).read().strip() if os.path.exists(os.path.join(d, "capture.rc")) else "?"
        row = {"page": name, "shown": chromium.get("shown"), "inner_text": chromium.get("inner_text"),
               "seen": None, "layer": None, "flagged": None, "other": "", "rc": rc}
        if record:
            page = record["pages"][0]
            ext = page.get("extent", {})
            row["seen"] = ext.get("words_seen")
            row["layer"] = text_layer_words(os.path.join(d, "record", "snapshot.pdf"))
            findings = [(o.get("finding") or {}).get("finding", o.get("kind")) for o in page.get("obstructions", [])]
            row["flagged"] = "words-missing" in findings
            row["other"] = ",".join(sorted(set(f for f in findings if f != "words-missing")))
        rows.append(row)

    cols = ["page", "shown", "inner_text", "seen", "layer", "flagged", "other", "rc"]
    with open(os.path.join(out, "results.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(cols) + "\n")
        for r in rows:
            f.write("\t".join("" if r[c] is None else str(r[c]) for c in cols) + "\n")

    def ratio(a, b):
        return a / b if a is not None and b else None

    lines = ["| page | Chromium shows | innerText | seen while scrolling | text layer | layer/seen | layer/shown | flagged | other obstructions | exit |",
             "|---|--:|--:|--:|--:|--:|--:|---|---|--:|"]
    for r in rows:
        ls, lc = ratio(r["layer"], r["seen"]), ratio(r["layer"], r["shown"])
        fmt = lambda v: "" if v is None else f"{v:.2f}"
        lines.append(f"| {r['page']} | {r['shown'] if r['shown'] is not None else '–'} | {r['inner_text'] if r['inner_text'] is not None else '–'} | "
                     f"{r['seen'] if r['seen'] is not None else '–'} | {r['layer'] if r['layer'] is not None else '–'} | {fmt(ls)} | {fmt(lc)} | "
                     f"{'**yes**' if r['flagged'] else ('no' if r['flagged'] is not None else '–')} | {r['other']} | {r['rc']} |")

    # The distribution the threshold is set from.
    def hist(values, label):
        bins = [0, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98, 1.0, 1.02, 1.05, 1.1, 1.5, float("inf")]
        counts = [0] * (len(bins) - 1)
        for v in values:
            for i in range(len(bins) - 1):
                if bins[i] <= v < bins[i + 1]:
                    counts[i] += 1
                    break
        out = [f"{label} ({len(values)} pages):", ""]
        for i, c in enumerate(counts):
            if c:
                out.append(f"- {bins[i]:.2f} ≤ x < {bins[i + 1]:.2f}: {c}")
        return out

    ls = [ratio(r["layer"], r["seen"]) for r in rows if ratio(r["layer"], r["seen"]) is not None]
    lc = [ratio(r["layer"], r["shown"]) for r in rows if ratio(r["layer"], r["shown"]) is not None]
    short = [r["page"] for r in rows if r["layer"] is not None and r["shown"] and r["layer"] < 0.95 * r["shown"] and r["shown"] - r["layer"] >= 40]
    unflagged_short = [p for p in short if not next(r for r in rows if r["page"] == p)["flagged"]]
    flagged_whole = [r["page"] for r in rows if r["flagged"] and r["layer"] is not None and r["shown"] and r["layer"] >= 0.95 * r["shown"]]
    lines += [""] + hist(ls, "text layer / words seen while scrolling") + [""] + hist(lc, "text layer / words Chromium shows")
    lines += ["", f"text layer at least 5 % and 40 words short of what Chromium shows: {len(short)} ({', '.join(short) or 'none'})",
              f"of those not flagged: {len(unflagged_short)} ({', '.join(unflagged_short) or 'none'})",
              f"flagged although the text layer holds what Chromium shows: {len(flagged_whole)} ({', '.join(flagged_whole) or 'none'})"]
    with open(os.path.join(out, "results.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
