#!/usr/bin/env python3
"""tall-pages.py DIR H...: writes DIR/h-H/index.html, a page H px tall built like
the fixture site's /hostile/tall/ (500 px bands, each headed "Avsnitt N av M",
the last one #00ff00 with "SLUTMARKÖR H"), for the scaling benchmark."""
import os, sys

COLOURS = ["3498db", "e67e22", "9b59b6", "1abc9c", "e84393", "95a5a6", "d4ac0d", "5d6d7e"]
root = sys.argv[1]
for h in map(int, sys.argv[2:]):
    n = h // 500
    bands = []
    for i in range(n - 1):
        bands.append(f'<section class="band" style="background:#{COLOURS[i % 8]}"><h2>Avsnitt {i + 1} av {n}</h2><p>Y = {i * 500} px</p></section>')
    bands.append(f'<section class="band" style="background:#00ff00"><h2>SLUTMARKÖR {h}</h2><p>Sista bandet, {h} px från toppen.</p></section>')
    d = os.path.join(root, f"h-{h}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.html"), "w", encoding="utf-8") as f:
        f.write(f"""<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<title>Lång sida ({h} px)</title>
<style>
body {{ margin: 0; font-family: "DejaVu Sans", sans-serif; }}
.band {{ height: 500px; margin: 0; padding: 20px 40px; box-sizing: border-box; color: #ffffff; }}
.band h2 {{ margin: 0 0 10px; font-size: 28px; }}
</style>
</head>
<body>
{chr(10).join(bands)}
</body>
</html>
""")
