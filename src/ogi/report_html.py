"""The evaluation report: ``metrics.json`` and a self-contained ``report.html`` (inline SVG, no dependency).

Made to be read by a person, at 800 px as at 1400 px:

* tables put models side by side with a Δ column per model against the baseline (the first model), so a
  0.01 difference is a number, not a guess from two bars; no table is wider than about 780 px with four
  models (metrics are rows, not columns; long keys and model names may wrap);
* charts are dot plots on an axis scaled to the data (values far below it are drawn at its left edge with
  their number), because on a 0–1 axis every difference between 0.94 and 1.00 disappears;
* every miss comes with where it is printed: the source line and the text around the printed span.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

from ogi.output import atomic_open

PALETTE = ("#4269d0", "#d4860b", "#d6404e", "#3ca951", "#a463f2", "#6cc5b0", "#ff8ab7", "#9c6b4e", "#97bbf5", "#9498a0")
MAX_MISS_ROWS = 150  # per file in the page; metrics.json has them all

CSS = """
body{font-family:-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
     margin:1.5em auto;max-width:1100px;color:#222;line-height:1.45;padding:0 16px;font-size:15px}
h1{font-size:1.5em;margin-bottom:.2em}h2{margin-top:1.8em;border-bottom:1px solid #ddd;padding-bottom:.2em;font-size:1.25em}
h3{margin-top:1.3em;font-size:1.05em}
.tw{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.5em 0 1.1em;font-size:.88em}
th,td{border:1px solid #ddd;padding:.2em .45em;text-align:right;vertical-align:top}
th{background:#f4f5f7;font-weight:600;overflow-wrap:anywhere;max-width:8em}
td.l,th.l{text-align:left}td.n{white-space:nowrap;font-variant-numeric:tabular-nums}
th.l{max-width:none}
tr.first td{border-top:2px solid #bbb}
td.d{white-space:nowrap;font-variant-numeric:tabular-nums;background:#fbfbfd}
.pos{color:#1a7f37}.neg{color:#cf222e}.good{color:#1a7f37}.bad{color:#cf222e}.muted{color:#777}.best{font-weight:700}
.small{font-size:.85em}
code{font-family:ui-monospace,Menlo,Consolas,"Noto Sans Mono CJK SC","WenQuanYi Micro Hei Mono",monospace;font-size:.92em}
code.k{overflow-wrap:anywhere}
pre.cmd{background:#f6f8fa;border:1px solid #e1e4e8;padding:.5em .7em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85em}
details{margin:.35em 0}summary{cursor:pointer}
.legend span{display:inline-block;margin-right:1.2em}.legend i{display:inline-block;width:.8em;height:.8em;border-radius:50%;margin-right:.3em;vertical-align:-.05em}
.ex{font-family:ui-monospace,Menlo,Consolas,"Noto Sans Mono CJK SC","Microsoft YaHei Mono","WenQuanYi Micro Hei Mono",monospace;font-size:.9em;white-space:pre-wrap;overflow-wrap:anywhere;text-align:left;color:#444}
.ex mark{background:#ffe08a;color:#000;padding:0 1px}
.ex .nl{color:#aaa}
td.ex{max-width:34em}
tr.where td{border-top:none;background:#fff}
svg{max-width:100%;height:auto;display:block;margin:.4em 0 .2em}
.note{font-size:.88em;color:#555;max-width:52em}
"""


# ---------------------------------------------------------------------------------------------
# Formatting
# ---------------------------------------------------------------------------------------------


def fmt(x: Any, digits: int = 3) -> str:
    """A metric for people: "—" for None, floats to ``digits`` places, yes/no, text escaped for HTML."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return escape(str(x))


def pct(x: float | None) -> str:
    """A share as a percentage with one decimal ("—" for None)."""
    return "—" if x is None else f"{100 * x:.1f}%"


_f, _pct = fmt, pct


def _cls(x: float | None) -> str:
    if x is None:
        return ""
    return "good" if x >= 0.95 else ("bad" if x < 0.7 else "")


def _key(k: str) -> str:
    """A cell key as HTML that may break after each dot (long keys must not widen a table)."""
    return '<code class="k">' + "<wbr>".join(escape(p) + "." for p in k.split(".")[:-1]) + "<wbr>" + escape(k.split(".")[-1]) + "</code>"


def _table(headers: list[str], rows: list[list[str]], left: int = 1, row_classes: list[str] | None = None) -> str:
    """An HTML table in a horizontally scrollable box; the first ``left`` columns are left-aligned.

    Cells are already escaped HTML; a cell given as ``(html, class)`` gets that class.
    """
    th = "".join(f'<th class="l">{h}</th>' if i < left else f"<th>{h}</th>" for i, h in enumerate(headers))
    body = []
    for ri, r in enumerate(rows):
        tds = []
        for i, c in enumerate(r):
            html, extra = c if isinstance(c, tuple) else (c, "")
            cls = " ".join(x for x in ("l" if i < left else "", extra) if x)
            tds.append(f'<td class="{cls}">{html}</td>' if cls else f"<td>{html}</td>")
        rc = row_classes[ri] if row_classes and ri < len(row_classes) and row_classes[ri] else ""
        body.append((f'<tr class="{rc}">' if rc else "<tr>") + "".join(tds) + "</tr>")
    return f'<div class="tw"><table><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _delta(v: float | None, base: float | None, better: int, digits: int = 3, kind: str = "score") -> tuple[str, str]:
    """A Δ cell (value − baseline), green where it is better, red where worse (``better``: +1, −1 or 0).

    ``kind``: "score" (3 decimals), "count" (an integer), "pct" (percentage points).
    """
    if v is None or base is None:
        return ("—", "d")
    d = v - base
    if kind == "pct":
        d *= 100
        digits = 1
    zero = d == 0 if kind == "count" else abs(d) < 0.5 * 10**-digits
    if zero:
        return ("±0", "d muted")
    if kind == "count":
        text = f"{round(d):+d}"
    elif kind == "pct":
        text = f"{d:+.1f} pp"
    else:
        text = f"{d:+.{digits}f}"
    text = text.replace("-", "−")
    cls = "d" if not better else ("d pos" if d * better > 0 else "d neg")
    return (text, cls)


def _model_head(spec: str) -> str:
    return escape(spec)


def _delta_heads(specs: list[str]) -> list[str]:
    return [f"Δ {escape(s)}" for s in specs[1:]]


# ---------------------------------------------------------------------------------------------
# Comparison tables: metrics as rows, models as columns, then Δ against the first model
# ---------------------------------------------------------------------------------------------

Getter = Callable[[dict[str, Any]], Any]


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _compare_cells(
    values: list[Any], better: int, fmt: Callable[[Any], str], digits: int = 3, titles: list[str] | None = None, no_delta: bool = False
) -> list[Any]:
    """Model cells (the best one bold) then Δ cells against the first model (empty with ``no_delta``)."""
    nums = [_num(v) for v in values]
    # the best at the precision shown: 0.9931 and 0.9928 are both 0.993, so both are bold
    present = [round(x, digits) for x in nums if x is not None]
    best = (max(present) if better > 0 else min(present)) if (better and len(present) > 1 and len(set(present)) > 1) else None
    out: list[Any] = []
    for i, (v, x) in enumerate(zip(values, nums)):
        cls = "n" + (" best" if best is not None and x is not None and round(x, digits) == best else "")
        html = fmt(v)
        if titles and titles[i]:
            html = f'<span title="{escape(titles[i])}">{html}</span>'
        out.append((html, cls))
    kind = {_fmt_int: "count", _fmt_pct: "pct"}.get(fmt, "score")
    for x in nums[1:]:
        out.append(("", "d") if fmt is _fmt_rate_s or no_delta else _delta(x, nums[0], better, digits, kind))
    return out


def _fmt3(v: Any) -> str:
    return _f(v)


def _fmt_int(v: Any) -> str:
    return _f(v)


def _fmt_pct(v: Any) -> str:
    return _pct(v)


def _fmt_rate_s(v: Any) -> str:
    return _f(v, 1)


def _prf_title(d: dict[str, Any] | None) -> str:
    if not d:
        return ""
    return f"P {d['precision']:.3f} R {d['recall']:.3f} · tp {d['tp']} fp {d['fp']} fn {d['fn']}"


def _summary_rows(models: dict[str, Any], gold: bool) -> list[tuple[str, Getter, int, Callable[[Any], str], Getter | None]]:
    """(label, value getter, better, formatter, tooltip getter) of the summary rows."""
    g = lambda *path: (lambda m: _dig(m, path))
    rows: list[tuple[str, Getter, int, Callable[[Any], str], Getter | None]] = [
        ("reports", g("n_reports"), 0, _fmt_int, None),
        ("<b>non-zero cell F1</b>", g("cells_nonzero", "f1"), 1, _fmt3, lambda m: _prf_title(m.get("cells_nonzero"))),
        ("<b>cell F1</b>", g("cells", "f1"), 1, _fmt3, lambda m: _prf_title(m.get("cells"))),
        ("cell precision", g("cells", "precision"), 1, _fmt3, None),
        ("cell recall", g("cells", "recall"), 1, _fmt3, None),
    ]
    if gold:
        rows += [
            ("<b>section F1</b> (key)", g("sections", "f1"), 1, _fmt3, lambda m: _prf_title(m.get("sections"))),
            ("section F1 (key + printed title)", g("sections_key_title", "f1"), 1, _fmt3, lambda m: _prf_title(m.get("sections_key_title"))),
            ("blank cells kept blank", g("blanks", "kept_rate"), 1, _fmt3,
             lambda m: f"{_dig(m, ('blanks', 'kept'))} of {_dig(m, ('blanks', 'count'))} blank cells in printed rows left blank"),
            ("cells in rows the gold does not print", g("extra_cells"), -1, _fmt_int, None),
            ("gold-ambiguous cells right (in their row)", g("gold_ambiguous", "accuracy"), 1, _fmt3,
             lambda m: "{right_in_column} in their column + {right_in_row} elsewhere in their row, of {count}".format(**m.get("gold_ambiguous", {}))
             if m.get("gold_ambiguous") else ""),
        ]
    else:
        rows += [
            ("<b>section F1</b> (key + line)", g("sections", "f1"), 1, _fmt3, lambda m: _prf_title(m.get("sections"))),
            ("section F1 (key only)", g("sections_key_only", "f1"), 1, _fmt3, None),
            ("segment accuracy", g("segment_accuracy"), 1, _fmt3, None),
            ("segment accuracy (non-O)", g("segment_accuracy_non_o"), 1, _fmt3, None),
        ]
    rows += [
        ("cells ogi marked ambiguous: right", g("ambiguous_cells", "accuracy"), 1, _fmt3,
         lambda m: f"{_dig(m, ('ambiguous_cells', 'correct'))} of {_dig(m, ('ambiguous_cells', 'count'))}"),
        ("exact match (reports)", g("exact_match"), 1, _fmt_pct, None),
        ("fallback rate (tags)", g("fallback_rate"), 0, _fmt_pct, None),
        ("reports/s", g("reports_per_s"), 0, _fmt_rate_s, None),
        ("failed reports", g("failed"), -1, _fmt_int, None),
    ]
    return rows


def _dig(m: dict[str, Any], path: tuple[str, ...]) -> Any:
    cur: Any = m
    for p in path:
        if not isinstance(cur, dict) or p not in cur:
            return None
        cur = cur[p]
    return cur


def _summary(models: dict[str, Any], gold: bool) -> str:
    specs = list(models)
    headers = ["metric"] + [_model_head(s) for s in specs] + _delta_heads(specs)
    rows = []
    for label, get, better, fmt, tip in _summary_rows(models, gold):
        values = [get(models[s]) for s in specs]
        titles = [tip(models[s]) if tip else "" for s in specs]
        rows.append([label] + _compare_cells(values, better, fmt, titles=titles, no_delta=label == "reports"))
    return _table(headers, rows)


# ---------------------------------------------------------------------------------------------
# Charts: dot plots on an axis scaled to the data
# ---------------------------------------------------------------------------------------------

_STEPS = (0.002, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2, 0.25)


def axis_range(values: list[float | None]) -> tuple[float, float]:
    """The axis ``(lo, step)`` for scores in [0, 1]: from a round number a little below the lowest score
    of at least 0.5 (scores below it are drawn at the left edge) up to 1.0, about five ticks."""
    vals = [v for v in values if v is not None and not math.isnan(v)]
    if not vals:
        return 0.0, 0.25
    high = [v for v in vals if v >= 0.5]
    base = min(high) if high else min(vals)
    span = max(0.0, 1.0 - base)
    lo = max(0.0, base - max(0.1 * span, 0.01))
    step = next((s for s in _STEPS if (1.0 - lo) / s <= 6), 0.25)
    lo = max(0.0, math.floor(lo / step + 1e-9) * step)
    return lo, step


def svg_dot_plot(title: str, categories: list[str], series: dict[str, list[float | None]], width: int = 760) -> str:
    """One row per category and model: a dot at the score on an axis scaled to the data, the value beside it."""
    names = list(series)
    lo, step = axis_range([v for vals in series.values() for v in vals])
    row_h, gap, label_w, right_pad, top = 13, 8, 190, 58, 34
    group_h = row_h * max(1, len(names)) + gap
    height = top + group_h * len(categories) + 22
    plot_w = width - label_w - right_pad

    def xpos(v: float) -> float:
        return label_w + plot_w * (max(lo, min(1.0, v)) - lo) / (1.0 - lo)

    sub = "axis from 0" if lo == 0 else f"axis from {lo:g} (not 0); ◂ marks a score below it"
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(title)}" font-size="12" font-family="sans-serif">'
        ),
        f'<text x="0" y="14" font-weight="bold" font-size="13">{escape(title)}</text>',
        f'<text x="0" y="28" fill="#777" font-size="11">{escape(sub)}</text>',
    ]
    n_ticks = round((1.0 - lo) / step)
    for i in range(n_ticks + 1):
        tick = lo + i * step
        x = xpos(tick)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 18}" stroke="#e6e6e6"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - 5}" text-anchor="middle" fill="#777">{round(tick, 3):g}</text>')
    for ci, cat in enumerate(categories):
        y0 = top + ci * group_h
        if ci % 2 == 1:
            parts.append(f'<rect x="0" y="{y0 - gap / 2:.1f}" width="{width}" height="{group_h}" fill="#f7f8fa"/>')
        label = cat if len(cat) <= 28 else cat[:27] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y0 + (group_h - gap) / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        for si, name in enumerate(names):
            v = series[name][ci]
            cy = y0 + si * row_h + row_h / 2
            color = PALETTE[si % len(PALETTE)]
            if v is None:
                parts.append(f'<text x="{label_w + 2}" y="{cy + 4:.1f}" fill="#aaa" font-size="11">n/a</text>')
                continue
            x = xpos(v)
            parts.append(f'<line x1="{label_w}" y1="{cy:.1f}" x2="{x:.1f}" y2="{cy:.1f}" stroke="{color}" stroke-opacity=".25" stroke-width="2"/>')
            if v < lo:
                parts.append(
                    f'<path d="M{label_w + 1} {cy:.1f} l7 -4.5 v9 z" fill="{color}"><title>{escape(name)} · {escape(cat)}: {v:.3f}</title></path>'
                )
            else:
                parts.append(
                    f'<circle cx="{x:.1f}" cy="{cy:.1f}" r="4.2" fill="{color}"><title>{escape(name)} · {escape(cat)}: {v:.3f}</title></circle>'
                )
            parts.append(f'<text x="{x + 7:.1f}" y="{cy + 4:.1f}" fill="#333" font-size="11">{v:.3f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def svg_grouped_bars(title: str, categories: list[str], series: dict[str, list[float | None]], width: int = 760) -> str:
    """Kept for callers of the old name: the scores as a dot plot on an axis scaled to the data."""
    return svg_dot_plot(title, categories, series, width)


def _legend(names: list[str]) -> str:
    items = "".join(f'<span><i style="background:{PALETTE[i % len(PALETTE)]}"></i>{escape(n)}</span>' for i, n in enumerate(names))
    return f'<div class="legend">{items}</div>'


# ---------------------------------------------------------------------------------------------
# Breakdowns and per-file tables
# ---------------------------------------------------------------------------------------------

_BREAKDOWN_METRICS = (("non-zero cell F1", ("cells_nonzero",)), ("cell F1", ("cells",)), ("section F1", ("sections",)))


def _breakdown_table(models: dict[str, Any], by: str) -> str:
    specs = list(models)
    cats = sorted({c for m in models.values() for c in m.get("by", {}).get(by, {})})
    headers = [escape(by), "metric"] + [_model_head(s) for s in specs] + _delta_heads(specs)
    rows, classes = [], []
    for cat in cats:
        hs = [m["by"][by].get(cat) for m in models.values()]
        n = next((h["n_reports"] for h in hs if h), 0)
        for i, (label, path) in enumerate(_BREAKDOWN_METRICS):
            vals = [_dig(h, (*path, "f1")) if h else None for h in hs]
            titles = [_prf_title(_dig(h, path)) if h else "" for h in hs]
            first = f"{escape(cat)}<br><span class='muted small'>{n} report{'s' if n != 1 else ''}</span>" if i == 0 else ""
            rows.append([first, label] + _compare_cells(vals, 1, _fmt3, titles=titles))
            classes.append("first" if i == 0 else "")
    return _table(headers, rows, left=2, row_classes=classes)


def _breakdown_chart(models: dict[str, Any], by: str, metric: str, label: str) -> str:
    cats = sorted({c for m in models.values() for c in m.get("by", {}).get(by, {})})
    series = {spec: [(_dig(m, ("by", by, c, metric, "f1"))) for c in cats] for spec, m in models.items()}
    return svg_dot_plot(f"{label} by {by}", cats, series)


def _report_ids(models: dict[str, Any], metrics: dict[str, Any]) -> list[str]:
    ids = [g["id"] for g in metrics.get("gold", [])]
    for m in models.values():
        for r in m.get("reports", []):
            if r["id"] not in ids:
                ids.append(r["id"])
    return ids


_FILE_METRICS = (("non-zero cell F1", "nonzero_cell_f1"), ("cell F1", "cell_f1"), ("section F1", "section_f1"))


def _per_file(models: dict[str, Any], metrics: dict[str, Any]) -> str:
    specs = list(models)
    per = {s: {r["id"]: r for r in m.get("reports", [])} for s, m in models.items()}
    gold = {g["id"]: g for g in metrics.get("gold", [])}
    headers = ["file", "metric"] + [_model_head(s) for s in specs] + _delta_heads(specs)
    rows, classes = [], []
    for rid in _report_ids(models, metrics):
        rs = [per[s].get(rid) for s in specs]
        any_r = next((r for r in rs if r), {})
        g = gold.get(rid, {})
        desc = " · ".join(str(x) for x in (any_r.get("layout"), any_r.get("template")) if x)
        n_cells = g.get("cells", any_r.get("n_gold_cells"))
        label = f"<b>{escape(rid)}</b><br><span class='muted small'>{escape(desc)}<br>{n_cells} gold cells</span>"
        metrics_here = [(lab, key) for lab, key in _FILE_METRICS if any(r and key in r for r in rs)]
        for i, (lab, key) in enumerate(metrics_here):
            vals = [r.get(key) if r else None for r in rs]
            if key == "cell_f1":
                titles = [f"tp {r['cell_tp']} fp {r['cell_fp']} fn {r['cell_fn']} · {r['n_pred_cells']} cells emitted" if r else "" for r in rs]
            elif key == "nonzero_cell_f1":
                titles = [f"tp {r['nonzero_tp']} fp {r['nonzero_fp']} fn {r['nonzero_fn']}" if r else "" for r in rs]
            else:
                titles = None
            cells = _compare_cells(vals, 1, _fmt3, titles=titles)
            # a failed report says so where its numbers are
            for j, r in enumerate(rs):
                if r and r.get("status") == "failed" and i == 0:
                    cells[j] = (cells[j][0] + "<br><span class='bad small'>failed</span>", cells[j][1])
            rows.append([label if i == 0 else "", lab] + cells)
            classes.append("first" if i == 0 else "")
        # counts that explain a cell F1 below 1 when every value was read right
        n_blank = next((r.get("blank_cells") for r in rs if r and r.get("blank_cells") is not None), None)
        extra_rows = (
            (f"blank cells filled (of {n_blank})", lambda r: len(r.get("blank_emitted", []))),
            ("cells in rows the gold does not print", lambda r: r.get("n_extra_cells", 0)),
        )
        for lab, count in extra_rows:
            vals = [count(r) if r else None for r in rs]
            if any(vals):
                rows.append(["", escape(lab)] + _compare_cells(vals, -1, _fmt_int))
                classes.append("")
    return _table(headers, rows, left=2, row_classes=classes)


MAX_CHART_FILES = 30


def _per_file_chart(models: dict[str, Any], metrics: dict[str, Any], key: str, label: str) -> str:
    ids = _report_ids(models, metrics)
    per = {s: {r["id"]: r for r in m.get("reports", [])} for s, m in models.items()}
    title = f"{label} per file"
    if len(ids) > MAX_CHART_FILES:
        # a long chart hides what matters: the files where some model scores lowest (the table has them all)
        def low(i: str) -> float:
            return min((v for s in models if (v := per[s].get(i, {}).get(key)) is not None), default=1.0)

        ids = sorted(sorted(ids, key=low)[:MAX_CHART_FILES], key=ids.index)
        title = f"{label} per file: the {MAX_CHART_FILES} files with the lowest scores"
    series = {s: [per[s].get(i, {}).get(key) for i in ids] for s in models}
    return svg_dot_plot(title, ids, series)


# ---------------------------------------------------------------------------------------------
# Misses with where they are printed
# ---------------------------------------------------------------------------------------------


def _where_html(w: dict[str, Any] | None) -> str:
    """``line N: …before[span]after…`` with the span marked and newlines shown as ⏎."""
    if not w:
        return '<span class="muted">not found in the text</span>'

    def show(t: str) -> str:
        return escape(t).replace("\n", '<span class="nl">⏎</span>')

    how = {"predicted": "", "row": " (ogi's cells of this row)", "label": " (row label)", "title": ""}.get(str(w.get("how")), "")
    return (
        f'<span class="muted">line {escape(str(w.get("line")))}{escape(how)}:</span> '
        f'{show(str(w.get("before", "")))}<mark>{show(str(w.get("span", "")))}</mark>{show(str(w.get("after", "")))}'
    )


def _val(v: Any) -> str:
    return '<span class="muted">blank</span>' if v is None else escape(str(v))


def _title(t: Any) -> str:
    return '<span class="muted">none</span>' if t is None else escape(str(t))


def _file_misses(rid: str, models: dict[str, Any]) -> str:
    """One table per file: each cell some model got wrong, gold and every model's value, where it is printed."""
    specs = list(models)
    rows_by = {s: next((r for r in m.get("reports", []) if r["id"] == rid), None) for s, m in models.items()}
    misses: dict[str, dict[str, dict[str, Any]]] = {}
    gold_val: dict[str, Any] = {}
    for s, r in rows_by.items():
        for x in (r or {}).get("misses", []):
            misses.setdefault(x["key"], {})[s] = x
            gold_val.setdefault(x["key"], x.get("gold"))
    total = {s: (r or {}).get("n_misses", len((r or {}).get("misses", []))) for s, r in rows_by.items()}
    head = f"<b>{escape(rid)}</b> — misses: " + ", ".join(f"{escape(s)} {total[s]}" for s in specs)
    parts = []
    for s, r in rows_by.items():
        if r and r.get("errors"):
            parts.append(f"<p class='bad small'>{escape(s)}: " + "; ".join(escape(e) for e in r["errors"][:3]) + "</p>")
    if misses:
        th = '<th class="l">cell</th><th>gold</th>' + "".join(f"<th>{_model_head(s)}</th>" for s in specs)
        body = []
        keys = sorted(misses)[:MAX_MISS_ROWS]

        def places(k: str) -> list[tuple[str, list[str]]]:
            # where it is printed, once per distinct place (models that read the cell elsewhere get their own line)
            seen: dict[str, list[str]] = {}
            for s in specs:
                x = misses[k].get(s)
                if x is not None:
                    seen.setdefault(_where_html(x.get("where")), []).append(s)
            return list(seen.items())

        where = [places(k) for k in keys]
        for i, k in enumerate(keys):
            tds = [f'<td class="l">{_key(k)}</td>', f'<td class="n">{_val(gold_val.get(k))}</td>']
            for s in specs:
                x = misses[k].get(s)
                if x is None:
                    tds.append('<td class="n good">✓</td>' if rows_by[s] else '<td class="n muted">—</td>')
                elif x.get("pred") is None:
                    tds.append('<td class="n bad small">missed</td>')
                else:
                    tds.append(f'<td class="n bad">{escape(str(x["pred"]))}</td>')
            body.append(f'<tr class="first">{"".join(tds)}</tr>')
            # cells of one row printed at one place share one excerpt, under the last of them
            if i + 1 < len(keys) and where[i + 1] == where[i]:
                continue
            for html, who in where[i]:
                label = "" if len(where[i]) == 1 else f"<span class='muted'>{escape(', '.join(who))}:</span> "
                body.append(f'<tr class="where"><td class="ex" colspan="{2 + len(specs)}">{label}{html}</td></tr>')
        parts.append(f'<div class="tw"><table><thead><tr>{th}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')
        if len(misses) > len(keys):
            parts.append(f"<p class='muted small'>… and {len(misses) - len(keys)} more cells (all in metrics.json)</p>")
    sec = {s: (r or {}).get("section_misses", []) for s, r in rows_by.items()}
    if any(sec.values()):
        srows = []
        for s in specs:
            for x in sec[s]:
                srows.append([escape(s), f"<code>{escape(x['key'])}</code>", _title(x.get("gold")), _title(x.get("pred")), (_where_html(x.get("where")), "ex")])
        parts.append("<p class='small'>Sections:</p>" + _table(["model", "key", "gold title", "ogi's title", "where"], srows, left=5))
    moved = {s: (r or {}).get("ambiguous_accepted_in_row", []) for s, r in rows_by.items()}
    if any(moved.values()):
        items = []
        for s in specs:
            for x in moved[s]:
                items.append(f"{escape(s)}: {_key(x['key'])} = {escape(str(x['value']))} emitted as {_key(x['pred_key'])}")
        parts.append("<p class='small muted'>Gold-ambiguous cells accepted in another column of their row: " + "; ".join(items) + "</p>")
    if not parts:
        parts.append("<p class='good small'>No miss.</p>")
    open_attr = "" if sum(total.values()) > 40 else " open"
    return f"<details{open_attr}><summary>{head}</summary>{''.join(parts)}</details>"


# ---------------------------------------------------------------------------------------------
# Per model details (annotated data: segment labels, worst reports)
# ---------------------------------------------------------------------------------------------


def _model_details(spec: str, m: dict[str, Any], gold: bool) -> str:
    out = [f"<h2>Model <code>{escape(spec)}</code></h2>"]
    src = ", ".join(f"{escape(k)}: {v}" for k, v in m.get("tag_sources", {}).items())
    name = escape(str(m.get("model", {}).get("name", "")))
    version = escape(str(m.get("model", {}).get("version", "")))
    out.append(f"<p>{name} {version}. Primary source <code>{escape(str(m.get('primary_source', '')))}</code>; tag sources: {src or '—'}.</p>")
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
        f"<p>Cells ogi marked ambiguous: {amb['count']}, of which right {amb['correct']} ({_f(amb['accuracy'])}). "
        f"Other predicted cells: {non['count']}, right {non['correct']} ({_f(non['accuracy'])}).</p>"
    )
    alt = m.get("ambiguous_cells_tagger_only")
    if alt and alt.get("count") and not gold:
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
                [[_key(d["key"]), _f(d["f1"]), _f(d["precision"]), _f(d["recall"]), _f(d["support"]), _f(d["tp"]), _f(d["fp"]), _f(d["fn"])] for d in m["worst_keys"]],
            )
        )
    if m.get("worst_reports") and not gold:
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
                    ["key", "gold", "predicted", "where it is printed"],
                    [[_key(x["key"]), _val(x["gold"]), _val(x["pred"]), (_where_html(x.get("where")), "ex")] for x in r["misses"]],
                    left=4,
                )
                if r["n_misses"] > len(r["misses"]):
                    body += f"<p class=muted>… and {r['n_misses'] - len(r['misses'])} more</p>"
            out.append(f"<details><summary>{head}</summary>{body}</details>")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------

_HOW_TO_READ_GOLD = (
    "Cells: a hit needs the canonical key and the printed value (full-width → half-width, spaces removed); a wrong "
    "value is a false positive and a false negative. A gold cell listed as <i>ambiguous</i> (its column cannot be told "
    "from the text) is also right where ogi emitted its value in another column of the same row. Non-zero: only cells "
    "whose gold or predicted value is not “0”. Blank cells: cells of a printed row that the gold leaves blank; ogi should "
    "not fill them. Sections: canonical keys (the gold titles are compared in the second row)."
)
_HOW_TO_READ_DATA = (
    "Cells: a hit needs the canonical key and the value (spaces removed); a wrong value counts as a false positive and "
    "a false negative. Non-zero: only cells whose gold or predicted value is not “0”. Sections: key and 1-based line. "
    "Exact match: every cell and section right, nothing extra. Fallback rate: share of tags not from the model's primary "
    "source. Reports/s: segment → check, reading excluded."
)


def render_html(metrics: dict[str, Any]) -> str:
    """The report page for the dict :func:`ogi.evaluate.evaluate` or :func:`ogi.evaluate.evaluate_gold` returns."""
    models = metrics.get("models", {})
    gold = metrics.get("kind") == "gold"
    specs = list(models)
    parts = [
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>ogi evaluation: {escape(', '.join(models) or 'no model')}</title><style>{CSS}</style></head><body>",
        "<h1>ogi evaluation" + (" against cell gold" if gold else "") + "</h1>",
    ]
    if metrics.get("command"):
        parts.append(f'<pre class="cmd">{escape(metrics["command"])}</pre>')
    if gold:
        parts.append(f"<p>{metrics.get('n_reports', 0)} reports with cell-level gold from {escape(', '.join(metrics.get('data', [])))}.</p>")
    else:
        parts.append(
            f"<p>Data: {escape(', '.join(metrics.get('data', [])))} — split <code>{escape(str(metrics.get('split')))}</code>: "
            f"{metrics.get('n_reports', 0)} of {metrics.get('n_read', metrics.get('n_reports', 0))} reports.</p>"
        )
    comp = metrics.get("composition", {})
    if comp:
        parts.append("<p class='muted small'>" + "<br>".join(f"{escape(b)}: " + ", ".join(f"{escape(k)} {v}" for k, v in c.items()) for b, c in comp.items()) + "</p>")
    for spec, why in metrics.get("skipped", {}).items():
        parts.append(f"<p class=bad>Model <code>{escape(spec)}</code> skipped: {escape(why)}</p>")
    for g in metrics.get("gold", []):
        for w in g.get("warnings", []):
            parts.append(f"<p class=bad>{escape(g['gold'])}: {escape(w)}</p>")
    if not models:
        parts.append("<p>No model was evaluated.</p></body></html>")
        return "".join(parts)
    if len(specs) > 1:
        parts.append(
            f"<p class='note'>Δ columns: each model minus the baseline <code>{escape(specs[0])}</code> (the first "
            "<code>--model</code>); green where it is better, red where worse. Bold: the best model of a row. "
            "Hover a number for its counts.</p>"
        )
    parts.append("<h2>Summary</h2>")
    parts.append(_summary(models, gold))
    parts.append(f"<p class='note'>{_HOW_TO_READ_GOLD if gold else _HOW_TO_READ_DATA}</p>")
    n_reports = int(metrics.get("n_reports") or 0)
    if gold or n_reports <= 40:
        parts.append("<h2>Per file</h2>")
        parts.append(_legend(specs))
        parts.append(_per_file_chart(models, metrics, "nonzero_cell_f1" if gold else "cell_f1", "Non-zero cell F1" if gold else "Cell F1"))
        if gold:
            parts.append(_per_file_chart(models, metrics, "section_f1", "Section F1"))
        parts.append(_per_file(models, metrics))
    parts.append("<h2>By layout, template and script</h2>")
    parts.append(_legend(specs))
    for by in ("layout", "template", "script"):
        parts.append(f"<h3>By {by}</h3>")
        parts.append(_breakdown_chart(models, by, "cells_nonzero", "Non-zero cell F1"))
        parts.append(_breakdown_table(models, by))
    if gold:
        parts.append("<h2>Misses, file by file</h2>")
        parts.append(
            "<p class='note'>Every cell some model got wrong: the gold value (blank: the gold leaves the cell blank), each "
            "model's value (✓ right, <i>missed</i>: not emitted), and under it where it is printed — the source line and "
            "the text around the printed span (the predicted cell's span; for a cell no model emitted, the cells ogi read "
            "in that row or the row label). ⏎ is a line break.</p>"
        )
        for rid in _report_ids(models, metrics):
            parts.append(_file_misses(rid, models))
    for spec, m in models.items():
        parts.append(_model_details(spec, m, gold))
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
