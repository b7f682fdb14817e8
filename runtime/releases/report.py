"""report.html: one self-contained page per release for the partner or research manager.

No script, font or image is fetched: the chart is inline SVG and the styles are inline, so the
page opens offline. It shows what was released, how noisy it is, what the month's budget has
left, and the promises the release keeps, in plain words. Every text put in the page goes
through html.escape and every number through a number format: a label that got past the
config and the vocabulary would still show as text (D12).
"""

from __future__ import annotations

from html import escape
from typing import Any

from transforms.releases.plan import Answers, ReleasePlan
from transforms.thresholding import release_threshold, shown_count

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1d2733;
padding:0 1em}h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:1.6em;
border-bottom:1px solid #dde}
.meta{color:#556}table{border-collapse:collapse;margin:.5em 0}td,th{padding:.25em .7em;
border-bottom:1px solid #eef;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}
.budget{background:#eef1f6;border-radius:4px;height:1.2em;width:30em;position:relative}
.budget span{display:block;height:100%;border-radius:4px}.promise li{margin:.3em 0}
code{background:#f3f4f7;padding:0 .25em}
"""
BAR_W, ROW_H, LABEL_W = 420, 30, 190


def _segment_bars(plan: ReleasePlan, answers: Answers, k: int, manifest: dict[str, Any]) -> str:
    layout = next((f for f in plan.files if f.name == "segment_counts.csv"), None)
    if layout is None:
        return ""
    noise = next(c for c in manifest["counts"] if c["file"] == layout.name)["noise"]
    bars = []
    for part in layout.parts:
        seg = dict(part.fixed)["segment_id"]
        half = noise["audience_size"][seg]["ci95_half_width"]
        value = answers[part.gate][""]
        bars.append((seg, shown_count(value, release_threshold(k)), half))
    top = max([v + h for _, v, h in bars if v is not None] + [k]) * 1.05

    def x(v: float) -> float:
        return float(LABEL_W + BAR_W * max(v, 0) / top)

    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LABEL_W + BAR_W + 150}" '
        f'height="{ROW_H * len(bars) + 30}" role="img" aria-label="segment sizes">'
    ]
    for i, (seg, v, half) in enumerate(bars):
        y = i * ROW_H + 5
        svg.append(f'<text x="0" y="{y + 17}" font-size="14">{escape(seg)}</text>')
        if v is None:
            svg.append(
                f'<text x="{LABEL_W}" y="{y + 17}" font-size="13" fill="#8a5">'
                f"fewer than k = {k}: not released</text>"
            )
            continue
        lo, hi = x(v - half), x(v + half)
        svg += [
            f'<rect x="{LABEL_W}" y="{y + 4}" width="{x(v) - LABEL_W:.1f}" height="18" '
            'fill="#4a78b5"/>',
            f'<line x1="{lo:.1f}" x2="{hi:.1f}" y1="{y + 13}" y2="{y + 13}" stroke="#111" '
            'stroke-width="1.5"/>',
            f'<line x1="{lo:.1f}" x2="{lo:.1f}" y1="{y + 7}" y2="{y + 19}" stroke="#111"/>',
            f'<line x1="{hi:.1f}" x2="{hi:.1f}" y1="{y + 7}" y2="{y + 19}" stroke="#111"/>',
            f'<text x="{hi + 6:.1f}" y="{y + 17}" font-size="13">{v:,} ± {half:.0f}</text>',
        ]
    kx = x(k)
    svg.append(
        f'<line x1="{kx:.1f}" x2="{kx:.1f}" y1="0" y2="{ROW_H * len(bars) + 5}" '
        'stroke="#c33" stroke-dasharray="4 3"/>'
    )
    svg.append(
        f'<text x="{kx + 3:.1f}" y="{ROW_H * len(bars) + 22}" font-size="12" '
        f'fill="#c33">k = {k}</text></svg>'
    )
    return (
        "<h2>Segment sizes</h2><p>Members in each segment, with the 95% noise interval "
        "(the bar's whiskers). Segments whose noisy size is below k are not released.</p>"
        + "".join(svg)
    )


def _files_table(manifest: dict[str, Any]) -> str:
    rows = []
    for c in manifest["counts"]:
        noise = {
            col: sorted({round(n["ci95_half_width"]) for n in by.values()})
            for col, by in c["noise"].items()
        }
        spread = "; ".join(f"{col} ± {'/'.join(map(str, h))}" for col, h in noise.items())
        rows.append(
            f"<tr><td><code>{escape(c['file'])}</code></td>"
            f"<td class=n>{manifest['row_counts'][c['file']]:,}</td>"
            f"<td class=n>{c['left_out_below_k']:,}</td><td>{escape(spread)}</td></tr>"
        )
    return (
        "<h2>Files</h2><table><tr><th>file</th><th>rows</th><th>cells left out (below k)</th>"
        "<th>95% noise interval</th></tr>" + "".join(rows) + "</table>"
    )


def _budget(manifest: dict[str, Any]) -> str:
    b = manifest["budget"]
    used = b["spent_before"] + b["requested"]
    pct = 100 * min(used / b["monthly"], 1)
    return (
        f"<h2>Privacy budget, {escape(b['month'])}</h2>"
        f'<div class="budget"><span style="width:{pct:.1f}%;background:#4a78b5"></span></div>'
        f"<p>This release spent epsilon <b>{b['requested']:.3g}</b>. Used this month: "
        f"<b>{used:.3g}</b> of {b['monthly']:.3g}; left: <b>{b['left_after']:.3g}</b>.</p>"
    )


def _promises(manifest: dict[str, Any], k: int) -> str:
    consent = (
        "Only members who agreed to advertising are counted."
        if manifest["kind"] == "partner"
        else "Members who asked to be left out of research are not counted."
    )
    items = [
        "No one's personal information is in this release: only counts of groups.",
        f"Every published count is at least {k} after noise; a group whose noisy count is "
        "smaller is left out, not shown.",
        "Every count carries random noise (differential privacy, OpenDP's discrete Laplace "
        "mechanism), so no single member's presence can be told from the numbers.",
        f"{consent} Children under 14 count only with a parent's consent; members who left "
        "the site are deleted and never counted again.",
        "Asking the same question again returns these same numbers, not a fresh draw.",
        "Each member adds at most one to any segment, and a bounded number of rows to any table.",
    ]
    return (
        "<h2>What this release promises</h2><ul class=promise>"
        + "".join(f"<li>{escape(i)}</li>" for i in items)
        + "</ul>"
    )


def render_report(manifest: dict[str, Any], plan: ReleasePlan, answers: Answers, k: int) -> str:
    """The page for a release drafted with threshold k (the consumer's, not read back from
    the manifest)."""
    period = manifest["data_period"]
    head = (
        f"<h1>Release {escape(manifest['release_id'])}</h1>"
        f"<p class=meta>For <b>{escape(manifest['consumer'])}</b> ({escape(manifest['kind'])}) "
        f"· data {escape(period['first'])} to {escape(period['last'])} · created "
        f"{escape(manifest['created_at'])} · k = {k}</p>"
    )
    body = (
        head
        + _segment_bars(plan, answers, k, manifest)
        + _files_table(manifest)
        + _budget(manifest)
        + _promises(manifest, k)
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>veil release {escape(manifest['release_id'])}</title>"
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
