#!/usr/bin/python3
"""Plots a `trajcorr bench -o results.json` file as SVG, for docs/performance.md.

  plot_results.py results.json [--out-dir docs] [--prefix bench-]

Writes (each only when the results hold the records it needs):
  <prefix>scaling.svg   pipeline time and throughput against vessels and days,
                        log-log, with the fitted scaling exponents in the legend
  <prefix>backends.svg  engine time per backend on each real-tracks area (bars)
  <prefix>peers.svg     trajcorr against the numpy peer on the same inputs (bars)
  <prefix>io.svg        store read throughput (bars)

Uses matplotlib when it is installed (Debian python3-matplotlib), else writes the
same charts as plain hand-made SVG. Standard library otherwise.
"""
import argparse
import json
import math
import os
import sys
from xml.sax.saxutils import escape

try:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    HAVE_MPL = True
except ImportError:
    HAVE_MPL = False


def timing(r):
    t = r.get("timing")
    return t["median_s"] if t else r.get("metrics", {}).get("wall_s")


def num(r, key):
    v = r.get("params", {}).get(key)
    return v if isinstance(v, (int, float)) else None


# ---------------------------------------------------------------- data selection

def scaling_series(records):
    """{(axis, stage): [(x, seconds)]} from pipeline records; axis 'vessels' uses
    the records at the smallest day count, 'days' those at the most common vessel
    count among multi-day runs."""
    pipe = [r for r in records if r["suite"] == "pipeline" and r["ok"] and timing(r)
            and num(r, "vessels") and num(r, "days")]
    out = {}
    if not pipe:
        return out
    dmin = min(num(r, "days") for r in pipe)
    for r in pipe:
        stage = r["params"].get("stage", r["name"])
        if num(r, "days") == dmin:
            out.setdefault(("vessels", stage), []).append((num(r, "vessels"), timing(r)))
    multi = [r for r in pipe if num(r, "days") != dmin]
    if multi:
        vs = [num(r, "vessels") for r in multi]
        vref = max(set(vs), key=vs.count)
        for r in pipe:
            if num(r, "vessels") == vref:
                stage = r["params"].get("stage", r["name"])
                out.setdefault(("days", stage), []).append((num(r, "days"), timing(r)))
    for k in out:
        out[k] = sorted(set(out[k]))
    return {k: v for k, v in out.items() if len(v) >= 2}


def fit(points):
    xs = [math.log(x) for x, y in points if x > 0 and y > 0]
    ys = [math.log(y) for x, y in points if x > 0 and y > 0]
    n = len(xs)
    if n < 2 or max(xs) == min(xs):
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def bar_groups(records, suite, name_prefix, group_param, bar_param):
    """{group: {bar: seconds}} for records of a suite whose name starts with prefix."""
    g = {}
    for r in records:
        if r["suite"] != suite or not r["name"].startswith(name_prefix) or not timing(r):
            continue
        grp = r["params"].get(group_param, r["name"])
        bar = r["params"].get(bar_param, r["name"])
        g.setdefault(str(grp), {})[str(bar)] = timing(r)
    return g


# ---------------------------------------------------------------- matplotlib

def mpl_lines(series_by_axis, title, path):
    axes = sorted({a for a, _ in series_by_axis})
    fig, axs = plt.subplots(1, len(axes), figsize=(6 * len(axes), 4.5), squeeze=False)
    for ax, axis in zip(axs[0], axes):
        for (a, stage), pts in sorted(series_by_axis.items()):
            if a != axis:
                continue
            k = fit(pts)
            lab = f"{stage} (~{axis}^{k:.2f})" if k is not None else stage
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=lab)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel(axis)
        ax.set_ylabel("wall time (s)")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, format="svg")
    plt.close(fig)


def mpl_bars(groups, title, ylabel, path, log=True):
    names = list(groups)
    bars = sorted({b for g in groups.values() for b in g})
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names) * max(1, len(bars)) / 2), 4.5))
    w = 0.8 / max(1, len(bars))
    for i, b in enumerate(bars):
        xs = [j + i * w for j in range(len(names))]
        ys = [groups[n].get(b, 0) for n in names]
        ax.bar(xs, ys, width=w, label=b)
    ax.set_xticks([j + 0.4 - w / 2 for j in range(len(names))])
    ax.set_xticklabels([n.replace("_", " ") for n in names], rotation=15, fontsize=8)
    if log:
        ax.set_yscale("log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, format="svg")
    plt.close(fig)


# ---------------------------------------------------------------- hand-written SVG

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"]


def svg_doc(w, h, body, title):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
            f'font-family="sans-serif" font-size="11">\n<rect width="100%" height="100%" fill="white"/>\n'
            f'<text x="{w / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}</text>\n'
            + "".join(body) + "</svg>\n")


def log_ticks(lo, hi):
    return [10.0 ** e for e in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)]


def svg_lines(series_by_axis, title, path):
    axes = sorted({a for a, _ in series_by_axis})
    pw, ph, ml, mt = 420, 300, 60, 30
    body = []
    for ai, axis in enumerate(axes):
        ox = ai * (pw + ml + 20) + ml
        pts_all = [p for (a, _), pts in series_by_axis.items() if a == axis for p in pts]
        xlo, xhi = min(p[0] for p in pts_all), max(p[0] for p in pts_all)
        ylo, yhi = min(p[1] for p in pts_all), max(p[1] for p in pts_all)
        xt, yt = log_ticks(xlo, xhi), log_ticks(ylo, yhi)
        lx0, lx1, ly0, ly1 = math.log10(xt[0]), math.log10(xt[-1]), math.log10(yt[0]), math.log10(yt[-1])
        lx1 = lx1 if lx1 > lx0 else lx0 + 1
        ly1 = ly1 if ly1 > ly0 else ly0 + 1

        def X(x):
            return ox + (math.log10(x) - lx0) / (lx1 - lx0) * pw

        def Y(y):
            return mt + ph - (math.log10(y) - ly0) / (ly1 - ly0) * ph
        body.append(f'<rect x="{ox}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>\n')
        for t in xt:
            body.append(f'<text x="{X(t):.1f}" y="{mt + ph + 14}" text-anchor="middle">{t:g}</text>\n')
        for t in yt:
            body.append(f'<text x="{ox - 4}" y="{Y(t) + 4:.1f}" text-anchor="end">{t:g}</text>\n')
            body.append(f'<line x1="{ox}" x2="{ox + pw}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="#eee"/>\n')
        body.append(f'<text x="{ox + pw / 2}" y="{mt + ph + 30}" text-anchor="middle">{axis} (log)</text>\n')
        body.append(f'<text x="{ox - 45}" y="{mt + ph / 2}" transform="rotate(-90 {ox - 45} {mt + ph / 2})" '
                    f'text-anchor="middle">wall time, s (log)</text>\n')
        li = 0
        for (a, stage), pts in sorted(series_by_axis.items()):
            if a != axis:
                continue
            c = COLOURS[li % len(COLOURS)]
            d = " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in pts)
            body.append(f'<polyline points="{d}" fill="none" stroke="{c}" stroke-width="2"/>\n')
            for x, y in pts:
                body.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3" fill="{c}"/>\n')
            k = fit(pts)
            lab = f"{stage} (~{axis}^{k:.2f})" if k is not None else stage
            body.append(f'<text x="{ox + 8}" y="{mt + 14 + 14 * li}" fill="{c}">{escape(lab)}</text>\n')
            li += 1
    w = len(axes) * (pw + ml + 20) + 20
    with open(path, "w") as f:
        f.write(svg_doc(w, ph + mt + 45, body, title))


def svg_bars(groups, title, ylabel, path, log=True):
    names = list(groups)
    bars = sorted({b for g in groups.values() for b in g})
    vals = [v for g in groups.values() for v in g.values() if v > 0]
    ml, mt, ph = 60, 30, 280
    gw = max(60, 26 * len(bars) + 20)
    pw = gw * len(names)
    lo, hi = min(vals), max(vals)
    if log:
        ticks = log_ticks(lo, hi)
        l0, l1 = math.log10(ticks[0]), math.log10(ticks[-1])
        l1 = l1 if l1 > l0 else l0 + 1

        def Y(v):
            return mt + ph - (math.log10(max(v, ticks[0])) - l0) / (l1 - l0) * ph
    else:
        ticks = [hi * i / 4 for i in range(5)]

        def Y(v):
            return mt + ph - v / hi * ph
    body = [f'<rect x="{ml}" y="{mt}" width="{pw}" height="{ph}" fill="none" stroke="#888"/>\n']
    for t in ticks:
        body.append(f'<text x="{ml - 4}" y="{Y(t) + 4:.1f}" text-anchor="end">{t:.3g}</text>\n')
        body.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{Y(t):.1f}" y2="{Y(t):.1f}" stroke="#eee"/>\n')
    for gi, n in enumerate(names):
        for bi, b in enumerate(bars):
            v = groups[n].get(b)
            if not v:
                continue
            x = ml + gi * gw + 10 + bi * 26
            body.append(f'<rect x="{x}" y="{Y(v):.1f}" width="22" height="{mt + ph - Y(v):.1f}" '
                        f'fill="{COLOURS[bi % len(COLOURS)]}"><title>{escape(b)}: {v:.4g}</title></rect>\n')
        body.append(f'<text x="{ml + gi * gw + gw / 2}" y="{mt + ph + 14}" text-anchor="middle">'
                    f'{escape(n.replace("_", " ")[:22])}</text>\n')
    for bi, b in enumerate(bars):
        body.append(f'<text x="{ml + pw + 10}" y="{mt + 14 + 14 * bi}" fill="{COLOURS[bi % len(COLOURS)]}">'
                    f'{escape(b)}</text>\n')
    body.append(f'<text x="14" y="{mt + ph / 2}" transform="rotate(-90 14 {mt + ph / 2})" '
                f'text-anchor="middle">{escape(ylabel)}</text>\n')
    with open(path, "w") as f:
        f.write(svg_doc(ml + pw + 180, mt + ph + 30, body, title))


# ---------------------------------------------------------------- main

def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("results")
    ap.add_argument("--out-dir", default=os.path.normpath(os.path.join(here, "..", "docs")))
    ap.add_argument("--prefix", default="bench-")
    ap.add_argument("--no-matplotlib", action="store_true", help="write the plain SVG charts")
    a = ap.parse_args(argv)
    with open(a.results) as f:
        d = json.load(f)
    recs = d.get("records", [])
    m = d.get("machine", {})
    where = f"{m.get('cpu_model', '?')}, {m.get('cores_allowed', '?')} cores, trajcorr {m.get('version', '?')}"
    use_mpl = HAVE_MPL and not a.no_matplotlib
    lines = mpl_lines if use_mpl else svg_lines
    bars = mpl_bars if use_mpl else svg_bars
    os.makedirs(a.out_dir, exist_ok=True)
    wrote = []

    def out(name):
        p = os.path.join(a.out_dir, a.prefix + name)
        wrote.append(p)
        return p
    ser = scaling_series(recs)
    if ser:
        lines(ser, f"Pipeline scaling ({where})", out("scaling.svg"))
    be = bar_groups(recs, "engine", "encounters", "area", "backend")
    if be:
        bars(be, f"Engine time per backend, real tracks ({where})", "median wall time, s", out("backends.svg"))
    pe = bar_groups(recs, "peers", "", "input", "program")
    if pe:
        bars(pe, f"trajcorr and the numpy peer, same input ({where})", "wall time, s", out("peers.svg"))
    io = {}
    for r in recs:
        if r["suite"] == "io" and r["ok"]:
            v = r.get("metrics", {}).get("rows_per_s")
            if v:
                io.setdefault(str(r["params"].get("store", r["name"])), {})[r["name"]] = v
    if io:
        bars(io, f"Store read throughput ({where})", "rows/s", out("io.svg"), log=False)
    for p in wrote:
        print(p)
    if not wrote:
        print("plot_results: nothing to plot in", a.results, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
