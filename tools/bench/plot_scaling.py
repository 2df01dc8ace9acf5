#!/usr/bin/env python3
"""Log-log plot of the genomics length-scaling table (bench/results/genomics-scaling.md, first table) as an SVG:
explain time (ms) and managed heap (MB) against sequence length, with a slope-1 guide. Standard library only.
Usage: tools/bench/plot_scaling.py [table.md] [out.svg]"""
import math
import sys

src = sys.argv[1] if len(sys.argv) > 1 else "bench/results/genomics-scaling.md"
out = sys.argv[2] if len(sys.argv) > 2 else "bench/results/genomics-scaling.svg"
rows = []
for line in open(src, encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) == 5 and cells[0].replace(",", "").isdigit():
        rows.append((int(cells[0].replace(",", "")), float(cells[2]), float(cells[4])))
    elif rows:
        break  # the first table only
if not rows:
    sys.exit(f"{src}: no table rows found")

W, H, L, B, T, R = 640, 400, 70, 50, 30, 20
x0, x1 = math.log10(rows[0][0]), math.log10(rows[-1][0])
ys = [v for r in rows for v in r[1:]]
y0, y1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))


def px(n):
    return L + (math.log10(n) - x0) / (x1 - x0) * (W - L - R)


def py(v):
    return H - B - (math.log10(v) - y0) / (y1 - y0) * (H - B - T)


svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="18" text-anchor="middle">Genomics CNN: explain time and memory against length (log-log)</text>']
for e in range(y0, y1 + 1):
    y = py(10 ** e)
    svg.append(f'<line x1="{L}" y1="{y:.1f}" x2="{W - R}" y2="{y:.1f}" stroke="#ddd"/>')
    svg.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">1e{e}</text>')
for n, *_ in rows:
    svg.append(f'<text x="{px(n):.1f}" y="{H - B + 16}" text-anchor="middle">{n:,}</text>')
svg.append(f'<text x="{W / 2}" y="{H - 10}" text-anchor="middle">sequence length (bases)</text>')
for column, color, name in [(1, "#c0392b", "explain ms"), (2, "#2471a3", "managed heap MB")]:
    points = " ".join(f"{px(r[0]):.1f},{py(r[column]):.1f}" for r in rows)
    svg.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
    for r in rows:
        svg.append(f'<circle cx="{px(r[0]):.1f}" cy="{py(r[column]):.1f}" r="3" fill="{color}"/>')
    last = rows[-1]
    svg.append(f'<text x="{px(last[0]) - 8:.1f}" y="{py(last[column]) - 8:.1f}" text-anchor="end" fill="{color}">{name}</text>')
# Slope-1 guide through the last explain point: linear cost is parallel to it.
n_last, t_last = rows[-1][0], rows[-1][1]
t_first = t_last * rows[0][0] / n_last
svg.append(f'<line x1="{px(rows[0][0]):.1f}" y1="{py(max(t_first, 10 ** y0)):.1f}" x2="{px(n_last):.1f}" y2="{py(t_last):.1f}" '
           'stroke="#888" stroke-dasharray="4 4"/>')
svg.append(f'<text x="{L + 8}" y="{T + 14}" fill="#888">dashed: linear in length</text>')
svg.append("</svg>")
open(out, "w", encoding="utf-8").write("\n".join(svg) + "\n")
print(f"wrote {out}")
