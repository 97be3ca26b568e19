#!/usr/bin/env python3
"""check-pdf.py PDF [--text T]... [--colour RRGGBB]... [--absent-colour RRGGBB]... [--absent-text T]...

Is the capture complete and valid? Prints one JSON object:
- preflight: Apache PDFBox Preflight (PDF/A-1b) says valid; preflight_errors: its first messages;
- text: each --text found by pdftotext (whitespace ignored, so line breaks do not matter);
- colours: each --colour found in the rendered pages (pdftoppm at 10 dpi, ≥ 25 of every 4th pixel, within ±12 per channel);
- absent_*: the same for things that must NOT be there (the consent dialog), true = still there.
"""
import collections, json, re, subprocess, sys, tempfile, unicodedata, os, glob

JARS = "preflight pdfbox2 fontbox2 xmpbox commons-logging javax.activation jaxb-api".split()
CP = ":".join(f"/usr/share/java/{j}.jar" for j in JARS)


def norm(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", s))


def main():
    args = sys.argv[1:]
    pdf = args.pop(0)
    want = collections.defaultdict(list)
    while args:
        k = args.pop(0).lstrip("-")
        want[k].append(args.pop(0))
    out = {"file": pdf, "bytes": os.path.getsize(pdf)}
    p = subprocess.run(["java", "-cp", CP, "org.apache.pdfbox.preflight.Validator_A1b", pdf], capture_output=True, text=True)
    out["preflight"] = p.returncode == 0 and "is a valid PDF/A-1b" in p.stdout
    errs = [l.strip() for l in (p.stdout + p.stderr).splitlines() if l.strip() and "is not valid" not in l]
    out["preflight_errors"] = [] if out["preflight"] else errs[:4]
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], capture_output=True, text=True).stdout
    t = norm(text)
    out["text"] = {w: norm(w) in t for w in want["text"]}
    out["absent_text"] = {w: norm(w) in t for w in want["absent-text"]}
    counts = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "10", pdf, f"{tmp}/p"], check=True)
        pages = sorted(glob.glob(f"{tmp}/p*.ppm"))
        out["pages"] = len(pages)
        for f in pages:
            data = open(f, "rb").read()
            # P6\nW H\n255\n then RGB bytes
            parts = data.split(b"\n", 3)
            pix = parts[3]
            # Every other pixel of every other row is plenty for solid blocks and 4× faster.
            w = int(parts[1].split()[0])
            for row in range(0, len(pix) // (3 * w), 2):
                line = pix[row * 3 * w:(row + 1) * 3 * w]
                counts.update(line[i:i + 3] for i in range(0, len(line) - 2, 6))

    def present(hexc):
        r, g, b = (int(hexc[i:i + 2], 16) for i in (0, 2, 4))
        n = sum(c for k, c in counts.items() if abs(k[0] - r) <= 12 and abs(k[1] - g) <= 12 and abs(k[2] - b) <= 12)
        return n >= 25

    out["colours"] = {c: present(c) for c in want["colour"]}
    out["absent_colours"] = {c: present(c) for c in want["absent-colour"]}
    out["complete"] = all(out["text"].values()) and all(out["colours"].values()) and not any(out["absent_text"].values()) and not any(out["absent_colours"].values())
    print(json.dumps(out, ensure_ascii=False))


main()
