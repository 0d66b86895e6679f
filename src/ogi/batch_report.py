"""The batch report of ``ogi check --html``: one self-contained HTML page (inline SVG, no scripts).

What a reader sees, top to bottom: headline counts; requests received per agency per year (a line
chart); failed checks by kind (a bar chart); reports by status, template, year and agency; failed checks
by report; the cross-year and prose checks with both sides.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from typing import Any

from ogi.audit import Failure, failures

MAX_ROWS = 500  # a table of a large batch shows its worst rows first, then says how many are left out
_PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f", "#bcbd22")
_CSS = """
body{font-family:system-ui,"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1300px}
h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:24px} .card span{color:#666;font-size:13px}
.bad b{color:#c0392b} .good b{color:#1e8449}
table{border-collapse:collapse;font-size:13px;margin:6px 0} td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}
th{background:#f4f6f8} td.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:flex;gap:28px;flex-wrap:wrap;align-items:flex-start}
.fail{color:#c0392b;font-weight:600} .pass{color:#1e8449} .na{color:#888}
.flag{background:#fff3cd;border-radius:3px;padding:0 4px;font-size:12px}
.muted{color:#666;font-size:13px}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _table(head: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    out = ["<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in head) + "</tr>"]
    for r in rows:
        out.append("<tr>" + "".join(f'<td{" class=n" if i in numeric else ""}>{v}</td>' for i, v in enumerate(r)) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _count_table(title: str, counts: Counter[Any], by_key: bool = False) -> str:
    order = sorted(counts.items(), key=(lambda kv: str(kv[0])) if by_key else (lambda kv: (-kv[1], str(kv[0]))))
    rows = [[_e(k), str(v)] for k, v in order[:MAX_ROWS // 10]]
    if len(order) > MAX_ROWS // 10:
        rows.append([f"… {len(order) - MAX_ROWS // 10} more", str(sum(v for _, v in order[MAX_ROWS // 10:]))])
    return f"<div><h3 class=muted>{_e(title)}</h3>{_table([title, 'reports'], rows, {1})}</div>"


def _status(s: str) -> str:
    cls = {"pass": "pass", "fail": "fail"}.get(s, "na")
    return f"<span class={cls}>{_e(s)}</span>"


def _nice(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k at or above ``x`` (a round axis maximum)."""
    if x <= 0:
        return 1
    k = 10 ** (len(str(int(x))) - 1)
    return next(m * k for m in (1, 2, 2.5, 5, 10) if m * k >= x)


def line_chart(series: dict[str, dict[int, float]], title: str, width: int = 760, height: int = 320) -> str:
    """An SVG line chart: one line per series over integer years; '' when there is nothing to draw."""
    points = [(y, v) for s in series.values() for y, v in s.items()]
    if not points:
        return ""
    years = sorted({y for y, _ in points})
    vmax = _nice(max(v for _, v in points) * 1.08)
    left, right, top, bottom = 60, 230, 44, 40
    pw, ph = width - left - right, height - top - bottom

    def x(y: int) -> float:
        return left + (pw * (years.index(y) / (len(years) - 1)) if len(years) > 1 else pw / 2)

    def yv(v: float) -> float:
        return top + ph - ph * v / vmax

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{_e(title)}">',
           f'<text x="{left}" y="18" font-size="14" font-weight="600">{_e(title)}</text>']
    for i in range(5):  # horizontal grid with values
        v = vmax * i / 4
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{yv(v):.1f}" y2="{yv(v):.1f}" stroke="#eee"/>')
        out.append(f'<text x="{left - 6}" y="{yv(v) + 4:.1f}" font-size="11" text-anchor="end" fill="#666">{v:,.0f}</text>')
    for y in years:
        out.append(f'<text x="{x(y):.1f}" y="{top + ph + 18}" font-size="11" text-anchor="middle" fill="#444">{y}</text>')
    for i, (name, s) in enumerate(series.items()):
        color = _PALETTE[i % len(_PALETTE)]
        pts = sorted(s.items())
        if len(pts) > 1:
            path = " ".join(f"{x(y):.1f},{yv(v):.1f}" for y, v in pts)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for y, v in pts:
            out.append(f'<circle cx="{x(y):.1f}" cy="{yv(v):.1f}" r="3.5" fill="{color}"><title>{_e(name)} {y}: {v:g}</title></circle>')
            out.append(f'<text x="{x(y):.1f}" y="{yv(v) - 7:.1f}" font-size="10" text-anchor="middle" fill="{color}">{v:g}</text>')
        ly = top + 14 + i * 18
        out.append(f'<rect x="{left + pw + 16}" y="{ly - 9}" width="12" height="4" fill="{color}"/>')
        out.append(f'<text x="{left + pw + 32}" y="{ly - 3}" font-size="12">{_e(name[:16])}</text>')
    out.append("</svg>")
    return "".join(out)


def bar_chart(counts: list[tuple[str, int]], title: str, width: int = 520, color: str = "#c0392b") -> str:
    """A horizontal SVG bar chart of (label, count); '' when empty."""
    if not counts:
        return ""
    bar, gap, left, top = 18, 6, 190, 30
    height = top + len(counts) * (bar + gap) + 10
    vmax = max(n for _, n in counts) or 1
    pw = width - left - 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" aria-label="{_e(title)}">',
           f'<text x="0" y="18" font-size="14" font-weight="600">{_e(title)}</text>']
    for i, (label, n) in enumerate(counts):
        y = top + i * (bar + gap)
        w = pw * n / vmax
        out.append(f'<text x="{left - 6}" y="{y + bar - 5}" font-size="12" text-anchor="end">{_e(label)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}" rx="2"/>')
        out.append(f'<text x="{left + w + 5:.1f}" y="{y + bar - 5}" font-size="12">{n}</text>')
    out.append("</svg>")
    return "".join(out)


def agency_names(records: list[dict[str, Any]]) -> dict[str, str]:
    """Record id → the agency name it is grouped under (as the cross-year checks group records)."""
    from ogi.checks import agency_key, same_agency

    keys = {str(r.get("id")): agency_key(r) for r in records}
    merged = same_agency({k for k in keys.values() if k})
    return {rid: merged[k] for rid, k in keys.items() if k}


def received_series(records: list[dict[str, Any]], limit: int = 8) -> dict[str, dict[int, float]]:
    """本年新收 (``t3.new_received.total``) per agency per year, for the agencies with the most years."""
    names = agency_names(records)
    series: dict[str, dict[int, float]] = defaultdict(dict)
    for rec in records:
        cell = (rec.get("cells") or {}).get("t3.new_received.total")
        name = names.get(str(rec.get("id")))
        year = rec.get("year")
        if cell is None or cell.get("number") is None or not name or not isinstance(year, int):
            continue
        series[name].setdefault(year, cell["number"])
    top = sorted(series, key=lambda k: (-len(series[k]), k))[:limit]
    return {k: series[k] for k in top}


def render(records: list[dict[str, Any]], cross: list[dict[str, Any]], source: str = "") -> str:
    """The whole HTML page for a batch of records and its cross-year checks."""
    fails = failures(records, cross)
    by_report: dict[str, list[Failure]] = defaultdict(list)
    for f in fails:
        by_report[f.id].append(f)
    reports_by_kind: dict[str, set[str]] = defaultdict(set)
    for f in fails:
        reports_by_kind[f.kind].add(f.id)
    prose = [(r, c) for r in records for c in (r.get("checks") or []) if str(c.get("name", "")).startswith("prose.")]
    # grouped as the cross-year checks group them (the body the title names, else the agency field)
    names = agency_names(records)
    agencies = Counter(names.get(str(r.get("id")), "(not found)") for r in records)
    n_found = sum(1 for r in records if r.get("agency"))

    def card(n: Any, label: str, cls: str = "") -> str:
        return f'<div class="card {cls}"><b>{_e(n)}</b><span>{_e(label)}</span></div>'

    cross_fail = sum(1 for c in cross if c["status"] == "fail")
    prose_fail = sum(1 for _, c in prose if c.get("status") == "fail")
    parts = [
        "<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>ogi check: batch report</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>ogi check: batch report</h1><div class=muted>{_e(source)}</div>",
        '<div class="cards">',
        card(len(records), "reports"),
        card(len(by_report), "reports with a failed check", "bad" if by_report else "good"),
        card(f"{n_found}/{len(records)}", "agency found"),
        card(len(agencies), "agencies"),
        card(f"{len(cross) - cross_fail}/{len(cross)}", "cross-year checks pass", "bad" if cross_fail else "good"),
        card(f"{len(prose) - prose_fail}/{len(prose)}", "prose checks pass", "bad" if prose_fail else "good"),
        card(sum(1 for f in fails if f.ambiguous or f.blank), "failed checks on ambiguous or blank cells"),
        "</div>",
    ]
    chart = line_chart(received_series(records), "Requests received (本年新收, 总计) per agency per year")
    kinds = sorted(((k, len(v)) for k, v in reports_by_kind.items()), key=lambda kv: (-kv[1], kv[0]))
    bars = bar_chart(kinds, "Reports failing each kind of check")
    parts.append('<div class="grid">' + (chart or "<p class=muted>No received counts to plot.</p>") + bars + "</div>")

    parts.append("<h2>Reports</h2><div class=grid>")
    parts.append(_count_table("status", Counter(str(r.get("status")) for r in records)))
    parts.append(_count_table("template", Counter(str(r.get("template")) for r in records)))
    parts.append(_count_table("year", Counter(str(r.get("year")) for r in records), by_key=True))
    parts.append(_count_table("agency (as grouped across years)", agencies))
    parts.append("</div>")

    parts.append("<h2>Failed checks by kind</h2>")
    rows = [[_e(k), str(len(reports_by_kind[k])), str(sum(1 for f in fails if f.kind == k)),
             str(sum(1 for f in fails if f.kind == k and (f.ambiguous or f.blank)))] for k, _ in kinds]
    parts.append(_table(["kind", "reports", "failed checks", "on ambiguous/blank cells"], rows, {1, 2, 3}) if rows
                 else "<p class=pass>No check failed.</p>")

    parts.append("<h2>Failed checks by report</h2>")
    meta = {str(r.get("id")): r for r in records}
    rows = []
    for rid in sorted(by_report, key=lambda i: (-len(by_report[i]), i))[:MAX_ROWS]:
        rec = meta.get(rid, {})
        items = []
        for f in by_report[rid]:
            flag = "".join(f' <span class=flag>{m}</span>' for m, on in (("ambiguous", f.ambiguous), ("blank→0", f.blank)) if on)
            vs = f" vs {_e(f.previous_id)}" if f.previous_id else ""
            items.append(f"<span class=fail>{_e(f.name)}</span>: {_e(f.left)} ≠ {_e(f.right)}{vs}{flag}")
        rows.append([_e(rid), _e(rec.get("agency")), _e(rec.get("year")), str(len(by_report[rid])), "<br>".join(items[:12])
                     + (f"<br>… {len(items) - 12} more" if len(items) > 12 else "")])
    if len(by_report) > MAX_ROWS:
        rows.append(["…", f"{len(by_report) - MAX_ROWS} more reports (ogi check --csv lists every failure)", "", "", ""])
    parts.append(_table(["report", "agency", "year", "failed", "checks (left ≠ right)"], rows, {3}) if rows else "<p class=pass>None.</p>")

    parts.append("<h2>Cross-year checks</h2><p class=muted>One row per agency and pair of consecutive years; "
                 "this year = the later report, last year = the earlier one.</p>")
    pairs: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for c in cross:
        pairs[(c["agency"], c["year"])].append(c)
    rows = []
    # pairs with a failure first, then the rest, each in agency and year order
    ordered = sorted(pairs.items(), key=lambda kv: (all(c["status"] == "pass" for c in kv[1]), kv[0]))
    for (agency, year), cs in ordered[:MAX_ROWS]:
        bad = [c for c in cs if c["status"] != "pass"]
        items = []
        for c in bad:
            flag = "".join(f' <span class=flag>{m}</span>' for m, on in (("ambiguous", c["ambiguous"]), ("blank→0", c["blank"])) if on)
            items.append(f'{_status(c["status"])} {_e(c["name"])}: this year {_e(c["left"])}, last year {_e(c["right"])}{flag}'
                         + (f' <span class=muted>{_e(c["detail"])}</span>' if c.get("detail") and c["status"] != "fail" else ""))
        rows.append([_e(agency), f"{year - 1}→{year}", f'{_e(cs[0]["previous_id"])} → {_e(cs[0]["id"])}',
                     str(sum(1 for c in cs if c["status"] == "pass")), str(sum(1 for c in cs if c["status"] == "fail")),
                     str(sum(1 for c in cs if c["status"] == "not_assessable")), "<br>".join(items) or "<span class=pass>all pass</span>"])
    if len(ordered) > MAX_ROWS:
        rows.append(["…", "", f"{len(ordered) - MAX_ROWS} more pairs", "", "", "", ""])
    parts.append(_table(["agency", "years", "reports", "pass", "fail", "not assessable", "failed or not assessable"], rows, {3, 4, 5})
                 if rows else "<p class=muted>No agency has reports for consecutive years in this batch.</p>")

    parts.append("<h2>Prose against tables</h2>")
    prose.sort(key=lambda rc: (rc[1].get("status") == "pass", str(rc[0].get("id"))))  # failures first
    rows = [[_e(r.get("id")), _e(c.get("name")), _e(c.get("left")), _e(c.get("right")), _status(str(c.get("status"))), _e(c.get("detail"))]
            for r, c in prose[:500]]
    if len(prose) > 500:
        rows.append(["…", f"{len(prose) - 500} more", "", "", "", ""])
    parts.append(_table(["report", "check", "narrative", "table", "status", "statement"], rows, {2, 3})
                 if rows else "<p class=muted>No narrative statement of a count was found.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
