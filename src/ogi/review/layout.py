"""The template tables as grids of cell keys, for showing a record laid out like the printed report.

Built from :mod:`ogi.schema` only (rows, columns, labels per template), so a template change there
shows here without edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ogi import schema


@dataclass
class Grid:
    """One printed table: a title, column headings and rows of ``(row label, [cell key or None])``.

    ``groups``: an optional header row above the columns, ``(heading, span)`` pairs (table 4's groups).
    """

    id: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[str | None]]]
    groups: list[tuple[str, int]] = field(default_factory=list)


def _tpl(record: dict[str, Any]) -> str:
    tpl = str(record.get("template") or "")
    return tpl if tpl in ("2019", "2021", "legacy") else "2019"


def grids(record: dict[str, Any]) -> list[Grid]:
    """The tables of a record's template (2019, 2021 or legacy), plus a grid of cells they do not hold."""
    tpl = _tpl(record)
    cells = record.get("cells") or {}
    out: list[Grid] = []
    if tpl in ("2019", "2021"):
        for block, rows in schema.t2_layout(tpl):
            cols = list(block.cols[tpl])
            out.append(Grid(
                f"t2-{block.key}", f"表二 第二十条第（{block.numeral}）项",
                [schema.T2_COLUMNS[c].label for c in cols],
                [(r.label, [f"t2.{block.key}.{r.key}.{c}" for c in cols]) for r in rows],
            ))
        out.append(Grid(
            "t3", "表三 收到和处理政府信息公开申请情况", [c.label for c in schema.T3_COLUMNS],
            [(schema.T3_ROW_BY_KEY[r].label, [f"t3.{r}.{c}" for c in schema.T3_COL_KEYS]) for r in schema.t3_rows(tpl)],
        ))
        out.append(Grid(
            "t4", "表四 政府信息公开行政复议、行政诉讼情况",
            [c.label for _ in schema.T4_GROUPS for c in schema.T4_COLUMNS],
            [("", [f"t4.{g}.{c}" for g in schema.T4_GROUP_KEYS for c in schema.T4_COL_KEYS])],
            [(g.label, len(schema.T4_COLUMNS)) for g in schema.T4_GROUPS],
        ))
    legacy = [k for k in cells if k.startswith("legacy.")]
    if tpl == "legacy" or legacy:
        out.append(Grid("legacy", "政府信息公开情况统计表", ["统计数"], [(k[len("legacy."):], [k]) for k in legacy]))
    shown = {k for g in out for _, keys in g.rows for k in keys if k}
    other = [k for k in cells if k not in shown]
    if other:
        out.append(Grid("other", "模板外的单元格 (cells outside this template)", ["值"], [(k, [k]) for k in other]))
    return out


def cell_label(key: str) -> str:
    """A readable name of a cell key: "（一）予以公开 · 自然人", "行政复议 · 总计"."""
    parts = key.split(".")
    try:
        if parts[0] == "t3":
            row, col = ".".join(parts[1:-1]), parts[-1]
            return f"{schema.T3_ROW_BY_KEY[row].label} · {next(c.label for c in schema.T3_COLUMNS if c.key == col)}"
        if parts[0] == "t4":
            g = next(x.label for x in schema.T4_GROUPS if x.key == parts[1])
            c = next(x.label for x in schema.T4_COLUMNS if x.key == parts[2])
            return f"{g} · {c}"
        if parts[0] == "t2":
            block = schema.T2_BLOCK_BY_KEY[parts[1]]
            row = next(r.label for r in block.rows if r.key == parts[2])
            return f"{row} · {schema.T2_COLUMNS[parts[3]].label}"
    except (KeyError, StopIteration):
        pass
    if parts[0] == "legacy":
        return key[len("legacy."):]
    return key


def table_keys(record: dict[str, Any]) -> dict[str, list[str]]:
    """The cell keys of each table (t2, t3, t4) of a record's template: where a value may be moved.

    A legacy record has none (its 统计表 rows are free text). The page lists a cell's own row first.
    """
    tpl = _tpl(record)
    if tpl == "legacy":
        return {}
    out: dict[str, list[str]] = {}
    for k in schema.all_cell_keys(tpl):
        out.setdefault(k.split(".")[0], []).append(k)
    return out


def move_targets(record: dict[str, Any], key: str) -> list[str]:
    """Cell keys a value may move to: the same row's other columns first, then the rest of its table."""
    keys = table_keys(record).get(key.split(".")[0], [])
    row = key.rsplit(".", 1)[0]
    same_row = [k for k in keys if k != key and k.rsplit(".", 1)[0] == row]
    return same_row + [k for k in keys if k != key and k not in same_row]
