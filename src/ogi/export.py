"""Flat exports of ``ogi tag`` records (SCHEMA.md) for spreadsheets: CSV (one row per report) and XLSX
(one sheet per table, failed checks highlighted). Both are written atomically.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ogi import schema
from ogi.output import atomic_open

LEAD_COLUMNS = ("id", "path", "status", "template", "year", "n_sections", "n_failed_checks", "errors")

# Characters XLSX (XML 1.0) cannot hold: openpyxl raises on them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RED = "FFC7CE"


@lru_cache(maxsize=1)
def canonical_keys() -> tuple[str, ...]:
    """The union of ``all_cell_keys("2019")`` and ``("2021")`` in table order.

    Table 2 block by block (the 2019 columns of a block, then its 2021 columns), table 3 in the printed
    row order (2019's 其他处理 row before 2021's three sub-rows), table 4.
    """
    union = set(schema.all_cell_keys("2019")) | set(schema.all_cell_keys("2021"))
    keys: list[str] = []
    for b in schema.T2_BLOCKS:
        for tpl in ("2019", "2021"):
            for r in b.rows:
                keys += [f"t2.{b.key}.{r.key}.{c}" for c in b.cols.get(tpl, ())]
    keys += [f"t3.{r}.{c}" for r in schema.T3_ROW_KEYS for c in schema.T3_COL_KEYS]
    keys += [f"t4.{c}" for c in schema.T4_CELL_COLS]
    ordered = list(dict.fromkeys(k for k in keys if k in union))
    missing = union - set(ordered)  # a schema key this walk does not know: kept, at the end
    return tuple(ordered + sorted(missing))


def _errors(rec: dict[str, Any]) -> str:
    return "; ".join(str(e) for e in rec.get("errors") or [])


def _n_failed(rec: dict[str, Any]) -> int:
    return sum(1 for c in rec.get("checks") or [] if c.get("status") == "fail")


def csv_columns(records: Iterable[dict[str, Any]]) -> list[str]:
    """The CSV header: lead columns, the canonical keys, then the legacy keys present (sorted)."""
    legacy = sorted({k for r in records for k in (r.get("cells") or {}) if k.startswith("legacy.")})
    return [*LEAD_COLUMNS, *canonical_keys(), *legacy]


def write_csv(records: list[dict[str, Any]], path: str | Path) -> None:
    """One row per report, one column per canonical key (value = the printed ``value``); UTF-8 with BOM."""
    columns = csv_columns(records)
    with atomic_open(path, encoding="utf-8-sig") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(columns)
        n_lead = len(LEAD_COLUMNS)
        for rec in records:
            cells = rec.get("cells") or {}
            lead = [
                rec.get("id", ""),
                rec.get("path", ""),
                rec.get("status", ""),
                rec.get("template", ""),
                "" if rec.get("year") is None else rec["year"],
                len(rec.get("sections") or []),
                _n_failed(rec),
                _errors(rec),
            ]
            w.writerow(lead + [cells[k]["value"] if k in cells else "" for k in columns[n_lead:]])


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------

def check_cells(name: str, template: str | None = None) -> set[str]:
    """Cell keys a check is about: ``t3.row_total.granted`` → every cell of row granted, and so on."""
    tpl = template if template in ("2019", "2021") else "2019"
    parts = name.split(".", 2)
    if name.startswith(("value.non_numeric.", "value.negative.")):
        return {parts[2]}
    if len(parts) < 3:
        return set()
    table, kind, rest = parts
    if table == "t3" and kind == "row_total":
        return {f"t3.{rest}.{c}" for c in schema.T3_COL_KEYS}
    if table == "t3" and kind == "identity":
        return {f"t3.{r}.{rest}" for r in ("new_received", "carried_over", "total_processed", "carried_forward")}
    if table == "t3" and kind == "leaf_sum":
        return {f"t3.{r}.{rest}" for r in ("total_processed", *schema.T3_LEAF_ROWS[tpl])}
    if table == "t4" and kind == "group_sum":
        return {f"t4.{rest}.{c}" for c in schema.T4_COL_KEYS}
    return set()


def _failed_cells(rec: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for c in rec.get("checks") or []:
        if c.get("status") == "fail":
            out |= check_cells(str(c.get("name", "")), rec.get("template"))
    return out


def _clean(v: Any) -> Any:
    if isinstance(v, str):
        return _ILLEGAL_XML.sub("", v)
    if v is None or isinstance(v, (int, float, bool)):
        return v
    return _ILLEGAL_XML.sub("", json.dumps(v, ensure_ascii=False))


def _cell_value(cell: dict[str, Any]) -> Any:
    """A number where the printed value is exactly a number (so Excel can sum it), else the printed text."""
    value = cell.get("value", "")
    number = cell.get("number")
    if number is not None:
        try:
            float(value)
        except (TypeError, ValueError):
            return _clean(value)
        return number
    return _clean(value)


def _t2_columns() -> list[str]:
    cols: list[str] = []
    for b in schema.T2_BLOCKS:
        for tpl in ("2019", "2021"):
            for c in b.cols.get(tpl, ()):
                if c not in cols:
                    cols.append(c)
    return [c for c in schema.T2_COLUMNS if c in cols]


def write_xlsx(records: list[dict[str, Any]], path: str | Path) -> None:
    """Sheets: reports, t2, t3, t4, legacy (one row per report and table row), checks; failures in red."""
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill
    except ImportError as exc:  # pragma: no cover - openpyxl is a core dependency
        from ogi.errors import OptionalDependencyError

        raise OptionalDependencyError("XLSX output needs openpyxl: pip install openpyxl") from exc

    red = PatternFill(start_color=_RED, end_color=_RED, fill_type="solid")
    bold = Font(bold=True)
    wb = Workbook(write_only=True)

    def sheet(title: str, header: list[str]):  # noqa: ANN202
        ws = wb.create_sheet(title)
        row = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            row.append(c)
        ws.append(row)
        ws.freeze_panes = "A2"
        return ws

    def put(ws, values: list[Any], flagged: list[bool] | None = None) -> None:  # noqa: ANN001
        row = []
        for i, v in enumerate(values):
            c = WriteOnlyCell(ws, value=_clean(v))
            if flagged and flagged[i]:
                c.fill = red
            row.append(c)
        ws.append(row)

    reports = sheet("reports", ["id", "path", "status", "template", "year", "n_failed_checks", "errors"])
    t2_cols = _t2_columns()
    t2 = sheet("t2", ["id", "item", "row", *t2_cols])
    t3 = sheet("t3", ["id", "row", *schema.T3_COL_KEYS])
    t4 = sheet("t4", ["id", *schema.T4_CELL_COLS])
    legacy = sheet("legacy", ["id", "label", "value"])
    checks = sheet("checks", ["id", "name", "status", "left", "right", "detail"])

    t2_rows = [(b.key, r.key) for b in schema.T2_BLOCKS for r in b.rows]
    for rec in records:
        rid = rec.get("id", "")
        cells: dict[str, dict[str, Any]] = rec.get("cells") or {}
        bad = _failed_cells(rec)
        n_failed = _n_failed(rec)
        put(
            reports,
            [rid, rec.get("path", ""), rec.get("status", ""), rec.get("template", ""), rec.get("year"), n_failed, _errors(rec)],
            [False, False, rec.get("status") == "failed", False, False, n_failed > 0, False],
        )
        for item, row in t2_rows:
            keys = [f"t2.{item}.{row}.{c}" for c in t2_cols]
            if any(k in cells for k in keys):
                put(t2, [rid, item, row, *(_cell_value(cells[k]) if k in cells else None for k in keys)],
                    [False] * 3 + [k in bad for k in keys])
        for row in schema.T3_ROW_KEYS:
            keys = [f"t3.{row}.{c}" for c in schema.T3_COL_KEYS]
            if any(k in cells for k in keys):
                put(t3, [rid, row, *(_cell_value(cells[k]) if k in cells else None for k in keys)],
                    [False] * 2 + [k in bad for k in keys])
        keys = [f"t4.{c}" for c in schema.T4_CELL_COLS]
        if any(k in cells for k in keys):
            put(t4, [rid, *(_cell_value(cells[k]) if k in cells else None for k in keys)], [False] + [k in bad for k in keys])
        for k in sorted(k for k in cells if k.startswith("legacy.")):
            put(legacy, [rid, k[len("legacy."):], _cell_value(cells[k])], [False, False, k in bad])
        for c in rec.get("checks") or []:
            failed = c.get("status") == "fail"
            put(checks, [rid, c.get("name"), c.get("status"), c.get("left"), c.get("right"), c.get("detail", "")],
                [failed] * 6)

    with atomic_open(path, mode="wb") as fh:
        wb.save(fh)
