#!/usr/bin/env python3
"""register.py N BASE_URL OUT.toml: an accounts.toml with N accounts that point,
in turn, at the fixture site's account pages (Facebook with its "Om" page as an
extra page, X, Instagram, YouTube, blog)."""
import sys

n, base, out = int(sys.argv[1]), sys.argv[2].rstrip("/"), sys.argv[3]
kinds = [
    ("facebook", "/facebook/gislavedskommun/", ["/facebook/gislavedskommun/about/"]),
    ("x", "/x/gislavedskommun/", []),
    ("instagram", "/instagram/kulturigislaved/", []),
    ("youtube", "/youtube/gislavedskommun/", []),
    ("blog", "/blogg/", []),
]
lines = [
    "[organisation]",
    'name = "Benchmarkkommunen"',
    'archive_creator = "Kommunstyrelsen"',
    "",
]
for i in range(n):
    platform, path, extra = kinds[i % len(kinds)]
    lines += [
        "[[account]]",
        f'id = "konto-{i + 1:03}-{platform}"',
        f'platform = "{platform}"',
        f'name = "Konto {i + 1} ({platform})"',
        f'url = "{base}{path}"',
    ]
    if extra:
        lines.append("extra_pages = [" + ", ".join(f'"{base}{e}"' for e in extra) + "]")
    lines += [
        'unit = "Kommunledningsförvaltningen"',
        'board = "Kommunstyrelsen"',
        'purpose = "Information och dialog med invånare"',
        'audience = "Invånare"',
        'responsible = { name = "Anna Andersson", email = "anna@example.se" }',
        'deputy = { name = "Bo Berg", email = "bo@example.se" }',
        'administrators = ["Anna Andersson", "Bo Berg"]',
        "opened = 2014-03-01",
        "",
    ]
with open(out, "w", encoding="utf-8") as f:
    f.write("\n".join(lines))
