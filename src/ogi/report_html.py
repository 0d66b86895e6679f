"""The evaluation report: ``metrics.json`` and a self-contained ``report.html`` (inline SVG, no dependency)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

from ogi.output import atomic_open

PALETTE = ("#4269d0", "#efb118", "#ff725c", "#6cc5b0", "#3ca951", "#ff8ab7", "#a463f2", "#97bbf5", "#9c6b4e", "#9498a0")

CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
     margin:2em auto;max-width:1200px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ddd;padding-bottom:.2em}h3{margin-top:1.4em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.92em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:right;vertical-align:top}
th{background:#f4f5f7}td.l,th.l{text-align:left}
tr:nth-child(even) td{background:#fafbfc}
.good{color:#1a7f37}.bad{color:#cf222e}.muted{color:#777}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95em}
details{margin:.3em 0}summary{cursor:pointer}
.legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;width:.9em;height:.9em;margin-right:.3em;vertical-align:-.1em}
"""


def _f(x: Any, digits: int = 3) -> str:
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return escape(str(x))


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _cls(x: float | None) -> str:
    if x is None:
        return ""
    return "good" if x >= 0.95 else ("bad" if x < 0.7 else "")


def _table(headers: list[str], rows: list[list[str]], left: int = 1) -> str:
    """An HTML table; the first ``left`` columns are left-aligned; cells are already escaped HTML."""
    th = "".join(f'<th class="l">{h}</th>' if i < left else f"<th>{h}</th>" for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(f'<td class="l">{c}</td>' if i < left else f"<td>{c}</td>" for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def svg_grouped_bars(title: str, categories: list[str], series: dict[str, list[float | None]], width: int = 760) -> str:
    """Horizontal grouped bars in [0, 1]: one group per category, one bar per series (model)."""
    names = list(series)
    bar_h, gap, label_w, right_pad, top = 14, 10, 170, 60, 28
    group_h = bar_h * max(1, len(names)) + gap
    height = top + group_h * len(categories) + 24
    plot_w = width - label_w - right_pad
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        f'font-size="12" font-family="sans-serif">',
        f'<text x="0" y="16" font-weight="bold" font-size="13">{escape(title)}</text>',
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        x = label_w + plot_w * tick
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 20}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 6}" text-anchor="middle" fill="#777">{tick:g}</text>')
    for ci, cat in enumerate(categories):
        y0 = top + ci * group_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + (group_h - gap) / 2 + 4:.1f}" text-anchor="end">{escape(cat)}</text>'
        )
        for si, name in enumerate(names):
            v = series[name][ci]
            y = y0 + si * bar_h
            color = PALETTE[si % len(PALETTE)]
            if v is None:
                parts.append(f'<text x="{label_w + 4}" y="{y + bar_h - 3}" fill="#999">n/a</text>')
                continue
            w = max(0.0, min(1.0, v)) * plot_w
            parts.append(
                f'<rect x="{label_w}" y="{y + 1}" width="{w:.1f}" height="{bar_h - 2}" fill="{color}">'
                f"<title>{escape(name)} · {escape(cat)}: {v:.3f}</title></rect>"
            )
            parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}" fill="#333">{v:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(names: list[str]) -> str:
    items = "".join(
        f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{escape(n)}</span>' for i, n in enumerate(names)
    )
    return f'<div class="legend">{items}</div>'


def _summary(models: dict[str, Any]) -> str:
    headers = [
        "model", "reports", "cell F1", "cell P", "cell R", "non-zero cell F1", "section F1", "section F1 (key only)",
        "segment acc.", "segment acc. (non-O)", "exact match", "ambiguous cells (acc.)", "fallback rate", "reports/s", "failed",
    ]
    rows = []
    for spec, m in models.items():
        c, nz, s = m["cells"], m["cells_nonzero"], m["sections"]
        amb = m["ambiguous_cells"]
        rows.append(
            [
                f"<b>{escape(spec)}</b><br><span class=muted>{escape(str(m.get('model', {}).get('name', '')))} "
                f"{escape(str(m.get('model', {}).get('version', '')))}</span>",
                _f(m["n_reports"]),
                f'<span class="{_cls(c["f1"])}">{_f(c["f1"])}</span>',
                _f(c["precision"]),
                _f(c["recall"]),
                f'<span class="{_cls(nz["f1"])}">{_f(nz["f1"])}</span>',
                f'<span class="{_cls(s["f1"])}">{_f(s["f1"])}</span>',
                _f(m["sections_key_only"]["f1"]),
                _f(m["segment_accuracy"]),
                _f(m["segment_accuracy_non_o"]),
                _pct(m["exact_match"]),
                f'{amb["count"]} ({_f(amb["accuracy"])})',
                _pct(m["fallback_rate"]),
                _f(m["reports_per_s"], 1),
                _f(m["failed"]),
            ]
        )
    return _table(headers, rows)


def _breakdown_tables(models: dict[str, Any], by: str) -> str:
    cats = sorted({c for m in models.values() for c in m["by"][by]})
    headers = [by] + [f"{escape(spec)}<br>{what}" for spec in models for what in ("n", "cell F1", "non-zero F1", "section F1", "seg. acc.", "exact")]
    rows = []
    for cat in cats:
        row = [escape(cat)]
        for m in models.values():
            h = m["by"][by].get(cat)
            if h is None:
                row += ["—"] * 6
                continue
            row += [
                _f(h["n_reports"]),
                f'<span class="{_cls(h["cells"]["f1"])}">{_f(h["cells"]["f1"])}</span>',
                f'<span class="{_cls(h["cells_nonzero"]["f1"])}">{_f(h["cells_nonzero"]["f1"])}</span>',
                _f(h["sections"]["f1"]),
                _f(h["segment_accuracy"]),
                _pct(h["exact_match"]),
            ]
        rows.append(row)
    return _table(headers, rows)


def _breakdown_chart(models: dict[str, Any], by: str, metric: str, label: str) -> str:
    cats = sorted({c for m in models.values() for c in m["by"][by]})
    series = {
        spec: [(m["by"][by][c][metric]["f1"] if c in m["by"][by] else None) for c in cats] for spec, m in models.items()
    }
    return svg_grouped_bars(f"{label} by {by}", cats, series)


def _model_details(spec: str, m: dict[str, Any]) -> str:
    out = [f"<h2>Model <code>{escape(spec)}</code></h2>"]
    src = ", ".join(f"{escape(k)}: {v}" for k, v in m.get("tag_sources", {}).items())
    out.append(f"<p>Primary source <code>{escape(str(m.get('primary_source', '')))}</code>; tag sources: {src or '—'}.</p>")
    # per table
    tables = m.get("cells_by_table", {})
    if tables:
        out.append("<h3>Cells by table</h3>")
        out.append(
            _table(
                ["table", "P", "R", "F1", "TP", "FP", "FN"],
                [[escape(t), _f(v["precision"]), _f(v["recall"]), _f(v["f1"]), _f(v["tp"]), _f(v["fp"]), _f(v["fn"])] for t, v in tables.items()],
            )
        )
    amb, non = m["ambiguous_cells"], m["non_ambiguous_cells"]
    out.append(
        f"<p>Cells marked ambiguous: {amb['count']}, of which right {amb['correct']} ({_f(amb['accuracy'])}). "
        f"Other predicted cells: {non['count']}, right {non['correct']} ({_f(non['accuracy'])}).</p>"
    )
    alt = m.get("ambiguous_cells_tagger_only")
    if alt:
        out.append(
            f"<p>Rows that lost their blank cells, decoded by the tagger's value labels alone (no arithmetic): "
            f"{alt['count']} cells, right {alt['correct']} ({_f(alt['accuracy'])}) — against {_f(amb['accuracy'])} "
            f"with the arithmetic decoder.</p>"
        )
    if m.get("confused"):
        out.append("<h3>Most confused segment labels (gold → predicted)</h3>")
        out.append(_table(["gold", "predicted", "count"], [[f"<code>{escape(c['gold'])}</code>", f"<code>{escape(c['pred'])}</code>", _f(c["count"])] for c in m["confused"]], left=2))
    labels = m.get("segment_labels", {})
    if labels:
        worst_labels = sorted(labels.items(), key=lambda kv: (kv[1]["f1"], -(kv[1]["tp"] + kv[1]["fn"])))
        worst_labels = [kv for kv in worst_labels if kv[1]["f1"] < 1.0][:25]
        if worst_labels:
            out.append("<h3>Segment labels with the lowest F1</h3>")
            out.append(
                _table(
                    ["label", "P", "R", "F1", "gold n", "pred n"],
                    [[f"<code>{escape(k)}</code>", _f(v["precision"]), _f(v["recall"]), _f(v["f1"]), _f(v["tp"] + v["fn"]), _f(v["tp"] + v["fp"])] for k, v in worst_labels],
                )
            )
    if m.get("worst_keys"):
        out.append("<h3>Worst cell keys</h3>")
        out.append(
            _table(
                ["key", "F1", "P", "R", "gold n", "TP", "FP", "FN"],
                [[f"<code>{escape(d['key'])}</code>", _f(d["f1"]), _f(d["precision"]), _f(d["recall"]), _f(d["support"]), _f(d["tp"]), _f(d["fp"]), _f(d["fn"])] for d in m["worst_keys"]],
            )
        )
    if m.get("worst_reports"):
        out.append("<h3>Worst reports by cell F1</h3>")
        for r in m["worst_reports"]:
            head = (
                f"<code>{escape(r['id'])}</code> — {escape(str(r.get('layout')))} · {escape(str(r.get('template')))} · "
                f"{escape(str(r.get('script')))} — cell F1 {_f(r['cell_f1'])}, {r['n_misses']} misses"
            )
            body = ""
            if r.get("errors"):
                body += "<p class=bad>" + "<br>".join(escape(e) for e in r["errors"]) + "</p>"
            if r["misses"]:
                body += _table(
                    ["key", "gold", "predicted"],
                    [[f"<code>{escape(x['key'])}</code>", escape(x["gold"]) if x["gold"] is not None else '<span class="muted">(none)</span>',
                      escape(x["pred"]) if x["pred"] is not None else '<span class="muted">(none)</span>'] for x in r["misses"]],
                    left=3,
                )
                if r["n_misses"] > len(r["misses"]):
                    body += f"<p class=muted>… and {r['n_misses'] - len(r['misses'])} more</p>"
            out.append(f"<details><summary>{head}</summary>{body}</details>")
    return "\n".join(out)


def render_html(metrics: dict[str, Any]) -> str:
    """The report page for the dict :func:`ogi.evaluate.evaluate` returns."""
    models = metrics.get("models", {})
    parts = [
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>ogi evaluation: {escape(', '.join(models) or 'no model')}</title><style>{CSS}</style></head><body>",
        "<h1>ogi evaluation</h1>",
        f"<p>Data: {escape(', '.join(metrics.get('data', [])))} — split <code>{escape(str(metrics.get('split')))}</code>: "
        f"{metrics.get('n_reports', 0)} of {metrics.get('n_read', metrics.get('n_reports', 0))} reports.</p>",
    ]
    comp = metrics.get("composition", {})
    if comp:
        parts.append(
            "<p class=muted>" + "<br>".join(f"{escape(b)}: " + ", ".join(f"{escape(k)} {v}" for k, v in c.items()) for b, c in comp.items()) + "</p>"
        )
    for spec, why in metrics.get("skipped", {}).items():
        parts.append(f"<p class=bad>Model <code>{escape(spec)}</code> skipped: {escape(why)}</p>")
    if not models:
        parts.append("<p>No model was evaluated.</p></body></html>")
        return "".join(parts)
    parts.append("<h2>Summary</h2>")
    parts.append(_summary(models))
    parts.append(
        "<p class=muted>Cells: a hit needs the canonical key and the value (spaces removed); a wrong value counts as a "
        "false positive and a false negative. Non-zero: only cells whose gold or predicted value is not “0”. Sections: key and "
        "1-based line. Exact match: every cell and section right, nothing extra. Fallback rate: share of tags not from the "
        "model's primary source. Reports/s: segment → check, reading excluded.</p>"
    )
    parts.append("<h2>By layout, template and script</h2>")
    parts.append(_legend(list(models)))
    for by in ("layout", "template", "script"):
        parts.append(f"<h3>By {by}</h3>")
        parts.append(_breakdown_chart(models, by, "cells", "Cell F1"))
        parts.append(_breakdown_chart(models, by, "cells_nonzero", "Non-zero cell F1"))
        parts.append(_breakdown_tables(models, by))
    for spec, m in models.items():
        parts.append(_model_details(spec, m))
    parts.append("</body></html>")
    return "\n".join(parts)


def write_report(metrics: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write ``metrics.json`` and ``report.html`` into ``out_dir`` (atomically); return both paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    mpath, hpath = out_dir / "metrics.json", out_dir / "report.html"
    with atomic_open(mpath) as fh:
        json.dump(metrics, fh, ensure_ascii=False, indent=1, default=str)
        fh.write("\n")
    with atomic_open(hpath) as fh:
        fh.write(render_html(metrics))
    return mpath, hpath
