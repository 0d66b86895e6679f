"""Flat exports of ``ogi tag`` records (SCHEMA.md) for spreadsheets and pandas, written atomically.

* CSV (``write_csv``): one row per report, one column per canonical key holding the cell's ``number``
  (counts as printed; amounts in 万元; 增/减 signed, see ``ogi.units``), blank where the cell is blank or
  not a number, so every cell column loads as numbers. Beside it, ``<name>.cells.csv`` (the companion):
  one row per cell with the printed ``value``, ``number``, unit, ``confidence``, ``ambiguous``, line and
  span. ``headers="zh"`` writes the schema's Chinese labels as column headers instead of the keys.
* XLSX (``write_xlsx``): sheets reports, t2, t3, t4, legacy (numbers), cells (the companion), checks and
  cross_year (``ogi.checks.cross_year_checks`` over the records);
  the header row is frozen, columns have widths, cells of a failed check are red, ambiguous cells yellow.
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
from ogi.output import atomic_open, record_line
from ogi.units import unit_of

LEAD_COLUMNS = (
    "id", "path", "status", "template", "year", "n_sections", "n_failed_checks", "errors",
    "agency", "title", "published", "n_cells", "n_ambiguous", "min_confidence",
)
CELL_COLUMNS = ("id", "key", "value", "number", "unit", "confidence", "ambiguous", "source", "line", "span_start", "span_end")
HEADER_LANGS = ("en", "zh")

# Chinese headers of the lead and companion columns (the cell columns take the schema's labels).
ZH_LABELS = {
    "id": "编号", "path": "文件", "status": "状态", "template": "模板", "year": "年度", "n_sections": "章节数",
    "n_failed_checks": "未通过检查数", "errors": "错误", "agency": "机关", "title": "标题", "published": "发布日期",
    "n_cells": "单元格数", "n_ambiguous": "存疑单元格数", "min_confidence": "最低置信度", "key": "键",
    "label": "项目", "value": "印刷值", "number": "数值", "unit": "单位", "confidence": "置信度",
    "ambiguous": "存疑", "source": "来源", "line": "行", "span_start": "起始位置", "span_end": "结束位置",
    "item": "项", "row": "行项目", "name": "检查", "left": "左侧", "right": "右侧", "detail": "说明",
}

# Characters XLSX (XML 1.0) cannot hold: openpyxl raises on them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RED = "FFC7CE"
_YELLOW = "FFEB9C"
_T3_GROUP_LABEL = {"denied": "（三）不予公开", "unavailable": "（四）无法提供", "not_processed": "（五）不予处理", "other": "（六）其他处理"}


def _short(label: str) -> str:
    """A printed label without its parenthetical remark ("部分公开(区分处理的，只计这一情形…)" → "部分公开")."""
    return re.sub(r"[（(][^（()）]*[，,][^（()）]*[)）]$", "", label)


def cell_label(key: str) -> str:
    """The Chinese label of a canonical key, unique over the schema ("表三·一、本年新收政府信息公开申请数量·自然人")."""
    parts = key.split(".")
    if parts[0] == "legacy":
        return "统计表·" + key[len("legacy."):]
    if parts[0] == "t2" and len(parts) == 4:
        block = schema.T2_BLOCK_BY_KEY.get(parts[1])
        row = next((r for r in block.rows if r.key == parts[2]), None) if block else None
        col = schema.T2_COLUMNS.get(parts[3])
        if block and row and col:
            unit = "(万元)" if unit_of(key) and "万元" not in col.label else ""
            return f"表二·第二十条第（{block.numeral}）项·{row.label}·{col.label}{unit}"
    if parts[0] == "t3" and len(parts) >= 3:
        row = schema.T3_ROW_BY_KEY.get(".".join(parts[1:-1]))
        col = next((c for c in schema.T3_COLUMNS if c.key == parts[-1]), None)
        if row and col:
            group = _T3_GROUP_LABEL.get(parts[1], "") if len(parts) == 4 else ""
            text = row.aliases[0] if parts[1] == "other" and len(parts) == 4 else _short(row.label)
            return "表三·" + (group + "·" if group else "") + text + "·" + col.label
    if parts[0] == "t4" and len(parts) == 3:
        group = next((g for g in schema.T4_GROUPS if g.key == parts[1]), None)
        col = next((c for c in schema.T4_COLUMNS if c.key == parts[2]), None)
        if group and col:
            kind = "行政复议" if group.key == "review" else "行政诉讼·" + group.label
            return f"表四·{kind}·{col.label}"
    return key


def header(names: Iterable[str], lang: str = "en") -> list[str]:
    """Column headers: the keys (``en``) or their Chinese labels (``zh``)."""
    if lang not in HEADER_LANGS:
        raise ValueError(f"headers must be one of {', '.join(HEADER_LANGS)}, got {lang!r}")
    if lang == "en":
        return list(names)
    return [ZH_LABELS.get(n) or cell_label(n) for n in names]


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


def _lead(rec: dict[str, Any]) -> list[Any]:
    """The lead columns of a report (``LEAD_COLUMNS`` order)."""
    cells = rec.get("cells") or {}
    confs = [c.get("confidence") for c in cells.values() if isinstance(c.get("confidence"), (int, float))]
    return [
        rec.get("id", ""), rec.get("path", ""), rec.get("status", ""), rec.get("template", ""),
        "" if rec.get("year") is None else rec["year"], len(rec.get("sections") or []), _n_failed(rec), _errors(rec),
        rec.get("agency", ""), rec.get("title", ""), rec.get("published", ""), len(cells),
        sum(1 for c in cells.values() if c.get("ambiguous")), min(confs) if confs else "",
    ]


def csv_columns(records: Iterable[dict[str, Any]]) -> list[str]:
    """The CSV header: lead columns, the canonical keys, then the legacy keys present (sorted)."""
    legacy = sorted({k for r in records for k in (r.get("cells") or {}) if k.startswith("legacy.")})
    return [*LEAD_COLUMNS, *canonical_keys(), *legacy]


def _number(cell: dict[str, Any] | None) -> Any:
    """A cell's number for a numeric column ('' when blank, a placeholder or text)."""
    if cell is None:
        return ""
    n = cell.get("number")
    return n if isinstance(n, (int, float)) and not isinstance(n, bool) else ""


def companion_path(path: str | Path) -> Path:
    """Where ``write_csv`` puts the per-cell companion of ``path``: ``out.csv`` → ``out.cells.csv``."""
    p = Path(path)
    return p.with_name(p.stem + ".cells.csv")


def cell_rows(records: Iterable[dict[str, Any]]) -> Iterable[list[Any]]:
    """One row per cell (``CELL_COLUMNS`` order), reports in order, cells in table order."""
    order = {k: i for i, k in enumerate(canonical_keys())}
    for rec in records:
        cells = rec.get("cells") or {}
        for key in sorted(cells, key=lambda k: (order.get(k, len(order)), k)):
            c = cells[key]
            span = c.get("span") or ["", ""]
            yield [rec.get("id", ""), key, c.get("value", ""), _number(c), unit_of(key) or "", c.get("confidence", ""),
                   bool(c.get("ambiguous")), c.get("source", ""), c.get("line", ""), span[0], span[1]]


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(text: str) -> bool:
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def csv_text(v: Any) -> Any:
    """A CSV cell a spreadsheet will not run as a formula: text starting with = + - @ (or a tab or CR)
    gets a leading apostrophe (OWASP's advice); numbers such as "-3" stay as they are."""
    if isinstance(v, str) and v.startswith(_FORMULA_START) and not _is_number(v):
        return "'" + v
    return v


class _SafeWriter:
    """``csv.writer`` whose cells pass through ``csv_text`` (file names and cell text can start with "=")."""

    def __init__(self, fh: Any) -> None:
        self._w = csv.writer(fh, lineterminator="\r\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._w.writerow([csv_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def write_csv(records: list[dict[str, Any]], path: str | Path, *, headers: str = "en", companion: bool = True) -> None:
    """One row per report, one numeric column per canonical key (UTF-8 with BOM); and its companion.

    ``headers``: ``en`` (the keys) or ``zh`` (the schema's Chinese labels). ``companion``: also write
    ``companion_path(path)``, one row per cell with the printed value, confidence and ambiguity.
    """
    columns = csv_columns(records)
    names = header(columns, headers)
    n_lead = len(LEAD_COLUMNS)
    with atomic_open(path, encoding="utf-8-sig") as fh:
        w = _SafeWriter(fh)
        w.writerow(names)
        for rec in records:
            cells = rec.get("cells") or {}
            w.writerow(_lead(rec) + [_number(cells.get(k)) for k in columns[n_lead:]])
    if companion:
        with atomic_open(companion_path(path), encoding="utf-8-sig") as fh:
            w = _SafeWriter(fh)
            w.writerow(header(CELL_COLUMNS, headers))
            w.writerows(cell_rows(records))


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------

def check_cells(name: str, template: str | None = None) -> set[str]:
    """Cell keys a check is about: ``t3.row_total.granted`` → every cell of row granted, and so on."""
    tpl = template if template in ("2019", "2021") else "2019"
    parts = name.split(".", 2)
    if name.startswith(("value.non_numeric.", "value.negative.")):
        return {parts[2]}
    if name.startswith("prose."):
        return {name[len("prose."):]}
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
    """The cell's number in its column's unit (so Excel can sum it), else the printed text ("/", "无")."""
    number = _number(cell)
    return number if number != "" else _clean(cell.get("value", ""))


def _t2_columns() -> list[str]:
    cols: list[str] = []
    for b in schema.T2_BLOCKS:
        for tpl in ("2019", "2021"):
            for c in b.cols.get(tpl, ()):
                if c not in cols:
                    cols.append(c)
    return [c for c in schema.T2_COLUMNS if c in cols]


def _width(values: Iterable[Any]) -> float:
    """A column width that shows the longest of ``values`` (CJK characters count double), within 8–60."""
    def w(v: Any) -> int:
        text = "" if v is None else str(v)
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    return float(min(60, max(8, max((w(v) for v in values), default=0) + 2)))


def write_xlsx(records: list[dict[str, Any]], path: str | Path, *, headers: str = "en") -> None:
    """Sheets: reports, t2, t3, t4, legacy (one row per report and table row), cells, checks, cross_year.

    Table sheets hold numbers (``_cell_value``); red marks the cells of a failed check, yellow the
    ambiguous ones. ``headers``: ``en`` (keys) or ``zh`` (Chinese labels, rows named by their labels).
    """
    try:
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Font, PatternFill
        from openpyxl.utils import get_column_letter
    except ImportError as exc:  # pragma: no cover - openpyxl is a core dependency
        from ogi.errors import OptionalDependencyError

        raise OptionalDependencyError("XLSX output needs openpyxl: pip install openpyxl") from exc

    zh = headers == "zh"
    header(LEAD_COLUMNS, headers)  # refuses an unknown language before anything is written
    red = PatternFill(start_color=_RED, end_color=_RED, fill_type="solid")
    yellow = PatternFill(start_color=_YELLOW, end_color=_YELLOW, fill_type="solid")
    bold = Font(bold=True)
    # Write-only sheets stream rows to disk: freeze panes and column widths are written with the sheet's
    # header XML, at the first append, so every row is gathered first and each sheet written whole.
    sheets: dict[str, tuple[list[str], list[tuple[list[Any], list[Any]]]]] = {}

    def sheet(title: str, names: list[str]) -> str:
        sheets[title] = (names, [])
        return title

    def put(title: str, values: list[Any], fills: list[Any] | None = None) -> None:
        sheets[title][1].append(([_clean(v) for v in values], fills or [None] * len(values)))

    def fill(key: str, bad: set[str], cells: dict[str, dict[str, Any]]) -> Any:
        if key in bad:
            return red
        return yellow if key in cells and cells[key].get("ambiguous") else None

    def row_name(table: str, key: str) -> str:
        if not zh:
            return key
        if table == "t2":
            return next((r.label for b in schema.T2_BLOCKS for r in b.rows if r.key == key), key)
        row = schema.T3_ROW_BY_KEY.get(key)
        return _short(row.label) if row else key

    t2_cols = _t2_columns()
    reports = sheet("reports", header(LEAD_COLUMNS, headers))
    t2 = sheet("t2", header(["id", "item", "row"], headers) + [schema.T2_COLUMNS[c].label if zh else c for c in t2_cols])
    t3 = sheet("t3", header(["id", "row"], headers) + (list(schema.T3_COL_KEYS) if not zh else [c.label for c in schema.T3_COLUMNS]))
    t4 = sheet("t4", header(["id"], headers) + (list(schema.T4_CELL_COLS) if not zh else [cell_label("t4." + c)[3:] for c in schema.T4_CELL_COLS]))
    legacy = sheet("legacy", header(["id", "label", "number"], headers))
    cells_sheet = sheet("cells", header(CELL_COLUMNS, headers))
    checks = sheet("checks", header(["id", "name", "status", "left", "right", "detail"], headers))
    cross_cols = ["id", "previous_id", "agency", "year", "previous_year", "name", "status", "left", "right", "ambiguous", "blank", "detail"]
    cross_sheet = sheet("cross_year", header(cross_cols, headers) if not zh else
                        header(["id"], headers) + ["上年报告", "机关", "年度", "上一年度", "检查", "状态", "本年", "上年", "存疑", "空白按0", "说明"])

    t2_rows = [(b, r.key) for b in schema.T2_BLOCKS for r in b.rows]
    for rec in records:
        rid = rec.get("id", "")
        cells: dict[str, dict[str, Any]] = rec.get("cells") or {}
        bad = _failed_cells(rec)
        lead = _lead(rec)
        put(reports, lead, [None, None, red if rec.get("status") == "failed" else None, None, None, None,
                            red if lead[6] else None] + [None] * (len(lead) - 7))
        for b, row in t2_rows:
            keys = [f"t2.{b.key}.{row}.{c}" for c in t2_cols]
            if any(k in cells for k in keys):
                item = f"第二十条第（{b.numeral}）项" if zh else b.key
                put(t2, [rid, item, row_name("t2", row), *(_cell_value(cells[k]) if k in cells else None for k in keys)],
                    [None] * 3 + [fill(k, bad, cells) for k in keys])
        for row in schema.T3_ROW_KEYS:
            keys = [f"t3.{row}.{c}" for c in schema.T3_COL_KEYS]
            if any(k in cells for k in keys):
                put(t3, [rid, row_name("t3", row), *(_cell_value(cells[k]) if k in cells else None for k in keys)],
                    [None] * 2 + [fill(k, bad, cells) for k in keys])
        keys = [f"t4.{c}" for c in schema.T4_CELL_COLS]
        if any(k in cells for k in keys):
            put(t4, [rid, *(_cell_value(cells[k]) if k in cells else None for k in keys)], [None] + [fill(k, bad, cells) for k in keys])
        for k in sorted(k for k in cells if k.startswith("legacy.")):
            put(legacy, [rid, k[len("legacy."):], _cell_value(cells[k])], [None, None, fill(k, bad, cells)])
        for c in rec.get("checks") or []:
            failed = c.get("status") == "fail"
            put(checks, [rid, c.get("name"), c.get("status"), c.get("left"), c.get("right"), c.get("detail", "")],
                [red if failed else None] * 6)
    for values in cell_rows(records):
        put(cells_sheet, values, [yellow if values[6] else None] * len(values))
    from ogi.checks import cross_year_checks

    for c in cross_year_checks(records):  # this year's report against last year's, one agency at a time
        put(cross_sheet, [c[k] for k in cross_cols], [red if c["status"] == "fail" else None] * len(cross_cols))

    wb = Workbook(write_only=True)
    for title, (names, rows) in sheets.items():
        ws = wb.create_sheet(title)
        ws.freeze_panes = "B2"  # before the first append: write-only sheets write their views then
        for i, name in enumerate(names):
            ws.column_dimensions[get_column_letter(i + 1)].width = _width([name, *(r[0][i] for r in rows[:2000])])
        head = []
        for name in names:
            c = WriteOnlyCell(ws, value=_clean(name))
            c.font = bold
            head.append(c)
        ws.append(head)
        for values, fills in rows:
            out = []
            for v, f in zip(values, fills, strict=True):
                c = WriteOnlyCell(ws, value=v)
                if c.data_type == "f":  # openpyxl makes any "=..." string a formula: keep it text
                    c.data_type = "s"
                if f is not None:
                    c.fill = f
                out.append(c)
            ws.append(out)

    with atomic_open(path, mode="wb") as fh:
        wb.save(fh)


def write_records(records: list[dict[str, Any]], path: str | Path, keep_lines: list[str] | None = None) -> None:
    """Write records to ``path`` by its suffix (.jsonl/.json, .csv, .xlsx), atomically.

    ``keep_lines``: JSONL lines of an earlier run kept in front (``--resume``).
    """
    suffix = Path(path).suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson", ""):
        with atomic_open(path) as fh:
            for line in keep_lines or []:
                fh.write(line + "\n")
            for rec in records:
                fh.write(record_line(rec) + "\n")
        return
    if keep_lines:
        records = [json.loads(line) for line in keep_lines] + records
    if suffix == ".csv":
        write_csv(records, path)
    elif suffix == ".xlsx":
        write_xlsx(records, path)
    else:
        raise ValueError(f"{path}: unsupported output format {suffix!r}; use .jsonl, .csv or .xlsx")
